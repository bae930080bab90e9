output "topic_arn" {
  description = "ARN of the SNS topic Textract publishes completion to: `LENDING_TOPIC_ARN`."
  value       = aws_sns_topic.this.arn
}

output "topic_name" {
  description = "Name of the SNS topic (known at plan time, e.g. for the observability module's delivery-failure alarm)."
  value       = aws_sns_topic.this.name
}

output "queue_arn" {
  description = "ARN of the completion queue (event source of `lending-analysis-completed`)."
  value       = aws_sqs_queue.this.arn
}

output "queue_url" {
  description = "URL of the completion queue."
  value       = aws_sqs_queue.this.url
}

output "queue_name" {
  description = "Name of the completion queue."
  value       = aws_sqs_queue.this.name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_name" {
  description = "Name of the dead-letter queue (for a messages-visible alarm)."
  value       = aws_sqs_queue.dlq.name
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the completion queue (6 x consumer_timeout_seconds)."
  value       = aws_sqs_queue.this.visibility_timeout_seconds
}

output "textract_publish_role_arn" {
  description = "ARN of the role Textract assumes to publish: `TEXTRACT_PUBLISH_ROLE_ARN` (the start-lending-analysis function needs iam:PassRole on it)."
  value       = aws_iam_role.textract_publish.arn
}

output "textract_publish_role_name" {
  description = "Name of the Textract publish role."
  value       = aws_iam_role.textract_publish.name
}
