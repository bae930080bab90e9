data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  topic_name = "${var.name_prefix}-lending-analysis"
  queue_name = "${var.name_prefix}-lending-analysis-completed"
  dlq_name   = "${var.name_prefix}-lending-analysis-completed-dlq"
  role_name  = "${var.name_prefix}-textract-publish"

  # AWS's guidance for SQS event sources: visibility timeout at least six times the function
  # timeout, so retries after throttling do not make a message visible while still in flight.
  visibility_timeout_seconds = var.consumer_timeout_seconds * 6
}

# ---------------------------------------------------------------------------------------------
# Topic Textract publishes job completion to, and the queue the consumer Lambda reads, with its
# dead-letter queue
# ---------------------------------------------------------------------------------------------

module "topic_queue" {
  source = "../topic_queue"

  topic_name          = local.topic_name
  queue_name          = local.queue_name
  dlq_name            = local.dlq_name
  kms_key_arn         = var.kms_key_arn
  publish_policy_json = data.aws_iam_policy_document.publish.json

  visibility_timeout_seconds        = local.visibility_timeout_seconds
  max_receive_count                 = var.max_receive_count
  message_retention_seconds         = var.message_retention_seconds
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds
  dlq_redrive_allow_policy_enabled  = var.dlq_redrive_allow_policy_enabled

  # The consumer reads the SNS envelope (Message holds Textract's JSON), hence no raw delivery.
  raw_message_delivery = false

  tags = var.tags
}

# Only Textract, through the publish role it assumes (StartLendingAnalysis NotificationChannel), may
# publish: a completion message is what the consumer acts on. The Allow names the role; the Deny stops
# any other principal of the account whose own IAM policy allows sns:Publish (within one account an
# identity policy alone would suffice).
data "aws_iam_policy_document" "publish" {
  statement {
    sid       = "TextractPublishRolePublishes"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [module.topic_queue.topic_arn]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.textract_publish.arn]
    }
  }

  statement {
    sid       = "DenyPublishByAnyoneElse"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [module.topic_queue.topic_arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "aws:PrincipalArn"
      values   = [aws_iam_role.textract_publish.arn]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Role Textract assumes to publish completion (StartLendingAnalysis NotificationChannel.RoleArn)
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "textract_trust" {
  statement {
    sid     = "TextractAssumesForThisAccount"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["textract.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:textract:${local.region}:${local.account_id}:*"]
    }
  }
}

resource "aws_iam_role" "textract_publish" {
  name                 = local.role_name
  description          = "Assumed by Amazon Textract to publish lending analysis completion to ${local.topic_name}"
  assume_role_policy   = data.aws_iam_policy_document.textract_trust.json
  max_session_duration = 3600

  tags = merge(var.tags, { Name = local.role_name })
}

data "aws_iam_policy_document" "textract_publish" {
  statement {
    sid       = "PublishCompletion"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [module.topic_queue.topic_arn]
  }

  # SNS encrypts the message with the topic's key on behalf of the publisher.
  statement {
    sid       = "UseTopicKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "textract_publish" {
  name   = "publish-lending-completion"
  role   = aws_iam_role.textract_publish.id
  policy = data.aws_iam_policy_document.textract_publish.json
}
