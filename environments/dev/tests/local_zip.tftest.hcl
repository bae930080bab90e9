# dev alone may deploy the zip built on the developer's machine (make lambda-zip); the posture shared
# with staging and prod is in dev.tftest.hcl (environments/common/tests/environment.tftest.hcl).
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/terraform-mocks/aws"
}

run "dev_accepts_a_local_zip" {
  command = plan

  variables {
    artifact_local_path  = "tests/fixtures/bootstrap.zip"
    key_admin_role_arn   = "arn:aws:iam::123456789012:role/lendverify-deploy"
    break_glass_role_arn = "arn:aws:iam::123456789012:role/lendverify-break-glass"
  }

  assert {
    condition     = length(module.stack.function_names) == 12 && !module.stack.protection.promoted_artifact_only
    error_message = "Every function deploys from the local zip."
  }
}
