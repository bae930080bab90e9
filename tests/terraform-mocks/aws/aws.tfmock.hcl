# Shared hashicorp/aws mock defaults for `terraform test` in terraform/ and environments/{dev,staging,prod}/.
# Loaded through `mock_provider "aws" { source = "<relative path to this directory>" }`; the path is resolved
# from the directory terraform test runs in (the root under test), not from the .tftest.hcl file.
# Mocked values must look like real ARNs, IDs and policy JSON: the stack builds IAM policies, bucket
# policies and API wiring from them, and the assertions read the result. `override_during = plan` stays on
# the mock_provider block in each test file and applies to these blocks too.

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

mock_resource "aws_secretsmanager_secret" {
  defaults = {
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:lendverify-test/webhook-signing-secret-AbCdEf"
    id  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:lendverify-test/webhook-signing-secret-AbCdEf"
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
