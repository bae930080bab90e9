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

variable "mfa_configuration" {
  description = "MFA for applicants: \"OPTIONAL\" (each user may enrol a TOTP authenticator) or \"ON\" (every user must). OFF is not offered for biometric and financial data."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be \"OPTIONAL\" or \"ON\"."
  }
}

variable "user_pool_tier" {
  description = "Cognito feature plan: \"PLUS\" is required for threat protection (advanced security); \"ESSENTIALS\" or \"LITE\" cost less but need threat_protection_mode = \"OFF\"."
  type        = string
  default     = "PLUS"

  validation {
    condition     = contains(["LITE", "ESSENTIALS", "PLUS"], var.user_pool_tier)
    error_message = "user_pool_tier must be LITE, ESSENTIALS or PLUS."
  }
}

variable "threat_protection_mode" {
  description = "Cognito threat protection (advanced security) for the pool: \"ENFORCED\" blocks risky sign-ins, \"AUDIT\" only logs them, \"OFF\" disables it. Anything but OFF needs user_pool_tier = \"PLUS\"."
  type        = string
  default     = "ENFORCED"

  validation {
    condition     = contains(["ENFORCED", "AUDIT", "OFF"], var.threat_protection_mode)
    error_message = "threat_protection_mode must be ENFORCED, AUDIT or OFF."
  }

  validation {
    condition     = var.threat_protection_mode == "OFF" || var.user_pool_tier == "PLUS"
    error_message = "threat_protection_mode other than OFF requires user_pool_tier = \"PLUS\"."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the user pool (and with it every applicant account) while true. Keep true outside throw-away environments."
  type        = bool
  default     = true
}

variable "password_minimum_length" {
  description = "Minimum password length; upper, lower, digit and symbol are always required."
  type        = number
  default     = 12

  validation {
    condition     = var.password_minimum_length >= 12 && var.password_minimum_length <= 99 && floor(var.password_minimum_length) == var.password_minimum_length
    error_message = "password_minimum_length must be a whole number between 12 and 99."
  }
}

variable "ses_email_identity_arn" {
  description = "ARN of a verified SES identity to send verification and recovery mail from. null uses the Cognito default sender (limited to a few dozen mails a day: development only)."
  type        = string
  default     = null

  validation {
    condition     = var.ses_email_identity_arn == null || can(regex("^arn:aws[a-z-]*:ses:[a-z0-9-]+:[0-9]{12}:identity/.+$", var.ses_email_identity_arn))
    error_message = "ses_email_identity_arn must be null or an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<domain or address>)."
  }
}

variable "from_email_address" {
  description = "From address (\"LendVerify <no-reply@example.com>\" or a bare address) when ses_email_identity_arn is set."
  type        = string
  default     = null

  validation {
    condition     = var.from_email_address == null || can(regex("@", var.from_email_address))
    error_message = "from_email_address must be null or contain an email address."
  }
}

variable "access_token_validity_minutes" {
  description = "Lifetime of access tokens, in minutes (5-1440)."
  type        = number
  default     = 60

  validation {
    condition     = var.access_token_validity_minutes >= 5 && var.access_token_validity_minutes <= 1440
    error_message = "access_token_validity_minutes must be between 5 and 1440."
  }
}

variable "id_token_validity_minutes" {
  description = "Lifetime of ID tokens (the API's bearer token), in minutes (5-1440)."
  type        = number
  default     = 60

  validation {
    condition     = var.id_token_validity_minutes >= 5 && var.id_token_validity_minutes <= 1440
    error_message = "id_token_validity_minutes must be between 5 and 1440."
  }
}

variable "refresh_token_validity_days" {
  description = "Lifetime of refresh tokens, in days (1-3650). Short by default: applicants finish an application in days, not months."
  type        = number
  default     = 7

  validation {
    condition     = var.refresh_token_validity_days >= 1 && var.refresh_token_validity_days <= 3650
    error_message = "refresh_token_validity_days must be between 1 and 3650."
  }
}

variable "callback_urls" {
  description = "Allowed OAuth redirect URLs of the front end (https, or http://localhost for development). Empty disables the OAuth code flow; SRP sign-in in the app still works."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for u in var.callback_urls : can(regex("^https://[^\\s*]+$", u)) || can(regex("^http://localhost(:[0-9]+)?(/[^\\s*]*)?$", u))
    ])
    error_message = "callback_urls must be https URLs (or http://localhost[:port][/path]) without wildcards."
  }
}

variable "logout_urls" {
  description = "Allowed sign-out redirect URLs of the front end (same rules as callback_urls)."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for u in var.logout_urls : can(regex("^https://[^\\s*]+$", u)) || can(regex("^http://localhost(:[0-9]+)?(/[^\\s*]*)?$", u))
    ])
    error_message = "logout_urls must be https URLs (or http://localhost[:port][/path]) without wildcards."
  }
}

variable "hosted_ui_domain_prefix" {
  description = "Prefix of the Cognito hosted UI domain (<prefix>.auth.<region>.amazoncognito.com), or null for no hosted UI."
  type        = string
  default     = null

  validation {
    condition     = var.hosted_ui_domain_prefix == null || (can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.hosted_ui_domain_prefix)) && !strcontains(coalesce(var.hosted_ui_domain_prefix, "-"), "aws") && !strcontains(coalesce(var.hosted_ui_domain_prefix, "-"), "cognito") && !strcontains(coalesce(var.hosted_ui_domain_prefix, "-"), "amazon"))
    error_message = "hosted_ui_domain_prefix must be null or 1-63 lowercase letters, digits and hyphens, and must not contain aws, amazon or cognito."
  }
}

variable "identity_pool_roles_attachment_enabled" {
  description = "Attach the authenticated role to the identity pool (without it signed-in applicants get no liveness streaming credentials). Keep true; false only for emulators lacking SetIdentityPoolRoles (moto 5.x)."
  type        = bool
  default     = true
}

variable "reviewers_group_name" {
  description = "Name of the Cognito group whose members may use the review routes (REVIEWERS_GROUP)."
  type        = string
  default     = "reviewers"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_-]{0,63}$", var.reviewers_group_name))
    error_message = "reviewers_group_name must be 1-64 lowercase letters, digits, '_' or '-', starting with a letter (it travels in the cognito:groups claim)."
  }
}
