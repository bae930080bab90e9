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
  description = "Origins of the front end served by the dev server: the first is ALLOWED_ORIGIN and the Cognito redirect URL, all are allowed by the uploads bucket's CORS."
  type        = list(string)
  default     = ["http://localhost:5173", "http://127.0.0.1:5173"]

  validation {
    condition     = length(var.web_origins) > 0
    error_message = "web_origins needs at least the origin the front end is served from."
  }
}

variable "thresholds" {
  description = "Decision thresholds; omitted fields keep handlers/README.md's defaults. Type, defaults and validation: modules/stateful."
  type        = any
  default     = {}
}

variable "webhook_endpoints" {
  description = "Webhook receivers the local stage delivers decision events to, [{ name, url }]: http://127.0.0.1 / http://localhost receivers are accepted here (running_on_moto). Validation: modules/stateful."
  type = list(object({
    name = string
    url  = string
  }))
  default  = []
  nullable = false
}
