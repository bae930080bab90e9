# ---------------------------------------------------------------------------------------------
# Identity of the stack
# ---------------------------------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix of every resource name, e.g. `lendverify-prod`. Lowercase letters, digits and hyphens; starts with a letter; at most 32 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,31}$", var.name_prefix)) && !endswith(var.name_prefix, "-")
    error_message = "name_prefix must be 1-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "tags" {
  description = "Extra tags for every taggable resource. Project/environment/owner tags normally come from the root's provider default_tags."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------------------------
# Browser origins
# ---------------------------------------------------------------------------------------------

variable "primary_origin" {
  description = "The origin applicants load the app from: every handler's ALLOWED_ORIGIN, the first S3 upload CORS origin and the first Cognito redirect URL. May be unknown until apply (an Amplify branch URL)."
  type        = string
}

variable "primary_origin_is_loopback" {
  description = "true when primary_origin is http://127.0.0.1[:port] (the local stage): Cognito refuses loopback redirect URLs, so it gets CORS only. Said by the caller because primary_origin may be unknown until apply."
  type        = bool
  default     = false
}

variable "extra_web_origins" {
  description = "Browser origins besides primary_origin (e.g. http://localhost:5173 in dev) allowed by S3 upload CORS and Cognito redirects (http://127.0.0.1 origins get CORS only: Cognito refuses them as redirect URLs). https only, except http://localhost[:port] and http://127.0.0.1[:port]."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = alltrue([
      for origin in var.extra_web_origins :
      can(regex("^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$", origin)) ||
      can(regex("^http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?$", origin))
    ])
    error_message = "extra_web_origins entries must be https://<host>[:port] (no path, no trailing slash, no wildcard), or http://localhost[:port] / http://127.0.0.1[:port]."
  }
}

# ---------------------------------------------------------------------------------------------
# Decision thresholds (handlers/README.md, Configuration)
# ---------------------------------------------------------------------------------------------

variable "thresholds" {
  description = "Decision thresholds handed to every function as environment variables. Defaults are the ones handlers/README.md names."
  type = object({
    liveness_pass_threshold     = optional(number, 90)
    liveness_review_band        = optional(number, 10)
    face_similarity_threshold   = optional(number, 99)
    face_similarity_review_band = optional(number, 4)
    min_extraction_confidence   = optional(number, 90)
    minimum_age                 = optional(number, 18)
    liveness_audit_images_limit = optional(number, 4)
    upload_url_ttl_seconds      = optional(number, 300)
    required_documents          = optional(list(string), ["URLA_1003", "PROOF_OF_INCOME", "BANK_STATEMENT", "IDENTITY_DOCUMENT"])
    # AWS's Face Liveness guidance: lock an applicant out after 5 failed sessions within 3 minutes.
    liveness_lockout_failures       = optional(number, 5)
    liveness_lockout_window_seconds = optional(number, 180)
    # Identity verification attempts (analyses) per application before a reviewer must decide.
    identity_max_attempts = optional(number, 3)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for v in [
        var.thresholds.liveness_pass_threshold, var.thresholds.liveness_review_band,
        var.thresholds.face_similarity_threshold, var.thresholds.face_similarity_review_band,
        var.thresholds.min_extraction_confidence,
      ] : v >= 0 && v <= 100
    ])
    error_message = "Confidence/similarity thresholds and review bands must be between 0 and 100."
  }

  validation {
    condition = (
      var.thresholds.liveness_review_band <= var.thresholds.liveness_pass_threshold &&
      var.thresholds.face_similarity_review_band <= var.thresholds.face_similarity_threshold
    )
    error_message = "A review band must not be wider than its threshold (threshold - band must stay >= 0)."
  }

  validation {
    condition     = var.thresholds.minimum_age >= 18 && var.thresholds.minimum_age <= 120 && floor(var.thresholds.minimum_age) == var.thresholds.minimum_age
    error_message = "minimum_age must be a whole number of years between 18 and 120."
  }

  validation {
    condition     = contains([0, 1, 2, 3, 4], var.thresholds.liveness_audit_images_limit)
    error_message = "liveness_audit_images_limit must be 0-4 (Rekognition AuditImagesLimit)."
  }

  validation {
    condition     = var.thresholds.upload_url_ttl_seconds >= 60 && var.thresholds.upload_url_ttl_seconds <= 3600 && floor(var.thresholds.upload_url_ttl_seconds) == var.thresholds.upload_url_ttl_seconds
    error_message = "upload_url_ttl_seconds must be a whole number between 60 and 3600: presigned PUT URLs should be short-lived."
  }

  validation {
    condition = length(var.thresholds.required_documents) > 0 && alltrue([
      for d in var.thresholds.required_documents : can(regex("^[A-Z0-9_]+$", d))
    ])
    error_message = "required_documents must be a non-empty list of checklist codes (upper case, digits, underscores), e.g. URLA_1003."
  }

  validation {
    condition     = var.thresholds.liveness_lockout_failures >= 1 && var.thresholds.liveness_lockout_failures <= 100 && floor(var.thresholds.liveness_lockout_failures) == var.thresholds.liveness_lockout_failures
    error_message = "liveness_lockout_failures must be a whole number between 1 and 100 (failed liveness sessions within the window before a lockout)."
  }

  validation {
    condition     = var.thresholds.liveness_lockout_window_seconds >= 60 && var.thresholds.liveness_lockout_window_seconds <= 86400 && floor(var.thresholds.liveness_lockout_window_seconds) == var.thresholds.liveness_lockout_window_seconds
    error_message = "liveness_lockout_window_seconds must be a whole number of seconds between 60 and 86400 (one day)."
  }

  validation {
    condition     = var.thresholds.identity_max_attempts >= 1 && var.thresholds.identity_max_attempts <= 20 && floor(var.thresholds.identity_max_attempts) == var.thresholds.identity_max_attempts
    error_message = "identity_max_attempts must be a whole number between 1 and 20."
  }
}

# ---------------------------------------------------------------------------------------------
# Per-user quotas (handlers/core/src/quotas.rs; README, Quotas)
# ---------------------------------------------------------------------------------------------

variable "quotas" {
  description = <<-EOT
    What one account may make the platform store and pay for, each per rolling 24 hours; a refusal is a
    429 with Retry-After (README, Quotas). Unset attributes take the handlers' defaults:
    applications_per_day (APPLICATIONS_PER_DAY, 5, 1-10000): applications one caller may create;
    uploads_per_application (UPLOADS_PER_APPLICATION, 20, 3-10000): upload URLs one application may request;
    lending_jobs_per_application (LENDING_JOBS_PER_APPLICATION, 3, 1-1000): Textract lending analyses one
    application may start; max_upload_bytes (MAX_UPLOAD_BYTES, 52428800 = 50 MiB, 10485760-524288000):
    the largest upload, below each purpose's service limit (ID images 5 MiB, package images 10 MiB,
    PDF/TIFF 500 MiB), signed into the presigned PUT's Content-Length.
  EOT
  type = object({
    applications_per_day         = optional(number, 5)
    uploads_per_application      = optional(number, 20)
    lending_jobs_per_application = optional(number, 3)
    max_upload_bytes             = optional(number, 52428800)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for value in values(var.quotas) : value != null && floor(value) == value
    ])
    error_message = "Every quota must be a whole number (null attributes are unset: omit them instead)."
  }

  validation {
    condition     = var.quotas.applications_per_day >= 1 && var.quotas.applications_per_day <= 10000
    error_message = "quotas.applications_per_day must be between 1 and 10000 (0 would refuse every applicant)."
  }

  validation {
    condition     = var.quotas.uploads_per_application >= 3 && var.quotas.uploads_per_application <= 10000
    error_message = "quotas.uploads_per_application must be between 3 (ID front, ID back and a lending package) and 10000."
  }

  validation {
    condition     = var.quotas.lending_jobs_per_application >= 1 && var.quotas.lending_jobs_per_application <= 1000
    error_message = "quotas.lending_jobs_per_application must be between 1 and 1000."
  }

  validation {
    condition     = var.quotas.max_upload_bytes >= 10485760 && var.quotas.max_upload_bytes <= 524288000
    error_message = "quotas.max_upload_bytes must be between 10485760 (10 MiB, the largest package image) and 524288000 (500 MiB, Textract's limit)."
  }
}

# ---------------------------------------------------------------------------------------------
# Data protection and retention
# ---------------------------------------------------------------------------------------------

variable "deletion_protection" {
  description = "Protect stateful resources: DynamoDB deletion protection on, buckets not force-destroyable. true for staging/prod; false only for throwaway environments."
  type        = bool
  default     = true
}

variable "uploads_retention_days" {
  description = "Days before ID images and lending packages under `applications/` expire in the uploads bucket. Null keeps modules/storage's default (365); the range is checked there."
  type        = number
  default     = null
}

variable "biometrics_retention_days" {
  description = "Days before liveness reference and audit images expire; biometric data is kept the shortest. Null keeps modules/storage's default (30); the range is checked there."
  type        = number
  default     = null
}

variable "textract_output_retention_days" {
  description = "Days before Textract lending output under `applications/` expires. Null keeps modules/storage's default (365); the range is checked there."
  type        = number
  default     = null
}

variable "key_admin_role_arn" {
  description = "The role that administers both keys without decrypting (modules/kms admin_role_arn): the role that applies this stack. Validated in modules/kms."
  type        = string
}

variable "key_metadata_reader_role_arns" {
  description = "Roles that may read both keys' metadata only (the CI plan role: `terraform plan` refreshes the keys). Validated in modules/kms."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "data_key_user_role_arns" {
  description = "Roles that use the data key (buckets, tables), named by aws:PrincipalArn: the functions that read or write biometric, identity or financial data. Plain ARNs; the roles need not exist yet."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "operations_key_user_role_arns" {
  description = "Roles that use the operations key (topics, queues, the webhook secret), named by aws:PrincipalArn; the Textract publish role is added here."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "break_glass_role_arn" {
  description = "The emergency-access role that may read biometric images (and evidence) besides the named readers. Validated in modules/storage."
  type        = string
}

variable "biometrics_reader_role_arns" {
  description = "Roles that may read the biometrics bucket (s3:GetObject); the bucket policy denies every other principal but break_glass_role_arn."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "evidence_retention_days" {
  description = "Days each evidence version is locked (Object Lock GOVERNANCE) and kept, then destroyed. Null keeps modules/storage's default (1827, five years); the range is checked there."
  type        = number
  default     = null
}

variable "evidence_reader_role_arns" {
  description = "Roles that may read the evidence bucket besides break_glass_role_arn."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period (7-30 days) before the customer-managed key is deleted after scheduling. Null keeps modules/kms's default (30); the range is checked there."
  type        = number
  default     = null
}

variable "s3_access_log_bucket" {
  description = "Existing bucket receiving S3 server access logs of the three data buckets; null disables access logging."
  type        = string
  default     = null
}

variable "audit_retention_days" {
  description = "Days an audit event is kept (its expires_at TTL, AUDIT_RETENTION_DAYS): dev 30, staging 90, prod 2555 (seven years, lending record keeping)."
  type        = number
  default     = 2555
  nullable    = false

  validation {
    condition     = var.audit_retention_days >= 1 && var.audit_retention_days <= 3653 && floor(var.audit_retention_days) == var.audit_retention_days
    error_message = "audit_retention_days must be a whole number of days between 1 and 3653 (ten years)."
  }
}

variable "personal_data_retention_days" {
  description = "Days a DynamoDB item holding personal data (names, dates of birth, income, balances, decisions) is kept after its last write: the handlers write its expiresAt TTL from PERSONAL_DATA_RETENTION_DAYS. dev 30, staging 90, prod 1827 (five years: US CIP keeps verification records five years after they are made; README, Retention)."
  type        = number
  default     = 1827
  nullable    = false

  validation {
    condition     = var.personal_data_retention_days >= 1 && var.personal_data_retention_days <= 3653 && floor(var.personal_data_retention_days) == var.personal_data_retention_days
    error_message = "personal_data_retention_days must be a whole number of days between 1 and 3653 (ten years)."
  }
}

variable "longest_job_seconds" {
  description = "Seconds a Textract lending job or a Face Liveness session started before an erasure may still write under the erased application's prefixes (LONGEST_JOB_SECONDS). The erasure sweep runs UPLOAD_URL_TTL_SECONDS + this after the erasure and removes those late writes. 7200 (two hours) by default; 300-604800 (five minutes to seven days)."
  type        = number
  default     = 7200
  nullable    = false

  validation {
    condition     = var.longest_job_seconds >= 300 && var.longest_job_seconds <= 604800 && floor(var.longest_job_seconds) == var.longest_job_seconds
    error_message = "longest_job_seconds must be a whole number of seconds between 300 (five minutes) and 604800 (seven days)."
  }
}

# ---------------------------------------------------------------------------------------------
# Textract completion path, decision events and sign-in
# ---------------------------------------------------------------------------------------------

variable "consumer_timeout_seconds" {
  description = "Timeout of the SQS consumer `lending-analysis-completed`, from which the completion queue's visibility timeout is derived. Null keeps modules/lending_notifications' default and range check."
  type        = number
  default     = null
}

variable "dispatcher_timeout_seconds" {
  description = "Timeout of the webhook dispatcher `deliver-decision-events`, from which the deliveries queue's visibility timeout is derived (6x). Null keeps modules/decision_events' default (60) and range check."
  type        = number
  default     = null
}

variable "webhook_endpoints" {
  description = "The lender's webhook receivers: every decision event is delivered, signed, to each. `name` keys the delivery record (lowercase letters, digits, hyphens; unique); `url` is https, or http://localhost / http://127.0.0.1 only on the local stage (running_on_moto). Handed to the functions as WEBHOOK_ENDPOINTS (JSON)."
  type = list(object({
    name = string
    url  = string
  }))
  default  = []
  nullable = false

  validation {
    condition     = length(var.webhook_endpoints) <= 5
    error_message = "At most 5 webhook_endpoints (they travel in the functions' environment, which Lambda limits to 4 KB)."
  }

  validation {
    condition     = alltrue([for e in var.webhook_endpoints : can(regex("^[a-z0-9][a-z0-9-]{0,62}$", e.name))])
    error_message = "webhook_endpoints[*].name must be 1-63 lowercase letters, digits or hyphens, starting with a letter or digit."
  }

  validation {
    condition     = length(distinct([for e in var.webhook_endpoints : e.name])) == length(var.webhook_endpoints)
    error_message = "webhook_endpoints names must be unique (each keys its own delivery record)."
  }

  validation {
    condition = alltrue([
      for e in var.webhook_endpoints : length(e.url) <= 512 && (
        can(regex("^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[^\\s]*)?$", e.url)) ||
        (var.running_on_moto && can(regex("^http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?(/[^\\s]*)?$", e.url)))
      )
    ])
    error_message = "webhook_endpoints[*].url must be an https URL of at most 512 characters (no credentials, no wildcard); plain http is accepted only for localhost / 127.0.0.1 on the local stage."
  }
}

variable "webhook_secret_version" {
  description = "Version of the webhook signing secret's value; raise it to rotate (a new random value is written, never in plan or state). Null keeps modules/decision_events' default (1)."
  type        = number
  default     = null
}

variable "identity" {
  description = "Cognito settings: MFA (OPTIONAL/ON), feature tier and threat protection, SES sender (null = Cognito default sender, development only), optional hosted UI domain prefix."
  type = object({
    mfa_configuration       = optional(string, "OPTIONAL")
    user_pool_tier          = optional(string, "PLUS")
    threat_protection_mode  = optional(string, "ENFORCED")
    ses_email_identity_arn  = optional(string)
    from_email_address      = optional(string)
    hosted_ui_domain_prefix = optional(string)
  })
  default  = {}
  nullable = false
}

# ---------------------------------------------------------------------------------------------
# Where it runs
# ---------------------------------------------------------------------------------------------

variable "running_on_moto" {
  description = "true only for environments/local: switches off what moto 5.x lacks or evaluates differently (the TLS-only bucket policies, whose Deny moto applies without its aws:SecureTransport condition; the DLQ RedriveAllowPolicy; the identity pool role attachment). Never true on AWS."
  type        = bool
  default     = false
}
