mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id       = "eu-west-1_AbCdEf123"
      arn      = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"
      endpoint = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"
    }
  }

  mock_resource "aws_cognito_user_pool_client" {
    defaults = {
      id = "1example23456789abcdefghij"
    }
  }

  mock_resource "aws_cognito_identity_pool" {
    defaults = {
      id  = "eu-west-1:11111111-2222-3333-4444-555555555555"
      arn = "arn:aws:cognito-identity:eu-west-1:123456789012:identitypool/eu-west-1:11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/lendverify-test-applicant-authenticated"
      id  = "lendverify-test-applicant-authenticated"
    }
  }
}

variables {
  name_prefix   = "lendverify-test"
  tags          = { Project = "lendverify", Environment = "test" }
  callback_urls = ["https://app.example.com/"]
  logout_urls   = ["https://app.example.com/signed-out"]
}

run "defaults" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role_policy.authenticated_liveness.policy).Statement == [{ Sid = "StreamFaceLivenessVideo", Effect = "Allow", Action = "rekognition:StartFaceLivenessSession", Resource = "*" }]
    error_message = "The authenticated role's only permission must be rekognition:StartFaceLivenessSession."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.authenticated.assume_role_policy).Statement[0].Principal.Federated == "cognito-identity.amazonaws.com" &&
      jsondecode(aws_iam_role.authenticated.assume_role_policy).Statement[0].Action == "sts:AssumeRoleWithWebIdentity" &&
      jsondecode(aws_iam_role.authenticated.assume_role_policy).Statement[0].Condition.StringEquals["cognito-identity.amazonaws.com:aud"] == "eu-west-1:11111111-2222-3333-4444-555555555555" &&
      jsondecode(aws_iam_role.authenticated.assume_role_policy).Statement[0].Condition["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"] == "authenticated"
    )
    error_message = "The role must only trust authenticated identities of this identity pool."
  }

  assert {
    condition     = length(aws_iam_role.authenticated.managed_policy_arns) == 0
    error_message = "No managed policy may be attached to the applicant role."
  }

  assert {
    condition = (
      !aws_cognito_identity_pool.applicants.allow_unauthenticated_identities &&
      !aws_cognito_identity_pool.applicants.allow_classic_flow &&
      one(aws_cognito_identity_pool.applicants.cognito_identity_providers).client_id == aws_cognito_user_pool_client.web.id &&
      one(aws_cognito_identity_pool.applicants.cognito_identity_providers).provider_name == "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123" &&
      one(aws_cognito_identity_pool.applicants.cognito_identity_providers).server_side_token_check
    )
    error_message = "The identity pool must only admit users signed in through the web client."
  }

  assert {
    condition     = length(aws_cognito_identity_pool_roles_attachment.applicants[0].roles) == 1 && aws_cognito_identity_pool_roles_attachment.applicants[0].roles["authenticated"] == aws_iam_role.authenticated.arn
    error_message = "Only an authenticated role may be attached."
  }

  assert {
    condition = (
      !aws_cognito_user_pool_client.web.generate_secret &&
      toset(aws_cognito_user_pool_client.web.explicit_auth_flows) == toset(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]) &&
      aws_cognito_user_pool_client.web.prevent_user_existence_errors == "ENABLED" &&
      aws_cognito_user_pool_client.web.enable_token_revocation
    )
    error_message = "The web client must be public, SRP + refresh only, and hide user existence."
  }

  assert {
    condition     = aws_cognito_user_pool_client.web.allowed_oauth_flows_user_pool_client && toset(aws_cognito_user_pool_client.web.allowed_oauth_flows) == toset(["code"])
    error_message = "With callback URLs the client must use the authorization code flow only."
  }

  assert {
    condition = (
      aws_cognito_user_pool.applicants.username_attributes == toset(["email"]) &&
      aws_cognito_user_pool.applicants.password_policy[0].minimum_length >= 12 &&
      aws_cognito_user_pool.applicants.password_policy[0].require_symbols &&
      aws_cognito_user_pool.applicants.password_policy[0].require_uppercase &&
      aws_cognito_user_pool.applicants.mfa_configuration == "OPTIONAL" &&
      aws_cognito_user_pool.applicants.software_token_mfa_configuration[0].enabled &&
      aws_cognito_user_pool.applicants.user_pool_add_ons[0].advanced_security_mode == "ENFORCED" &&
      aws_cognito_user_pool.applicants.deletion_protection == "ACTIVE" &&
      [for r in aws_cognito_user_pool.applicants.account_recovery_setting[0].recovery_mechanism : r.name] == ["verified_email"]
    )
    error_message = "The user pool must use email usernames, a strong password policy, TOTP MFA, threat protection, deletion protection and email recovery."
  }

  assert {
    condition     = length(aws_cognito_user_pool_domain.hosted_ui) == 0 && output.hosted_ui_domain == null
    error_message = "No hosted UI domain unless asked for."
  }

  assert {
    condition     = output.issuer_url == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123" && output.user_pool_client_id == "1example23456789abcdefghij"
    error_message = "Outputs must expose the issuer URL and client ID."
  }
}

run "mfa_on_hosted_ui_no_oauth" {
  command = apply

  variables {
    mfa_configuration       = "ON"
    deletion_protection     = false
    hosted_ui_domain_prefix = "lendverify-test-login"
    callback_urls           = []
    logout_urls             = []
  }

  assert {
    condition     = aws_cognito_user_pool.applicants.mfa_configuration == "ON" && aws_cognito_user_pool.applicants.deletion_protection == "INACTIVE"
    error_message = "MFA and deletion protection must follow the variables."
  }

  assert {
    condition     = length(aws_cognito_user_pool_domain.hosted_ui) == 1 && output.hosted_ui_domain == "lendverify-test-login.auth.eu-west-1.amazoncognito.com"
    error_message = "The hosted UI domain must be created when a prefix is given."
  }

  assert {
    condition     = !aws_cognito_user_pool_client.web.allowed_oauth_flows_user_pool_client && length(aws_cognito_user_pool_client.web.allowed_oauth_flows) == 0
    error_message = "Without callback URLs the OAuth flows must stay off."
  }
}

run "rejects_mfa_off" {
  command = plan

  variables {
    mfa_configuration = "OFF"
  }

  expect_failures = [var.mfa_configuration]
}

run "rejects_threat_protection_without_plus_tier" {
  command = plan

  variables {
    user_pool_tier = "ESSENTIALS"
  }

  expect_failures = [var.threat_protection_mode]
}

run "rejects_weak_password_length" {
  command = plan

  variables {
    password_minimum_length = 8
  }

  expect_failures = [var.password_minimum_length]
}

run "rejects_http_callback" {
  command = plan

  variables {
    callback_urls = ["http://app.example.com/"]
  }

  expect_failures = [var.callback_urls]
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "lendverify_test"
  }

  expect_failures = [var.name_prefix]
}

run "reviewers_group" {
  command = plan

  assert {
    condition     = aws_cognito_user_group.reviewers.name == "reviewers" && output.reviewers_group_name == "reviewers"
    error_message = "The reviewers group is named reviewers and its name is an output (REVIEWERS_GROUP)."
  }

  assert {
    condition     = aws_cognito_user_group.reviewers.user_pool_id == aws_cognito_user_pool.applicants.id
    error_message = "The reviewers group belongs to the applicant pool (one pool, one authorizer)."
  }
}

run "rejects_bad_reviewers_group_name" {
  command = plan

  variables {
    reviewers_group_name = "Reviewers Team"
  }

  expect_failures = [var.reviewers_group_name]
}
