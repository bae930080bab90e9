locals {
  repository_mode = var.deployment_mode == "repository"

  frontend_environment = {
    VITE_API_URL             = var.api_url
    VITE_AWS_REGION          = var.aws_region
    VITE_USER_POOL_ID        = var.user_pool_id
    VITE_USER_POOL_CLIENT_ID = var.user_pool_client_id
    VITE_IDENTITY_POOL_ID    = var.identity_pool_id
  }

  default_build_spec = <<-EOT
    version: 1
    frontend:
      phases:
        preBuild:
          commands:
            - npm ci --no-audit --no-fund
        build:
          commands:
            - npm run build
      artifacts:
        baseDirectory: dist
        files:
          - '**/*'
      cache:
        paths:
          - node_modules/**/*
  EOT

  csp_base = {
    "default-src" = ["'self'"]
    # 'wasm-unsafe-eval' lets the liveness detector compile its WebAssembly face detector without
    # opening script-src to eval().
    "script-src" = ["'self'", "'wasm-unsafe-eval'"]
    "style-src"  = ["'self'"]
    "img-src"    = ["'self'", "data:", "blob:"]
    "font-src"   = ["'self'"]
    "media-src"  = ["'self'", "blob:"]
    "worker-src" = ["'self'", "blob:"]
    "connect-src" = concat(
      [
        "'self'",
        coalesce(var.api_origin, "https://*.execute-api.${var.aws_region}.amazonaws.com"),
        "https://cognito-idp.${var.aws_region}.amazonaws.com",
        "https://cognito-identity.${var.aws_region}.amazonaws.com",
        # Face Liveness video goes straight from the browser to Rekognition Streaming over a WebSocket.
        "wss://streaming-rekognition.${var.aws_region}.amazonaws.com",
        "https://${var.uploads_bucket_name}.s3.${var.aws_region}.amazonaws.com",
      ],
      var.liveness_asset_origins,
    )
    "frame-src"    = ["'none'"]
    "manifest-src" = ["'self'"]
  }

  csp_sources = {
    for d, sources in local.csp_base : d => distinct(concat(sources, lookup(var.additional_csp_sources, d, [])))
  }

  content_security_policy = join("; ", concat(
    [for d in ["default-src", "script-src", "style-src", "img-src", "font-src", "media-src", "worker-src", "connect-src", "frame-src", "manifest-src"] : "${d} ${join(" ", local.csp_sources[d])}"],
    ["object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'", "upgrade-insecure-requests"],
  ))

  security_headers = [
    { key = "Strict-Transport-Security", value = "max-age=31536000; includeSubDomains; preload" },
    { key = "Content-Security-Policy", value = local.content_security_policy },
    { key = "X-Content-Type-Options", value = "nosniff" },
    { key = "X-Frame-Options", value = "DENY" },
    { key = "Referrer-Policy", value = "strict-origin-when-cross-origin" },
    # The camera is needed by the Face Liveness check on this origin only; everything else is off.
    { key = "Permissions-Policy", value = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()" },
    { key = "Cross-Origin-Opener-Policy", value = "same-origin" },
  ]

  custom_headers = yamlencode({
    customHeaders = [
      { pattern = "**", headers = local.security_headers },
      # The HTML shell must be revalidated so a new deployment's hashed assets are picked up at once.
      { pattern = "index.html", headers = [{ key = "Cache-Control", value = "no-cache" }] },
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

  environment_variables = merge(var.extra_environment_variables, local.frontend_environment)

  tags = var.tags
}
