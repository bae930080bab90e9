mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/terraform"
      user_id    = "AIDAEXAMPLE"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:123456789012:lendverify-test-alarms"
    }
  }

  mock_resource "aws_cloudwatch_metric_alarm" {
    defaults = {
      arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:lendverify-test-mock"
    }
  }
}

variables {
  name_prefix             = "lendverify-test"
  tags                    = { Project = "lendverify", Environment = "test" }
  alarm_topic_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  alarm_email_addresses   = ["oncall@example.com"]
  lambda_function_names = {
    applications                 = "lendverify-test-applications"
    verify-identity              = "lendverify-test-verify-identity"
    lending-analysis-completed   = "lendverify-test-lending-analysis-completed"
    get-lending-analysis-results = "lendverify-test-get-lending-analysis-results"
  }
  dead_letter_queue_name = "lendverify-test-lending-completed-dlq"
  api_name               = "lendverify-test-api"
  api_stage_name         = "v1"
  lending_topic_name     = "lendverify-test-lending-completed"

  decision_dead_letter_queue_name = "lendverify-test-decision-deliveries-dlq"
  decision_topic_name             = "lendverify-test-decision-events"
}

run "alarms_enabled" {
  command = apply

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == var.alarm_topic_kms_key_arn
    error_message = "The alarm topic must be encrypted with the given KMS key."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 1 && aws_sns_topic_subscription.email["oncall@example.com"].protocol == "email"
    error_message = "Each address must get an email subscription."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_sns_topic_policy.alarms.policy).Statement : s if s.Sid == "CloudWatchAlarmsPublish"
    ]).Condition.ArnLike["aws:SourceArn"] == "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:lendverify-test-*"
    error_message = "Only this stack's alarms may publish through the CloudWatch service principal."
  }

  assert {
    condition     = one([for s in jsondecode(aws_sns_topic_policy.alarms.policy).Statement : s if s.Sid == "DenyInsecureTransport"]).Effect == "Deny"
    error_message = "The topic must refuse publishing without TLS."
  }

  assert {
    condition = (
      toset(keys(aws_cloudwatch_metric_alarm.lambda_errors)) == toset(keys(var.lambda_function_names)) &&
      toset(keys(aws_cloudwatch_metric_alarm.lambda_throttles)) == toset(keys(var.lambda_function_names))
    )
    error_message = "Every function must have an Errors and a Throttles alarm."
  }

  assert {
    condition = alltrue([
      for k, a in aws_cloudwatch_metric_alarm.lambda_errors :
      a.namespace == "AWS/Lambda" && a.metric_name == "Errors" && a.dimensions.FunctionName == var.lambda_function_names[k] && a.comparison_operator == "GreaterThanThreshold" && a.threshold == 0
      ]) && alltrue([
      for k, a in aws_cloudwatch_metric_alarm.lambda_throttles :
      a.namespace == "AWS/Lambda" && a.metric_name == "Throttles" && a.dimensions.FunctionName == var.lambda_function_names[k]
    ])
    error_message = "Lambda alarms must watch the right metric of the right function."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.dlq_depth[0].namespace == "AWS/SQS" &&
      aws_cloudwatch_metric_alarm.dlq_depth[0].metric_name == "ApproximateNumberOfMessagesVisible" &&
      aws_cloudwatch_metric_alarm.dlq_depth[0].dimensions.QueueName == var.dead_letter_queue_name &&
      aws_cloudwatch_metric_alarm.dlq_depth[0].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.dlq_depth[0].threshold == 0
    )
    error_message = "The DLQ alarm must fire on any visible message."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.api_5xx[0].namespace == "AWS/ApiGateway" &&
      aws_cloudwatch_metric_alarm.api_5xx[0].metric_name == "5XXError" &&
      aws_cloudwatch_metric_alarm.api_5xx[0].dimensions.ApiName == "lendverify-test-api" &&
      aws_cloudwatch_metric_alarm.api_5xx[0].dimensions.Stage == "v1"
    )
    error_message = "The API alarm must watch 5XXError of the given API and stage."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.lending_topic_failed[0].namespace == "AWS/SNS" &&
      aws_cloudwatch_metric_alarm.lending_topic_failed[0].metric_name == "NumberOfNotificationsFailed" &&
      aws_cloudwatch_metric_alarm.lending_topic_failed[0].dimensions.TopicName == var.lending_topic_name
    )
    error_message = "The lending topic alarm must watch failed notifications of the given topic."
  }

  assert {
    condition = alltrue([
      for a in concat(
        values(aws_cloudwatch_metric_alarm.lambda_errors), values(aws_cloudwatch_metric_alarm.lambda_throttles),
        aws_cloudwatch_metric_alarm.dlq_depth, aws_cloudwatch_metric_alarm.api_5xx, aws_cloudwatch_metric_alarm.lending_topic_failed,
        aws_cloudwatch_metric_alarm.decision_dlq_depth, aws_cloudwatch_metric_alarm.decision_topic_failed,
      ) : a.actions_enabled && a.alarm_actions == toset([aws_sns_topic.alarms.arn]) && a.ok_actions == toset([aws_sns_topic.alarms.arn]) && startswith(a.alarm_name, "lendverify-test-")
    ])
    error_message = "Every alarm must notify the alarm topic on ALARM and OK, and be named after the prefix (the topic policy relies on it)."
  }

  assert {
    condition     = length(output.alarm_names) == 13 && contains(output.alarm_names, "lendverify-test-verify-identity-errors") && contains(output.alarm_names, "lendverify-test-decision-dlq-not-empty")
    error_message = "alarm_names must list every alarm (4 functions x 2 + 2 DLQs + API + 2 topics)."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.decision_dlq_depth[0].namespace == "AWS/SQS" &&
      aws_cloudwatch_metric_alarm.decision_dlq_depth[0].metric_name == "ApproximateNumberOfMessagesVisible" &&
      aws_cloudwatch_metric_alarm.decision_dlq_depth[0].dimensions.QueueName == var.decision_dead_letter_queue_name &&
      aws_cloudwatch_metric_alarm.decision_dlq_depth[0].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.decision_dlq_depth[0].threshold == 0 &&
      aws_cloudwatch_metric_alarm.decision_topic_failed[0].dimensions.TopicName == var.decision_topic_name
    )
    error_message = "The decision DLQ alarm fires on one parked webhook; the decision topic alarm on failed deliveries."
  }
}

# The DLQ alarm evaluated as CloudWatch would, on what make test's resilience scenario leaves in
# the DLQ (poison messages parked after maxReceiveCount): one visible message in one period breaches
# and pages the alarm topic; a DLQ that reports nothing (empty, no metric) does not.
run "dlq_alarm_fires_on_one_parked_message" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.dlq_depth[0].statistic == "Maximum" &&
      aws_cloudwatch_metric_alarm.dlq_depth[0].evaluation_periods == 1 &&
      try(aws_cloudwatch_metric_alarm.dlq_depth[0].datapoints_to_alarm, null) == null &&
      aws_cloudwatch_metric_alarm.dlq_depth[0].comparison_operator == "GreaterThanThreshold" &&
      1 > aws_cloudwatch_metric_alarm.dlq_depth[0].threshold
    )
    error_message = "One message visible in the DLQ during a single period must put the alarm in ALARM."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.dlq_depth[0].actions_enabled &&
      aws_cloudwatch_metric_alarm.dlq_depth[0].alarm_actions == toset([aws_sns_topic.alarms.arn]) &&
      aws_cloudwatch_metric_alarm.dlq_depth[0].ok_actions == toset([aws_sns_topic.alarms.arn])
    )
    error_message = "The DLQ alarm must page through the alarm topic, and say when the DLQ is empty again."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dlq_depth[0].treat_missing_data == "notBreaching"
    error_message = "An empty DLQ (SQS reports no datapoint) must not keep the alarm in ALARM."
  }
}

run "alarms_disabled" {
  command = apply

  variables {
    alarms_enabled = false
  }

  assert {
    condition = (
      length(aws_cloudwatch_metric_alarm.lambda_errors) == 0 &&
      length(aws_cloudwatch_metric_alarm.lambda_throttles) == 0 &&
      length(aws_cloudwatch_metric_alarm.dlq_depth) == 0 &&
      length(aws_cloudwatch_metric_alarm.api_5xx) == 0 &&
      length(aws_cloudwatch_metric_alarm.lending_topic_failed) == 0 &&
      length(aws_cloudwatch_metric_alarm.decision_dlq_depth) == 0 &&
      length(aws_cloudwatch_metric_alarm.decision_topic_failed) == 0 &&
      length(output.alarm_names) == 0
    )
    error_message = "No alarm may exist when alarms are disabled."
  }

  assert {
    condition     = output.alarm_topic_arn == "arn:aws:sns:eu-west-1:123456789012:lendverify-test-alarms"
    error_message = "The alarm topic exists even when alarms are disabled."
  }
}

run "optional_sources_omitted" {
  command = apply

  variables {
    dead_letter_queue_name = null
    api_name               = null
    api_stage_name         = null
    lending_topic_name     = null
    lambda_function_names  = {}

    decision_dead_letter_queue_name = null
    decision_topic_name             = null
  }

  assert {
    condition     = length(output.alarm_names) == 0
    error_message = "Alarms must only exist for the sources given."
  }
}

run "rejects_api_name_without_stage" {
  command = plan

  variables {
    api_stage_name = null
  }

  expect_failures = [var.api_stage_name]
}

run "rejects_bad_email" {
  command = plan

  variables {
    alarm_email_addresses = ["not-an-address"]
  }

  expect_failures = [var.alarm_email_addresses]
}

run "rejects_bad_kms_key" {
  command = plan

  variables {
    alarm_topic_kms_key_arn = "alias/aws/sns"
  }

  expect_failures = [var.alarm_topic_kms_key_arn]
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "-lendverify"
  }

  expect_failures = [var.name_prefix]
}
