# LendVerify staging: pre-production stack: production settings with shorter retention.
module "stack" {
  source = "../../terraform"

  environment = "staging"
  name_prefix = var.name_prefix
  web_origins = var.web_origins
  thresholds  = var.thresholds

  artifact = {
    s3_bucket = var.artifact_s3_bucket
    s3_key    = var.artifact_s3_key
    sha256    = var.artifact_sha256
  }

  # Production-like protection so promotion exercises the same resources; shorter S3 retention, and a
  # year of logs (the minimum for any environment that handles applicant data).
  deletion_protection            = true
  uploads_retention_days         = 90
  biometrics_retention_days      = 7
  textract_output_retention_days = 90
  log_retention_days             = 365
  kms_deletion_window_in_days    = 30
  waf_enabled                    = true
  alarms_enabled                 = true
  api_throttling                 = { burst_limit = 50, rate_limit = 25 }
  lambda_memory_size             = 512

  api_manage_account_logging_role = var.api_manage_account_logging_role
  alarm_email_addresses           = var.alarm_email_addresses
  s3_access_log_bucket            = var.s3_access_log_bucket

  amplify = {
    deployment_mode = var.amplify_deployment_mode
    repository_url  = var.amplify_repository_url
    branch_name     = "staging"
    branch_stage    = "BETA"
    primary_origin  = var.amplify_primary_origin
  }
  amplify_repository_access_token = var.amplify_repository_access_token
}
