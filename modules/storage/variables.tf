variable "name_prefix" {
  description = "Prefix for every resource name, e.g. `lendverify-dev`. Lowercase letters, digits and hyphens; starts with a letter; at most 32 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,31}$", var.name_prefix)) && !endswith(var.name_prefix, "-")
    error_message = "name_prefix must be 1-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of this module."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key used for SSE-KMS on all three buckets."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "append_account_id_to_bucket_names" {
  description = "Append the AWS account ID to bucket names (`<name_prefix>-uploads-<account>`) so the globally unique S3 names do not collide between lenders."
  type        = bool
  default     = true
}

variable "web_origins" {
  description = "Browser origins allowed by CORS on the uploads bucket (presigned PUT from the web front end). https only, except http://localhost[:port] and http://127.0.0.1[:port] for local development. Empty list = no CORS."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for origin in var.web_origins :
      can(regex("^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$", origin)) ||
      can(regex("^http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?$", origin))
    ])
    error_message = "web_origins entries must be https://<host>[:port] (no path, no trailing slash, no wildcard), or http://localhost[:port] / http://127.0.0.1[:port]."
  }
}

variable "cors_allowed_headers" {
  description = "Request headers the browser may send with the presigned PUT."
  type        = list(string)
  default = [
    "content-type",
    "content-md5",
    # Presigned PUTs are single-use: signed with If-None-Match: * (S3 conditional writes).
    "if-none-match",
    "x-amz-checksum-sha256",
    "x-amz-content-sha256",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-aws-kms-key-id",
    "x-amz-sdk-checksum-algorithm",
    "authorization",
    # Single-use presigned PUTs are signed with If-None-Match: * (S3 conditional writes, issue 12).
    "if-none-match",
  ]

  validation {
    condition     = alltrue([for h in var.cors_allowed_headers : can(regex("^[A-Za-z0-9-]+$", h))])
    error_message = "cors_allowed_headers must be literal header names (no wildcards)."
  }
}

variable "uploads_retention_days" {
  description = "Days after which objects under `applications/` in the uploads bucket (ID images, lending packages) expire."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = var.uploads_retention_days >= 1 && floor(var.uploads_retention_days) == var.uploads_retention_days
    error_message = "uploads_retention_days must be a whole number >= 1."
  }
}

variable "biometrics_retention_days" {
  description = "Days after which liveness reference and audit images under `applications/` expire. Biometric data is kept the shortest: must not exceed the uploads or Textract output retention."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.biometrics_retention_days >= 1 && floor(var.biometrics_retention_days) == var.biometrics_retention_days
    error_message = "biometrics_retention_days must be a whole number >= 1."
  }

  validation {
    condition     = var.biometrics_retention_days <= var.uploads_retention_days && var.biometrics_retention_days <= var.textract_output_retention_days
    error_message = "biometrics_retention_days must not exceed uploads_retention_days nor textract_output_retention_days: biometric data is kept the shortest."
  }
}

variable "textract_output_retention_days" {
  description = "Days after which Textract lending output under `applications/` expires."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = var.textract_output_retention_days >= 1 && floor(var.textract_output_retention_days) == var.textract_output_retention_days
    error_message = "textract_output_retention_days must be a whole number >= 1."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Upper bound, in days, on keeping noncurrent (overwritten or deleted) object versions; each bucket uses the smaller of this and its own retention."
  type        = number
  default     = 7

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && floor(var.noncurrent_version_retention_days) == var.noncurrent_version_retention_days
    error_message = "noncurrent_version_retention_days must be a whole number >= 1."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which incomplete multipart uploads are aborted and their parts deleted."
  type        = number
  default     = 1

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number >= 1."
  }
}

variable "access_log_bucket" {
  description = "Name of an existing S3 bucket that receives server access logs of the three buckets. Null disables access logging."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket))
    error_message = "access_log_bucket must be a valid S3 bucket name or null."
  }
}

variable "access_log_prefix" {
  description = "Key prefix in the access log bucket; the bucket purpose is appended (`<prefix><purpose>/`)."
  type        = string
  default     = "s3-access-logs/"
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete non-empty buckets. true only for throwaway environments (dev); false in production."
  type        = bool
  default     = false
}

variable "attach_bucket_policy" {
  description = "Attach the TLS-only / KMS-only deny policy to every bucket. Keep true everywhere on AWS; only the local stage turns it off, because moto applies Deny statements without evaluating their conditions and would refuse every write."
  type        = bool
  default     = true
}

variable "break_glass_role_arn" {
  description = "The emergency-access role (incident response, legal requests) that may read biometric images and evidence besides the named readers. Its use should alarm (CloudTrail); it is not a role any function assumes."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", var.break_glass_role_arn)) && !strcontains(var.break_glass_role_arn, "*")
    error_message = "break_glass_role_arn must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>), without wildcards."
  }
}

variable "biometrics_reader_role_arns" {
  description = "Roles that may read (s3:GetObject) the biometrics bucket; every other principal is denied by the bucket policy. Plain ARNs (aws:PrincipalArn); the roles need not exist yet."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.biometrics_reader_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", arn)) && !strcontains(arn, "*")])
    error_message = "Every biometrics_reader_role_arns entry must be an IAM role ARN without wildcards."
  }
}

variable "evidence_retention_days" {
  description = "Days every evidence version is locked (S3 Object Lock, GOVERNANCE) and then kept before the lifecycle rule destroys it: the record-keeping period of a decided application's ID images, liveness audit images and decision (US CIP: five years after the record is made)."
  type        = number
  default     = 1827
  nullable    = false

  validation {
    condition     = var.evidence_retention_days >= 1 && var.evidence_retention_days <= 3653 && floor(var.evidence_retention_days) == var.evidence_retention_days
    error_message = "evidence_retention_days must be a whole number of days between 1 and 3653 (ten years)."
  }
}

variable "evidence_reader_role_arns" {
  description = "Roles that may read (s3:GetObject) the evidence bucket; every other principal but break_glass_role_arn is denied. Plain ARNs (aws:PrincipalArn)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.evidence_reader_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", arn)) && !strcontains(arn, "*")])
    error_message = "Every evidence_reader_role_arns entry must be an IAM role ARN without wildcards."
  }
}
