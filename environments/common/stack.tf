# Linked into environments/{dev,staging,prod}: the one call of the stack. An environment's main.tf names
# the environment and sets local.settings, only what differs from the stack's production defaults; the
# deployment inputs (variables.tf) are passed through. null means "not set here": the stack's default.

locals {
  # What main.tf may set. Any other key is a typo that would otherwise be ignored: output "stack" refuses it.
  setting_names = [
    "deletion_protection", "promoted_artifact_only", "uploads_retention_days", "biometrics_retention_days",
    "textract_output_retention_days", "log_retention_days", "kms_deletion_window_in_days", "waf_enabled", "waf_anonymous_ip_action",
    "alarms_enabled", "api_throttling", "lambda_memory_size", "identity", "web_origins", "amplify_branch_name",
    "amplify_branch_stage", "audit_retention_days", "waf_token_rate_limit", "function_reserved_concurrency",
    "personal_data_retention_days", "evidence_retention_days", "quotas", "longest_job_seconds", "erasure_sweep_schedule",
  ]

  # The operator's Cognito mail and MFA inputs win over the environment's identity settings when set.
  identity_inputs = {
    for name, value in {
      mfa_configuration      = var.mfa_configuration
      ses_email_identity_arn = var.ses_email_identity_arn
      from_email_address     = var.from_email_address
    } : name => value if value != null
  }
}

module "stack" {
  source = "../../terraform"

  environment = local.environment
  name_prefix = coalesce(var.name_prefix, "lendverify-${local.environment}")
  web_origins = var.web_origins != null ? var.web_origins : try(local.settings.web_origins, null)
  thresholds  = var.thresholds
  quotas      = try(local.settings.quotas, null)

  artifact = {
    local_path = var.artifact_local_path
    s3_bucket  = var.artifact_s3_bucket
    s3_key     = var.artifact_s3_key
    sha256     = var.artifact_sha256
  }
  promoted_artifact_only = try(local.settings.promoted_artifact_only, null)

  deletion_protection            = try(local.settings.deletion_protection, null)
  uploads_retention_days         = try(local.settings.uploads_retention_days, null)
  biometrics_retention_days      = try(local.settings.biometrics_retention_days, null)
  textract_output_retention_days = try(local.settings.textract_output_retention_days, null)
  log_retention_days             = try(local.settings.log_retention_days, null)
  kms_deletion_window_in_days    = try(local.settings.kms_deletion_window_in_days, null)
  audit_retention_days           = try(local.settings.audit_retention_days, null)
  personal_data_retention_days   = try(local.settings.personal_data_retention_days, null)
  evidence_retention_days        = try(local.settings.evidence_retention_days, null)
  longest_job_seconds            = try(local.settings.longest_job_seconds, null)
  erasure_sweep_schedule         = try(local.settings.erasure_sweep_schedule, null)
  waf_enabled                    = try(local.settings.waf_enabled, null)
  waf_anonymous_ip_action        = try(local.settings.waf_anonymous_ip_action, null)
  waf_token_rate_limit           = try(local.settings.waf_token_rate_limit, null)
  function_reserved_concurrency  = try(local.settings.function_reserved_concurrency, null)
  alarms_enabled                 = try(local.settings.alarms_enabled, null)
  api_throttling                 = var.api_throttling != null ? var.api_throttling : try(local.settings.api_throttling, null)
  lambda_memory_size             = try(local.settings.lambda_memory_size, null)
  identity                       = merge(try(local.settings.identity, {}), local.identity_inputs)

  api_manage_account_logging_role = var.api_manage_account_logging_role
  alarm_email_addresses           = var.alarm_email_addresses
  s3_access_log_bucket            = var.s3_access_log_bucket
  key_admin_role_arn              = var.key_admin_role_arn
  key_metadata_reader_role_arns   = var.key_metadata_reader_role_arns
  break_glass_role_arn            = var.break_glass_role_arn
  webhook_endpoints               = var.webhook_endpoints

  amplify = {
    deployment_mode = var.amplify_deployment_mode
    repository_url  = var.amplify_repository_url
    branch_name     = local.settings.amplify_branch_name
    branch_stage    = local.settings.amplify_branch_stage
    primary_origin  = var.amplify_primary_origin
  }
  amplify_repository_access_token = var.amplify_repository_access_token
}

output "stack" {
  description = "Every output of the stack (terraform/outputs.tf), e.g. terraform output -json | jq .stack.value.api_url."
  value       = module.stack

  precondition {
    condition     = length(setsubtract(keys(local.settings), local.setting_names)) == 0
    error_message = "main.tf sets unknown settings: ${join(", ", setsubtract(keys(local.settings), local.setting_names))} (known: ${join(", ", local.setting_names)})."
  }
}
