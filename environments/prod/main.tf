# LendVerify prod: the stack's production defaults (terraform/variables.tf: deletion protection, PITR,
# WAF, alarms, a promoted artifact only, S3 access logs, the longest key deletion window), plus seven
# years of logs and MFA ON for every applicant. The stack call, the provider and the deployment inputs
# are shared by every AWS environment (environments/common, linked); there, prod also refuses an empty
# allowed_account_ids and an mfa_configuration input other than ON.
locals {
  environment = "prod"

  settings = {
    # 2557 days: the CloudWatch Logs value that matches typical lending record-keeping periods.
    log_retention_days = 2557
    # Sized to the lender's volume: override with api_throttling in terraform.tfvars.
    api_throttling       = { burst_limit = 200, rate_limit = 100 }
    amplify_branch_name  = "main"
    amplify_branch_stage = "PRODUCTION"
    # Every applicant enrols a TOTP authenticator (modules/identity mfa_configuration); the operator's
    # mfa_configuration input may not lower it (environments/common/variables.tf).
    identity = { mfa_configuration = "ON" }
  }
}
