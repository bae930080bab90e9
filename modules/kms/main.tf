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

  # Key administration for the named admin role only, and no cryptographic operation in it: it may
  # change the policy, rotation, aliases, tags and schedule deletion, but reading data needs a user
  # statement below. CreateGrant is not here: AdminCreatesGrantsForAwsResources allows it only when an
  # AWS service asks on the admin's behalf (kms:GrantIsForAWSResource). Listed explicitly because the
  # project allows no `*` actions.
  admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
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

  metadata_actions = [
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
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

  # The named roles use the key only through these services (they call KMS on the role's behalf,
  # with the role's own credentials: S3 for SSE-KMS objects, Rekognition and Textract when they read
  # or write S3 for the caller, SNS/SQS for encrypted topics and queues, ...).
  user_via_services = [for service in var.user_via_services : "${service}.${local.region}.${local.dns_suffix}"]

  # What the admin role may encrypt (never decrypt) while it deploys, through which services.
  admin_encrypt_via_services = [for service in var.admin_encrypt_via_services : "${service}.${local.region}.${local.dns_suffix}"]
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_111:This is a key policy: its Resource "*" means this key alone (a key policy cannot name another resource), and every write (administration) is limited to the one named admin role; users are limited by aws:PrincipalArn and kms:ViaService, grants by kms:GrantIsForAWSResource.
  #checkov:skip=CKV_AWS_356:In a key policy Resource must be "*" (it means the key the policy is attached to); the statements are constrained by principal and conditions instead (named roles, kms:ViaService, aws:SourceAccount).
  # The admin role is named as the principal itself (not through the account root), so no IAM policy
  # elsewhere in the account can add an administrator, and KMS's lock-out check (the caller of
  # CreateKey/PutKeyPolicy must keep PutKeyPolicy) passes when the admin role applies the stack.
  statement {
    sid       = "KeyAdministrationByAdminRole"
    effect    = "Allow"
    actions   = local.admin_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [var.admin_role_arn]
    }
  }

  # Lambda (environment variables) and DynamoDB (table encryption) create a grant on the deployer's
  # behalf when a function or table is created with this key; nothing else may create one.
  statement {
    sid       = "AdminCreatesGrantsForAwsResources"
    effect    = "Allow"
    actions   = ["kms:CreateGrant"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [var.admin_role_arn]
    }

    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }

  dynamic "statement" {
    for_each = length(local.admin_encrypt_via_services) > 0 ? [1] : []

    content {
      sid       = "AdminEncryptsWhileDeploying"
      effect    = "Allow"
      actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [var.admin_role_arn]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = local.admin_encrypt_via_services
      }
    }
  }

  # Roles that only read the key's metadata, e.g. the CI plan role: `terraform plan` refreshes the key
  # (DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags) and must not need the admin role.
  dynamic "statement" {
    for_each = length(var.metadata_reader_role_arns) > 0 ? [1] : []

    content {
      sid       = "ReadKeyMetadataByNamedRoles"
      effect    = "Allow"
      actions   = local.metadata_actions
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [local.root_arn]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:PrincipalArn"
        values   = var.metadata_reader_role_arns
      }
    }
  }

  # The named roles, by aws:PrincipalArn: plain role ARNs that need not exist yet (no dependency on
  # the roles, no cycle), and a deleted and re-created role keeps its access (a principal ARN in the
  # policy would turn into the old role's unique ID). The account root only delegates: each role's
  # own IAM policy must allow the action as well.
  dynamic "statement" {
    for_each = length(var.user_role_arns) > 0 ? [1] : []

    content {
      sid       = "UseThroughAwsServicesByNamedRoles"
      effect    = "Allow"
      actions   = local.usage_actions
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [local.root_arn]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:PrincipalArn"
        values   = var.user_role_arns
      }

      condition {
        test     = "StringEquals"
        variable = "kms:CallerAccount"
        values   = [local.account_id]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = local.user_via_services
      }
    }
  }

  dynamic "statement" {
    for_each = var.cloudwatch_logs_enabled ? [1] : []

    content {
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
  }

  # SNS itself (not a caller) encrypts messages it delivers to KMS-encrypted SQS queues.
  dynamic "statement" {
    for_each = var.sns_delivery_enabled ? [1] : []

    content {
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
  }

  # CloudWatch alarms publish to the KMS-encrypted alarm topic (modules/observability) as the
  # cloudwatch.amazonaws.com service, not as a caller of this account, so SNS needs this key usable by
  # that principal; without it every alarm notification fails silently with KMS access denied.
  # Limited to alarms of this account (CloudWatch sends aws:SourceAccount with the request).
  dynamic "statement" {
    for_each = var.cloudwatch_alarms_enabled ? [1] : []

    content {
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
