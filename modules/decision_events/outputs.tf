output "topic_arn" {
  description = "ARN of the decision events topic: `DECISION_EVENTS_TOPIC_ARN` (the deciding functions need sns:Publish on it)."
  value       = module.topic_queue.topic_arn
}

output "topic_name" {
  description = "Name of the decision events topic (known at plan time, for the delivery-failure alarm)."
  value       = module.topic_queue.topic_name
}

output "queue_arn" {
  description = "ARN of the deliveries queue (event source of `deliver-decision-events`)."
  value       = module.topic_queue.queue_arn
}

output "queue_url" {
  description = "URL of the deliveries queue (the local stage drains it)."
  value       = module.topic_queue.queue_url
}

output "queue_name" {
  description = "Name of the deliveries queue."
  value       = module.topic_queue.queue_name
}

output "dlq_arn" {
  description = "ARN of the deliveries dead-letter queue."
  value       = module.topic_queue.dlq_arn
}

output "dlq_url" {
  description = "URL of the deliveries dead-letter queue."
  value       = module.topic_queue.dlq_url
}

output "dlq_name" {
  description = "Name of the deliveries dead-letter queue (for a messages-visible alarm)."
  value       = module.topic_queue.dlq_name
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the deliveries queue (6 x dispatcher_timeout_seconds)."
  value       = module.topic_queue.visibility_timeout_seconds
}

output "webhook_secret_arn" {
  description = "ARN of the webhook signing secret: `WEBHOOK_SECRET_ARN` (the dispatcher needs secretsmanager:GetSecretValue on it)."
  value       = aws_secretsmanager_secret.webhook_signing.arn
}

output "webhook_secret_name" {
  description = "Name of the webhook signing secret (aws secretsmanager get-secret-value --secret-id <name> to hand it to a receiver)."
  value       = aws_secretsmanager_secret.webhook_signing.name
}
