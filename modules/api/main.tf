data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  # The rendered document is the whole API: routes, authorizer, validators, CORS and gateway responses.
  openapi_document = templatefile("${path.module}/openapi.yaml.tftpl", {
    applications_invoke_arn                 = var.functions["applications"].invoke_arn
    erase_application_invoke_arn            = var.functions["erase-application"].invoke_arn
    create_liveness_session_invoke_arn      = var.functions["create-liveness-session"].invoke_arn
    get_liveness_results_invoke_arn         = var.functions["get-liveness-results"].invoke_arn
    create_upload_url_invoke_arn            = var.functions["create-upload-url"].invoke_arn
    verify_identity_invoke_arn              = var.functions["verify-identity"].invoke_arn
    start_lending_analysis_invoke_arn       = var.functions["start-lending-analysis"].invoke_arn
    get_lending_analysis_results_invoke_arn = var.functions["get-lending-analysis-results"].invoke_arn
    review_invoke_arn                       = var.functions["review"].invoke_arn
    cognito_user_pool_arn                   = var.cognito_user_pool_arn
    allowed_origin                          = var.allowed_origin
  })

  # One invoke permission per route: API Gateway writes path parameters as "*" in the source ARN, so each
  # permission names exactly one stage, method and resource path (never "/*/*").
  routes = {
    "applications-post"            = { handler = "applications", method = "POST", path = "applications" }
    "applications-list"            = { handler = "applications", method = "GET", path = "applications" }
    "applications-get"             = { handler = "applications", method = "GET", path = "applications/*" }
    "applications-delete"          = { handler = "erase-application", method = "DELETE", path = "applications/*" }
    "applications-consent"         = { handler = "applications", method = "PUT", path = "applications/*/consent" }
    "applications-events"          = { handler = "applications", method = "GET", path = "applications/*/events" }
    "create-liveness-session"      = { handler = "create-liveness-session", method = "POST", path = "applications/*/liveness-sessions" }
    "get-liveness-results"         = { handler = "get-liveness-results", method = "GET", path = "applications/*/liveness-sessions/*" }
    "create-upload-url"            = { handler = "create-upload-url", method = "POST", path = "applications/*/uploads" }
    "verify-identity"              = { handler = "verify-identity", method = "POST", path = "applications/*/identity-verifications" }
    "start-lending-analysis"       = { handler = "start-lending-analysis", method = "POST", path = "applications/*/documents" }
    "get-lending-analysis-results" = { handler = "get-lending-analysis-results", method = "GET", path = "applications/*/documents/*" }
    "review-cases-list"            = { handler = "review", method = "GET", path = "review/cases" }
    "review-cases-get"             = { handler = "review", method = "GET", path = "review/cases/*" }
    "review-cases-decide"          = { handler = "review", method = "POST", path = "review/cases/*/decisions" }
    "review-cases-events"          = { handler = "review", method = "GET", path = "review/cases/*/events" }
  }

  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    extendedRequestId  = "$context.extendedRequestId"
    requestTime        = "$context.requestTime"
    httpMethod         = "$context.httpMethod"
    resourcePath       = "$context.resourcePath"
    path               = "$context.path"
    protocol           = "$context.protocol"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationStatus  = "$context.integration.status"
    integrationLatency = "$context.integration.latency"
    integrationError   = "$context.integration.error"
    errorMessage       = "$context.error.message"
    errorResponseType  = "$context.error.responseType"
    sub                = "$context.authorizer.claims.sub"
    sourceIp           = "$context.identity.sourceIp"
    userAgent          = "$context.identity.userAgent"
    wafResponseCode    = "$context.wafResponseCode"
    xrayTraceId        = "$context.xrayTraceId"
  })

  waf_logging = var.waf_enabled && var.waf_logging_enabled
}

resource "aws_api_gateway_rest_api" "this" {
  name        = "${var.name_prefix}-api"
  description = "LendVerify applicant API (${var.name_prefix})"
  body        = local.openapi_document

  # overwrite keeps the API exactly equal to the document: routes removed from it disappear.
  put_rest_api_mode = "overwrite"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "OpenAPI document sha256 ${sha256(local.openapi_document)}"

  # A REST API change is invisible to clients until redeployed; the document is the whole API.
  triggers = {
    openapi_sha256 = sha256(local.openapi_document)
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name_prefix}-api/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:Caching stays off by design: every response is per-applicant personal and biometric-derived data, and a cache keyed without the caller would leak it across users.
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to HTTP backends; every integration here is a Lambda proxy (IAM-invoked) or a mock, so there is no backend to present one to.
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  description          = "LendVerify applicant API stage ${var.stage_name}"
  xray_tracing_enabled = true

  cache_cluster_enabled = false

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  tags = var.tags

  depends_on = [aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Caching is deliberately disabled (per-applicant personal data must never be served from a shared cache); cache_data_encrypted is still set should it ever be enabled.
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = var.execution_logging_level
    data_trace_enabled     = false
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
    caching_enabled        = false
    cache_data_encrypted   = true
  }
}

resource "aws_lambda_permission" "api" {
  for_each = local.routes

  statement_id  = "AllowApiGateway-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = var.functions[each.value.handler].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/${var.stage_name}/${each.value.method}/${each.value.path}"
}

# --- Account-level logging role (optional, one per account and region) ------------------------------

resource "aws_iam_role" "api_gateway_logging" {
  count = var.manage_account_logging_role ? 1 : 0

  name = "${var.name_prefix}-apigw-logging"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
      }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "api_gateway_logging" {
  count = var.manage_account_logging_role ? 1 : 0

  name = "push-to-cloudwatch-logs"
  role = aws_iam_role.api_gateway_logging[0].id
  # The account setting serves every REST API in this account and region, so the scope is the
  # region's log groups rather than this API's.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = [
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:DescribeLogGroups",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
        "logs:GetLogEvents",
        "logs:FilterLogEvents",
      ]
      Resource = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:*"
    }]
  })
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_logging_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.api_gateway_logging[0].arn
}

# --- WAF ---------------------------------------------------------------------------------------------

resource "aws_wafv2_web_acl" "this" {
  count = var.waf_enabled ? 1 : 0

  name        = "${var.name_prefix}-api"
  description = "LendVerify applicant API"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  custom_response_body {
    key          = "rate-limited"
    content_type = "APPLICATION_JSON"
    content      = jsonencode({ type = "about:blank", title = "Too Many Requests", status = 429, detail = "Request rate exceeded; retry later." })
  }

  rule {
    name     = "aws-ip-reputation"
    priority = 0

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAmazonIpReputationList"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name_prefix}-api-ip-reputation"
      sampled_requests_enabled   = false
    }
  }

  rule {
    name     = "per-ip-rate-limit"
    priority = 1

    action {
      block {
        custom_response {
          response_code            = 429
          custom_response_body_key = "rate-limited"

          response_header {
            name  = "Retry-After"
            value = "300"
          }
        }
      }
    }

    statement {
      rate_based_statement {
        limit                 = var.waf_rate_limit
        aggregate_key_type    = "IP"
        evaluation_window_sec = 300
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name_prefix}-api-rate-limit"
      sampled_requests_enabled   = false
    }
  }

  # The same budget per bearer token (one signed-in applicant), however many addresses it comes from:
  # a self-registered account cannot multiply its quota across a botnet or a mobile network's NAT.
  # A request without an Authorization header is not counted here (the per-IP rule still counts it,
  # and API Gateway's authorizer refuses it). WAF logs redact the header.
  rule {
    name     = "per-token-rate-limit"
    priority = 5

    action {
      block {
        custom_response {
          response_code            = 429
          custom_response_body_key = "rate-limited"

          response_header {
            name  = "Retry-After"
            value = "300"
          }
        }
      }
    }

    statement {
      rate_based_statement {
        limit                 = var.waf_token_rate_limit
        aggregate_key_type    = "CUSTOM_KEYS"
        evaluation_window_sec = 300

        custom_key {
          header {
            name = "authorization"

            text_transformation {
              priority = 0
              type     = "NONE"
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name_prefix}-api-token-rate-limit"
      sampled_requests_enabled   = false
    }
  }

  rule {
    name     = "aws-common"
    priority = 2

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name_prefix}-api-common"
      sampled_requests_enabled   = false
    }
  }

  # Anonymizing networks (VPNs, Tor, proxies, hosting providers) are a common fraud vector in identity
  # verification; lenders who must serve VPN users can set waf_anonymous_ip_action = "count".
  rule {
    name     = "aws-anonymous-ip"
    priority = 4

    override_action {
      dynamic "none" {
        for_each = var.waf_anonymous_ip_action == "block" ? [1] : []
        content {}
      }
      dynamic "count" {
        for_each = var.waf_anonymous_ip_action == "count" ? [1] : []
        content {}
      }
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAnonymousIpList"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name_prefix}-api-anonymous-ip"
      sampled_requests_enabled   = false
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 3

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name_prefix}-api-known-bad-inputs"
      sampled_requests_enabled   = false
    }
  }

  # Sampled requests would show full headers, including applicants' bearer tokens, in the console;
  # the WAF log (with Authorization redacted) is the place to investigate blocks.
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name_prefix}-api"
    sampled_requests_enabled   = false
  }

  tags = var.tags
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.waf_enabled ? 1 : 0

  resource_arn = aws_api_gateway_stage.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this[0].arn
}

resource "aws_cloudwatch_log_group" "waf" {
  count = local.waf_logging ? 1 : 0

  # WAF only delivers to log groups whose name starts with "aws-waf-logs-".
  name              = "aws-waf-logs-${var.name_prefix}-api"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  count = local.waf_logging ? 1 : 0

  resource_arn            = aws_wafv2_web_acl.this[0].arn
  log_destination_configs = [aws_cloudwatch_log_group.waf[0].arn]

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }
}
