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
  description = "ARN of the customer-managed KMS key encrypting the topic, the queue, the DLQ and the signing secret. Its key policy must let sns.amazonaws.com use it for delivery to encrypted queues, and account principals use it through Secrets Manager (the kms module does)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "dispatcher_timeout_seconds" {
  description = "Timeout of the dispatcher Lambda (`deliver-decision-events`). The queue's visibility timeout is six times this, as AWS recommends for Lambda event sources, so it is always longer than one invocation with its in-process retries."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.dispatcher_timeout_seconds >= 1 && var.dispatcher_timeout_seconds <= 900 && floor(var.dispatcher_timeout_seconds) == var.dispatcher_timeout_seconds
    error_message = "dispatcher_timeout_seconds must be a whole number of seconds between 1 and 900 (the Lambda maximum)."
  }
}

variable "max_receive_count" {
  description = "Receives of a decision event before SQS moves it to the DLQ (each receive is one invocation with its own in-process retries)."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number between 1 and 1000."
  }
}

variable "message_retention_seconds" {
  description = "Retention of decision events in the main queue (60 s to 14 days). The DLQ always keeps messages for the 14-day maximum."
  type        = number
  default     = 345600
  nullable    = false

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number between 60 and 1209600."
  }
}

variable "kms_data_key_reuse_period_seconds" {
  description = "How long SQS reuses a data key before calling KMS again (60-86400). Longer means fewer KMS calls."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.kms_data_key_reuse_period_seconds >= 60 && var.kms_data_key_reuse_period_seconds <= 86400 && floor(var.kms_data_key_reuse_period_seconds) == var.kms_data_key_reuse_period_seconds
    error_message = "kms_data_key_reuse_period_seconds must be a whole number between 60 and 86400."
  }
}

variable "dlq_redrive_allow_policy_enabled" {
  description = "Restrict the DLQ to this module's queue as its only redrive source (RedriveAllowPolicy). Keep true; false only for emulators without RedriveAllowPolicy (moto 5.x never reports it back, so the provider waits forever)."
  type        = bool
  default     = true
  nullable    = false
}

variable "webhook_secret_version" {
  description = "Version of the webhook signing secret's value. The value is generated once and written write-only (never in plan or state); raise this number to write a new random value (rotation: module README)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.webhook_secret_version >= 1 && floor(var.webhook_secret_version) == var.webhook_secret_version
    error_message = "webhook_secret_version must be a whole number >= 1."
  }
}

variable "secret_recovery_window_in_days" {
  description = "Days Secrets Manager keeps the deleted signing secret recoverable (7-30), or 0 to delete it at once (throwaway environments, moto)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.secret_recovery_window_in_days == 0 || (var.secret_recovery_window_in_days >= 7 && var.secret_recovery_window_in_days <= 30 && floor(var.secret_recovery_window_in_days) == var.secret_recovery_window_in_days)
    error_message = "secret_recovery_window_in_days must be 0 or a whole number between 7 and 30."
  }
}
