# One output per value, not one per module: a module-valued output would depend on the whole module,
# and terraform/ feeds Amplify's origin back into storage CORS and Cognito redirects (a cycle).

output "handler_environment" {
  description = "The environment variables every function receives (handlers/README.md, Configuration): this module's resources, the thresholds and ALLOWED_ORIGIN. The one definition of that map; terraform/ sets it on the Lambdas, the local stage on its handlers."
  value = {
    APPLICATIONS_TABLE              = module.tables.table_name
    UPLOADS_BUCKET                  = module.storage.uploads_bucket_name
    BIOMETRICS_BUCKET               = module.storage.biometrics_bucket_name
    TEXTRACT_OUTPUT_BUCKET          = module.storage.textract_output_bucket_name
    EVIDENCE_BUCKET                 = module.storage.evidence_bucket_name
    KMS_KEY_ARN                     = module.data_key.key_arn
    LENDING_TOPIC_ARN               = module.lending_notifications.topic_arn
    TEXTRACT_PUBLISH_ROLE_ARN       = module.lending_notifications.textract_publish_role_arn
    LIVENESS_PASS_THRESHOLD         = tostring(var.thresholds.liveness_pass_threshold)
    LIVENESS_REVIEW_BAND            = tostring(var.thresholds.liveness_review_band)
    FACE_SIMILARITY_THRESHOLD       = tostring(var.thresholds.face_similarity_threshold)
    FACE_SIMILARITY_REVIEW_BAND     = tostring(var.thresholds.face_similarity_review_band)
    MIN_EXTRACTION_CONFIDENCE       = tostring(var.thresholds.min_extraction_confidence)
    MINIMUM_AGE                     = tostring(var.thresholds.minimum_age)
    LIVENESS_AUDIT_IMAGES_LIMIT     = tostring(var.thresholds.liveness_audit_images_limit)
    UPLOAD_URL_TTL_SECONDS          = tostring(var.thresholds.upload_url_ttl_seconds)
    REQUIRED_DOCUMENTS              = join(",", var.thresholds.required_documents)
    ALLOWED_ORIGIN                  = var.primary_origin
    AUDIT_TABLE                     = module.tables.audit_table_name
    AUDIT_RETENTION_DAYS            = tostring(var.audit_retention_days)
    PERSONAL_DATA_RETENTION_DAYS    = tostring(var.personal_data_retention_days)
    LONGEST_JOB_SECONDS             = tostring(var.longest_job_seconds)
    DECISION_EVENTS_TOPIC_ARN       = module.decision_events.topic_arn
    WEBHOOK_SECRET_ARN              = module.decision_events.webhook_secret_arn
    WEBHOOK_ENDPOINTS               = jsonencode([for e in var.webhook_endpoints : { name = e.name, url = e.url }])
    REVIEWERS_GROUP                 = module.identity.reviewers_group_name
    LIVENESS_LOCKOUT_FAILURES       = tostring(var.thresholds.liveness_lockout_failures)
    LIVENESS_LOCKOUT_WINDOW_SECONDS = tostring(var.thresholds.liveness_lockout_window_seconds)
    IDENTITY_MAX_ATTEMPTS           = tostring(var.thresholds.identity_max_attempts)
    APPLICATIONS_PER_DAY            = tostring(var.quotas.applications_per_day)
    UPLOADS_PER_APPLICATION         = tostring(var.quotas.uploads_per_application)
    LENDING_JOBS_PER_APPLICATION    = tostring(var.quotas.lending_jobs_per_application)
    MAX_UPLOAD_BYTES                = tostring(var.quotas.max_upload_bytes)
  }
}

output "key_arn" {
  description = "ARN of the operations key (log groups, topics, queues, the webhook secret, function environment)."
  value       = module.kms.key_arn
}

output "data_key_arn" {
  description = "ARN of the data key (every bucket and the tables: biometric, identity and financial data): KMS_KEY_ARN."
  value       = module.data_key.key_arn
}

output "table_name" {
  description = "Applications table."
  value       = module.tables.table_name
}

output "table_arn" {
  description = "ARN of the applications table."
  value       = module.tables.table_arn
}

output "owner_index_arn" {
  description = "ARN of the table's owner-index (an applicant's applications)."
  value       = module.tables.owner_index_arn
}

output "job_index_arn" {
  description = "ARN of the table's job-index (the completion consumer finds a document by job)."
  value       = module.tables.job_index_arn
}

output "review_index_arn" {
  description = "ARN of the table's sparse review-index (the review queue)."
  value       = module.tables.review_index_arn
}

output "sweep_index_arn" {
  description = "ARN of the table's sparse sweep-index (erasures whose late-write sweep is due)."
  value       = module.tables.sweep_index_arn
}

output "audit_table_name" {
  description = "Audit table (append-only for every function)."
  value       = module.tables.audit_table_name
}

output "audit_table_arn" {
  description = "ARN of the audit table."
  value       = module.tables.audit_table_arn
}

output "uploads_bucket_name" {
  description = "Uploads bucket (ID images, lending packages)."
  value       = module.storage.uploads_bucket_name
}

output "uploads_bucket_arn" {
  description = "ARN of the uploads bucket."
  value       = module.storage.uploads_bucket_arn
}

output "biometrics_bucket_name" {
  description = "Biometrics bucket (liveness reference and audit images)."
  value       = module.storage.biometrics_bucket_name
}

output "biometrics_bucket_arn" {
  description = "ARN of the biometrics bucket."
  value       = module.storage.biometrics_bucket_arn
}

output "textract_output_bucket_name" {
  description = "Textract lending output bucket."
  value       = module.storage.textract_output_bucket_name
}

output "textract_output_bucket_arn" {
  description = "ARN of the Textract lending output bucket."
  value       = module.storage.textract_output_bucket_arn
}

output "evidence_bucket_name" {
  description = "Evidence bucket (Object Lock GOVERNANCE; decided applications' evidence): EVIDENCE_BUCKET."
  value       = module.storage.evidence_bucket_name
}

output "evidence_bucket_arn" {
  description = "ARN of the evidence bucket."
  value       = module.storage.evidence_bucket_arn
}

output "bucket_names" {
  description = "Bucket per purpose (uploads, biometrics, textract_output)."
  value       = module.storage.bucket_names
}

output "lending_topic_arn" {
  description = "SNS topic Textract publishes lending completion to."
  value       = module.lending_notifications.topic_arn
}

output "lending_topic_name" {
  description = "Name of the lending completion topic."
  value       = module.lending_notifications.topic_name
}

output "lending_queue_arn" {
  description = "ARN of the completion queue."
  value       = module.lending_notifications.queue_arn
}

output "lending_queue_url" {
  description = "URL of the completion queue."
  value       = module.lending_notifications.queue_url
}

output "lending_dlq_arn" {
  description = "ARN of the completion queue's dead-letter queue."
  value       = module.lending_notifications.dlq_arn
}

output "lending_dlq_url" {
  description = "URL of the completion queue's dead-letter queue."
  value       = module.lending_notifications.dlq_url
}

output "lending_dlq_name" {
  description = "Name of the completion queue's dead-letter queue."
  value       = module.lending_notifications.dlq_name
}

output "textract_publish_role_arn" {
  description = "Role Textract assumes to publish completion notifications."
  value       = module.lending_notifications.textract_publish_role_arn
}

output "decision_topic_arn" {
  description = "SNS topic decision events are published to."
  value       = module.decision_events.topic_arn
}

output "decision_topic_name" {
  description = "Name of the decision events topic."
  value       = module.decision_events.topic_name
}

output "decision_queue_arn" {
  description = "ARN of the deliveries queue (event source of deliver-decision-events)."
  value       = module.decision_events.queue_arn
}

output "decision_queue_url" {
  description = "URL of the deliveries queue."
  value       = module.decision_events.queue_url
}

output "decision_dlq_arn" {
  description = "ARN of the deliveries dead-letter queue."
  value       = module.decision_events.dlq_arn
}

output "decision_dlq_url" {
  description = "URL of the deliveries dead-letter queue."
  value       = module.decision_events.dlq_url
}

output "decision_dlq_name" {
  description = "Name of the deliveries dead-letter queue."
  value       = module.decision_events.dlq_name
}

output "webhook_secret_arn" {
  description = "ARN of the webhook signing secret."
  value       = module.decision_events.webhook_secret_arn
}

output "reviewers_group_name" {
  description = "Cognito group whose members may use the review routes."
  value       = module.identity.reviewers_group_name
}

output "user_pool_id" {
  description = "ID of the applicant Cognito user pool."
  value       = module.identity.user_pool_id
}

output "user_pool_arn" {
  description = "ARN of the applicant Cognito user pool."
  value       = module.identity.user_pool_arn
}

output "user_pool_client_id" {
  description = "ID of the public web app client of the user pool."
  value       = module.identity.user_pool_client_id
}

output "identity_pool_id" {
  description = "ID of the Cognito identity pool (Face Liveness streaming credentials)."
  value       = module.identity.identity_pool_id
}

output "issuer_url" {
  description = "Issuer of the pool's tokens as the real service names it."
  value       = module.identity.issuer_url
}

output "cognito_region" {
  description = "Region of the Cognito pools."
  value       = module.identity.region
}

output "web_origins" {
  description = "Origins the uploads bucket's CORS allows: the primary origin first, then the extra ones."
  value       = local.web_origins
}

output "redirect_urls" {
  description = "Cognito callback and logout URLs: every origin but the loopback ones, with a trailing slash."
  value       = local.redirect_urls
}

output "retention_days" {
  description = "Days each bucket keeps current objects, as applied: uploads, biometrics, textract_output."
  value       = module.storage.retention_days
}
