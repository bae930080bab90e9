mock_provider "aws" {
  mock_resource "aws_amplify_app" {
    defaults = {
      id             = "d1a2b3c4d5e6f7"
      arn            = "arn:aws:amplify:eu-west-1:123456789012:apps/d1a2b3c4d5e6f7"
      default_domain = "d1a2b3c4d5e6f7.amplifyapp.com"
    }
  }

  mock_resource "aws_amplify_branch" {
    defaults = {
      arn = "arn:aws:amplify:eu-west-1:123456789012:apps/d1a2b3c4d5e6f7/branches/main"
    }
  }
}

variables {
  name_prefix            = "lendverify-test"
  tags                   = { Project = "lendverify", Environment = "test" }
  branch_name            = "main"
  aws_region             = "eu-west-1"
  api_url                = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1"
  api_origin             = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
  user_pool_id           = "eu-west-1_AbCdEf123"
  user_pool_client_id    = "1example23456789abcdefghij"
  identity_pool_id       = "eu-west-1:11111111-2222-3333-4444-555555555555"
  uploads_bucket_name    = "lendverify-test-uploads-123456789012"
  biometrics_bucket_name = "lendverify-test-biometrics-123456789012"
}

run "manual_mode_security_headers" {
  command = apply

  assert {
    condition     = aws_amplify_app.this.repository == null && aws_amplify_app.this.access_token == null && !aws_amplify_app.this.enable_branch_auto_build && !aws_amplify_app.this.enable_auto_branch_creation
    error_message = "Manual mode must have no repository, no token and no automatic builds or branches."
  }

  assert {
    condition = alltrue([
      for h in ["Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy"] :
      contains([for x in yamldecode(aws_amplify_app.this.custom_headers).customHeaders[0].headers : x.key], h)
    ]) && yamldecode(aws_amplify_app.this.custom_headers).customHeaders[0].pattern == "**"
    error_message = "Every path must be served with CSP, HSTS, nosniff, X-Frame-Options, Referrer-Policy and Permissions-Policy."
  }

  assert {
    condition = one([
      for x in yamldecode(aws_amplify_app.this.custom_headers).customHeaders[0].headers : x.value if x.key == "Strict-Transport-Security"
    ]) == "max-age=31536000; includeSubDomains; preload"
    error_message = "HSTS must be one year, include subdomains and be preload-ready."
  }

  assert {
    condition = (
      one([for x in yamldecode(aws_amplify_app.this.custom_headers).customHeaders[0].headers : x.value if x.key == "X-Frame-Options"]) == "DENY" &&
      one([for x in yamldecode(aws_amplify_app.this.custom_headers).customHeaders[0].headers : x.value if x.key == "X-Content-Type-Options"]) == "nosniff" &&
      startswith(one([for x in yamldecode(aws_amplify_app.this.custom_headers).customHeaders[0].headers : x.value if x.key == "Permissions-Policy"]), "camera=(self)")
    )
    error_message = "Framing must be denied, sniffing off, and the camera limited to the app's own origin."
  }

  assert {
    condition = (
      strcontains(output.content_security_policy, "connect-src 'self' https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com https://cognito-idp.eu-west-1.amazonaws.com https://cognito-identity.eu-west-1.amazonaws.com wss://streaming-rekognition.eu-west-1.amazonaws.com https://lendverify-test-uploads-123456789012.s3.eu-west-1.amazonaws.com https://cdn.liveness.rekognition.amazonaws.com;") &&
      strcontains(output.content_security_policy, "frame-ancestors 'none'") &&
      strcontains(output.content_security_policy, "object-src 'none'") &&
      strcontains(output.content_security_policy, "script-src 'self' 'wasm-unsafe-eval';") &&
      !strcontains(output.content_security_policy, "'unsafe-eval'") &&
      !strcontains(output.content_security_policy, "'unsafe-inline'")
    )
    error_message = "The CSP must limit connect-src to the API origin, Cognito, Rekognition streaming, the uploads bucket and the liveness CDN, and allow no eval or inline script."
  }

  assert {
    condition     = one([for x in yamldecode(aws_amplify_app.this.custom_headers).customHeaders[0].headers : x.value if x.key == "Content-Security-Policy"]) == output.content_security_policy
    error_message = "The served CSP must be the one the module reports."
  }

  assert {
    condition     = one(aws_amplify_app.this.custom_rule).target == "/index.html" && one(aws_amplify_app.this.custom_rule).status == "200"
    error_message = "The SPA rewrite must serve index.html with a 200."
  }

  assert {
    condition = jsondecode(aws_amplify_branch.this.environment_variables["LENDVERIFY_WEB_CONFIG"]) == {
      mode             = "aws"
      apiUrl           = var.api_url
      region           = "eu-west-1"
      userPoolId       = var.user_pool_id
      userPoolClientId = var.user_pool_client_id
      identityPoolId   = var.identity_pool_id
    } && output.web_config_json == aws_amplify_branch.this.environment_variables["LENDVERIFY_WEB_CONFIG"]
    error_message = "config.json must carry the API, region and pools, and the branch must carry exactly the config.json the module outputs."
  }

  assert {
    condition     = length([for k in keys(aws_amplify_branch.this.environment_variables) : k if startswith(k, "VITE_")]) == 0
    error_message = "Nothing environment-specific may be inlined into the bundle at build time."
  }

  assert {
    condition     = !aws_amplify_branch.this.enable_auto_build && !aws_amplify_branch.this.enable_pull_request_preview
    error_message = "Manual branches are never built by Amplify and never preview pull requests."
  }

  assert {
    condition     = output.branch_url == "https://main.d1a2b3c4d5e6f7.amplifyapp.com" && output.app_id == "d1a2b3c4d5e6f7"
    error_message = "branch_url must be the branch's https origin."
  }

  assert {
    condition     = yamldecode(aws_amplify_app.this.build_spec).frontend.artifacts.baseDirectory == "web/dist" && strcontains(aws_amplify_app.this.build_spec, "LENDVERIFY_WEB_CONFIG\" > web/dist/config.json")
    error_message = "The default build spec must publish web/dist with the branch's config.json."
  }
}

run "repository_mode" {
  command = apply

  variables {
    deployment_mode         = "repository"
    repository_url          = "https://github.com/example-lender/lendverify-web"
    repository_access_token = "github_pat_example_token_value"
    branch_name             = "release/prod"
    api_origin              = null
    additional_csp_sources  = { "connect-src" = ["https://login-example.auth.eu-west-1.amazoncognito.com"] }
  }

  assert {
    condition     = aws_amplify_app.this.repository == var.repository_url && aws_amplify_app.this.enable_branch_auto_build && !aws_amplify_app.this.enable_auto_branch_creation && !aws_amplify_app.this.enable_branch_auto_deletion
    error_message = "Repository mode must connect the repository and build only the configured branch."
  }

  assert {
    condition     = aws_amplify_branch.this.enable_auto_build
    error_message = "The branch must build on push in repository mode."
  }

  assert {
    condition     = strcontains(output.content_security_policy, "https://*.execute-api.eu-west-1.amazonaws.com") && strcontains(output.content_security_policy, "https://login-example.auth.eu-west-1.amazoncognito.com")
    error_message = "Without api_origin the CSP falls back to the region's API Gateway endpoints, and extra sources are appended."
  }

  assert {
    condition     = output.branch_url == "https://release-prod.d1a2b3c4d5e6f7.amplifyapp.com"
    error_message = "Slashes in branch names become hyphens in the branch domain."
  }
}

run "self_hosted_liveness_assets" {
  command = plan

  variables {
    liveness_assets        = { faceModelUrl = "/liveness/model.json", binaryPath = "/liveness/wasm/" }
    liveness_asset_origins = []
  }

  assert {
    condition     = output.web_config.liveness == { faceModelUrl = "/liveness/model.json", binaryPath = "/liveness/wasm/" } && !strcontains(output.content_security_policy, "cdn.liveness")
    error_message = "Self-hosted liveness assets go to config.json and leave the CDN out of the CSP."
  }
}

run "retention_in_config" {
  command = plan

  variables {
    retention_days = { biometrics = 30, documents = 365 }
  }

  assert {
    condition     = output.web_config.retentionDays == { biometrics = 30, documents = 365 }
    error_message = "The consent screen's retention periods come from config.json."
  }
}

run "shares_the_local_stage_header_set" {
  command = plan

  assert {
    condition = [for h in yamldecode(aws_amplify_app.this.custom_headers).customHeaders[0].headers : h.key] == [
      for h in jsondecode(file("${path.module}/security-headers.json")).headers : h.key
    ]
    error_message = "The served headers must be exactly security-headers.json's, the file the local stage serves too."
  }
}

run "rejects_unknown_mode" {
  command = plan

  variables {
    deployment_mode = "s3"
  }

  expect_failures = [var.deployment_mode]
}

run "rejects_repository_mode_without_url" {
  command = plan

  variables {
    deployment_mode         = "repository"
    repository_access_token = "github_pat_example_token_value"
  }

  expect_failures = [var.repository_url]
}

run "rejects_repository_mode_without_token" {
  command = plan

  variables {
    deployment_mode = "repository"
    repository_url  = "https://github.com/example-lender/lendverify-web"
  }

  expect_failures = [var.repository_access_token]
}

run "rejects_http_api_url" {
  command = plan

  variables {
    api_url = "http://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1"
  }

  expect_failures = [var.api_url]
}

run "rejects_unsafe_csp_additions" {
  command = plan

  variables {
    additional_csp_sources = { "script-src" = ["'unsafe-inline'"], "connect-src" = ["https://*"] }
  }

  expect_failures = [var.additional_csp_sources]
}

run "rejects_long_name_prefix" {
  command = plan

  variables {
    name_prefix = "lendverify-a-name-prefix-that-is-too-long"
  }

  expect_failures = [var.name_prefix]
}
