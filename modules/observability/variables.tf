variable "name_prefix" {
  description = "Prefix for every resource name, e.g. \"lendverify-prod\". Lowercase letters, digits and hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*[a-z0-9]$", var.name_prefix)) && length(var.name_prefix) <= 32
    error_message = "name_prefix must be 2-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
}

variable "alarm_topic_kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the alarm topic. Its key policy must let cloudwatch.amazonaws.com call kms:GenerateDataKey* and kms:Decrypt, or alarms cannot publish."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]+$", var.alarm_topic_kms_key_arn))
    error_message = "alarm_topic_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)."
  }
}

variable "alarm_email_addresses" {
  description = "Email addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_email_addresses must be email addresses."
  }
}

variable "alarms_enabled" {
  description = "Create the CloudWatch alarms (true in prod). The alarm topic exists either way so other stacks can subscribe to it."
  type        = bool
  default     = true
}

variable "lambda_function_names" {
  description = "Lambda functions to alarm on (Errors and Throttles), keyed by handler name, e.g. { applications = \"lendverify-prod-applications\" }."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for n in values(var.lambda_function_names) : can(regex("^[A-Za-z0-9_-]{1,64}$", n))])
    error_message = "lambda_function_names values must be Lambda function names (1-64 letters, digits, hyphens, underscores)."
  }

  validation {
    condition     = alltrue([for k in keys(var.lambda_function_names) : can(regex("^[a-z0-9-]{1,64}$", k))])
    error_message = "lambda_function_names keys must be handler names (lowercase letters, digits, hyphens)."
  }
}

variable "dead_letter_queue_name" {
  description = "Name of the lending completion dead-letter queue; any visible message raises an alarm. null for no DLQ alarm."
  type        = string
  default     = null

  validation {
    condition     = var.dead_letter_queue_name == null || can(regex("^[A-Za-z0-9_-]{1,80}(\\.fifo)?$", var.dead_letter_queue_name))
    error_message = "dead_letter_queue_name must be null or an SQS queue name."
  }
}

variable "decision_dead_letter_queue_name" {
  description = "Name of the decision deliveries dead-letter queue (webhooks no endpoint accepted); any visible message raises an alarm. null for no alarm."
  type        = string
  default     = null

  validation {
    condition     = var.decision_dead_letter_queue_name == null || can(regex("^[A-Za-z0-9_-]{1,80}(\\.fifo)?$", var.decision_dead_letter_queue_name))
    error_message = "decision_dead_letter_queue_name must be an SQS queue name (1-80 letters, digits, hyphens, underscores)."
  }
}

variable "decision_topic_name" {
  description = "Name of the decision events SNS topic; failed deliveries to its queue raise an alarm. null for no alarm."
  type        = string
  default     = null

  validation {
    condition     = var.decision_topic_name == null || can(regex("^[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.decision_topic_name))
    error_message = "decision_topic_name must be an SNS topic name (1-256 letters, digits, hyphens, underscores)."
  }
}

variable "api_name" {
  description = "Name of the REST API (api module output rest_api_name) for the 5XXError alarm; null for no API alarm."
  type        = string
  default     = null
}

variable "api_stage_name" {
  description = "Stage of the REST API for the 5XXError alarm (api module output stage_name)."
  type        = string
  default     = null

  validation {
    condition     = (var.api_name == null) == (var.api_stage_name == null)
    error_message = "api_name and api_stage_name must be given together."
  }
}

variable "lending_topic_name" {
  description = "Name of the SNS topic Textract publishes lending completions to; failed deliveries raise an alarm. null for no topic alarm."
  type        = string
  default     = null

  validation {
    condition     = var.lending_topic_name == null || can(regex("^[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.lending_topic_name))
    error_message = "lending_topic_name must be null or an SNS topic name."
  }
}

variable "period_seconds" {
  description = "Evaluation period of every alarm, in seconds (multiple of 60)."
  type        = number
  default     = 300

  validation {
    condition     = var.period_seconds >= 60 && var.period_seconds % 60 == 0
    error_message = "period_seconds must be a multiple of 60, at least 60."
  }
}

variable "lambda_errors_threshold" {
  description = "Lambda Errors per period above which a function alarms (0 = any error)."
  type        = number
  default     = 0

  validation {
    condition     = var.lambda_errors_threshold >= 0
    error_message = "lambda_errors_threshold must be 0 or more."
  }
}

variable "api_5xx_threshold" {
  description = "API Gateway 5XXError count per period above which the API alarms (0 = any server error)."
  type        = number
  default     = 0

  validation {
    condition     = var.api_5xx_threshold >= 0
    error_message = "api_5xx_threshold must be 0 or more."
  }
}
