variable "moto_endpoint" {
  description = "URL of the moto server every AWS service of this root talks to."
  type        = string
  default     = "http://127.0.0.1:5000"

  validation {
    condition     = can(regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\]|[a-z0-9.-]+):[0-9]{1,5}$", var.moto_endpoint))
    error_message = "moto_endpoint must be http://<host>:<port> without a path, e.g. http://127.0.0.1:5000."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "lendverify-local"
}

variable "web_origins" {
  description = "Origins of the front end served by the dev server (CORS of the uploads bucket, Cognito redirect URLs)."
  type        = list(string)
  default     = ["http://localhost:5173", "http://127.0.0.1:5173"]
}

variable "thresholds" {
  description = "Decision thresholds (defaults from handlers/README.md); same shape as the stack's `thresholds`."
  type = object({
    liveness_pass_threshold     = optional(number, 90)
    liveness_review_band        = optional(number, 10)
    face_similarity_threshold   = optional(number, 99)
    face_similarity_review_band = optional(number, 4)
    min_extraction_confidence   = optional(number, 90)
    minimum_age                 = optional(number, 18)
    liveness_audit_images_limit = optional(number, 4)
    upload_url_ttl_seconds      = optional(number, 300)
    required_documents          = optional(list(string), ["URLA_1003", "PROOF_OF_INCOME", "BANK_STATEMENT", "IDENTITY_DOCUMENT"])
  })
  default = {}
}
