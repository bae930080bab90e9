mock_provider "aws" {
  override_during = plan

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:lendverify-test-events"
    }
  }

  mock_resource "aws_sns_topic_subscription" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:lendverify-test-events:00000000-0000-0000-0000-000000000000"
    }
  }
}

override_resource {
  override_during = plan
  target          = aws_sqs_queue.this
  values = {
    arn = "arn:aws:sqs:us-east-1:123456789012:lendverify-test-deliveries"
    id  = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-deliveries"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-deliveries"
  }
}

override_resource {
  override_during = plan
  target          = aws_sqs_queue.dlq
  values = {
    arn = "arn:aws:sqs:us-east-1:123456789012:lendverify-test-deliveries-dlq"
    id  = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-deliveries-dlq"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-deliveries-dlq"
  }
}

variables {
  topic_name                        = "lendverify-test-events"
  queue_name                        = "lendverify-test-deliveries"
  dlq_name                          = "lendverify-test-deliveries-dlq"
  kms_key_arn                       = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  publish_policy_json               = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Publisher\",\"Effect\":\"Allow\",\"Action\":\"sns:Publish\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/publisher\"},\"Resource\":\"arn:aws:sns:us-east-1:123456789012:lendverify-test-events\"}]}"
  visibility_timeout_seconds        = 360
  max_receive_count                 = 5
  message_retention_seconds         = 345600
  kms_data_key_reuse_period_seconds = 300
  raw_message_delivery              = true
  tags                              = { Project = "lendverify" }
}

run "everything_is_kms_encrypted" {
  command = plan

  assert {
    condition     = aws_sns_topic.this.kms_master_key_id == var.kms_key_arn
    error_message = "The topic must be encrypted with the given key."
  }

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dlq.kms_master_key_id == var.kms_key_arn
    error_message = "The queue and the DLQ must be encrypted with the given key."
  }

  assert {
    condition     = aws_sqs_queue.this.kms_data_key_reuse_period_seconds == 300 && aws_sqs_queue.dlq.kms_data_key_reuse_period_seconds == 300
    error_message = "Both queues reuse a data key for kms_data_key_reuse_period_seconds."
  }
}

run "names_and_tags" {
  command = plan

  assert {
    condition     = output.topic_name == "lendverify-test-events" && output.queue_name == "lendverify-test-deliveries" && output.dlq_name == "lendverify-test-deliveries-dlq"
    error_message = "The topic and the queues take the given names."
  }

  assert {
    condition     = aws_sqs_queue.this.tags["Project"] == "lendverify" && aws_sqs_queue.this.tags["Name"] == "lendverify-test-deliveries" && aws_sns_topic.this.tags["Name"] == "lendverify-test-events"
    error_message = "Every resource carries the given tags and its Name."
  }
}

run "visibility_timeout_redrive_and_dlq" {
  command = plan

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 360 && output.visibility_timeout_seconds == 360
    error_message = "The queue takes the given visibility timeout."
  }

  assert {
    condition = jsondecode(aws_sqs_queue.this.redrive_policy) == {
      deadLetterTargetArn = "arn:aws:sqs:us-east-1:123456789012:lendverify-test-deliveries-dlq"
      maxReceiveCount     = 5
    }
    error_message = "The queue must redrive to the DLQ after max_receive_count receives."
  }

  assert {
    condition     = aws_sqs_queue.this.message_retention_seconds == 345600 && aws_sqs_queue.dlq.message_retention_seconds == 1209600
    error_message = "The queue keeps messages as given, the DLQ for 14 days."
  }

  assert {
    condition = jsondecode(aws_sqs_queue_redrive_allow_policy.dlq[0].redrive_allow_policy) == {
      redrivePermission = "byQueue"
      sourceQueueArns   = ["arn:aws:sqs:us-east-1:123456789012:lendverify-test-deliveries"]
    }
    error_message = "Only the queue may redrive into the DLQ."
  }
}

run "redrive_allow_policy_can_be_left_out_for_moto" {
  command = plan

  variables {
    dlq_redrive_allow_policy_enabled = false
  }

  assert {
    condition     = length(aws_sqs_queue_redrive_allow_policy.dlq) == 0
    error_message = "Without dlq_redrive_allow_policy_enabled there is no redrive-allow policy."
  }
}

run "queue_policy_admits_only_the_topic_over_tls" {
  command = plan

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.queue.statement : s if s.effect == "Allow"
    ]) == 1
    error_message = "The queue policy must have exactly one Allow statement."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.queue.statement :
      toset(s.actions) == toset(["sqs:SendMessage"]) &&
      flatten([for p in s.principals : p.identifiers]) == ["sns.amazonaws.com"] &&
      flatten([for c in s.condition : c.values if c.test == "ArnEquals" && c.variable == "aws:SourceArn"]) == [aws_sns_topic.this.arn]
      if s.effect == "Allow"
    ])
    error_message = "Only sns.amazonaws.com may SendMessage, and only with aws:SourceArn equal to the topic ARN."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.queue.statement :
      s.effect == "Deny" && contains(s.actions, "sqs:ReceiveMessage") &&
      anytrue([for c in s.condition : c.variable == "aws:SecureTransport" && c.values == tolist(["false"])])
    ])
    error_message = "The queue must deny access without TLS."
  }

  assert {
    condition     = aws_sns_topic.this.arn == "arn:aws:sns:us-east-1:123456789012:lendverify-test-events"
    error_message = "Mocked topic ARN expected (guards the SourceArn assertion above)."
  }
}

run "topic_policy_is_the_publishers_and_a_tls_deny" {
  command = plan

  assert {
    condition     = data.aws_iam_policy_document.topic.source_policy_documents == tolist([var.publish_policy_json])
    error_message = "The topic policy starts from the caller's publish statements."
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.topic.statement : s.sid
      if s.effect == "Deny" && toset(s.actions) == toset(["sns:Publish"]) && s.resources == toset([aws_sns_topic.this.arn]) &&
      anytrue([for c in s.condition : c.variable == "aws:SecureTransport" && c.values == tolist(["false"])])
    ] == ["DenyPublishWithoutTls"]
    error_message = "The topic policy adds exactly one statement: the deny of publishing without TLS."
  }

  assert {
    condition     = length(data.aws_iam_policy_document.topic.statement) == 1
    error_message = "The topic policy allows nothing of its own: who publishes is the caller's."
  }
}

run "subscription_delivers_to_the_queue" {
  command = plan

  assert {
    condition     = aws_sns_topic_subscription.queue.protocol == "sqs" && aws_sns_topic_subscription.queue.raw_message_delivery
    error_message = "The subscription delivers to SQS, raw when asked."
  }

  assert {
    condition     = aws_sns_topic_subscription.queue.endpoint == aws_sqs_queue.this.arn && aws_sns_topic_subscription.queue.topic_arn == aws_sns_topic.this.arn
    error_message = "The subscription connects the topic to the queue."
  }
}

run "subscription_keeps_the_sns_envelope_when_asked" {
  command = plan

  variables {
    raw_message_delivery = false
  }

  assert {
    condition     = aws_sns_topic_subscription.queue.raw_message_delivery == false
    error_message = "raw_message_delivery = false keeps the SNS envelope."
  }
}

run "rejects_a_publish_policy_that_is_not_a_policy" {
  command = plan

  variables {
    publish_policy_json = "{\"Version\":\"2012-10-17\"}"
  }

  expect_failures = [var.publish_policy_json]
}

run "rejects_zero_max_receive_count" {
  command = plan

  variables {
    max_receive_count = 0
  }

  expect_failures = [var.max_receive_count]
}

run "rejects_a_bad_queue_name" {
  command = plan

  variables {
    queue_name = "deliveries.fifo"
  }

  expect_failures = [var.queue_name]
}
