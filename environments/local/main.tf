# The stateful half of the stack, on moto, built from the same modules as dev/staging/prod.
# Everything is disposable: no deletion protection, buckets force-destroyable, shortest windows.

module "kms" {
  source = "../../modules/kms"

  name_prefix             = var.name_prefix
  deletion_window_in_days = 7
}

module "storage" {
  source = "../../modules/storage"

  name_prefix                    = var.name_prefix
  kms_key_arn                    = module.kms.key_arn
  web_origins                    = var.web_origins
  uploads_retention_days         = 7
  biometrics_retention_days      = 1
  textract_output_retention_days = 7
  force_destroy                  = true
  # moto applies Deny statements without evaluating conditions (aws:SecureTransport included),
  # so the TLS-only policy would refuse every write on plain-HTTP loopback. AWS roots keep it.
  attach_bucket_policy = false
}

module "tables" {
  source = "../../modules/tables"

  name_prefix                 = var.name_prefix
  kms_key_arn                 = module.kms.key_arn
  deletion_protection_enabled = false
}

module "lending_notifications" {
  source = "../../modules/lending_notifications"

  name_prefix = var.name_prefix
  kms_key_arn = module.kms.key_arn
  # moto 5.x does not implement RedriveAllowPolicy: the provider would wait for it forever.
  dlq_redrive_allow_policy_enabled = false
}

module "identity" {
  source = "../../modules/identity"

  name_prefix         = var.name_prefix
  deletion_protection = false
  # Threat protection is a paid PLUS-tier feature of real Cognito; locally it would only slow sign-in.
  user_pool_tier         = "ESSENTIALS"
  threat_protection_mode = "OFF"
  # moto 5.x does not implement SetIdentityPoolRoles. The pool itself is created; locally nothing
  # assumes its role (the emulator serves Face Liveness).
  identity_pool_roles_attachment_enabled = false
  callback_urls                          = [for o in var.web_origins : "${o}/" if !startswith(o, "http://127.0.0.1")]
  logout_urls                            = [for o in var.web_origins : "${o}/" if !startswith(o, "http://127.0.0.1")]
}

locals {
  # Same map as terraform/ (handlers/README.md, Configuration), with this root's resources.
  handler_environment = {
    APPLICATIONS_TABLE          = module.tables.table_name
    UPLOADS_BUCKET              = module.storage.uploads_bucket_name
    BIOMETRICS_BUCKET           = module.storage.biometrics_bucket_name
    TEXTRACT_OUTPUT_BUCKET      = module.storage.textract_output_bucket_name
    KMS_KEY_ARN                 = module.kms.key_arn
    LENDING_TOPIC_ARN           = module.lending_notifications.topic_arn
    TEXTRACT_PUBLISH_ROLE_ARN   = module.lending_notifications.textract_publish_role_arn
    LIVENESS_PASS_THRESHOLD     = tostring(var.thresholds.liveness_pass_threshold)
    LIVENESS_REVIEW_BAND        = tostring(var.thresholds.liveness_review_band)
    FACE_SIMILARITY_THRESHOLD   = tostring(var.thresholds.face_similarity_threshold)
    FACE_SIMILARITY_REVIEW_BAND = tostring(var.thresholds.face_similarity_review_band)
    MIN_EXTRACTION_CONFIDENCE   = tostring(var.thresholds.min_extraction_confidence)
    MINIMUM_AGE                 = tostring(var.thresholds.minimum_age)
    LIVENESS_AUDIT_IMAGES_LIMIT = tostring(var.thresholds.liveness_audit_images_limit)
    UPLOAD_URL_TTL_SECONDS      = tostring(var.thresholds.upload_url_ttl_seconds)
    REQUIRED_DOCUMENTS          = join(",", var.thresholds.required_documents)
    ALLOWED_ORIGIN              = var.web_origins[0]
  }
}
