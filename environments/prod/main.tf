# LendVerify prod: the stack's production defaults (terraform/variables.tf: deletion protection, PITR,
# WAF, alarms, a promoted artifact only, S3 access logs, the longest key deletion window), plus seven
# years of logs. The stack call, the provider and the deployment inputs are shared by every AWS
# environment (environments/common, linked).
locals {
  environment = "prod"

  settings = {
    # 2557 days: the CloudWatch Logs value that matches typical lending record-keeping periods.
    log_retention_days = 2557
    # Sized to the lender's volume: override with api_throttling in terraform.tfvars.
    api_throttling       = { burst_limit = 200, rate_limit = 100 }
    amplify_branch_name  = "main"
    amplify_branch_stage = "PRODUCTION"
  }
}
