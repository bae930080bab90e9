# LendVerify dev: throwaway development stack: cheap and fast to tear down.
module "stack" {
  source = "../../terraform"

  environment = "dev"
  name_prefix = var.name_prefix
  web_origins = var.web_origins
  thresholds  = var.thresholds

  artifact = {
    local_path = var.artifact_local_path
    s3_bucket  = var.artifact_s3_bucket
    s3_key     = var.artifact_s3_key
    sha256     = var.artifact_sha256
  }

  # Throwaway: everything can be destroyed with its data, short retention, no WAF/alarm cost.
  deletion_protection            = false
  uploads_retention_days         = 7
  biometrics_retention_days      = 1
  textract_output_retention_days = 7
  log_retention_days             = 14
  kms_deletion_window_in_days    = 7
  waf_enabled                    = false
  alarms_enabled                 = false
  api_throttling                 = { burst_limit = 20, rate_limit = 10 }
  lambda_memory_size             = 256

  identity = {
    # Threat protection needs the paid PLUS tier; dev applicants are testers.
    user_pool_tier         = "ESSENTIALS"
    threat_protection_mode = "OFF"
  }

  api_manage_account_logging_role = var.api_manage_account_logging_role
  alarm_email_addresses           = var.alarm_email_addresses
  s3_access_log_bucket            = var.s3_access_log_bucket

  amplify = {
    deployment_mode = var.amplify_deployment_mode
    repository_url  = var.amplify_repository_url
    branch_name     = "dev"
    branch_stage    = "DEVELOPMENT"
    primary_origin  = var.amplify_primary_origin
  }
  amplify_repository_access_token = var.amplify_repository_access_token
}
