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

variable "handler" {
  description = "Lambda `handler` attribute, i.e. the `_HANDLER` value the multi-call `bootstrap` dispatches on (e.g. `verify-identity`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,63}$", var.handler))
    error_message = "handler must be lowercase letters, digits and hyphens, starting with a letter (e.g. verify-identity)."
  }
}

variable "function_name" {
  description = "Function name. Null means `<name_prefix>-<handler>`. The execution role and the log group take the same name."
  type        = string
  default     = null

  validation {
    condition     = var.function_name == null || can(regex("^[a-zA-Z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, hyphens or underscores."
  }
}

variable "description" {
  description = "Function description."
  type        = string
  default     = "LendVerify handler"
}

variable "local_zip_path" {
  description = "Path of the deployment zip on the machine running Terraform. Exactly one of local_zip_path or (s3_bucket, s3_key, package_sha256) must be set."
  type        = string
  default     = null

  validation {
    condition     = (var.local_zip_path != null) != (var.s3_bucket != null || var.s3_key != null || var.package_sha256 != null)
    error_message = "Set exactly one package source: local_zip_path, or s3_bucket + s3_key + package_sha256."
  }
}

variable "s3_bucket" {
  description = "Bucket holding the deployment zip (promoted artefact). Set together with s3_key and package_sha256."
  type        = string
  default     = null

  validation {
    condition     = (var.s3_bucket == null) == (var.s3_key == null) && (var.s3_bucket == null) == (var.package_sha256 == null)
    error_message = "s3_bucket, s3_key and package_sha256 must be set together (or all left null)."
  }
}

variable "s3_key" {
  description = "Object key of the deployment zip in s3_bucket."
  type        = string
  default     = null
}

variable "s3_object_version" {
  description = "Optional object version of the deployment zip in s3_bucket."
  type        = string
  default     = null
}

variable "package_sha256" {
  description = "Hex SHA-256 of the zip in S3 (as printed by `sha256sum`). Converted to base64 for source_code_hash, so a new build redeploys."
  type        = string
  default     = null

  validation {
    condition     = var.package_sha256 == null || can(regex("^[0-9a-f]{64}$", var.package_sha256))
    error_message = "package_sha256 must be 64 lowercase hex characters."
  }
}

variable "memory_size" {
  description = "Memory in MB (128-10240)."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number between 128 and 10240."
  }
}

variable "timeout" {
  description = "Timeout in seconds (1-900). API Gateway REST integrations give up after 29 s."
  type        = number
  default     = 29

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number between 1 and 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency. Null or -1 = unreserved; 0 disables the function."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions, false)
    error_message = "reserved_concurrent_executions must be null, -1 or a whole number >= 0."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function (see handlers/README.md, Configuration)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment_variables) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", k)) && !startswith(k, "AWS_")])
    error_message = "Environment variable names must be letters, digits and underscores, start with a letter and not use the reserved AWS_ prefix."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the environment variables and the log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the function's log group, in days (a CloudWatch Logs allowed value)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "policy_statements" {
  description = "Statements of the execution role's inline policy, beyond logs and X-Ray which the module adds. Follow the root README route/IAM table. No action may be `*` or end in `:*`."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default = []

  validation {
    condition     = alltrue(flatten([for s in var.policy_statements : [for a in s.actions : a != "*" && !endswith(a, ":*")]]))
    error_message = "policy_statements must not contain the action \"*\" nor any action ending in \":*\"; list the actions."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : can(regex("^[A-Za-z0-9]+$", s.sid)) && length(s.actions) > 0 && length(s.resources) > 0])
    error_message = "Every statement needs an alphanumeric sid, at least one action and at least one resource."
  }

  validation {
    condition     = length(distinct([for s in var.policy_statements : s.sid])) == length(var.policy_statements)
    error_message = "Statement sids must be unique."
  }
}

variable "sqs_event_source" {
  description = "Optional SQS event source. The function reports partial batch failures (ReportBatchItemFailures). The queue permissions (sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, kms:Decrypt) must be in policy_statements."
  type = object({
    queue_arn                          = string
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number, 0)
  })
  default = null

  validation {
    condition     = var.sqs_event_source == null || can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.sqs_event_source.queue_arn))
    error_message = "sqs_event_source.queue_arn must be an SQS queue ARN."
  }

  validation {
    condition = var.sqs_event_source == null || try(
      var.sqs_event_source.batch_size >= 1 && var.sqs_event_source.batch_size <= 10000 &&
      var.sqs_event_source.maximum_batching_window_in_seconds >= 0 && var.sqs_event_source.maximum_batching_window_in_seconds <= 300 &&
      (var.sqs_event_source.batch_size <= 10 || var.sqs_event_source.maximum_batching_window_in_seconds >= 1),
    false)
    error_message = "batch_size must be 1-10000 (above 10 needs maximum_batching_window_in_seconds >= 1) and maximum_batching_window_in_seconds 0-300."
  }
}

variable "code_signing_config_arn" {
  description = "Optional Lambda code signing configuration ARN (AWS Signer) enforced on deployments."
  type        = string
  default     = null
}

variable "schedule_expression" {
  description = "Optional EventBridge schedule (`rate(...)` or `cron(...)`) that invokes the function, e.g. `rate(15 minutes)`. The module creates the rule, its target and the invoke permission for events.amazonaws.com scoped to that rule. Null: no schedule."
  type        = string
  default     = null

  validation {
    condition     = var.schedule_expression == null || can(regex("^(rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\\)|cron\\([^()]+\\))$", var.schedule_expression))
    error_message = "schedule_expression must be null, rate(<n> <unit>) (1 minute/hour/day, or n >= 2 minutes/hours/days) or cron(<six fields>)."
  }
}
