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

variable "functions" {
  description = <<-EOT
    The Lambda functions behind the API, keyed by their `handler` name from handlers/README.md. The nine
    routed handlers (applications, erase-application, create-liveness-session, get-liveness-results, create-upload-url,
    verify-identity, start-lending-analysis, get-lending-analysis-results, review) are required; other
    keys (the SQS consumers lending-analysis-completed and deliver-decision-events, the scheduled
    sweep-erasures) are accepted and
    ignored, so the lambda_function module outputs can be passed as they are.
  EOT
  type = map(object({
    function_name = string
    invoke_arn    = string
    function_arn  = string
  }))

  validation {
    condition = alltrue([
      for h in [
        "applications", "erase-application", "create-liveness-session", "get-liveness-results", "create-upload-url",
        "verify-identity", "start-lending-analysis", "get-lending-analysis-results", "review",
      ] : contains(keys(var.functions), h)
    ])
    error_message = "functions must contain every routed handler: applications, erase-application, create-liveness-session, get-liveness-results, create-upload-url, verify-identity, start-lending-analysis, get-lending-analysis-results, review."
  }

  validation {
    condition = alltrue([
      for f in values(var.functions) :
      can(regex("^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?/invocations$", f.invoke_arn))
    ])
    error_message = "Every functions[*].invoke_arn must be a Lambda invoke ARN (arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations)."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : can(regex("^[A-Za-z0-9_-]{1,64}$", f.function_name))])
    error_message = "Every functions[*].function_name must be a plain Lambda function name (1-64 letters, digits, hyphens, underscores)."
  }
}

variable "cognito_user_pool_arn" {
  description = "ARN of the applicant Cognito user pool whose ID tokens the API accepts (identity module output user_pool_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:[0-9]{12}:userpool/[a-z0-9-]+_[A-Za-z0-9]+$", var.cognito_user_pool_arn))
    error_message = "cognito_user_pool_arn must be a Cognito user pool ARN (arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>)."
  }
}

variable "allowed_origin" {
  description = "The one web origin allowed by CORS, scheme and host only, e.g. \"https://main.d1abc.amplifyapp.com\". http:// is accepted only for localhost."
  type        = string

  validation {
    condition = (
      can(regex("^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$", var.allowed_origin)) ||
      can(regex("^http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?$", var.allowed_origin))
    )
    error_message = "allowed_origin must be an origin without path or trailing slash: https://<host>[:port], or http://localhost[:port] for development. Wildcards are not allowed."
  }
}

variable "stage_name" {
  description = "Name of the API Gateway stage, e.g. \"v1\" or the environment name. It is the first path segment of the invoke URL."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits, hyphens or underscores."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the access (and WAF) log groups. Its key policy must allow logs.<region>.amazonaws.com to use it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]+$", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>); aliases are not accepted by CloudWatch Logs."
  }
}

variable "log_retention_days" {
  description = "Retention of the access and WAF log groups, in days. Must be a value CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (never 0 = forever)."
  }
}

variable "execution_logging_level" {
  description = "Execution log level of every method (OFF, ERROR or INFO). Full request/response data tracing is never enabled because bodies carry personal data."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.execution_logging_level)
    error_message = "execution_logging_level must be OFF, ERROR or INFO."
  }
}

variable "manage_account_logging_role" {
  description = <<-EOT
    Create the IAM role API Gateway uses to write logs and register it in the account-level API Gateway
    settings (aws_api_gateway_account). That setting is one per account and region: enable it in exactly
    one stack per account/region; stages cannot write access logs until it is set.
  EOT
  type        = bool
  default     = false
}

variable "throttling_burst_limit" {
  description = "Stage-wide burst limit (requests) applied to every method."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_burst_limit >= 1 && var.throttling_burst_limit <= 5000 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number between 1 and 5000."
  }
}

variable "throttling_rate_limit" {
  description = "Stage-wide steady-state rate limit (requests per second) applied to every method."
  type        = number
  default     = 50

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be greater than 0 and at most 10000."
  }
}

variable "waf_enabled" {
  description = "Create a WAFv2 web ACL (AWS managed IP reputation, anonymous IP, common and known-bad-inputs rule groups plus a per-IP rate rule) and associate it with the stage."
  type        = bool
  default     = true
}

variable "waf_rate_limit" {
  description = "Requests per client IP per 5-minute window above which the WAF rate rule blocks."
  type        = number
  default     = 1000

  validation {
    condition     = var.waf_rate_limit >= 100 && var.waf_rate_limit <= 2000000000 && floor(var.waf_rate_limit) == var.waf_rate_limit
    error_message = "waf_rate_limit must be a whole number between 100 and 2000000000."
  }
}

variable "waf_token_rate_limit" {
  description = "Requests per Authorization header (one signed-in user's token) per 5-minute window above which the WAF blocks with 429 and Retry-After, whatever the source addresses. Keep it at or below waf_rate_limit."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.waf_token_rate_limit >= 10 && var.waf_token_rate_limit <= 2000000000 && floor(var.waf_token_rate_limit) == var.waf_token_rate_limit
    error_message = "waf_token_rate_limit must be a whole number between 10 (the WAF minimum) and 2000000000."
  }

  validation {
    condition     = var.waf_token_rate_limit <= var.waf_rate_limit
    error_message = "waf_token_rate_limit must not exceed waf_rate_limit: one user's budget cannot be larger than one address's."
  }
}

variable "waf_anonymous_ip_action" {
  description = "What the AWSManagedRulesAnonymousIpList rule group does with VPN, Tor, proxy and hosting-provider traffic: \"block\", or \"count\" (label and measure only) for lenders whose applicants use VPNs."
  type        = string
  default     = "block"

  validation {
    condition     = contains(["block", "count"], var.waf_anonymous_ip_action)
    error_message = "waf_anonymous_ip_action must be \"block\" or \"count\"."
  }
}

variable "waf_logging_enabled" {
  description = "Send WAF logs (Authorization header redacted) to a KMS-encrypted CloudWatch log group. Only used when waf_enabled is true."
  type        = bool
  default     = true
}
