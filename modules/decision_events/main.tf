data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  topic_name  = "${var.name_prefix}-decision-events"
  queue_name  = "${var.name_prefix}-decision-deliveries"
  dlq_name    = "${var.name_prefix}-decision-deliveries-dlq"
  secret_name = "${var.name_prefix}/webhook-signing-secret"

  # AWS's guidance for SQS event sources: visibility timeout at least six times the function
  # timeout, so a batch the dispatcher is still retrying in process never becomes visible again.
  visibility_timeout_seconds = var.dispatcher_timeout_seconds * 6
}

# ---------------------------------------------------------------------------------------------
# Topic the functions publish final decisions and completed analyses to, and the deliveries queue
# the dispatcher reads, with its dead-letter queue
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

  # Raw delivery: the message body is the decision event JSON the publisher wrote, byte for byte,
  # so the dispatcher signs exactly what was published and needs no SNS envelope parsing.
  raw_message_delivery = true

  tags = var.tags
}

data "aws_iam_policy_document" "publish" {
  # Account principals whose own IAM policy allows sns:Publish on this topic (the functions that
  # decide: verify-identity, review, lending-analysis-completed) may publish; nobody else.
  statement {
    sid       = "AccountPublishes"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [module.topic_queue.topic_arn]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Webhook signing secret (Standard Webhooks: whsec_<base64 of the key bytes>)
# ---------------------------------------------------------------------------------------------

resource "aws_secretsmanager_secret" "webhook_signing" {
  #checkov:skip=CKV2_AWS_57:A webhook signing secret is shared with the lender's receivers, so it cannot rotate on a schedule without them: it rotates on purpose by raising webhook_secret_version (a new random value is written, never stored in state), with the receivers updated from the secret (module README, Rotation).
  name                    = local.secret_name
  description             = "HMAC-SHA256 key (Standard Webhooks whsec_<base64>) the deliver-decision-events function signs lender webhooks with."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_in_days

  tags = merge(var.tags, { Name = local.secret_name })
}

# The key: 64 hex digits of two version-4 UUIDs (Terraform's uuid() reads crypto/rand: 244 random
# bits), 64 bytes as Standard Webhooks asks (24-64). It is written through a write-only attribute, so
# it is in neither the plan nor the state, and uuid() is evaluated at apply only. Not the provider's
# ephemeral aws_secretsmanager_random_password (which 5.100 has): Terraform 1.11's mock providers
# refuse any configuration holding an ephemeral resource (every root here is tested with mocks), and
# it would call GetRandomPassword during plan, which the offline plans cannot reach.
resource "aws_secretsmanager_secret_version" "webhook_signing" {
  secret_id                = aws_secretsmanager_secret.webhook_signing.id
  secret_string_wo         = "whsec_${base64encode(join("", [replace(uuid(), "-", ""), replace(uuid(), "-", "")]))}"
  secret_string_wo_version = var.webhook_secret_version
}
