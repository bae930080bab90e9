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
# Topic Textract publishes job completion to
# ---------------------------------------------------------------------------------------------

resource "aws_sns_topic" "this" {
  name              = local.topic_name
  kms_master_key_id = var.kms_key_arn

  tags = merge(var.tags, { Name = local.topic_name })
}

# Only Textract, through the publish role it assumes (StartLendingAnalysis NotificationChannel), may
# publish: a completion message is what the consumer acts on. The Allow names the role; the Deny stops
# any other principal of the account whose own IAM policy allows sns:Publish (within one account an
# identity policy alone would suffice).
data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "TextractPublishRolePublishes"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.textract_publish.arn]
    }
  }

  statement {
    sid       = "DenyPublishByAnyoneElse"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

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

  statement {
    sid       = "DenyPublishWithoutTls"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic.json
}

# ---------------------------------------------------------------------------------------------
# Queue the consumer Lambda reads, and its dead-letter queue
# ---------------------------------------------------------------------------------------------

resource "aws_sqs_queue" "dlq" {
  name                              = local.dlq_name
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds

  tags = merge(var.tags, { Name = local.dlq_name })
}

resource "aws_sqs_queue" "this" {
  name                              = local.queue_name
  visibility_timeout_seconds        = local.visibility_timeout_seconds
  message_retention_seconds         = var.message_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = merge(var.tags, { Name = local.queue_name })
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  count = var.dlq_redrive_allow_policy_enabled ? 1 : 0

  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

data "aws_iam_policy_document" "queue" {
  statement {
    sid       = "TopicDeliversToQueue"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this.arn]

    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_sns_topic.this.arn]
    }
  }

  statement {
    sid    = "DenyWithoutTls"
    effect = "Deny"
    actions = [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:PurgeQueue",
      "sqs:ReceiveMessage",
      "sqs:SendMessage",
    ]
    resources = [aws_sqs_queue.this.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = data.aws_iam_policy_document.queue.json
}

# The consumer reads the SNS envelope (Message holds Textract's JSON), hence no raw delivery.
resource "aws_sns_topic_subscription" "queue" {
  topic_arn            = aws_sns_topic.this.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.this.arn
  raw_message_delivery = false

  # Deliveries before the queue policy exists would be rejected and lost.
  depends_on = [aws_sqs_queue_policy.this]
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
    resources = [aws_sns_topic.this.arn]
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
