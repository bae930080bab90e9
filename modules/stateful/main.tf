# The stateful half of a LendVerify stack: the customer-managed key, the three buckets, the tables
# (applications, audit), the Textract completion path (topic -> queue -> DLQ), the decision events
# path (topic -> queue -> DLQ, webhook signing secret) and sign-in (Cognito, reviewers group). terraform/
# (dev, staging, prod) and environments/local (moto) both call this module, so the local stage is
# built from exactly what the cloud runs and cannot drift from it.

locals {
  web_origins = concat([var.primary_origin], var.extra_web_origins)
  # Cognito compares redirect URLs literally and refuses 127.0.0.1, so loopback origins get CORS only.
  # The primary origin is not filtered here: it may be unknown until apply (the Amplify branch URL),
  # and a filter over an unknown value would make the whole list unknown in the plan.
  redirect_urls = concat(
    var.primary_origin_is_loopback ? [] : ["${var.primary_origin}/"],
    [for o in var.extra_web_origins : "${o}/" if !startswith(o, "http://127.0.0.1")],
  )
}

module "kms" {
  source = "../kms"

  name_prefix             = var.name_prefix
  tags                    = var.tags
  deletion_window_in_days = var.kms_deletion_window_in_days
  # No key_user_arns: the key policy delegates to IAM for use through S3, DynamoDB, Lambda,
  # Rekognition, Secrets Manager, SNS, SQS and Textract (kms:ViaService), so each function's own statements in
  # terraform/ are what let its role use the key. Naming the roles in the key policy would also be
  # a cycle (the functions' log groups and environment need the key).
}

module "storage" {
  source = "../storage"

  name_prefix                    = var.name_prefix
  tags                           = var.tags
  kms_key_arn                    = module.kms.key_arn
  web_origins                    = local.web_origins
  uploads_retention_days         = var.uploads_retention_days
  biometrics_retention_days      = var.biometrics_retention_days
  textract_output_retention_days = var.textract_output_retention_days
  access_log_bucket              = var.s3_access_log_bucket
  force_destroy                  = !var.deletion_protection
  # moto applies Deny statements without evaluating conditions (aws:SecureTransport included), so
  # the TLS-only policy would refuse every write on plain-HTTP loopback.
  attach_bucket_policy = !var.running_on_moto
}

module "tables" {
  source = "../tables"

  name_prefix                 = var.name_prefix
  tags                        = var.tags
  kms_key_arn                 = module.kms.key_arn
  deletion_protection_enabled = var.deletion_protection
}

module "lending_notifications" {
  source = "../lending_notifications"

  name_prefix              = var.name_prefix
  tags                     = var.tags
  kms_key_arn              = module.kms.key_arn
  consumer_timeout_seconds = var.consumer_timeout_seconds
  # moto 5.x does not implement RedriveAllowPolicy: the provider would wait for it forever.
  dlq_redrive_allow_policy_enabled = !var.running_on_moto
}

module "decision_events" {
  source = "../decision_events"

  name_prefix                = var.name_prefix
  tags                       = var.tags
  kms_key_arn                = module.kms.key_arn
  dispatcher_timeout_seconds = var.dispatcher_timeout_seconds
  webhook_secret_version     = var.webhook_secret_version
  # A protected stack keeps a deleted secret recoverable; a throwaway one frees its name at once.
  secret_recovery_window_in_days = var.deletion_protection ? 30 : 0
  # moto 5.x does not implement RedriveAllowPolicy: the provider would wait for it forever.
  dlq_redrive_allow_policy_enabled = !var.running_on_moto
}

module "identity" {
  source = "../identity"

  name_prefix             = var.name_prefix
  tags                    = var.tags
  deletion_protection     = var.deletion_protection
  mfa_configuration       = var.identity.mfa_configuration
  user_pool_tier          = var.identity.user_pool_tier
  threat_protection_mode  = var.identity.threat_protection_mode
  ses_email_identity_arn  = var.identity.ses_email_identity_arn
  from_email_address      = var.identity.from_email_address
  hosted_ui_domain_prefix = var.identity.hosted_ui_domain_prefix
  callback_urls           = local.redirect_urls
  logout_urls             = local.redirect_urls
  # moto 5.x does not implement SetIdentityPoolRoles. The pool itself is created; locally nothing
  # assumes its role (the emulator serves Face Liveness).
  identity_pool_roles_attachment_enabled = !var.running_on_moto
}
