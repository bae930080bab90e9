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

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:lendverify-test-decision-events"
    }
  }

  mock_resource "aws_sns_topic_subscription" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:lendverify-test-decision-events:00000000-0000-0000-0000-000000000000"
    }
  }

  mock_resource "aws_secretsmanager_secret" {
    defaults = {
      arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:lendverify-test/webhook-signing-secret-AbCdEf"
    }
  }
}

override_resource {
  override_during = plan
  target          = module.topic_queue.aws_sqs_queue.this
  values = {
    arn = "arn:aws:sqs:us-east-1:123456789012:lendverify-test-decision-deliveries"
    id  = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-decision-deliveries"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-decision-deliveries"
  }
}

override_resource {
  override_during = plan
  target          = module.topic_queue.aws_sqs_queue.dlq
  values = {
    arn = "arn:aws:sqs:us-east-1:123456789012:lendverify-test-decision-deliveries-dlq"
    id  = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-decision-deliveries-dlq"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-decision-deliveries-dlq"
  }
}

variables {
  name_prefix = "lendverify-test"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

# The topic, the queue and the DLQ themselves are modules/topic_queue's, tested there.
run "topic_queue_and_dlq" {
  command = plan

  assert {
    condition     = output.topic_name == "lendverify-test-decision-events" && output.queue_name == "lendverify-test-decision-deliveries" && output.dlq_name == "lendverify-test-decision-deliveries-dlq"
    error_message = "The topic is decision-events, its queue decision-deliveries, with a DLQ."
  }

  assert {
    condition     = output.visibility_timeout_seconds == 360 && output.visibility_timeout_seconds > var.dispatcher_timeout_seconds
    error_message = "The visibility timeout is six times the dispatcher's timeout."
  }

  assert {
    condition     = output.queue_arn == "arn:aws:sqs:us-east-1:123456789012:lendverify-test-decision-deliveries" && output.dlq_arn == "arn:aws:sqs:us-east-1:123456789012:lendverify-test-decision-deliveries-dlq"
    error_message = "The outputs name the module's queue and DLQ."
  }
}

run "account_principals_publish" {
  command = plan

  assert {
    condition = [
      for s in data.aws_iam_policy_document.publish.statement : flatten([for p in s.principals : p.identifiers])
      if s.effect == "Allow" && toset(s.actions) == toset(["sns:Publish"]) && s.resources == toset([output.topic_arn])
    ] == [["arn:aws:iam::123456789012:root"]]
    error_message = "Account principals whose own IAM policy allows it may publish to the topic; nobody else."
  }

  assert {
    condition     = length(data.aws_iam_policy_document.publish.statement) == 1
    error_message = "The publish policy is that one statement (modules/topic_queue adds the TLS deny)."
  }
}

run "secret_value_stays_out_of_state" {
  command = plan

  assert {
    condition     = aws_secretsmanager_secret.webhook_signing.kms_key_id == var.kms_key_arn && aws_secretsmanager_secret.webhook_signing.name == "lendverify-test/webhook-signing-secret"
    error_message = "The signing secret is encrypted with the key."
  }

  assert {
    condition     = aws_secretsmanager_secret_version.webhook_signing.secret_string_wo_version == 1 && aws_secretsmanager_secret_version.webhook_signing.secret_string == null
    error_message = "The value is written write-only (secret_string_wo), never as secret_string."
  }
}

run "dispatcher_timeout_range" {
  command = plan

  variables {
    dispatcher_timeout_seconds = 901
  }

  expect_failures = [var.dispatcher_timeout_seconds]
}
