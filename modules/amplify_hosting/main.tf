locals {
  repository_mode = var.deployment_mode == "repository"

  # The web app reads its configuration at run time from /config.json (web/src/config.ts), so one
  # build of web/ is promoted from dev to prod unchanged; only this file differs per environment.
  web_config = merge(
    {
      mode             = "aws"
      apiUrl           = var.api_url
      region           = var.aws_region
      userPoolId       = var.user_pool_id
      userPoolClientId = var.user_pool_client_id
      identityPoolId   = var.identity_pool_id
    },
    { for k in(var.liveness_assets == null ? [] : ["liveness"]) : k => { for f, v in var.liveness_assets : f => v if v != null } },
    { for k in(var.retention_days == null ? [] : ["retentionDays"]) : k => var.retention_days },
  )
  web_config_json = jsonencode(local.web_config)

  # Repository mode: Amplify builds web/ on the branch; the bytes do not depend on the branch, and
  # config.json is written from the branch's LENDVERIFY_WEB_CONFIG variable.
  default_build_spec = <<-EOT
    version: 1
    frontend:
      phases:
        preBuild:
          commands:
            - cd web && npm ci --no-audit --no-fund
        build:
          commands:
            - cd web && npm run build
            - printf '%s' "$LENDVERIFY_WEB_CONFIG" > web/dist/config.json
      artifacts:
        baseDirectory: web/dist
        files:
          - '**/*'
      cache:
        paths:
          - web/node_modules/**/*
  EOT

  # One definition of the header set, shared with the local stage (security-headers.json).
  header_spec = jsondecode(file("${path.module}/security-headers.json"))
  csp_origins = {
    "{api_origin}"                = [coalesce(var.api_origin, "https://*.execute-api.${var.aws_region}.amazonaws.com")]
    "{cognito_idp_origin}"        = ["https://cognito-idp.${var.aws_region}.amazonaws.com"]
    "{cognito_identity_origin}"   = ["https://cognito-identity.${var.aws_region}.amazonaws.com"]
    "{liveness_streaming_origin}" = ["wss://streaming-rekognition.${var.aws_region}.amazonaws.com"]
    "{uploads_origin}"            = ["https://${var.uploads_bucket_name}.s3.${var.aws_region}.amazonaws.com"]
    "{liveness_asset_origins}"    = var.liveness_asset_origins
    # Reviewers' case screens show ID and liveness images through presigned GETs on both buckets.
    "{review_image_origins}" = [
      "https://${var.uploads_bucket_name}.s3.${var.aws_region}.amazonaws.com",
      "https://${var.biometrics_bucket_name}.s3.${var.aws_region}.amazonaws.com",
    ]
  }
  csp_directives = [for d in local.header_spec.contentSecurityPolicy.directives : d.name]
  csp_sources = {
    for d in local.header_spec.contentSecurityPolicy.directives : d.name => distinct(concat(
      flatten([for s in d.sources : lookup(local.csp_origins, s, [s])]),
      lookup(var.additional_csp_sources, d.name, []),
    ))
  }

  content_security_policy = join("; ", concat(
    [for d in local.csp_directives : "${d} ${join(" ", local.csp_sources[d])}"],
    local.header_spec.contentSecurityPolicy.fixed,
    local.header_spec.contentSecurityPolicy.httpsOnly,
  ))

  security_headers = [
    for h in local.header_spec.headers : {
      key   = h.key
      value = h.value == "{content_security_policy}" ? local.content_security_policy : h.value
    }
  ]

  custom_headers = yamlencode({
    customHeaders = [
      { pattern = "**", headers = local.security_headers },
      # The HTML shell and config.json must be revalidated so a new deployment is picked up at once.
      { pattern = "index.html", headers = [for h in local.header_spec.htmlHeaders : { key = h.key, value = h.value }] },
      { pattern = "config.json", headers = [for h in local.header_spec.htmlHeaders : { key = h.key, value = h.value }] },
    ]
  })
}

resource "aws_amplify_app" "this" {
  name        = "${var.name_prefix}-web"
  description = "LendVerify applicant web front end (${var.name_prefix})"
  platform    = "WEB"

  repository   = local.repository_mode ? var.repository_url : null
  access_token = local.repository_mode ? var.repository_access_token : null

  # Only the environment's branch is ever built: no automatic branches or previews that would expose
  # unreviewed code to the production Cognito pool.
  enable_auto_branch_creation = false
  enable_branch_auto_build    = local.repository_mode
  enable_branch_auto_deletion = false

  build_spec     = coalesce(var.build_spec, local.default_build_spec)
  custom_headers = local.custom_headers

  # Single-page app: every path that is not a static asset is served index.html.
  custom_rule {
    source = "</^[^.]+$|\\.(?!(css|gif|ico|jpg|jpeg|js|json|map|png|svg|txt|wasm|webp|woff|woff2|ttf|bin)$)([^.]+$)/>"
    target = "/index.html"
    status = "200"
  }

  tags = var.tags
}

resource "aws_amplify_branch" "this" {
  app_id      = aws_amplify_app.this.id
  branch_name = var.branch_name
  description = "${var.name_prefix} applicant front end"
  stage       = var.branch_stage
  framework   = "React"

  enable_auto_build           = local.repository_mode
  enable_pull_request_preview = false
  enable_notification         = false

  # Only config.json differs between environments; the JavaScript is the same bytes everywhere.
  environment_variables = merge(var.extra_environment_variables, { LENDVERIFY_WEB_CONFIG = local.web_config_json })

  tags = var.tags
}
