# The stateful half of the stack on moto: the same modules/stateful that terraform/ runs on AWS, so
# the local stage cannot drift from the cloud. Only this root's choices are here: everything is
# disposable (no deletion protection, force-destroyable buckets, shortest windows) and the few things
# moto lacks are switched off by running_on_moto. No moved blocks (unlike terraform/moved.tf): this root's
# state never outlives its moto, and the local stage starts from an empty state every time.

module "stateful" {
  source = "../../modules/stateful"

  name_prefix                = var.name_prefix
  primary_origin             = var.web_origins[0]
  primary_origin_is_loopback = startswith(var.web_origins[0], "http://127.0.0.1")
  extra_web_origins          = slice(var.web_origins, 1, length(var.web_origins))
  thresholds                 = var.thresholds
  running_on_moto            = true
  # moto does not evaluate key or bucket policies; named so the policies are the ones AWS gets.
  key_admin_role_arn   = "arn:aws:iam::123456789012:role/lendverify-local-admin"
  break_glass_role_arn = "arn:aws:iam::123456789012:role/lendverify-local-break-glass"
  # The end-to-end tests' local receiver (http://127.0.0.1:<port>/...; loopback is accepted only here).
  webhook_endpoints = var.webhook_endpoints

  deletion_protection            = false
  kms_deletion_window_in_days    = 7
  uploads_retention_days         = 7
  biometrics_retention_days      = 1
  textract_output_retention_days = 7
  audit_retention_days           = 30
  personal_data_retention_days   = 30
  evidence_retention_days        = 1

  # The end-to-end suites, the contract test and the error walk create hundreds of applications,
  # uploads and analyses per test user in one run, and a developer may rerun them on one stage
  # within a day: the counted quotas are at their maximum here. The upload ceiling keeps the
  # default, so the local stage answers the same 413s as the cloud. The 429s are proven by the
  # handler tests (handlers/functions/tests/quotas.rs).
  quotas = {
    applications_per_day         = 10000
    uploads_per_application      = 10000
    lending_jobs_per_application = 1000
  }

  identity = {
    # Threat protection is a paid PLUS-tier feature of real Cognito; locally it would only slow sign-in.
    user_pool_tier         = "ESSENTIALS"
    threat_protection_mode = "OFF"
  }
}
