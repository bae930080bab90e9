# Linked into environments/{dev,staging,prod}/tests: the posture each environment promises, checked on
# the stack as that root configures it (its main.tf: local.environment, local.settings). One file, so
# what "protected" means cannot drift between staging and prod. The planned resources themselves are
# checked by the offline plan checks (scripts/lendverify_terraform/plan_checks.py).
#
# The shared aws mock defaults (ARNs, IDs, policy JSON) live in tests/terraform-mocks/aws; source is
# resolved from the root under test, not from this file.
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/terraform-mocks/aws"
}

# The promoted artifact, as CI passes it to every environment, and the account pin (prod refuses none).
variables {
  allowed_account_ids  = ["123456789012"]
  artifact_s3_bucket   = "lendverify-artifacts-test"
  artifact_s3_key      = "lambda/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/bootstrap.zip"
  artifact_sha256      = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  s3_access_log_bucket = "lender-s3-access-logs-test"
  key_admin_role_arn   = "arn:aws:iam::123456789012:role/lendverify-deploy"
  break_glass_role_arn = "arn:aws:iam::123456789012:role/lendverify-break-glass"
}

run "posture_of_this_environment" {
  command = plan

  assert {
    # dev is disposable (`terraform destroy` just works); staging and prod protect their data.
    condition = (
      module.stack.protection.table_deletion_protection == { dev = false, staging = true, prod = true }[local.environment] &&
      module.stack.protection.user_pool_deletion == { dev = false, staging = true, prod = true }[local.environment] &&
      module.stack.protection.buckets_force_destroy == { dev = true, staging = false, prod = false }[local.environment]
    )
    error_message = "${local.environment}: table and user pool deletion protection and bucket force_destroy are not this environment's."
  }

  assert {
    condition     = module.stack.protection.waf_enabled && module.stack.web_acl_arn != null
    error_message = "${local.environment}: the API must be behind the WAF, as in every AWS environment."
  }

  assert {
    condition     = module.stack.protection.alarms_enabled == { dev = false, staging = true, prod = true }[local.environment]
    error_message = "${local.environment}: alarms are on in staging and prod, off in dev."
  }

  assert {
    # A year is the floor for applicant data; prod keeps seven years (2557 days).
    condition     = module.stack.protection.log_retention_days >= { dev = 365, staging = 365, prod = 2557 }[local.environment]
    error_message = "${local.environment}: logs are kept too briefly."
  }

  assert {
    # The stack refuses a local zip or a non-digest where promoted_artifact_only is on, and a protected
    # stack without S3 access logs (terraform/tests); staging and prod must keep both on, and only dev
    # may deploy a zip built on a developer's machine.
    condition = (
      module.stack.protection.promoted_artifact_only == { dev = false, staging = true, prod = true }[local.environment] &&
      (local.environment == "dev" || module.stack.protection.s3_access_logging)
    )
    error_message = "${local.environment}: staging and prod deploy only a promoted artifact and keep S3 access logs; dev may deploy a local zip."
  }

  assert {
    condition     = length(module.stack.function_names) == 12
    error_message = "Every function deploys from the promoted artifact."
  }

  assert {
    # Audit events are kept 30 days in dev, 90 in staging and seven years (2555 days) in prod.
    condition     = module.stack.protection.audit_retention_days == { dev = 30, staging = 90, prod = 2555 }[local.environment] && module.stack.handler_environment.AUDIT_RETENTION_DAYS == tostring(module.stack.protection.audit_retention_days)
    error_message = "${local.environment}: the audit retention is not this environment's (dev 30, staging 90, prod 2555 days)."
  }

  assert {
    # Personal data in DynamoDB (expiresAt): 30 days in dev, 90 in staging, five years (1827 days, US CIP) in prod.
    condition     = module.stack.protection.personal_data_retention == { dev = 30, staging = 90, prod = 1827 }[local.environment] && module.stack.handler_environment.PERSONAL_DATA_RETENTION_DAYS == tostring(module.stack.protection.personal_data_retention)
    error_message = "${local.environment}: the personal data retention is not this environment's (dev 30, staging 90, prod 1827 days)."
  }
}
