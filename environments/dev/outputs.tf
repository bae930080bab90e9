output "api_url" {
  description = "Invoke URL of the API stage."
  value       = module.stack.api_url
}

output "web_origin" {
  description = "Origin the front end is served from (API CORS origin, ALLOWED_ORIGIN)."
  value       = module.stack.web_origin
}

output "user_pool_id" {
  description = "Applicant Cognito user pool."
  value       = module.stack.user_pool_id
}

output "user_pool_client_id" {
  description = "Public web client of the user pool."
  value       = module.stack.user_pool_client_id
}

output "identity_pool_id" {
  description = "Cognito identity pool (Face Liveness streaming credentials)."
  value       = module.stack.identity_pool_id
}

output "uploads_bucket_name" {
  description = "Uploads bucket."
  value       = module.stack.uploads_bucket_name
}

output "biometrics_bucket_name" {
  description = "Biometrics bucket."
  value       = module.stack.biometrics_bucket_name
}

output "textract_output_bucket_name" {
  description = "Textract output bucket."
  value       = module.stack.textract_output_bucket_name
}

output "table_name" {
  description = "Applications table."
  value       = module.stack.table_name
}

output "lending_topic_arn" {
  description = "Textract completion topic."
  value       = module.stack.lending_topic_arn
}

output "lending_queue_url" {
  description = "Completion queue URL."
  value       = module.stack.lending_queue_url
}

output "lending_queue_arn" {
  description = "Completion queue ARN."
  value       = module.stack.lending_queue_arn
}

output "lending_dlq_url" {
  description = "Dead-letter queue URL."
  value       = module.stack.lending_dlq_url
}

output "function_names" {
  description = "Lambda function per handler."
  value       = module.stack.function_names
}

output "amplify_app_id" {
  description = "Amplify app (aws amplify create-deployment --app-id)."
  value       = module.stack.amplify_app_id
}

output "amplify_branch_name" {
  description = "Amplify branch of this environment."
  value       = module.stack.amplify_branch_name
}

output "web_config_json" {
  description = "The front end's config.json for this environment (make web-deploy writes it next to the one web/ build)."
  value       = module.stack.web_config_json
}

output "alarm_topic_arn" {
  description = "Alarm topic."
  value       = module.stack.alarm_topic_arn
}

output "handler_environment" {
  description = "Environment variables of every function."
  value       = module.stack.handler_environment
}
