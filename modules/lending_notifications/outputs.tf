output "topic_arn" {
  description = "ARN of the SNS topic Textract publishes completion to: `LENDING_TOPIC_ARN`."
  value       = module.topic_queue.topic_arn
}

output "topic_name" {
  description = "Name of the SNS topic (known at plan time, e.g. for the observability module's delivery-failure alarm)."
  value       = module.topic_queue.topic_name
}

output "queue_arn" {
  description = "ARN of the completion queue (event source of `lending-analysis-completed`)."
  value       = module.topic_queue.queue_arn
}

output "queue_url" {
  description = "URL of the completion queue."
  value       = module.topic_queue.queue_url
}

output "queue_name" {
  description = "Name of the completion queue."
  value       = module.topic_queue.queue_name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = module.topic_queue.dlq_arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = module.topic_queue.dlq_url
}

output "dlq_name" {
  description = "Name of the dead-letter queue (for a messages-visible alarm)."
  value       = module.topic_queue.dlq_name
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the completion queue (6 x consumer_timeout_seconds)."
  value       = module.topic_queue.visibility_timeout_seconds
}

output "textract_publish_role_arn" {
  description = "ARN of the role Textract assumes to publish: `TEXTRACT_PUBLISH_ROLE_ARN` (the start-lending-analysis function needs iam:PassRole on it)."
  value       = aws_iam_role.textract_publish.arn
}

output "textract_publish_role_name" {
  description = "Name of the Textract publish role."
  value       = aws_iam_role.textract_publish.name
}
