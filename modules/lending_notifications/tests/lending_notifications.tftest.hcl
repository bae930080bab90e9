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

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:lendverify-test-lending-analysis"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/lendverify-test-textract-publish"
    }
  }

  mock_resource "aws_sns_topic_subscription" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:lendverify-test-lending-analysis:00000000-0000-0000-0000-000000000000"
    }
  }
}

override_resource {
  override_during = plan
  target          = module.topic_queue.aws_sqs_queue.this
  values = {
    arn = "arn:aws:sqs:us-east-1:123456789012:lendverify-test-lending-analysis-completed"
    id  = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-lending-analysis-completed"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-lending-analysis-completed"
  }
}

override_resource {
  override_during = plan
  target          = module.topic_queue.aws_sqs_queue.dlq
  values = {
    arn = "arn:aws:sqs:us-east-1:123456789012:lendverify-test-lending-analysis-completed-dlq"
    id  = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-lending-analysis-completed-dlq"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/lendverify-test-lending-analysis-completed-dlq"
  }
}

variables {
  name_prefix = "lendverify-test"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  tags        = { Project = "lendverify" }
}

# The topic, the queue and the DLQ themselves are modules/topic_queue's, tested there.
run "topic_queue_and_dlq" {
  command = plan

  variables {
    consumer_timeout_seconds = 120
  }

  assert {
    condition     = output.topic_name == "lendverify-test-lending-analysis" && output.queue_name == "lendverify-test-lending-analysis-completed" && output.dlq_name == "lendverify-test-lending-analysis-completed-dlq"
    error_message = "The topic is lending-analysis, its queue lending-analysis-completed, with a DLQ."
  }

  assert {
    condition     = output.visibility_timeout_seconds >= 6 * var.consumer_timeout_seconds && output.visibility_timeout_seconds == 720
    error_message = "Visibility timeout must be 6 x consumer_timeout_seconds."
  }

  assert {
    condition     = output.queue_arn == "arn:aws:sqs:us-east-1:123456789012:lendverify-test-lending-analysis-completed" && output.dlq_arn == "arn:aws:sqs:us-east-1:123456789012:lendverify-test-lending-analysis-completed-dlq"
    error_message = "The outputs name the module's queue and DLQ."
  }
}

run "topic_policy_limits_publishers" {
  command = plan

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.publish.statement : [for p in s.principals : p.identifiers] if s.effect == "Allow"
    ])) == toset(["arn:aws:iam::123456789012:role/lendverify-test-textract-publish"])
    error_message = "Only the Textract publish role may be allowed to publish (not the account)."
  }

  # Within one account an identity policy alone would allow sns:Publish: the Deny closes that.
  assert {
    condition = length([
      for s in data.aws_iam_policy_document.publish.statement : s
      if s.effect == "Deny" && toset(s.actions) == toset(["sns:Publish"]) &&
      flatten([for p in s.principals : p.identifiers]) == ["*"] &&
      alltrue([for c in s.condition : c.test == "StringNotEquals" && c.variable == "aws:PrincipalArn" && toset(c.values) == toset(["arn:aws:iam::123456789012:role/lendverify-test-textract-publish"])]) &&
      length(s.condition) == 1
    ]) == 1
    error_message = "The topic must deny sns:Publish to every principal but the Textract publish role."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.publish.statement :
      toset(s.actions) == toset(["sns:Publish"]) && s.resources == toset([output.topic_arn])
    ])
    error_message = "The topic policy may only concern sns:Publish on this topic."
  }
}

run "textract_role_is_confined" {
  command = plan

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.textract_trust.statement :
      flatten([for p in s.principals : p.identifiers]) == ["textract.amazonaws.com"] &&
      flatten([for c in s.condition : c.values if c.variable == "aws:SourceAccount"]) == ["123456789012"] &&
      flatten([for c in s.condition : c.values if c.variable == "aws:SourceArn" && c.test == "ArnLike"]) == ["arn:aws:textract:us-east-1:123456789012:*"]
    ])
    error_message = "Only Textract of this account and region may assume the publish role."
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.textract_publish.statement : s.actions
    ])) == toset(["sns:Publish", "kms:Decrypt", "kms:GenerateDataKey"])
    error_message = "The publish role may only publish and use the key."
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.textract_publish.statement : s.resources
    ])) == toset([output.topic_arn, var.kms_key_arn])
    error_message = "The publish role must be limited to the topic and the key."
  }

  assert {
    condition     = output.textract_publish_role_arn == "arn:aws:iam::123456789012:role/lendverify-test-textract-publish"
    error_message = "textract_publish_role_arn output must expose the role ARN."
  }
}

run "rejects_consumer_timeout_beyond_lambda_maximum" {
  command = plan

  variables {
    consumer_timeout_seconds = 1000
  }

  expect_failures = [var.consumer_timeout_seconds]
}

run "rejects_zero_max_receive_count" {
  command = plan

  variables {
    max_receive_count = 0
  }

  expect_failures = [var.max_receive_count]
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "-lendverify"
  }

  expect_failures = [var.name_prefix]
}
