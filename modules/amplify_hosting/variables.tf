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

variable "deployment_mode" {
  description = "\"repository\": Amplify builds the branch from a connected Git repository. \"manual\": no repository; the built bundle is uploaded with `aws amplify create-deployment` / `start-deployment` (see README)."
  type        = string
  default     = "manual"

  validation {
    condition     = contains(["repository", "manual"], var.deployment_mode)
    error_message = "deployment_mode must be \"repository\" or \"manual\"."
  }
}

variable "repository_url" {
  description = "HTTPS URL of the front end's Git repository (deployment_mode = \"repository\" only)."
  type        = string
  default     = null

  validation {
    condition     = var.repository_url == null || can(regex("^https://[^\\s]+$", var.repository_url))
    error_message = "repository_url must be an https:// URL."
  }

  validation {
    condition     = (var.deployment_mode == "repository") == (var.repository_url != null)
    error_message = "repository_url is required when deployment_mode is \"repository\" and must be null when it is \"manual\"."
  }
}

variable "repository_access_token" {
  description = "Personal access token (GitHub: fine-grained, read-only contents) Amplify uses once to install its webhook and deploy key. Stored in Terraform state: keep state encrypted. Required in repository mode."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.deployment_mode == "manual" || (var.repository_access_token != null && length(coalesce(var.repository_access_token, " ")) > 10)
    error_message = "repository_access_token is required when deployment_mode is \"repository\"."
  }
}

variable "branch_name" {
  description = "Branch of this environment (in repository mode the Git branch that is built, in manual mode the Amplify branch deployments are uploaded to), e.g. \"main\" or \"prod\"."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$", var.branch_name))
    error_message = "branch_name must be 1-255 letters, digits, dots, underscores, slashes or hyphens, starting with a letter or digit."
  }
}

variable "branch_stage" {
  description = "Amplify stage of the branch: PRODUCTION, BETA, DEVELOPMENT, EXPERIMENTAL or PULL_REQUEST."
  type        = string
  default     = "PRODUCTION"

  validation {
    condition     = contains(["PRODUCTION", "BETA", "DEVELOPMENT", "EXPERIMENTAL", "PULL_REQUEST"], var.branch_stage)
    error_message = "branch_stage must be PRODUCTION, BETA, DEVELOPMENT, EXPERIMENTAL or PULL_REQUEST."
  }
}

variable "aws_region" {
  description = "Region of the API, the Cognito pools and Rekognition Face Liveness (config.json region; also scopes the CSP)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region name such as eu-west-1."
  }
}

variable "api_url" {
  description = "Base URL of the API stage (api module output invoke_url), written to the front end's config.json as apiUrl."
  type        = string

  validation {
    condition     = can(regex("^https://[a-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$", var.api_url))
    error_message = "api_url must be an https URL such as https://abc123.execute-api.eu-west-1.amazonaws.com/v1."
  }
}

variable "api_origin" {
  description = <<-EOT
    Origin of the API for the CSP connect-src, e.g. "https://api.lender.example". null allows any
    API Gateway endpoint of aws_region (https://*.execute-api.<region>.amazonaws.com). It is separate from
    api_url because the API's CORS origin is this app's domain: deriving the CSP from the API's generated
    hostname would make the app and the API depend on each other. Pass the exact origin whenever it is
    known without that cycle (custom API domain, or a web app on a custom domain).
  EOT
  type        = string
  default     = null

  validation {
    condition     = var.api_origin == null || can(regex("^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$", var.api_origin))
    error_message = "api_origin must be null or an https origin without path or wildcard."
  }
}

variable "user_pool_id" {
  description = "ID of the applicant Cognito user pool (config.json userPoolId)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]_[A-Za-z0-9]+$", var.user_pool_id))
    error_message = "user_pool_id must look like eu-west-1_AbCdEf123."
  }
}

variable "user_pool_client_id" {
  description = "ID of the public web app client of the user pool (config.json userPoolClientId)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{1,128}$", var.user_pool_client_id))
    error_message = "user_pool_client_id must be a Cognito app client ID (lowercase letters and digits)."
  }
}

variable "identity_pool_id" {
  description = "ID of the Cognito identity pool giving signed-in applicants Face Liveness streaming credentials (config.json identityPoolId)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]:[0-9a-f-]{36}$", var.identity_pool_id))
    error_message = "identity_pool_id must look like eu-west-1:11111111-2222-3333-4444-555555555555."
  }
}

variable "uploads_bucket_name" {
  description = "Name of the uploads bucket: the browser PUTs ID images and lending packages to its presigned URLs (https://<bucket>.s3.<region>.amazonaws.com), so the CSP must allow it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.uploads_bucket_name))
    error_message = "uploads_bucket_name must be a valid S3 bucket name."
  }
}

variable "biometrics_bucket_name" {
  description = "Name of the biometrics bucket: reviewers' case screens show the liveness reference and audit images from its presigned GET URLs (https://<bucket>.s3.<region>.amazonaws.com), so img-src must allow it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.biometrics_bucket_name))
    error_message = "biometrics_bucket_name must be a valid S3 bucket name."
  }
}

variable "liveness_asset_origins" {
  description = "Origins the Amplify UI FaceLivenessDetector loads its face-detection model and WASM runtime from. Default is the AWS liveness CDN; set [] when the app self-hosts them (faceModelUrl/binaryPath)."
  type        = list(string)
  default     = ["https://cdn.liveness.rekognition.amazonaws.com"]

  validation {
    condition     = alltrue([for o in var.liveness_asset_origins : can(regex("^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", o))])
    error_message = "liveness_asset_origins must be https origins without path or wildcard."
  }
}

variable "additional_csp_sources" {
  description = "Extra sources appended to individual CSP directives, e.g. { \"connect-src\" = [\"https://login.example.auth.eu-west-1.amazoncognito.com\"] } for a hosted UI token endpoint. Wildcards, 'unsafe-eval' and 'unsafe-inline' in script-src are refused."
  type        = map(list(string))
  default     = {}

  validation {
    condition = alltrue([
      for d in keys(var.additional_csp_sources) : contains(["default-src", "script-src", "style-src", "img-src", "font-src", "connect-src", "media-src", "worker-src", "frame-src", "manifest-src"], d)
    ])
    error_message = "additional_csp_sources keys must be one of default-src, script-src, style-src, img-src, font-src, connect-src, media-src, worker-src, frame-src, manifest-src."
  }

  validation {
    condition = alltrue(flatten([
      for d, sources in var.additional_csp_sources : [
        for s in sources : !strcontains(s, "*") && s != "'unsafe-eval'" && !(d == "script-src" && s == "'unsafe-inline'") && !strcontains(s, ";") && !strcontains(s, " ")
      ]
    ]))
    error_message = "additional_csp_sources must not contain wildcards, spaces, semicolons, 'unsafe-eval', or 'unsafe-inline' for script-src."
  }
}

variable "build_spec" {
  description = "Amplify build specification (YAML). null uses the default: npm ci and npm run build in web/, config.json from LENDVERIFY_WEB_CONFIG, artifacts from web/dist/. Only used in repository mode builds."
  type        = string
  default     = null
}

variable "extra_environment_variables" {
  description = "Additional environment variables for the branch's Amplify builds (repository mode). Never put secrets here. The front end's configuration is not a build variable: it is config.json (output web_config_json), written next to the same built bundle in every environment."
  type        = map(string)
  default     = {}

  validation {
    condition     = !contains(keys(var.extra_environment_variables), "LENDVERIFY_WEB_CONFIG")
    error_message = "extra_environment_variables must not override the module-managed LENDVERIFY_WEB_CONFIG."
  }
}

variable "liveness_assets" {
  description = "Self-hosted locations of the FaceLivenessDetector's face model (faceModelUrl) and TensorFlow.js WASM binaries (binaryPath), written to config.json. null uses the AWS liveness CDN (keep liveness_asset_origins at its default); when self-hosting, set liveness_asset_origins to [] (same origin) or to the hosting origin."
  type = object({
    faceModelUrl = optional(string)
    binaryPath   = optional(string)
  })
  default = null

  validation {
    condition     = var.liveness_assets == null ? true : alltrue([for v in [var.liveness_assets.faceModelUrl, var.liveness_assets.binaryPath] : v == null || can(regex("^(https://|/)[^\\s]+$", v))])
    error_message = "liveness_assets URLs must be https:// URLs or same-origin paths starting with /."
  }
}

variable "retention_days" {
  description = "How long the environment keeps biometric images (biometrics) and ID images / lending documents (documents), in days, shown on the consent screen (config.json retentionDays). null: the consent screen states the retention without numbers."
  type = object({
    biometrics = number
    documents  = number
  })
  default = null

  validation {
    condition     = var.retention_days == null ? true : (var.retention_days.biometrics >= 1 && var.retention_days.documents >= var.retention_days.biometrics)
    error_message = "retention_days must be whole days >= 1, biometrics no longer than documents."
  }
}
