# Linked into environments/{dev,staging,prod}: what an operator sets per deployment (terraform.tfvars, or
# -var in CI). Everything else about an environment is in its main.tf; the types, defaults and validation
# of what reaches the stack are the stack's (terraform/variables.tf, modules/stateful/variables.tf), so
# values here are passed through and null means "the environment's setting, else the stack's default".

variable "aws_region" {
  description = "Region of the whole stack (Rekognition Face Liveness and Textract Analyze Lending must be available there)."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region name such as us-east-1."
  }
}

variable "allowed_account_ids" {
  description = "AWS account IDs this root may touch; empty allows any (set it for staging; prod refuses an empty list)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.allowed_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "allowed_account_ids must be 12-digit account IDs."
  }

  # Bites for prod only (local.environment comes from the main.tf of the root this file is linked into):
  # an empty list lets the provider run against whatever account the credentials belong to.
  validation {
    condition     = local.environment != "prod" || length(var.allowed_account_ids) > 0
    error_message = "prod requires allowed_account_ids: the 12-digit ID of the production account (terraform.tfvars, or the TFVARS variable of the GitHub environment)."
  }
}

variable "owner" {
  description = "Team or person accountable for this environment (owner tag)."
  type        = string
  default     = "lendverify-platform"

  validation {
    condition     = length(trimspace(var.owner)) > 0
    error_message = "owner must not be empty."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name; null means lendverify-<environment>."
  type        = string
  default     = null
}

variable "web_origins" {
  description = "Extra front-end origins (custom domains, localhost) besides the Amplify branch URL / amplify_primary_origin; null means the environment's setting (dev: http://localhost:5173)."
  type        = list(string)
  default     = null
}

variable "thresholds" {
  description = "Decision thresholds; omitted fields keep handlers/README.md's defaults (type and validation: modules/stateful)."
  type        = any
  default     = {}
}

variable "artifact_local_path" {
  description = "A zip built on this machine (make lambda-zip), dev only: staging and prod refuse it (terraform/ promoted_artifact_only). Set this OR the three artifact_s3_* variables."
  type        = string
  default     = null
}

variable "artifact_s3_bucket" {
  description = "Artifact bucket holding the published zip (set with artifact_s3_key and artifact_sha256)."
  type        = string
  default     = null
}

variable "artifact_s3_key" {
  description = "Key of the zip in artifact_s3_bucket: lambda/<sha256>/bootstrap.zip."
  type        = string
  default     = null
}

variable "artifact_sha256" {
  description = "Hex SHA-256 of the zip (sha256sum): the digest dev deployed, promoted unchanged to staging and prod."
  type        = string
  default     = null
}

variable "api_throttling" {
  description = "Stage-wide API throttling { burst_limit, rate_limit }, sized to the lender's volume; null means the environment's setting."
  type        = any
  default     = null
}

variable "mfa_configuration" {
  description = "Applicant MFA: OPTIONAL or ON; null means the environment's setting (prod: ON), else the stack's default (OPTIONAL)."
  type        = string
  default     = null

  # prod sets ON in its main.tf; an operator's input must not turn it back to OPTIONAL.
  validation {
    condition     = local.environment != "prod" || var.mfa_configuration == null || var.mfa_configuration == "ON"
    error_message = "prod requires MFA ON for the applicant user pool: leave mfa_configuration unset (prod's main.tf sets ON) or set \"ON\"."
  }
}

variable "ses_email_identity_arn" {
  description = "Verified SES identity for Cognito mail; null falls back to the Cognito default sender, which is rate-limited (set it before go-live)."
  type        = string
  default     = null
}

variable "from_email_address" {
  description = "From address of Cognito mail when ses_email_identity_arn is set."
  type        = string
  default     = null
}

variable "alarm_email_addresses" {
  description = "Addresses subscribed to the alarm topic (each must confirm)."
  type        = list(string)
  default     = []
}

variable "api_manage_account_logging_role" {
  description = "Register the account-wide API Gateway logging role; false when another stack in this account and region already does."
  type        = bool
  default     = true
}

variable "key_admin_role_arn" {
  description = "The role that applies this stack and administers its KMS keys without decrypting (terraform/variables.tf)."
  type        = string
}

variable "key_metadata_reader_role_arns" {
  description = "Roles that may read the KMS keys' metadata only: the CI plan role of this environment (terraform/variables.tf)."
  type        = list(string)
  default     = []
}

variable "break_glass_role_arn" {
  description = "The emergency-access role that may read biometric images and evidence (terraform/variables.tf)."
  type        = string
}

variable "s3_access_log_bucket" {
  description = "Existing bucket (typically the organisation's central log archive) receiving S3 server access logs of the three data buckets. Required wherever deletion protection is on (staging, prod): the stack refuses to plan without it."
  type        = string
  default     = null
}

variable "webhook_endpoints" {
  description = "The lender's webhook receivers for decision events, [{ name, url }] (https; unique lowercase names): this deployment's own, so terraform.tfvars, not main.tf. Empty: events are queued and delivered nowhere. Validation: modules/stateful."
  type = list(object({
    name = string
    url  = string
  }))
  default  = []
  nullable = false
}

variable "amplify_primary_origin" {
  description = "Custom https origin applicants use; null means the Amplify branch URL."
  type        = string
  default     = null
}

variable "amplify_deployment_mode" {
  description = "\"manual\" (upload bundles with aws amplify create-deployment) or \"repository\"; null means manual."
  type        = string
  default     = null
}

variable "amplify_repository_url" {
  description = "Front-end repository (repository mode only)."
  type        = string
  default     = null
}

variable "amplify_repository_access_token" {
  description = "Token Amplify uses to connect the repository (repository mode only)."
  type        = string
  default     = null
  sensitive   = true
}
