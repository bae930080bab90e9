# LendVerify prod: production stack.
module "stack" {
  source = "../../terraform"

  environment = "prod"
  name_prefix = var.name_prefix
  web_origins = var.web_origins
  thresholds  = var.thresholds

  artifact = {
    s3_bucket = var.artifact_s3_bucket
    s3_key    = var.artifact_s3_key
    sha256    = var.artifact_sha256
  }

  # Production: deletion protection on the table, user pool and buckets (no force_destroy), PITR
  # (always on in the tables module), WAF, alarms, seven years of logs (2557 days: the CloudWatch Logs
  # value that matches typical lending record-keeping periods), the longest key deletion window.
  deletion_protection            = true
  uploads_retention_days         = 365
  biometrics_retention_days      = 30
  textract_output_retention_days = 365
  log_retention_days             = 2557
  kms_deletion_window_in_days    = 30
  waf_enabled                    = true
  alarms_enabled                 = true
  api_throttling                 = var.api_throttling
  lambda_memory_size             = 512

  identity = {
    mfa_configuration      = var.mfa_configuration
    user_pool_tier         = "PLUS"
    threat_protection_mode = "ENFORCED"
    ses_email_identity_arn = var.ses_email_identity_arn
    from_email_address     = var.from_email_address
  }

  api_manage_account_logging_role = var.api_manage_account_logging_role
  alarm_email_addresses           = var.alarm_email_addresses
  s3_access_log_bucket            = var.s3_access_log_bucket

  amplify = {
    deployment_mode = var.amplify_deployment_mode
    repository_url  = var.amplify_repository_url
    branch_name     = "main"
    branch_stage    = "PRODUCTION"
    primary_origin  = var.amplify_primary_origin
  }
  amplify_repository_access_token = var.amplify_repository_access_token
}
