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

variable "alias_name" {
  description = "Alias of the key without the `alias/` prefix. Null means `<name_prefix>`."
  type        = string
  default     = null

  validation {
    condition     = var.alias_name == null || can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias_name)) && !startswith(coalesce(var.alias_name, "x"), "aws/") && !startswith(coalesce(var.alias_name, "x"), "alias/")
    error_message = "alias_name must be 1-250 characters of letters, digits, '/', '_' or '-', must not start with 'alias/' (added by the module) nor 'aws/' (reserved)."
  }
}

variable "description" {
  description = "Description of the key."
  type        = string
  default     = "LendVerify customer-managed key for application data, biometrics, documents, queues and logs"
}

variable "deletion_window_in_days" {
  description = "Waiting period, in days, between scheduling the key for deletion and deleting it (7-30). Everything encrypted under it becomes unreadable afterwards, so keep it long in production."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30 && floor(var.deletion_window_in_days) == var.deletion_window_in_days
    error_message = "deletion_window_in_days must be a whole number between 7 and 30."
  }
}

variable "rotation_period_in_days" {
  description = "Automatic key material rotation period in days (90-2560). Rotation itself is always on."
  type        = number
  default     = 365

  validation {
    condition     = var.rotation_period_in_days >= 90 && var.rotation_period_in_days <= 2560 && floor(var.rotation_period_in_days) == var.rotation_period_in_days
    error_message = "rotation_period_in_days must be a whole number between 90 and 2560."
  }
}

variable "key_user_arns" {
  description = "IAM principal ARNs (e.g. Lambda execution roles) allowed to use the key directly (Encrypt, Decrypt, ReEncrypt, GenerateDataKey, DescribeKey) without going through an AWS service. The principals must exist when the key policy is written."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.key_user_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "Every key_user_arns entry must be an IAM role or user ARN (arn:<partition>:iam::<account>:role/<name> or :user/<name>); wildcards and account roots are not accepted."
  }

  validation {
    condition     = alltrue([for arn in var.key_user_arns : !strcontains(arn, "*")])
    error_message = "key_user_arns must not contain wildcards."
  }
}
