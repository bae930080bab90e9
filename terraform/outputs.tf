output "api_url" {
  description = "Invoke URL of the API stage (https://<id>.execute-api.<region>.amazonaws.com/<stage>)."
  value       = module.api.invoke_url
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.api.rest_api_id
}

output "web_acl_arn" {
  description = "ARN of the WAFv2 web ACL protecting the API stage, or null when WAF is off."
  value       = module.api.web_acl_arn
}

output "user_pool_id" {
  description = "ID of the applicant Cognito user pool."
  value       = module.stateful.user_pool_id
}

output "user_pool_client_id" {
  description = "ID of the public web app client of the user pool."
  value       = module.stateful.user_pool_client_id
}

output "identity_pool_id" {
  description = "ID of the Cognito identity pool (Face Liveness streaming credentials)."
  value       = module.stateful.identity_pool_id
}

output "cognito_region" {
  description = "Region of the Cognito pools."
  value       = module.stateful.cognito_region
}

output "kms_key_arn" {
  description = "ARN of the operations key (log groups, topics, queues, the webhook secret, function environment)."
  value       = module.stateful.key_arn
}

output "data_kms_key_arn" {
  description = "ARN of the data key (every bucket, the tables): biometric, identity and financial data."
  value       = module.stateful.data_key_arn
}

output "key_user_role_arns" {
  description = "The roles each key policy names through aws:PrincipalArn (the Textract publish role is added to the operations key in modules/stateful)."
  value = {
    data       = [for handler in local.key_users.data : local.function_role_arns[handler]]
    operations = [for handler in local.key_users.operations : local.function_role_arns[handler]]
  }
}

output "biometrics_reader_role_arns" {
  description = "The function roles the biometrics bucket policy lets read images (beside the break-glass role)."
  value       = [for handler in local.biometrics_readers : local.function_role_arns[handler]]
}

output "function_schedules" {
  description = "Schedule expression per scheduled function (EventBridge rule -> function)."
  value       = local.schedules
}

output "uploads_bucket_name" {
  description = "Uploads bucket (ID images, lending packages)."
  value       = module.stateful.uploads_bucket_name
}

output "biometrics_bucket_name" {
  description = "Biometrics bucket (liveness reference and audit images)."
  value       = module.stateful.biometrics_bucket_name
}

output "textract_output_bucket_name" {
  description = "Textract lending output bucket."
  value       = module.stateful.textract_output_bucket_name
}

output "evidence_bucket_name" {
  description = "Evidence bucket (Object Lock GOVERNANCE): EVIDENCE_BUCKET."
  value       = module.stateful.evidence_bucket_name
}

output "table_name" {
  description = "DynamoDB applications table."
  value       = module.stateful.table_name
}

output "audit_table_name" {
  description = "DynamoDB audit table (append-only for every function)."
  value       = module.stateful.audit_table_name
}

output "audit_table_arn" {
  description = "ARN of the audit table."
  value       = module.stateful.audit_table_arn
}

output "decision_topic_arn" {
  description = "SNS topic decision events are published to."
  value       = module.stateful.decision_topic_arn
}

output "decision_queue_url" {
  description = "URL of the deliveries queue consumed by deliver-decision-events."
  value       = module.stateful.decision_queue_url
}

output "decision_dlq_url" {
  description = "URL of the deliveries dead-letter queue (webhooks no endpoint accepted)."
  value       = module.stateful.decision_dlq_url
}

output "webhook_secret_arn" {
  description = "ARN of the webhook signing secret (the lender's receivers verify with its value)."
  value       = module.stateful.webhook_secret_arn
}

output "reviewers_group_name" {
  description = "Cognito group whose members may use the review routes (aws cognito-idp admin-add-user-to-group)."
  value       = module.stateful.reviewers_group_name
}

output "lending_topic_arn" {
  description = "SNS topic Textract publishes lending completion to."
  value       = module.stateful.lending_topic_arn
}

output "lending_queue_arn" {
  description = "ARN of the completion queue consumed by lending-analysis-completed."
  value       = module.stateful.lending_queue_arn
}

output "lending_queue_url" {
  description = "URL of the completion queue."
  value       = module.stateful.lending_queue_url
}

output "lending_dlq_arn" {
  description = "ARN of the completion queue's dead-letter queue."
  value       = module.stateful.lending_dlq_arn
}

output "lending_dlq_url" {
  description = "URL of the completion queue's dead-letter queue."
  value       = module.stateful.lending_dlq_url
}

output "textract_publish_role_arn" {
  description = "Role Textract assumes to publish completion notifications."
  value       = module.stateful.textract_publish_role_arn
}

output "function_names" {
  description = "Lambda function name per handler."
  value       = { for name, f in module.functions : name => f.function_name }

  precondition {
    condition     = length(setsubtract(keys(var.function_reserved_concurrency), keys(local.functions))) == 0
    error_message = "function_reserved_concurrency names unknown functions: ${join(", ", setsubtract(keys(var.function_reserved_concurrency), keys(local.functions)))}."
  }
}

output "function_role_arns" {
  description = "Execution role ARN per handler."
  value       = { for name, f in module.functions : name => f.role_arn }
}

output "handler_environment" {
  description = "The environment variables every function receives (handlers/README.md, Configuration)."
  value       = module.stateful.handler_environment
}

output "iam_actions_by_function" {
  description = "IAM actions of each function's least-privilege statements (beyond the logs and X-Ray statements lambda_function adds), for review and tests."
  value       = { for name, statements in local.policy_statements : name => sort(distinct(flatten([for s in statements : s.actions]))) }
}

output "iam_statements_by_function" {
  description = "Each function's least-privilege statements as planned (sid, actions, resources), e.g. for the audit table's append-only test."
  value = {
    for name, statements in local.policy_statements : name => [
      for s in statements : { sid = s.sid, actions = sort(s.actions), resources = sort(s.resources) }
    ]
  }
}

output "protection" {
  description = "The data-protection switches this stack was planned with (what the environment tests assert)."
  value = {
    table_deletion_protection = var.deletion_protection
    buckets_force_destroy     = !var.deletion_protection
    user_pool_deletion        = var.deletion_protection
    waf_enabled               = module.api.web_acl_arn != null
    alarms_enabled            = var.alarms_enabled
    log_retention_days        = var.log_retention_days
    promoted_artifact_only    = var.promoted_artifact_only
    s3_access_logging         = var.s3_access_log_bucket != null
    audit_retention_days      = var.audit_retention_days
    personal_data_retention   = var.personal_data_retention_days
    evidence_retention        = module.stateful.retention_days.evidence
  }
}

output "web_origin" {
  description = "The app's primary origin: API CORS origin and the handlers' ALLOWED_ORIGIN."
  value       = local.primary_origin
}

output "amplify_app_id" {
  description = "ID of the Amplify app (aws amplify create-deployment --app-id)."
  value       = module.amplify_hosting.app_id
}

output "amplify_branch_name" {
  description = "Amplify branch of this environment."
  value       = module.amplify_hosting.branch_name
}

output "amplify_branch_url" {
  description = "URL the Amplify branch is served on."
  value       = module.amplify_hosting.branch_url
}

output "web_config_json" {
  description = "The front end's config.json for this environment (written next to the one web/ build when deploying)."
  value       = module.amplify_hosting.web_config_json
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = module.observability.alarm_topic_arn
}

output "alarm_names" {
  description = "CloudWatch alarms created (empty when alarms are off)."
  value       = module.observability.alarm_names
}
