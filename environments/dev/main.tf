# LendVerify dev: throwaway development stack, cheap and fast to tear down.
# Only what differs from the stack's production defaults (terraform/variables.tf). The stack call, the
# provider and the deployment inputs are shared by every AWS environment (environments/common, linked).
locals {
  environment = "dev"

  settings = {
    # Throwaway: everything can be destroyed with its data (force_destroy, no deletion protection, so no
    # S3 access-log bucket is required either), short S3 retention, the shortest key deletion window, no
    # alarm cost. The WAF stays on and logs are kept a year, the defaults: the API is public in every AWS
    # environment, and a year is the floor for any environment handling applicant data (CKV_AWS_338).
    deletion_protection            = false
    uploads_retention_days         = 7
    biometrics_retention_days      = 1
    textract_output_retention_days = 7
    audit_retention_days           = 30
    personal_data_retention_days   = 30
    evidence_retention_days        = 1
    kms_deletion_window_in_days    = 7
    alarms_enabled                 = false
    api_throttling                 = { burst_limit = 20, rate_limit = 10 }
    lambda_memory_size             = 256
    # Testers only: a tight per-user WAF budget, and small reservations so dev can share an account
    # with other stacks (every reservation is taken from the account's pool; 100 must stay unreserved).
    waf_token_rate_limit = 100
    function_reserved_concurrency = {
      "applications"                 = 2
      "erase-application"            = 2
      "create-liveness-session"      = 2
      "get-liveness-results"         = 2
      "create-upload-url"            = 2
      "verify-identity"              = 2
      "start-lending-analysis"       = 2
      "get-lending-analysis-results" = 2
      "lending-analysis-completed"   = 2
      "review"                       = 2
      "deliver-decision-events"      = 2
      "sweep-erasures"               = 1
    }
    # Threat protection needs the paid PLUS tier; dev applicants are testers.
    identity = { user_pool_tier = "ESSENTIALS", threat_protection_mode = "OFF" }
    # The only environment that deploys a zip built on a developer's machine (make lambda-zip).
    promoted_artifact_only = false
    # make smoke runs from GitHub-hosted runners after each apply, and AWS's anonymous-IP list names
    # hosting providers: log those requests instead of blocking them (prod keeps blocking).
    waf_anonymous_ip_action = "count"
    web_origins             = ["http://localhost:5173"]
    amplify_branch_name     = "dev"
    amplify_branch_stage    = "DEVELOPMENT"
  }
}
