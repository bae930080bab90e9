output "handler_environment" {
  description = "Environment variables of the handlers (handlers/README.md, Configuration) with this root's real values; the local stage adds AWS_ENDPOINT_URL* and S3_FORCE_PATH_STYLE itself."
  value       = module.stateful.handler_environment
}

output "moto_endpoint" {
  description = "The moto endpoint these resources live in."
  value       = var.moto_endpoint
}

output "region" {
  description = "Region of every resource (moto's default account 123456789012)."
  value       = module.stateful.cognito_region
}

output "user_pool_id" {
  description = "Cognito user pool the local stage verifies JWTs against."
  value       = module.stateful.user_pool_id
}

output "user_pool_client_id" {
  description = "Public web client of the user pool."
  value       = module.stateful.user_pool_client_id
}

output "identity_pool_id" {
  description = "Cognito identity pool."
  value       = module.stateful.identity_pool_id
}

output "issuer_url" {
  description = "Issuer of the pool's tokens as the real service names it (moto's tokens carry moto's own iss)."
  value       = module.stateful.issuer_url
}

output "queue_url" {
  description = "Completion queue the local stage drains (in place of the Lambda event source)."
  value       = module.stateful.lending_queue_url
}

output "queue_arn" {
  description = "ARN of the completion queue."
  value       = module.stateful.lending_queue_arn
}

output "dlq_url" {
  description = "Dead-letter queue of the completion queue."
  value       = module.stateful.lending_dlq_url
}

output "decision_queue_url" {
  description = "Deliveries queue the local stage drains for deliver-decision-events (in place of the Lambda event source)."
  value       = module.stateful.decision_queue_url
}

output "decision_queue_arn" {
  description = "ARN of the deliveries queue."
  value       = module.stateful.decision_queue_arn
}

output "decision_dlq_url" {
  description = "Dead-letter queue of the deliveries queue."
  value       = module.stateful.decision_dlq_url
}

output "decision_topic_arn" {
  description = "SNS topic decision events are published to."
  value       = module.stateful.decision_topic_arn
}

output "webhook_secret_arn" {
  description = "Secret holding the webhook signing key (whsec_...): the local receiver verifies with its value."
  value       = module.stateful.webhook_secret_arn
}

output "reviewers_group_name" {
  description = "Cognito group of reviewers (make token adds a user to it for the review routes)."
  value       = module.stateful.reviewers_group_name
}

output "audit_table_name" {
  description = "Audit table."
  value       = module.stateful.audit_table_name
}

output "table_name" {
  description = "Applications table."
  value       = module.stateful.table_name
}

output "bucket_names" {
  description = "Bucket per purpose (uploads, biometrics, textract_output)."
  value       = module.stateful.bucket_names
}
