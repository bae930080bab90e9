# ---------------------------------------------------------------------------------------------
# Identity of the stack
# ---------------------------------------------------------------------------------------------

variable "environment" {
  description = "Environment name (dev, staging, prod, ...). Used in tags and descriptions; resource names come from name_prefix."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment must be 2-16 lowercase letters, digits or hyphens, starting with a letter."
  }
}

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

variable "web_origins" {
  description = "Extra browser origins (e.g. http://localhost:5173 in dev) allowed by S3 upload CORS and Cognito redirects, besides the app's primary origin (amplify.primary_origin or the Amplify branch URL), which alone is the API's CORS origin and ALLOWED_ORIGIN. https only, except http://localhost[:port] and http://127.0.0.1[:port] (checked in modules/stateful as extra_web_origins)."
  type        = list(string)
  default     = []
  nullable    = false
}

# ---------------------------------------------------------------------------------------------
# The one Lambda artifact
# ---------------------------------------------------------------------------------------------

variable "artifact" {
  description = <<-EOT
    The single deployment zip holding the multi-call `bootstrap` binary, shared by every function (each
    function differs only in its `handler`). Either `local_path` (a zip on the machine running Terraform;
    dev only), or `s3_bucket` + `s3_key` + `sha256` (hex, as printed by sha256sum): the promoted artifact.
  EOT
  type = object({
    local_path = optional(string)
    s3_bucket  = optional(string)
    s3_key     = optional(string)
    sha256     = optional(string)
  })

  validation {
    condition = (
      (var.artifact.local_path != null && var.artifact.s3_bucket == null && var.artifact.s3_key == null && var.artifact.sha256 == null) ||
      (var.artifact.local_path == null && var.artifact.s3_bucket != null && var.artifact.s3_key != null && var.artifact.sha256 != null)
    )
    error_message = "artifact must set either local_path alone, or s3_bucket, s3_key and sha256 together."
  }

  # Checked here, once, for every caller: staging and prod run the bytes dev was deployed with.
  validation {
    condition     = var.artifact.local_path == null || !var.promoted_artifact_only
    error_message = "This stack deploys only a promoted artifact (s3_bucket, s3_key, sha256 of the zip dev deployed); artifact.local_path needs promoted_artifact_only = false (dev)."
  }

  validation {
    condition     = var.artifact.s3_key == null || endswith(coalesce(var.artifact.s3_key, "x"), ".zip")
    error_message = "artifact.s3_key must name a .zip object, e.g. lambda/<sha256>/bootstrap.zip."
  }

  validation {
    condition     = var.artifact.sha256 == null || can(regex("^[0-9a-f]{64}$", var.artifact.sha256))
    error_message = "artifact.sha256 must be 64 lowercase hex characters (sha256sum output)."
  }

  validation {
    condition     = var.artifact.local_path == null || endswith(coalesce(var.artifact.local_path, "x"), ".zip")
    error_message = "artifact.local_path must name a .zip file."
  }
}

variable "promoted_artifact_only" {
  description = "Refuse artifact.local_path: deploy only a zip published by the build and named by its digest. true for staging and prod; dev sets false to deploy a zip built on the developer's machine."
  type        = bool
  default     = true
  nullable    = false
}

# ---------------------------------------------------------------------------------------------
# Decision thresholds (handlers/README.md, Configuration)
# ---------------------------------------------------------------------------------------------

variable "thresholds" {
  description = "Decision thresholds handed to every function as environment variables; omitted fields keep handlers/README.md's defaults. Type, defaults and validation: modules/stateful, which builds the handlers' environment."
  type        = any
  default     = {}
  nullable    = false
}

variable "quotas" {
  description = "Per-user quotas, each per rolling 24 hours, answered 429 with Retry-After (README, Quotas): applications_per_day (APPLICATIONS_PER_DAY, 5), uploads_per_application (UPLOADS_PER_APPLICATION, 20), lending_jobs_per_application (LENDING_JOBS_PER_APPLICATION, 3) and the upload ceiling max_upload_bytes (MAX_UPLOAD_BYTES, 52428800 = 50 MiB). Omitted attributes keep those defaults; defaults and ranges are modules/stateful's, which builds the handlers' environment."
  type = object({
    applications_per_day         = optional(number)
    uploads_per_application      = optional(number)
    lending_jobs_per_application = optional(number)
    max_upload_bytes             = optional(number)
  })
  default  = {}
  nullable = false
}

# ---------------------------------------------------------------------------------------------
# Data protection and retention
# ---------------------------------------------------------------------------------------------

variable "deletion_protection" {
  description = "Protect stateful resources: DynamoDB deletion protection on, buckets not force-destroyable. true for staging/prod; false only for throwaway environments."
  type        = bool
  default     = true
  nullable    = false
}

variable "uploads_retention_days" {
  description = "Days before ID images and lending packages under `applications/` expire in the uploads bucket. Null keeps the default; range checked in modules/stateful."
  type        = number
  default     = null
}

variable "biometrics_retention_days" {
  description = "Days before liveness reference and audit images expire. Biometric data is kept the shortest (at most the other two retentions). Null keeps the default; range checked in modules/stateful."
  type        = number
  default     = null
}

variable "textract_output_retention_days" {
  description = "Days before Textract lending output under `applications/` expires. Null keeps the default; range checked in modules/stateful."
  type        = number
  default     = null
}

variable "log_retention_days" {
  description = "Retention of every log group (functions, API access and WAF logs), in days; a value CloudWatch Logs accepts."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "key_admin_role_arn" {
  description = "The IAM role that administers both KMS keys (policy, rotation, aliases, deletion) and never decrypts: the role that applies this stack (KMS refuses a key policy that would lock its caller out of PutKeyPolicy). modules/kms README, Lock-out."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", var.key_admin_role_arn))
    error_message = "key_admin_role_arn must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)."
  }
}

variable "key_metadata_reader_role_arns" {
  description = "Roles that may read the KMS keys' metadata only (DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags): the CI plan role, whose `terraform plan` refreshes the keys without being their admin. Validated in modules/kms."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "break_glass_role_arn" {
  description = "The emergency-access role that may read biometric images and evidence besides the functions that must (incident response, legal requests). Not assumed by any function; its use should page someone."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", var.break_glass_role_arn))
    error_message = "break_glass_role_arn must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period (7-30 days) before the customer-managed key is deleted after scheduling. Null keeps the default; range checked in modules/stateful."
  type        = number
  default     = null
}

variable "s3_access_log_bucket" {
  description = "Existing bucket receiving S3 server access logs of the three data buckets; null disables access logging."
  type        = string
  default     = null

  # Checked here, once, for every caller: a stack that protects its data also keeps the trail of who read it.
  validation {
    condition     = var.s3_access_log_bucket != null || !var.deletion_protection
    error_message = "s3_access_log_bucket is required when deletion_protection is on (staging, prod): access to biometric and financial documents must be auditable."
  }
}

variable "audit_retention_days" {
  description = "Days each audit event is kept (its expires_at TTL; AUDIT_RETENTION_DAYS). Production keeps seven years (2555), the lending record-keeping period; dev sets 30, staging 90. Range checked in modules/stateful."
  type        = number
  default     = 2555
  nullable    = false
}

variable "personal_data_retention_days" {
  description = "Days a DynamoDB item holding personal data is kept after its last write (its expiresAt TTL; PERSONAL_DATA_RETENTION_DAYS): 1827 (five years, US CIP) by default; dev 30, staging 90. Range checked in modules/stateful."
  type        = number
  default     = 1827
  nullable    = false
}

variable "longest_job_seconds" {
  description = "Seconds a Textract lending job or Face Liveness session started before an erasure may still write under the application's prefixes (LONGEST_JOB_SECONDS): an erasure's sweep is due UPLOAD_URL_TTL_SECONDS + this after it. 7200 (two hours) by default, 300-604800 (range checked in modules/stateful)."
  type        = number
  default     = 7200
  nullable    = false
}

variable "erasure_sweep_schedule" {
  description = "EventBridge schedule of sweep-erasures, which removes late writes under erased applications' prefixes once their sweep is due: rate(<n> <unit>) or cron(...). The schedule only bounds how long after it is due a sweep runs; 15 minutes by default."
  type        = string
  default     = "rate(15 minutes)"
  nullable    = false

  validation {
    condition     = can(regex("^(rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\\)|cron\\([^()]+\\))$", var.erasure_sweep_schedule))
    error_message = "erasure_sweep_schedule must be rate(<n> <unit>) (1 minute/hour/day, or n >= 2 minutes/hours/days) or cron(<six fields>)."
  }
}

variable "evidence_retention_days" {
  description = "Days each evidence version (a decided application's ID images, liveness audit images, decision) is locked under S3 Object Lock (GOVERNANCE) and kept, then destroyed. Null keeps modules/storage's default (1827: five years, US CIP); the range is checked there."
  type        = number
  default     = null
}

# ---------------------------------------------------------------------------------------------
# Decision events to the lender
# ---------------------------------------------------------------------------------------------

variable "webhook_endpoints" {
  description = "The lender's webhook receivers, [{ name, url }]: every decision event is delivered, signed (Standard Webhooks), to each. name: 1-63 lowercase letters, digits or hyphens, unique; url: https only. Empty: events are published and queued but delivered nowhere. Validation: modules/stateful."
  type = list(object({
    name = string
    url  = string
  }))
  default  = []
  nullable = false
}

variable "webhook_secret_version" {
  description = "Version of the webhook signing secret's value (written write-only: never in plan or state). Raise it to rotate; receivers then need the new value (modules/decision_events, Rotation)."
  type        = number
  default     = 1
  nullable    = false
}

# ---------------------------------------------------------------------------------------------
# Functions
# ---------------------------------------------------------------------------------------------

variable "lambda_memory_size" {
  description = "Least memory (MB) of any function; also scales its CPU share. Each function gets the larger of this and its own measured size (local.function_memory_mb in main.tf)."
  type        = number
  default     = 128
  nullable    = false

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240 && floor(var.lambda_memory_size) == var.lambda_memory_size
    error_message = "lambda_memory_size must be a whole number between 128 and 10240."
  }
}

variable "api_function_timeout_seconds" {
  description = "Timeout of the API-facing functions; API Gateway REST integrations give up after 29 s, so more is pointless."
  type        = number
  default     = 29

  validation {
    condition     = var.api_function_timeout_seconds >= 1 && var.api_function_timeout_seconds <= 29 && floor(var.api_function_timeout_seconds) == var.api_function_timeout_seconds
    error_message = "api_function_timeout_seconds must be a whole number between 1 and 29."
  }
}

variable "consumer_timeout_seconds" {
  description = "Timeout of the SQS consumer `lending-analysis-completed`; the completion queue's visibility timeout is derived from it (range checked in modules/lending_notifications)."
  type        = number
  default     = 60
}

variable "consumer_batch_size" {
  description = "Messages per invocation of the SQS consumer (1-10)."
  type        = number
  default     = 5

  validation {
    condition     = var.consumer_batch_size >= 1 && var.consumer_batch_size <= 10 && floor(var.consumer_batch_size) == var.consumer_batch_size
    error_message = "consumer_batch_size must be a whole number between 1 and 10."
  }
}

variable "dispatcher_timeout_seconds" {
  description = "Timeout of the webhook dispatcher `deliver-decision-events`: one batch with its in-process retries to every endpoint (per endpoint up to 4 requests of at most 10 s, backoff and a honoured Retry-After of up to 30 s). The deliveries queue's visibility timeout is six times it (range checked in modules/decision_events)."
  type        = number
  default     = 180
  nullable    = false
}

variable "dispatcher_batch_size" {
  description = "Decision events per invocation of the dispatcher (1-10). 1 by default: an endpoint that is down then delays only its own event's retries."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.dispatcher_batch_size >= 1 && var.dispatcher_batch_size <= 10 && floor(var.dispatcher_batch_size) == var.dispatcher_batch_size
    error_message = "dispatcher_batch_size must be a whole number between 1 and 10."
  }
}

variable "code_signing_config_arn" {
  description = "Optional Lambda code signing configuration (AWS Signer) enforced on every function."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------

variable "api_throttling" {
  description = "Stage-wide API Gateway throttling: burst (requests) and steady rate (requests per second)."
  type = object({
    burst_limit = optional(number, 100)
    rate_limit  = optional(number, 50)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.api_throttling.burst_limit >= 1 && var.api_throttling.rate_limit > 0
    error_message = "api_throttling.burst_limit must be >= 1 and rate_limit > 0."
  }
}

variable "function_reserved_concurrency" {
  description = "Reserved concurrency per function (handler name => executions): each function's ceiling (one flood cannot take the account's whole pool) and its guaranteed share. A function not listed is unreserved. Lambda refuses a reservation that leaves the account fewer than 100 unreserved executions: the sum must stay at least 100 below the account's concurrency limit (1,000 by default; README, Quotas)."
  type        = map(number)
  default = {
    "applications"                 = 20
    "erase-application"            = 5
    "create-liveness-session"      = 10
    "get-liveness-results"         = 10
    "create-upload-url"            = 10
    "verify-identity"              = 10
    "start-lending-analysis"       = 5
    "get-lending-analysis-results" = 10
    "lending-analysis-completed"   = 5
    "review"                       = 5
    "deliver-decision-events"      = 5
    # One sweep at a time: two overlapping runs would list and delete the same prefixes.
    "sweep-erasures" = 1
  }
  nullable = false

  validation {
    condition     = alltrue([for n in values(var.function_reserved_concurrency) : n >= 1 && n <= 900 && floor(n) == n])
    error_message = "function_reserved_concurrency values must be whole numbers between 1 and 900 (0 would disable a function: remove it from the map to leave it unreserved)."
  }

  validation {
    condition     = sum(concat([0], values(var.function_reserved_concurrency))) <= 900
    error_message = "function_reserved_concurrency may reserve at most 900 executions in total: Lambda keeps 100 unreserved, and 1,000 is the default account limit."
  }
}

variable "api_manage_account_logging_role" {
  description = "Create and register the account-wide API Gateway CloudWatch Logs role. One stack per account and region must do it; turn it off for a second stack sharing an account."
  type        = bool
  default     = true
  nullable    = false
}

variable "waf_enabled" {
  description = "Protect the API stage with a WAFv2 web ACL (managed rule groups + per-IP rate rule)."
  type        = bool
  default     = true
  nullable    = false
}

variable "waf_anonymous_ip_action" {
  description = "What the WAF does with requests from anonymous IPs (VPNs, proxies, hosting providers): \"block\", or \"count\" (log only) where a stage must be reachable from such addresses, e.g. hosted CI runners smoke-testing it."
  type        = string
  default     = "block"
  nullable    = false
  # Values are validated once, in modules/api.
}

variable "waf_rate_limit" {
  description = "Requests per client IP per 5 minutes above which the WAF rate rule blocks."
  type        = number
  default     = 1000

  validation {
    condition     = var.waf_rate_limit >= 100 && floor(var.waf_rate_limit) == var.waf_rate_limit
    error_message = "waf_rate_limit must be a whole number >= 100."
  }
}

variable "waf_token_rate_limit" {
  description = "Requests per Authorization header (one signed-in user) per 5 minutes above which the WAF answers 429, from any number of addresses; at most waf_rate_limit. Null keeps modules/api's default (300); the range is checked there."
  type        = number
  default     = null
}

# ---------------------------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------------------------

variable "alarms_enabled" {
  description = "Create CloudWatch alarms (function errors/throttles, DLQ depth, API 5xx/latency) wired to the alarm topic."
  type        = bool
  default     = true
  nullable    = false
}

variable "alarm_email_addresses" {
  description = "Email addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for e in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_email_addresses must be email addresses."
  }
}

# ---------------------------------------------------------------------------------------------
# Applicant sign-in (Cognito)
# ---------------------------------------------------------------------------------------------

variable "identity" {
  description = "Cognito settings: MFA (OPTIONAL/ON), feature tier and threat protection, SES sender (null = Cognito default sender, development only), optional hosted UI domain prefix. Type, defaults and validation: modules/stateful."
  type        = any
  default     = {}
  nullable    = false
}

# ---------------------------------------------------------------------------------------------
# Front end hosting (Amplify)
# ---------------------------------------------------------------------------------------------

variable "amplify" {
  description = <<-EOT
    Amplify Hosting of the applicant front end. deployment_mode "manual" (upload built bundles with
    `aws amplify create-deployment`) or "repository" (Amplify builds branch_name of repository_url; the
    token goes in amplify_repository_access_token). primary_origin: the origin applicants use (custom
    domain); null means the Amplify branch URL. It becomes the API's CORS origin and ALLOWED_ORIGIN.
  EOT
  type = object({
    deployment_mode             = optional(string, "manual")
    repository_url              = optional(string)
    branch_name                 = optional(string, "main")
    branch_stage                = optional(string, "PRODUCTION")
    build_spec                  = optional(string)
    primary_origin              = optional(string)
    api_origin                  = optional(string)
    extra_environment_variables = optional(map(string), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.amplify.primary_origin == null || can(regex("^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$", coalesce(var.amplify.primary_origin, "https://x")))
    error_message = "amplify.primary_origin must be null or an https origin without path."
  }
}

variable "amplify_repository_access_token" {
  description = "Token Amplify uses once to connect the repository (deployment_mode = \"repository\" only). Kept out of `amplify` so it stays sensitive."
  type        = string
  default     = null
  sensitive   = true
}
