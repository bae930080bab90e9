# The shared aws mock defaults (ARNs, IDs, policy JSON) live in tests/terraform-mocks/aws; source is
# resolved from the root under test, not from this file.
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/terraform-mocks/aws"
}

variables {
  artifact_s3_bucket   = "lendverify-artifacts-test"
  artifact_s3_key      = "lambda/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/bootstrap.zip"
  artifact_sha256      = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  s3_access_log_bucket = "lender-s3-access-logs-test"
}

run "staging_protects_data" {
  command = plan

  assert {
    condition     = module.stack.protection.table_deletion_protection && module.stack.protection.user_pool_deletion
    error_message = "staging: the table and the user pool must have deletion protection."
  }

  assert {
    condition     = !module.stack.protection.buckets_force_destroy
    error_message = "staging: buckets must not be force-destroyable."
  }

  assert {
    condition     = module.stack.protection.waf_enabled && module.stack.web_acl_arn != null
    error_message = "staging: the API must be behind the WAF."
  }

  assert {
    condition     = module.stack.protection.alarms_enabled
    error_message = "staging: alarms must be on."
  }

  assert {
    condition     = module.stack.protection.log_retention_days >= 365
    error_message = "staging: logs must be kept at least 365 days."
  }

  assert {
    condition = alltrue(flatten([
      for name, actions in module.stack.iam_actions_by_function : [for a in actions : a != "*" && !endswith(a, ":*")]
    ]))
    error_message = "No function policy may allow the action * or <service>:*."
  }
}

run "staging_takes_only_a_promoted_digest" {
  command = plan

  variables {
    artifact_sha256 = "latest"
  }

  expect_failures = [var.artifact_sha256]
}
