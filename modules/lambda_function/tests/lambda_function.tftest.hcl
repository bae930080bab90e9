mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/terraform"
      user_id    = "AIDAEXAMPLE"
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

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/lendverify-test-verify-identity"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/lendverify-test-verify-identity"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:lendverify-test-verify-identity"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:lendverify-test-verify-identity/invocations"
    }
  }

  mock_resource "aws_cloudwatch_event_rule" {
    defaults = {
      arn = "arn:aws:events:us-east-1:123456789012:rule/lendverify-test-sweep-erasures"
    }
  }

  mock_resource "aws_lambda_event_source_mapping" {
    defaults = {
      uuid = "00000000-0000-0000-0000-000000000000"
    }
  }
}

variables {
  name_prefix    = "lendverify-test"
  handler        = "verify-identity"
  local_zip_path = "tests/fixtures/package.zip"
  kms_key_arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  tags           = { Project = "lendverify" }
  environment_variables = {
    APPLICATIONS_TABLE = "lendverify-test-applications"
  }
  policy_statements = [
    {
      sid       = "ReadWriteApplications"
      actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"]
      resources = ["arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-applications"]
    },
    {
      sid       = "CompareFaces"
      actions   = ["rekognition:CompareFaces"]
      resources = ["*"]
    },
    {
      sid       = "PassTextractRole"
      actions   = ["iam:PassRole"]
      resources = ["arn:aws:iam::123456789012:role/lendverify-test-textract-publish"]
      conditions = [
        { test = "StringEquals", variable = "iam:PassedToService", values = ["textract.amazonaws.com"] },
      ]
    },
  ]
}

run "arm64_custom_runtime_with_handler" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["arm64"]) && aws_lambda_function.this.runtime == "provided.al2023"
    error_message = "The function must be arm64 on provided.al2023."
  }

  assert {
    condition     = aws_lambda_function.this.handler == "verify-identity" && aws_lambda_function.this.function_name == "lendverify-test-verify-identity"
    error_message = "handler must be the _HANDLER value and the name <name_prefix>-<handler>."
  }

  assert {
    condition     = one(aws_lambda_function.this.tracing_config).mode == "Active"
    error_message = "X-Ray tracing must be Active."
  }

  assert {
    condition     = aws_lambda_function.this.kms_key_arn == var.kms_key_arn && one(aws_lambda_function.this.environment).variables["APPLICATIONS_TABLE"] == "lendverify-test-applications"
    error_message = "Environment variables must be set and encrypted with the given key."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "Concurrency must be unreserved by default."
  }

  assert {
    condition     = aws_lambda_function.this.filename == "tests/fixtures/package.zip" && aws_lambda_function.this.source_code_hash == "T3p3vYH/drT1wJAqY5Kt3QVPApWUsOniz1nNhjrGTYE="
    error_message = "A local package must be hashed with filebase64sha256."
  }

  assert {
    condition     = output.invoke_arn == "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:lendverify-test-verify-identity/invocations"
    error_message = "invoke_arn output must expose the invoke ARN."
  }
}

run "encrypted_log_group_with_retention" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/lendverify-test-verify-identity" && output.log_group_name == "/aws/lambda/lendverify-test-verify-identity"
    error_message = "The log group must be /aws/lambda/<function name>."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "The log group must be KMS-encrypted with a 365-day default retention."
  }
}

run "role_trust_and_exact_policy" {
  command = plan

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.assume.statement :
      flatten([for p in s.principals : p.identifiers]) == ["lambda.amazonaws.com"] &&
      flatten([for c in s.condition : c.values if c.variable == "aws:SourceAccount"]) == ["123456789012"]
    ])
    error_message = "Only Lambda on behalf of this account may assume the role."
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : s.sid] == [
      "ReadWriteApplications", "CompareFaces", "PassTextractRole", "WriteOwnLogGroup", "WriteXRayTraces",
    ]
    error_message = "The policy must hold exactly the given statements plus logs and X-Ray."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.this.statement :
      s.sid == "PassTextractRole" &&
      flatten([for c in s.condition : c.values if c.variable == "iam:PassedToService" && c.test == "StringEquals"]) == ["textract.amazonaws.com"]
    ])
    error_message = "Statement conditions must be carried over."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.this.statement :
      s.sid == "WriteOwnLogGroup" &&
      s.resources == toset(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/lendverify-test-verify-identity:log-stream:*"]) &&
      toset(s.actions) == toset(["logs:CreateLogStream", "logs:PutLogEvents"])
    ])
    error_message = "Logs permissions must be limited to the function's own log group."
  }

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.this.statement : [for a in s.actions : a != "*" && !endswith(a, ":*")]
    ]))
    error_message = "No action may be a wildcard."
  }

  assert {
    condition     = length(aws_lambda_event_source_mapping.sqs) == 0 && output.event_source_mapping_uuid == null
    error_message = "No event source mapping without sqs_event_source."
  }
}

run "sqs_consumer_reports_batch_item_failures" {
  command = plan

  variables {
    handler = "lending-analysis-completed"
    timeout = 60
    sqs_event_source = {
      queue_arn                          = "arn:aws:sqs:us-east-1:123456789012:lendverify-test-lending-analysis-completed"
      batch_size                         = 5
      maximum_batching_window_in_seconds = 2
    }
  }

  assert {
    condition     = length(aws_lambda_event_source_mapping.sqs) == 1
    error_message = "An SQS event source mapping must be created."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.sqs[0].function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "The SQS event source must use ReportBatchItemFailures."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.sqs[0].event_source_arn == "arn:aws:sqs:us-east-1:123456789012:lendverify-test-lending-analysis-completed" && aws_lambda_event_source_mapping.sqs[0].batch_size == 5 && aws_lambda_event_source_mapping.sqs[0].maximum_batching_window_in_seconds == 2
    error_message = "Queue ARN, batch size and batching window must be honoured."
  }
}

run "no_schedule_by_default" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_event_rule.schedule) == 0 && length(aws_cloudwatch_event_target.schedule) == 0 && length(aws_lambda_permission.schedule) == 0 && output.schedule_rule_arn == null
    error_message = "Without schedule_expression there must be no rule, target or permission."
  }
}

run "schedule_invokes_only_from_its_rule" {
  command = plan

  variables {
    handler             = "sweep-erasures"
    schedule_expression = "rate(15 minutes)"
  }

  assert {
    condition     = aws_cloudwatch_event_rule.schedule[0].schedule_expression == "rate(15 minutes)" && aws_cloudwatch_event_rule.schedule[0].name == "lendverify-test-sweep-erasures"
    error_message = "The rule must carry the schedule and be named after the function."
  }

  assert {
    condition     = aws_cloudwatch_event_target.schedule[0].rule == "lendverify-test-sweep-erasures" && aws_cloudwatch_event_target.schedule[0].arn == "arn:aws:lambda:us-east-1:123456789012:function:lendverify-test-verify-identity"
    error_message = "The rule's target must be this function."
  }

  assert {
    condition = (
      aws_lambda_permission.schedule[0].principal == "events.amazonaws.com" &&
      aws_lambda_permission.schedule[0].action == "lambda:InvokeFunction" &&
      aws_lambda_permission.schedule[0].function_name == "lendverify-test-sweep-erasures" &&
      aws_lambda_permission.schedule[0].source_arn == "arn:aws:events:us-east-1:123456789012:rule/lendverify-test-sweep-erasures"
    )
    error_message = "Only this rule may invoke the function through EventBridge."
  }
}

run "rejects_bad_schedule_expression" {
  command = plan

  variables {
    schedule_expression = "every 15 minutes"
  }

  expect_failures = [var.schedule_expression]
}

run "rejects_singular_rate_unit_mismatch" {
  command = plan

  variables {
    schedule_expression = "rate(15 minute)"
  }

  expect_failures = [var.schedule_expression]
}

run "s3_package_hex_sha256_becomes_base64" {
  command = plan

  variables {
    local_zip_path                 = null
    s3_bucket                      = "lendverify-artifacts"
    s3_key                         = "handlers/bootstrap.zip"
    package_sha256                 = "7a19070a5f5bca8b489f548cff98377c9b590057067069b41e99f4224ddc7f35"
    reserved_concurrent_executions = 10
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == "ehkHCl9byotIn1SM/5g3fJtZAFcGcGm0Hpn0Ik3cfzU="
    error_message = "package_sha256 (hex) must be re-encoded as base64 (expected value from sha256(\"lendverify\"))."
  }

  assert {
    condition     = aws_lambda_function.this.s3_bucket == "lendverify-artifacts" && aws_lambda_function.this.s3_key == "handlers/bootstrap.zip" && aws_lambda_function.this.filename == null
    error_message = "An S3 package must be referenced by bucket and key, without filename."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 10
    error_message = "reserved_concurrent_executions must be honoured."
  }
}

run "hex_conversion_edge_values" {
  command = plan

  variables {
    local_zip_path = null
    s3_bucket      = "lendverify-artifacts"
    s3_key         = "handlers/bootstrap.zip"
    package_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    error_message = "sha256 of the empty string must convert to 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=."
  }
}

run "rejects_wildcard_action" {
  command = plan

  variables {
    policy_statements = [
      { sid = "Everything", actions = ["*"], resources = ["*"] },
    ]
  }

  expect_failures = [var.policy_statements]
}

run "rejects_service_wildcard_action" {
  command = plan

  variables {
    policy_statements = [
      { sid = "AllS3", actions = ["s3:GetObject", "s3:*"], resources = ["arn:aws:s3:::bucket/*"] },
    ]
  }

  expect_failures = [var.policy_statements]
}

run "rejects_two_package_sources" {
  command = plan

  variables {
    s3_bucket      = "lendverify-artifacts"
    s3_key         = "handlers/bootstrap.zip"
    package_sha256 = "7a19070a5f5bca8b489f548cff98377c9b590057067069b41e99f4224ddc7f35"
  }

  expect_failures = [var.local_zip_path]
}

run "rejects_incomplete_s3_package" {
  command = plan

  variables {
    local_zip_path = null
    s3_bucket      = "lendverify-artifacts"
    s3_key         = "handlers/bootstrap.zip"
  }

  expect_failures = [var.s3_bucket]
}

run "rejects_malformed_hex_digest" {
  command = plan

  variables {
    local_zip_path = null
    s3_bucket      = "lendverify-artifacts"
    s3_key         = "handlers/bootstrap.zip"
    package_sha256 = "not-a-sha"
  }

  expect_failures = [var.package_sha256]
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "lendverify_test"
  }

  expect_failures = [var.name_prefix]
}
