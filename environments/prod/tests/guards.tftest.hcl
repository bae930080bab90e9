# prod's own refusals (environments/common/variables.tf: the validations that bite for prod only): no
# plan without the account pin, and no operator input that lowers MFA. The posture shared with staging
# and dev is in prod.tftest.hcl (environments/common/tests/environment.tftest.hcl).
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/terraform-mocks/aws"
}

variables {
  allowed_account_ids  = ["123456789012"]
  artifact_s3_bucket   = "lendverify-artifacts-test"
  artifact_s3_key      = "lambda/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/bootstrap.zip"
  artifact_sha256      = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  s3_access_log_bucket = "lender-s3-access-logs-test"
  key_admin_role_arn   = "arn:aws:iam::123456789012:role/lendverify-deploy"
  break_glass_role_arn = "arn:aws:iam::123456789012:role/lendverify-break-glass"
}

run "prod_refuses_an_empty_allowed_account_ids" {
  command = plan

  variables {
    allowed_account_ids = []
  }

  expect_failures = [var.allowed_account_ids]
}

run "prod_refuses_mfa_optional" {
  command = plan

  variables {
    mfa_configuration = "OPTIONAL"
  }

  expect_failures = [var.mfa_configuration]
}

run "prod_plans_with_its_account_and_mfa_on" {
  command = plan

  assert {
    condition     = module.stack.protection.user_pool_deletion && length(module.stack.function_names) == 12
    error_message = "prod with its account pin and MFA ON must plan."
  }
}
