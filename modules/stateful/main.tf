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

# Two keys, so that who may read biometric and identity data is decided apart from who may read
# logs and messages. The operations key: log groups, topics, queues, the webhook secret and the
# functions' environment. The data key: every bucket (ID images, liveness images, lending packages
# and their Textract output, evidence) and the tables holding personal data. Each policy names its
# users by aws:PrincipalArn (plain ARN strings of roles that need not exist yet: no cycle with the
# functions, whose log groups and environment need the operations key).
module "kms" {
  source = "../kms"

  name_prefix             = var.name_prefix
  tags                    = var.tags
  description             = "LendVerify ${var.name_prefix}: logs, topics, queues, the webhook secret and function environment"
  deletion_window_in_days = var.kms_deletion_window_in_days
  admin_role_arn          = var.key_admin_role_arn
  # The CI plan role refreshes the keys in `terraform plan`: metadata only.
  metadata_reader_role_arns = var.key_metadata_reader_role_arns
  # Lambda encrypts the functions' environment and Secrets Manager the webhook secret value
  # Terraform writes, both with the deployer's credentials: encrypt only, never decrypt.
  admin_encrypt_via_services = ["lambda", "secretsmanager"]
  # Textract publishes completion through its role: SNS encrypts with the topic's key as that role.
  user_role_arns            = concat(var.operations_key_user_role_arns, [module.lending_notifications.textract_publish_role_arn])
  user_via_services         = ["lambda", "secretsmanager", "sns", "sqs"]
  cloudwatch_logs_enabled   = true
  sns_delivery_enabled      = true
  cloudwatch_alarms_enabled = true
}

module "data_key" {
  source = "../kms"

  name_prefix               = var.name_prefix
  tags                      = var.tags
  alias_name                = "${var.name_prefix}-data"
  description               = "LendVerify ${var.name_prefix}: biometric, identity and financial data (buckets, tables)"
  deletion_window_in_days   = var.kms_deletion_window_in_days
  admin_role_arn            = var.key_admin_role_arn
  metadata_reader_role_arns = var.key_metadata_reader_role_arns
  user_role_arns            = var.data_key_user_role_arns
  # Rekognition and Textract read and write S3 with the caller's credentials (Face Liveness images,
  # CompareFaces/AnalyzeID inputs, StartLendingAnalysis input and output).
  user_via_services = ["dynamodb", "rekognition", "s3", "textract"]
}

module "storage" {
  source = "../storage"

  name_prefix                    = var.name_prefix
  tags                           = var.tags
  kms_key_arn                    = module.data_key.key_arn
  web_origins                    = local.web_origins
  uploads_retention_days         = var.uploads_retention_days
  biometrics_retention_days      = var.biometrics_retention_days
  textract_output_retention_days = var.textract_output_retention_days
  access_log_bucket              = var.s3_access_log_bucket
  force_destroy                  = !var.deletion_protection
  break_glass_role_arn           = var.break_glass_role_arn
  biometrics_reader_role_arns    = var.biometrics_reader_role_arns
  evidence_retention_days        = var.evidence_retention_days
  evidence_reader_role_arns      = var.evidence_reader_role_arns
  # moto applies Deny statements without evaluating conditions (aws:SecureTransport included), so
  # the TLS-only policy would refuse every write on plain-HTTP loopback.
  attach_bucket_policy = !var.running_on_moto
}

module "tables" {
  source = "../tables"

  name_prefix                 = var.name_prefix
  tags                        = var.tags
  kms_key_arn                 = module.data_key.key_arn
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
