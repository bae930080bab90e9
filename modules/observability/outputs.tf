output "alarm_topic_arn" {
  description = "ARN of the KMS-encrypted SNS topic every alarm notifies."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_topic_name" {
  description = "Name of the alarm topic."
  value       = aws_sns_topic.alarms.name
}

output "alarm_names" {
  description = "Names of every CloudWatch alarm the module created (empty when alarms_enabled is false)."
  value = concat(
    aws_cloudwatch_metric_alarm.dlq_depth[*].alarm_name,
    [for a in aws_cloudwatch_metric_alarm.lambda_errors : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.lambda_throttles : a.alarm_name],
    aws_cloudwatch_metric_alarm.api_5xx[*].alarm_name,
    aws_cloudwatch_metric_alarm.lending_topic_failed[*].alarm_name,
    aws_cloudwatch_metric_alarm.decision_dlq_depth[*].alarm_name,
    aws_cloudwatch_metric_alarm.decision_topic_failed[*].alarm_name,
  )
}
