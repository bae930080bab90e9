data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix
  root_arn   = "arn:${local.partition}:iam::${local.account_id}:root"
  alias_name = "alias/${coalesce(var.alias_name, var.name_prefix)}"

  # Key administration without the ability to encrypt or decrypt: the account root (and through it
  # the IAM principals the account delegates to) manages the key's lifecycle, but reading data needs
  # one of the usage statements below. Listed explicitly because the project allows no `*` actions.
  admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]

  usage_actions = [
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
  ]

  # Services that call KMS on behalf of an IAM principal of this account (the principal's own IAM
  # policy must also allow the action). Lambda is here because lambda_function encrypts environment
  # variables with this key: Lambda encrypts/decrypts them on behalf of the deployer and the
  # execution role. Secrets Manager: the webhook signing secret (modules/decision_events) is encrypted
  # with this key, and the dispatcher reads it through Secrets Manager.
  via_services = [for service in ["dynamodb", "lambda", "rekognition", "s3", "secretsmanager", "sns", "sqs", "textract"] :
    "${service}.${local.region}.${local.dns_suffix}"
  ]
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "KeyAdministrationByAccount"
    effect    = "Allow"
    actions   = local.admin_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
  }

  statement {
    sid       = "UseThroughAwsServicesForAccountPrincipals"
    effect    = "Allow"
    actions   = local.usage_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = local.via_services
    }
  }

  statement {
    sid       = "CloudWatchLogsEncryptLogGroupsOfThisAccount"
    effect    = "Allow"
    actions   = local.usage_actions
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.${local.dns_suffix}"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }

  # SNS itself (not a caller) encrypts messages it delivers to KMS-encrypted SQS queues.
  statement {
    sid       = "SnsDeliveryToEncryptedQueues"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:sns:${local.region}:${local.account_id}:*"]
    }
  }

  # CloudWatch alarms publish to the KMS-encrypted alarm topic (modules/observability) as the
  # cloudwatch.amazonaws.com service, not as a caller of this account, so SNS needs this key usable by
  # that principal; without it every alarm notification fails silently with KMS access denied.
  # Limited to alarms of this account (CloudWatch sends aws:SourceAccount with the request).
  statement {
    sid       = "CloudWatchAlarmsPublishToEncryptedTopics"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  dynamic "statement" {
    for_each = length(var.key_user_arns) > 0 ? [1] : []

    content {
      sid       = "DirectUseByNamedPrincipals"
      effect    = "Allow"
      actions   = local.usage_actions
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = var.key_user_arns
      }
    }
  }
}

resource "aws_kms_key" "this" {
  description              = var.description
  key_usage                = "ENCRYPT_DECRYPT"
  customer_master_key_spec = "SYMMETRIC_DEFAULT"
  is_enabled               = true
  enable_key_rotation      = true
  rotation_period_in_days  = var.rotation_period_in_days
  deletion_window_in_days  = var.deletion_window_in_days
  multi_region             = false
  policy                   = data.aws_iam_policy_document.key.json

  tags = merge(var.tags, { Name = var.name_prefix })
}

resource "aws_kms_alias" "this" {
  name          = local.alias_name
  target_key_id = aws_kms_key.this.key_id
}
