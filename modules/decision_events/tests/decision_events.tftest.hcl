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
  target          = aws_sqs_queue.this
  values = {
    arn = "arn:aws:sqs:us-east-1:123456789012:lendverify-test-decision-deliveries"
    id  = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-decision-deliveries"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-decision-deliveries"
  }
}

override_resource {
  override_during = plan
  target          = aws_sqs_queue.dlq
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

run "topic_queue_and_dlq" {
  command = plan

  assert {
    condition     = aws_sns_topic.this.name == "lendverify-test-decision-events" && aws_sns_topic.this.kms_master_key_id == var.kms_key_arn
    error_message = "The topic is decision-events, encrypted with the key."
  }

  assert {
    condition     = aws_sqs_queue.this.name == "lendverify-test-decision-deliveries" && aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dlq.kms_master_key_id == var.kms_key_arn
    error_message = "The queue and its DLQ are encrypted with the key."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy).maxReceiveCount == 5 && jsondecode(aws_sqs_queue.this.redrive_policy).deadLetterTargetArn == "arn:aws:sqs:us-east-1:123456789012:lendverify-test-decision-deliveries-dlq"
    error_message = "The queue redrives to its DLQ after 5 receives."
  }

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 360 && aws_sqs_queue.this.visibility_timeout_seconds > var.dispatcher_timeout_seconds
    error_message = "The visibility timeout is six times the dispatcher's timeout."
  }

  assert {
    condition     = aws_sns_topic_subscription.queue.raw_message_delivery && aws_sns_topic_subscription.queue.protocol == "sqs"
    error_message = "The queue subscribes with raw message delivery: the body is the published event."
  }

  assert {
    condition     = length(aws_sqs_queue_redrive_allow_policy.dlq) == 1
    error_message = "The DLQ admits only this queue as redrive source."
  }
}

run "queue_policy_admits_only_the_topic" {
  command = plan

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.queue.statement : (
        s.effect == "Allow" && s.actions == toset(["sqs:SendMessage"]) &&
        anytrue([for c in s.condition : c.test == "ArnEquals" && c.variable == "aws:SourceArn" && c.values == tolist([aws_sns_topic.this.arn])])
      )
    ])
    error_message = "Only the decision topic may send to the queue."
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
