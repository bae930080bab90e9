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
  name_prefix = "lendverify-test"
  tags        = { Project = "lendverify" }
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

run "key_policy_grants_exactly_the_expected_parties" {
  command = plan

  # Account root administers but cannot use the key directly.
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.key.statement :
      s.sid == "KeyAdministrationByAccount" &&
      contains(flatten([for p in s.principals : p.identifiers]), "arn:aws:iam::123456789012:root") &&
      contains(s.actions, "kms:PutKeyPolicy") &&
      !contains(s.actions, "kms:Decrypt") &&
      !contains(s.actions, "kms:Encrypt")
    ])
    error_message = "The account root must administer the key without direct Encrypt/Decrypt."
  }

  # Account principals use the key only through the listed services.
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.key.statement :
      s.sid == "UseThroughAwsServicesForAccountPrincipals" &&
      toset(flatten([for c in s.condition : c.values if c.variable == "kms:ViaService"])) == toset([
        "dynamodb.us-east-1.amazonaws.com",
        "lambda.us-east-1.amazonaws.com",
        "rekognition.us-east-1.amazonaws.com",
        "s3.us-east-1.amazonaws.com",
        "secretsmanager.us-east-1.amazonaws.com",
        "sns.us-east-1.amazonaws.com",
        "sqs.us-east-1.amazonaws.com",
        "textract.us-east-1.amazonaws.com",
      ]) &&
      contains(flatten([for c in s.condition : c.values if c.variable == "kms:CallerAccount"]), "123456789012") &&
      toset(s.actions) == toset(["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"])
    ])
    error_message = "Service use must be limited by kms:ViaService to DynamoDB, Lambda, Rekognition, S3, Secrets Manager, SNS, SQS and Textract in this region and account."
  }

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

  assert {
    condition     = length([for s in data.aws_iam_policy_document.key.statement : s if s.sid == "DirectUseByNamedPrincipals"]) == 0
    error_message = "No direct-use statement is expected without key_user_arns."
  }
}

run "key_users_get_a_direct_use_statement" {
  command = plan

  variables {
    key_user_arns           = ["arn:aws:iam::123456789012:role/lendverify-test-verify-identity"]
    deletion_window_in_days = 7
    alias_name              = "lendverify/custom"
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.key.statement :
      s.sid == "DirectUseByNamedPrincipals" &&
      flatten([for p in s.principals : p.identifiers]) == ["arn:aws:iam::123456789012:role/lendverify-test-verify-identity"]
    ])
    error_message = "key_user_arns must be granted direct use."
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

run "rejects_wildcard_or_root_key_users" {
  command = plan

  variables {
    key_user_arns = ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/*"]
  }

  expect_failures = [var.key_user_arns]
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
