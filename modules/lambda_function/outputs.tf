output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "ARN for API Gateway integrations (`uri` of an AWS_PROXY integration)."
  value       = aws_lambda_function.this.invoke_arn
}

output "role_arn" {
  description = "ARN of the execution role (e.g. for kms key_user_arns)."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the execution role."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "Name of the function's log group (`/aws/lambda/<function_name>`)."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "event_source_mapping_uuid" {
  description = "UUID of the SQS event source mapping, or null without sqs_event_source."
  value       = one(aws_lambda_event_source_mapping.sqs[*].uuid)
}

output "schedule_rule_arn" {
  description = "ARN of the EventBridge rule invoking the function on schedule_expression, or null without one."
  value       = one(aws_cloudwatch_event_rule.schedule[*].arn)
}
