mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/terraform"
      user_id    = "AIDAEXAMPLE"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_kms_alias" {
    defaults = {
      arn = "arn:aws:kms:us-east-1:123456789012:alias/lendverify-test"
    }
  }
}

variables {
  name_prefix    = "lendverify-test"
  tags           = { Project = "lendverify" }
  admin_role_arn = "arn:aws:iam::123456789012:role/lendverify-deploy"
  user_role_arns = [
    "arn:aws:iam::123456789012:role/lendverify-test-verify-identity",
    "arn:aws:iam::123456789012:role/lendverify-test-review",
  ]
  user_via_services          = ["s3", "dynamodb"]
  admin_encrypt_via_services = ["lambda", "secretsmanager"]
  cloudwatch_logs_enabled    = true
  sns_delivery_enabled       = true
  cloudwatch_alarms_enabled  = true
  metadata_reader_role_arns  = ["arn:aws:iam::123456789012:role/lendverify-plan"]
}

run "key_is_rotating_symmetric_and_aliased" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation == true
    error_message = "Key rotation must be enabled."
  }

  assert {
    condition     = aws_kms_key.this.customer_master_key_spec == "SYMMETRIC_DEFAULT" && aws_kms_key.this.key_usage == "ENCRYPT_DECRYPT"
    error_message = "The key must be a symmetric encryption key."
  }

  assert {
    condition     = aws_kms_key.this.deletion_window_in_days == 30
    error_message = "Default deletion window must be 30 days."
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/lendverify-test"
    error_message = "Alias must default to alias/<name_prefix>."
  }

  assert {
    condition     = output.key_arn == "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "key_arn output must expose the key ARN."
  }
}

run "key_policy_has_no_wildcard_actions" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.key.statement : [
        for a in s.actions : a != "*" && !endswith(a, "*")
      ]
    ]))
    error_message = "No key policy action may be '*' or end with '*'."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.key.statement : s.effect == "Allow" && try(length(s.not_actions), 0) == 0])
    error_message = "Key policy statements must be plain Allow statements without NotAction."
  }
}

run "admin_role_administers_without_reading" {
  command = plan

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.key.statement :
      s.sid == "KeyAdministrationByAdminRole" &&
      flatten([for p in s.principals : p.identifiers]) == ["arn:aws:iam::123456789012:role/lendverify-deploy"] &&
      contains(s.actions, "kms:PutKeyPolicy") && contains(s.actions, "kms:ScheduleKeyDeletion")
    ])
    error_message = "The admin role must administer the key (PutKeyPolicy, ScheduleKeyDeletion, ...)."
  }

  # No statement that names the admin role, directly or through aws:PrincipalArn, lets it read data.
  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.key.statement :
      length(setintersection(toset(s.actions), toset(["kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"]))) == 0
      if contains(flatten([for p in s.principals : p.identifiers]), "arn:aws:iam::123456789012:role/lendverify-deploy") ||
      contains(flatten([for c in s.condition : c.values if c.variable == "aws:PrincipalArn"]), "arn:aws:iam::123456789012:role/lendverify-deploy")
    ])
    error_message = "No statement may grant the admin role kms:Decrypt or kms:ReEncrypt*."
  }

  # The admin's only cryptographic use: Encrypt/GenerateDataKey while deploying, through Lambda and Secrets Manager.
  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.key.statement :
      toset(flatten([for c in s.condition : c.values if c.variable == "kms:ViaService"])) == toset(["lambda.us-east-1.amazonaws.com", "secretsmanager.us-east-1.amazonaws.com"])
      if contains(flatten([for p in s.principals : p.identifiers]), "arn:aws:iam::123456789012:role/lendverify-deploy") &&
      length(setintersection(toset(s.actions), toset(["kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"]))) > 0
    ])
    error_message = "The admin role may encrypt only through the listed services (kms:ViaService)."
  }

  # PutKeyPolicy for the admin role alone.
  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.key.statement :
      flatten([for p in s.principals : p.identifiers]) == ["arn:aws:iam::123456789012:role/lendverify-deploy"]
      if contains(s.actions, "kms:PutKeyPolicy")
    ])
    error_message = "Only the admin role may change the key policy."
  }
}

run "create_grant_only_for_aws_resources" {
  command = plan

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.key.statement :
      anytrue([for c in s.condition : c.variable == "kms:GrantIsForAWSResource" && c.test == "Bool" && toset(c.values) == toset(["true"])])
      if contains(s.actions, "kms:CreateGrant")
    ])
    error_message = "Every statement allowing kms:CreateGrant must require kms:GrantIsForAWSResource = true."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.key.statement : s if contains(s.actions, "kms:CreateGrant")]) == 1
    error_message = "Exactly one statement (the admin's) allows kms:CreateGrant."
  }
}

run "key_users_are_named_by_principal_arn_only" {
  command = plan

  # Every statement for an AWS principal other than the admin role is a user statement: account root
  # plus an aws:PrincipalArn condition naming exactly user_role_arns, through the listed services.
  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.key.statement :
      flatten([for p in s.principals : p.identifiers]) == ["arn:aws:iam::123456789012:root"] &&
      toset(flatten([for c in s.condition : c.values if c.variable == "aws:PrincipalArn" && c.test == "StringEquals"])) == toset([
        "arn:aws:iam::123456789012:role/lendverify-test-verify-identity",
        "arn:aws:iam::123456789012:role/lendverify-test-review",
      ]) &&
      toset(flatten([for c in s.condition : c.values if c.variable == "kms:ViaService"])) == toset(["s3.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com"])
      if anytrue([for p in s.principals : p.type == "AWS"]) && !contains(flatten([for p in s.principals : p.identifiers]), "arn:aws:iam::123456789012:role/lendverify-deploy") &&
      length(setsubtract(s.actions, ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"])) > 0
    ])
    error_message = "Every key-user statement must name only user_role_arns through aws:PrincipalArn, and only through user_via_services."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.key.statement : s if s.sid == "UseThroughAwsServicesByNamedRoles"]) == 1
    error_message = "The named roles get one usage statement."
  }
}

run "the_plan_role_reads_metadata_only" {
  command = plan

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.key.statement : s
      if contains(flatten([for c in s.condition : c.values if c.variable == "aws:PrincipalArn"]), "arn:aws:iam::123456789012:role/lendverify-plan")
      ]) == 1 && alltrue([
      for s in data.aws_iam_policy_document.key.statement :
      toset(s.actions) == toset(["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"])
      if contains(flatten([for c in s.condition : c.values if c.variable == "aws:PrincipalArn"]), "arn:aws:iam::123456789012:role/lendverify-plan")
    ])
    error_message = "A metadata reader (the CI plan role) gets exactly DescribeKey, GetKeyPolicy, GetKeyRotationStatus and ListResourceTags."
  }
}

run "service_principals_are_scoped_to_this_account" {
  command = plan

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.key.statement :
      contains(flatten([for p in s.principals : p.identifiers]), "logs.us-east-1.amazonaws.com") &&
      contains(flatten([for c in s.condition : c.values if c.variable == "kms:EncryptionContext:aws:logs:arn"]), "arn:aws:logs:us-east-1:123456789012:log-group:*")
    ])
    error_message = "CloudWatch Logs must be allowed only for log groups of this account and region."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.key.statement :
      contains(flatten([for p in s.principals : p.identifiers]), "sns.amazonaws.com") &&
      toset(s.actions) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) &&
      contains(flatten([for c in s.condition : c.values if c.variable == "aws:SourceAccount"]), "123456789012")
    ])
    error_message = "SNS must be allowed GenerateDataKey/Decrypt for delivery to encrypted queues, scoped to this account."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.key.statement :
      s.sid == "CloudWatchAlarmsPublishToEncryptedTopics" &&
      flatten([for p in s.principals : p.identifiers]) == ["cloudwatch.amazonaws.com"] &&
      toset(s.actions) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) &&
      toset(flatten([for c in s.condition : c.values if c.variable == "aws:SourceAccount" && c.test == "StringEquals"])) == toset(["123456789012"])
    ])
    error_message = "CloudWatch alarms must be allowed GenerateDataKey/Decrypt (to publish to the encrypted alarm topic), scoped to this account."
  }
}

run "a_data_key_has_no_service_principal_and_no_admin_encrypt" {
  command = plan

  variables {
    admin_encrypt_via_services = []
    metadata_reader_role_arns  = []
    cloudwatch_logs_enabled    = false
    sns_delivery_enabled       = false
    cloudwatch_alarms_enabled  = false
    deletion_window_in_days    = 7
    alias_name                 = "lendverify/custom"
  }

  assert {
    condition = toset([for s in data.aws_iam_policy_document.key.statement : s.sid]) == toset([
      "KeyAdministrationByAdminRole", "AdminCreatesGrantsForAwsResources", "UseThroughAwsServicesByNamedRoles",
    ])
    error_message = "Without service principals and admin encryption the policy is administration, grants for AWS resources and the named users."
  }

  assert {
    condition     = aws_kms_key.this.deletion_window_in_days == 7
    error_message = "deletion_window_in_days must be honoured."
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/lendverify/custom"
    error_message = "alias_name must be honoured."
  }
}

run "rejects_short_deletion_window" {
  command = plan

  variables {
    deletion_window_in_days = 3
  }

  expect_failures = [var.deletion_window_in_days]
}

run "rejects_wildcard_root_or_user_key_users" {
  command = plan

  variables {
    user_role_arns = ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:user/alice"]
  }

  expect_failures = [var.user_role_arns]
}

run "rejects_an_admin_that_is_not_a_role" {
  command = plan

  variables {
    admin_role_arn = "arn:aws:iam::123456789012:root"
  }

  expect_failures = [var.admin_role_arn]
}

run "admin_never_decrypts_through_a_variable" {
  command = plan

  variables {
    admin_encrypt_via_services = ["s3"]
  }

  expect_failures = [var.admin_encrypt_via_services]
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "LendVerify_Prod"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_reserved_alias" {
  command = plan

  variables {
    alias_name = "aws/s3"
  }

  expect_failures = [var.alias_name]
}
