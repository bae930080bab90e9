output "rest_api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "rest_api_name" {
  description = "Name of the REST API (the ApiName dimension of its CloudWatch metrics)."
  value       = aws_api_gateway_rest_api.this.name
}

output "stage_name" {
  description = "Name of the deployed stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "stage_arn" {
  description = "ARN of the stage (what the WAF web ACL is associated with)."
  value       = aws_api_gateway_stage.this.arn
}

output "invoke_url" {
  description = "Base URL of the stage, e.g. https://<id>.execute-api.<region>.amazonaws.com/<stage>; the front end's API URL."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "execution_arn" {
  description = "Execution ARN of the REST API (prefix of execute-api source ARNs)."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "openapi_document" {
  description = "The rendered OpenAPI 3.0 document the API was built from (contract and documentation)."
  value       = local.openapi_document
}

output "web_acl_arn" {
  description = "ARN of the WAFv2 web ACL protecting the stage, or null when waf_enabled is false."
  value       = var.waf_enabled ? aws_wafv2_web_acl.this[0].arn : null
}

output "access_log_group_name" {
  description = "Name of the KMS-encrypted CloudWatch log group receiving the stage's JSON access logs."
  value       = aws_cloudwatch_log_group.access.name
}

output "lambda_permission_source_arns" {
  description = "Source ARN of each Lambda invoke permission, keyed by route."
  value       = { for k, p in aws_lambda_permission.api : k => p.source_arn }
}
