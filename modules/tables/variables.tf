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

variable "table_name" {
  description = "Table name. Null means `<name_prefix>-applications`."
  type        = string
  default     = null

  validation {
    condition     = var.table_name == null || can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be 3-255 characters of letters, digits, '_', '-' or '.'."
  }
}

variable "audit_table_name" {
  description = "Audit table name. Null means `<name_prefix>-audit`."
  type        = string
  default     = null

  validation {
    condition     = var.audit_table_name == null || can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.audit_table_name))
    error_message = "audit_table_name must be 3-255 characters of letters, digits, '_', '-' or '.'."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key for DynamoDB server-side encryption."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "deletion_protection_enabled" {
  description = "Protect both tables (applications, audit) against deletion (DeleteTable fails while on). true in production; false only for throwaway environments."
  type        = bool
  default     = true
}
