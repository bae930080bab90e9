data "aws_region" "current" {}

locals {
  oauth_enabled = length(var.callback_urls) > 0
}

resource "aws_cognito_user_pool" "applicants" {
  name                = "${var.name_prefix}-applicants"
  username_attributes = ["email"]
  user_pool_tier      = var.user_pool_tier
  deletion_protection = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  mfa_configuration   = var.mfa_configuration

  auto_verified_attributes = ["email"]

  username_configuration {
    case_sensitive = false
  }

  # A changed email address only takes effect once verified, so an account cannot be moved to an
  # address its owner does not control.
  user_attribute_update_settings {
    attributes_require_verification_before_update = ["email"]
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  # TOTP only: SMS MFA is phishable and would need an SNS role and a phone number attribute.
  software_token_mfa_configuration {
    enabled = true
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  admin_create_user_config {
    allow_admin_create_user_only = false
  }

  verification_message_template {
    default_email_option = "CONFIRM_WITH_CODE"
  }

  email_configuration {
    email_sending_account = var.ses_email_identity_arn == null ? "COGNITO_DEFAULT" : "DEVELOPER"
    source_arn            = var.ses_email_identity_arn
    from_email_address    = var.ses_email_identity_arn == null ? null : var.from_email_address
  }

  user_pool_add_ons {
    advanced_security_mode = var.threat_protection_mode
  }

  tags = var.tags
}

resource "aws_cognito_user_pool_client" "web" {
  name         = "${var.name_prefix}-web"
  user_pool_id = aws_cognito_user_pool.applicants.id

  # A browser cannot keep a secret, so the client has none and signs in with SRP.
  generate_secret                               = false
  explicit_auth_flows                           = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors                 = "ENABLED"
  enable_token_revocation                       = true
  enable_propagate_additional_user_context_data = false
  auth_session_validity                         = 3

  access_token_validity  = var.access_token_validity_minutes
  id_token_validity      = var.id_token_validity_minutes
  refresh_token_validity = var.refresh_token_validity_days

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }

  supported_identity_providers         = ["COGNITO"]
  callback_urls                        = var.callback_urls
  logout_urls                          = var.logout_urls
  allowed_oauth_flows_user_pool_client = local.oauth_enabled
  allowed_oauth_flows                  = local.oauth_enabled ? ["code"] : []
  allowed_oauth_scopes                 = local.oauth_enabled ? ["openid", "email", "profile"] : []
}

resource "aws_cognito_user_pool_domain" "hosted_ui" {
  count = var.hosted_ui_domain_prefix == null ? 0 : 1

  domain       = var.hosted_ui_domain_prefix
  user_pool_id = aws_cognito_user_pool.applicants.id
}

resource "aws_cognito_identity_pool" "applicants" {
  identity_pool_name               = replace("${var.name_prefix}_applicants", "-", "_")
  allow_unauthenticated_identities = false
  # Enhanced flow only: the classic flow would let a client pick any role the pool trusts.
  allow_classic_flow = false

  cognito_identity_providers {
    client_id               = aws_cognito_user_pool_client.web.id
    provider_name           = aws_cognito_user_pool.applicants.endpoint
    server_side_token_check = true
  }

  tags = var.tags
}

resource "aws_iam_role" "authenticated" {
  name        = "${var.name_prefix}-applicant-authenticated"
  description = "Role of signed-in applicants in the browser: stream Face Liveness video to Rekognition."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "cognito-identity.amazonaws.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "cognito-identity.amazonaws.com:aud" = aws_cognito_identity_pool.applicants.id
        }
        "ForAnyValue:StringLike" = {
          "cognito-identity.amazonaws.com:amr" = "authenticated"
        }
      }
    }]
  })
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "authenticated_liveness" {
  name = "face-liveness-streaming"
  role = aws_iam_role.authenticated.id
  # Resource "*": Rekognition Face Liveness (StartFaceLivenessSession, the streaming API) has no resource
  # type to scope to. The session itself is created server side by create-liveness-session for the
  # caller's own application, and its ID is unguessable.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "StreamFaceLivenessVideo"
      Effect   = "Allow"
      Action   = "rekognition:StartFaceLivenessSession"
      Resource = "*"
    }]
  })
}

resource "aws_cognito_identity_pool_roles_attachment" "applicants" {
  count = var.identity_pool_roles_attachment_enabled ? 1 : 0

  identity_pool_id = aws_cognito_identity_pool.applicants.id

  roles = {
    authenticated = aws_iam_role.authenticated.arn
  }
}

# Reviewers decide NEEDS_REVIEW cases (the /review routes). Membership is managed by the lender's
# administrators (AdminAddUserToGroup), never by self sign-up; the ID token names the groups in
# `cognito:groups`, which the review function checks against REVIEWERS_GROUP. No IAM role: reviewers
# call the API like applicants, with their ID token.
resource "aws_cognito_user_group" "reviewers" {
  name         = var.reviewers_group_name
  user_pool_id = aws_cognito_user_pool.applicants.id
  description  = "LendVerify reviewers: may list and decide NEEDS_REVIEW identity cases (never their own application)."
  precedence   = 10
}
