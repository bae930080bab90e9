output "user_pool_id" {
  description = "ID of the applicant user pool."
  value       = aws_cognito_user_pool.applicants.id
}

output "user_pool_arn" {
  description = "ARN of the applicant user pool (the API's Cognito authorizer provider)."
  value       = aws_cognito_user_pool.applicants.arn
}

output "user_pool_endpoint" {
  description = "Endpoint of the user pool without scheme: cognito-idp.<region>.amazonaws.com/<pool id>."
  value       = aws_cognito_user_pool.applicants.endpoint
}

output "issuer_url" {
  description = "OIDC issuer of the pool's tokens (the iss claim), e.g. for JWT checks in the local stage."
  value       = "https://${aws_cognito_user_pool.applicants.endpoint}"
}

output "jwks_url" {
  description = "URL of the pool's JSON Web Key Set."
  value       = "https://${aws_cognito_user_pool.applicants.endpoint}/.well-known/jwks.json"
}

output "user_pool_client_id" {
  description = "ID of the public (secret-less) web app client."
  value       = aws_cognito_user_pool_client.web.id
}

output "identity_pool_id" {
  description = "ID of the identity pool that gives signed-in applicants Face Liveness streaming credentials."
  value       = aws_cognito_identity_pool.applicants.id
}

output "authenticated_role_arn" {
  description = "ARN of the role signed-in applicants assume through the identity pool."
  value       = aws_iam_role.authenticated.arn
}

output "authenticated_role_name" {
  description = "Name of the role signed-in applicants assume through the identity pool."
  value       = aws_iam_role.authenticated.name
}

output "hosted_ui_domain" {
  description = "Hosted UI domain (<prefix>.auth.<region>.amazoncognito.com), or null when none is configured."
  value       = var.hosted_ui_domain_prefix == null ? null : "${aws_cognito_user_pool_domain.hosted_ui[0].domain}.auth.${data.aws_region.current.name}.amazoncognito.com"
}

output "region" {
  description = "Region of the user and identity pools (what the front end configures Amplify Auth with)."
  value       = data.aws_region.current.name
}

output "reviewers_group_name" {
  description = "Name of the reviewers group: `REVIEWERS_GROUP` (the review function admits only its members)."
  value       = aws_cognito_user_group.reviewers.name
}
