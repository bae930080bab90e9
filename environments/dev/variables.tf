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
  description = "AWS account IDs this root may touch; empty allows any (not recommended outside dev)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.allowed_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "allowed_account_ids must be 12-digit account IDs."
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
  description = "Prefix of every resource name."
  type        = string
  default     = "lendverify-dev"
}

variable "web_origins" {
  description = "Extra front-end origins (custom domains, localhost) besides the Amplify branch URL / amplify_primary_origin."
  type        = list(string)
  default     = ["http://localhost:5173"]
}

variable "amplify_primary_origin" {
  description = "Custom https origin applicants use; null means the Amplify branch URL."
  type        = string
  default     = null
}

variable "amplify_deployment_mode" {
  description = "\"manual\" (upload bundles with aws amplify create-deployment) or \"repository\"."
  type        = string
  default     = "manual"
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

variable "alarm_email_addresses" {
  description = "Addresses subscribed to the alarm topic."
  type        = list(string)
  default     = []
}

variable "api_manage_account_logging_role" {
  description = "Register the account-wide API Gateway logging role; false when another stack in this account and region already does."
  type        = bool
  default     = true
}

variable "thresholds" {
  description = "Decision thresholds; omitted fields keep handlers/README.md defaults (see terraform/variables.tf)."
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
  })
  default = {}
}

variable "artifact_local_path" {
  description = "Local path of build/lambda/bootstrap.zip (dev only). Set this OR the three artifact_s3_* variables."
  type        = string
  default     = null
}

variable "artifact_s3_bucket" {
  description = "Artifact bucket holding the promoted zip. Set together with artifact_s3_key and artifact_sha256, instead of artifact_local_path."
  type        = string
  default     = null
}

variable "artifact_s3_key" {
  description = "Key of the zip in artifact_s3_bucket, e.g. lambda/<sha256>/bootstrap.zip."
  type        = string
  default     = null
}

variable "artifact_sha256" {
  description = "Hex SHA-256 of the zip (sha256sum), the identity of what is promoted."
  type        = string
  default     = null
}

variable "s3_access_log_bucket" {
  description = "Existing bucket receiving S3 server access logs of the data buckets; null (default) disables them in this throwaway environment."
  type        = string
  default     = null
}
