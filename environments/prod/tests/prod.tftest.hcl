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
      arn    = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  mock_resource "aws_kms_alias" {
    defaults = {
      arn = "arn:aws:kms:us-east-1:123456789012:alias/lendverify-test"
    }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      id  = "lendverify-test-bucket-123456789012"
      arn = "arn:aws:s3:::lendverify-test-bucket-123456789012"
    }
  }

  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn = "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-applications"
    }
  }

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:lendverify-test-topic"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:123456789012:lendverify-test-queue"
      url = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-queue"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/lendverify-test-role"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/lendverify-test"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:lendverify-test"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:lendverify-test/invocations"
    }
  }

  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id       = "us-east-1_AbCdEf123"
      arn      = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"
      endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"
    }
  }

  mock_resource "aws_cognito_user_pool_client" {
    defaults = {
      id = "abcdefghij1234567890abcdef"
    }
  }

  mock_resource "aws_cognito_identity_pool" {
    defaults = {
      id = "us-east-1:11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id               = "abc123defg"
      root_resource_id = "rootid1234"
      execution_arn    = "arn:aws:execute-api:us-east-1:123456789012:abc123defg"
    }
  }

  mock_resource "aws_api_gateway_stage" {
    defaults = {
      arn        = "arn:aws:apigateway:us-east-1::/restapis/abc123defg/stages/test"
      invoke_url = "https://abc123defg.execute-api.us-east-1.amazonaws.com/test"
    }
  }

  mock_resource "aws_wafv2_web_acl" {
    defaults = {
      arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/lendverify-test/11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_amplify_app" {
    defaults = {
      id             = "d1abc2def3gh45"
      arn            = "arn:aws:amplify:us-east-1:123456789012:apps/d1abc2def3gh45"
      default_domain = "d1abc2def3gh45.amplifyapp.com"
    }
  }
}

variables {
  artifact_s3_bucket   = "lendverify-artifacts-test"
  artifact_s3_key      = "lambda/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/bootstrap.zip"
  artifact_sha256      = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  s3_access_log_bucket = "lender-s3-access-logs-test"
}

run "prod_protects_data" {
  command = plan

  assert {
    condition     = module.stack.protection.table_deletion_protection && module.stack.protection.user_pool_deletion
    error_message = "prod: the table and the user pool must have deletion protection."
  }

  assert {
    condition     = !module.stack.protection.buckets_force_destroy
    error_message = "prod: buckets must not be force-destroyable."
  }

  assert {
    condition     = module.stack.protection.waf_enabled && module.stack.web_acl_arn != null
    error_message = "prod: the API must be behind the WAF."
  }

  assert {
    condition     = module.stack.protection.alarms_enabled
    error_message = "prod: alarms must be on."
  }

  assert {
    condition     = module.stack.protection.log_retention_days >= 2557
    error_message = "prod: logs must be kept at least 2557 days (seven years)."
  }

  assert {
    condition = alltrue(flatten([
      for name, actions in module.stack.iam_actions_by_function : [for a in actions : a != "*" && !endswith(a, ":*")]
    ]))
    error_message = "No function policy may allow the action * or <service>:*."
  }
}

run "prod_takes_only_a_promoted_digest" {
  command = plan

  variables {
    artifact_sha256 = "latest"
  }

  expect_failures = [var.artifact_sha256]
}
