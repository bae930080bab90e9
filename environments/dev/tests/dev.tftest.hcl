# The shared aws mock defaults (ARNs, IDs, policy JSON) live in tests/terraform-mocks/aws; source is
# resolved from the root under test, not from this file.
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/terraform-mocks/aws"
}

# dev with the S3 artifact (what CI deploys) ...
variables {
  artifact_s3_bucket = "lendverify-artifacts-test"
  artifact_s3_key    = "lambda/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/bootstrap.zip"
  artifact_sha256    = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
}

run "dev_is_disposable_and_cheap" {
  command = plan

  assert {
    condition     = module.stack.protection.buckets_force_destroy && !module.stack.protection.table_deletion_protection && !module.stack.protection.user_pool_deletion
    error_message = "dev buckets must be force-destroyable and the table and user pool unprotected, so `terraform destroy` just works."
  }

  assert {
    condition     = module.stack.protection.waf_enabled && module.stack.web_acl_arn != null
    error_message = "dev: the API must be behind the WAF, as in every AWS environment."
  }

  assert {
    condition     = !module.stack.protection.alarms_enabled
    error_message = "dev runs without alarms."
  }

  assert {
    condition     = !module.stack.protection.promoted_artifact_only
    error_message = "dev is the one environment that may deploy a zip built on a developer's machine."
  }

  assert {
    condition     = module.stack.protection.log_retention_days >= 365
    error_message = "dev: logs must be kept at least 365 days (applicant data)."
  }

}

# ... or the zip built on the developer's machine.
run "dev_accepts_a_local_zip" {
  command = plan

  variables {
    artifact_s3_bucket  = null
    artifact_s3_key     = null
    artifact_sha256     = null
    artifact_local_path = "tests/fixtures/bootstrap.zip"
  }

  assert {
    condition     = length(module.stack.function_names) == 8
    error_message = "Every function deploys from the local zip."
  }
}
