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
  default     = "LendVerify customer-managed key"
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

variable "admin_role_arn" {
  description = "The one IAM role that administers the key (policy, rotation, aliases, tags, deletion) without any decrypt: the role that applies this stack, since KMS refuses a key policy that would stop its caller from a later PutKeyPolicy (lock-out safety check). See README, Lock-out."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", var.admin_role_arn)) && !strcontains(var.admin_role_arn, "*")
    error_message = "admin_role_arn must be an IAM role ARN (arn:<partition>:iam::<account>:role/<path/name>), without wildcards; account roots and users are not accepted."
  }
}

variable "admin_encrypt_via_services" {
  description = "Services (e.g. `lambda`, `secretsmanager`) through which the admin role may Encrypt / GenerateDataKey while it deploys (Lambda environment variables, a secret value Terraform writes). Never Decrypt. Empty (the default) gives the admin no cryptographic use at all."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for s in var.admin_encrypt_via_services : contains(["lambda", "secretsmanager"], s)])
    error_message = "admin_encrypt_via_services may name only lambda and secretsmanager (the services that encrypt with the deployer's credentials)."
  }
}

variable "user_role_arns" {
  description = "IAM role ARNs allowed to use the key (Encrypt, Decrypt, ReEncrypt, GenerateDataKey, DescribeKey), named through an `aws:PrincipalArn` condition: plain strings, so the roles need not exist when the key is created. Each role's own IAM policy must allow the action too, and only through user_via_services."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.user_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", arn)) && !strcontains(arn, "*")])
    error_message = "Every user_role_arns entry must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>); wildcards, users and account roots are not accepted."
  }
}

variable "user_via_services" {
  description = "Services through which the user roles may use the key (kms:ViaService, this region), e.g. [\"s3\", \"dynamodb\", \"rekognition\", \"textract\"]."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for s in var.user_via_services : contains(["dynamodb", "lambda", "rekognition", "s3", "secretsmanager", "sns", "sqs", "textract"], s)])
    error_message = "user_via_services may name dynamodb, lambda, rekognition, s3, secretsmanager, sns, sqs and textract."
  }

  validation {
    condition     = length(var.user_role_arns) == 0 || length(var.user_via_services) > 0
    error_message = "user_via_services must name at least one service when user_role_arns is set: the roles use the key only through AWS services."
  }
}

variable "cloudwatch_logs_enabled" {
  description = "Let CloudWatch Logs (logs.<region>) encrypt this account's log groups with the key."
  type        = bool
  default     = false
}

variable "sns_delivery_enabled" {
  description = "Let SNS (sns.amazonaws.com) use the key to deliver this account's topics' messages to KMS-encrypted queues."
  type        = bool
  default     = false
}

variable "cloudwatch_alarms_enabled" {
  description = "Let CloudWatch alarms of this account publish to topics encrypted with the key."
  type        = bool
  default     = false
}

variable "metadata_reader_role_arns" {
  description = "Roles that may read the key's metadata only (DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags), named by aws:PrincipalArn: the CI plan role, whose `terraform plan` refreshes the key. No cryptographic use."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.metadata_reader_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", arn)) && !strcontains(arn, "*")])
    error_message = "Every metadata_reader_role_arns entry must be an IAM role ARN without wildcards."
  }
}
