variable "topic_name" {
  description = "Name of the SNS topic."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,256}$", var.topic_name))
    error_message = "topic_name must be 1-256 letters, digits, hyphens or underscores (an SNS standard topic name)."
  }
}

variable "queue_name" {
  description = "Name of the SQS queue the topic delivers to."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.queue_name))
    error_message = "queue_name must be 1-80 letters, digits, hyphens or underscores (an SQS standard queue name)."
  }
}

variable "dlq_name" {
  description = "Name of the queue's dead-letter queue."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.dlq_name))
    error_message = "dlq_name must be 1-80 letters, digits, hyphens or underscores (an SQS standard queue name)."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of this module."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the topic, the queue and the DLQ. Its key policy must let sns.amazonaws.com use it for delivery to encrypted queues (the kms module does)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "publish_policy_json" {
  description = "IAM policy document (JSON) with the topic policy's statements naming who may publish; this module adds the deny of publishing without TLS. Its statements' resource is the topic (`topic_arn`)."
  type        = string

  validation {
    condition     = can(jsondecode(var.publish_policy_json).Statement)
    error_message = "publish_policy_json must be a JSON policy document with a Statement list."
  }
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the queue: at least six times the timeout of the function it feeds (AWS's guidance for Lambda event sources), which the calling module computes."
  type        = number
  nullable    = false

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "visibility_timeout_seconds must be a whole number between 0 and 43200 (12 hours)."
  }
}

variable "max_receive_count" {
  description = "Receives of a message before SQS moves it to the DLQ."
  type        = number
  nullable    = false

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number between 1 and 1000."
  }
}

variable "message_retention_seconds" {
  description = "Retention of messages in the queue (60 s to 14 days). The DLQ always keeps messages for the 14-day maximum."
  type        = number
  nullable    = false

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number between 60 and 1209600."
  }
}

variable "kms_data_key_reuse_period_seconds" {
  description = "How long SQS reuses a data key before calling KMS again (60-86400). Longer means fewer KMS calls."
  type        = number
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

variable "raw_message_delivery" {
  description = "Deliver the published message as the SQS body (true), or inside SNS's JSON envelope (false)."
  type        = bool
  nullable    = false
}
