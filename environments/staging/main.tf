# LendVerify staging: pre-production, production settings with shorter retention, so promotion
# exercises the same resources prod runs. Only what differs from the stack's production defaults
# (terraform/variables.tf); the stack call, the provider and the deployment inputs are shared by every
# AWS environment (environments/common, linked).
locals {
  environment = "staging"

  settings = {
    uploads_retention_days         = 90
    biometrics_retention_days      = 7
    textract_output_retention_days = 90
    audit_retention_days           = 90
    personal_data_retention_days   = 90
    evidence_retention_days        = 90
    api_throttling                 = { burst_limit = 50, rate_limit = 25 }
    amplify_branch_name            = "staging"
    amplify_branch_stage           = "BETA"
    # make smoke runs from GitHub-hosted runners after each apply, and AWS's anonymous-IP list names
    # hosting providers: log those requests instead of blocking them (prod keeps blocking).
    waf_anonymous_ip_action = "count"
  }
}
