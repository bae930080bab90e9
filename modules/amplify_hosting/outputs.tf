output "app_id" {
  description = "ID of the Amplify app (for `aws amplify create-deployment --app-id`)."
  value       = aws_amplify_app.this.id
}

output "app_arn" {
  description = "ARN of the Amplify app."
  value       = aws_amplify_app.this.arn
}

output "default_domain" {
  description = "Default domain of the app (<app id>.amplifyapp.com)."
  value       = aws_amplify_app.this.default_domain
}

output "branch_name" {
  description = "Name of the environment's branch (for `aws amplify create-deployment --branch-name`)."
  value       = aws_amplify_branch.this.branch_name
}

output "branch_url" {
  description = "HTTPS origin the branch is served on (https://<branch>.<default domain>); the API's allowed CORS origin. Derived from the app, not the branch, so the API can depend on it while the branch depends on the API URL."
  value       = "https://${replace(var.branch_name, "/", "-")}.${aws_amplify_app.this.default_domain}"
}

output "web_config" {
  description = "The front end's runtime configuration (served as /config.json next to the bundle)."
  value       = local.web_config
}

output "web_config_json" {
  description = "config.json for this environment: write it into the built web/dist before deploying (manual mode); repository builds write it from the branch's LENDVERIFY_WEB_CONFIG."
  value       = local.web_config_json
}

output "content_security_policy" {
  description = "The Content-Security-Policy the app serves."
  value       = local.content_security_policy
}
