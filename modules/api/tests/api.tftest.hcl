mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/terraform"
      user_id    = "AIDAEXAMPLE"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id               = "a1b2c3d4e5"
      arn              = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5"
      execution_arn    = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5"
      root_resource_id = "r00tr3s0ur"
    }
  }

  mock_resource "aws_api_gateway_deployment" {
    defaults = {
      id = "d3pl0y"
    }
  }

  mock_resource "aws_api_gateway_stage" {
    defaults = {
      arn           = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/v1"
      execution_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1"
      invoke_url    = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mock"
    }
  }

  mock_resource "aws_wafv2_web_acl" {
    defaults = {
      arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/lendverify-test-api/11111111-2222-3333-4444-555555555555"
      id  = "11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/lendverify-test-apigw-logging"
    }
  }
}

variables {
  name_prefix           = "lendverify-test"
  tags                  = { Project = "lendverify", Environment = "test" }
  stage_name            = "v1"
  allowed_origin        = "https://app.example.com"
  cognito_user_pool_arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"
  log_kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  functions = {
    for h in [
      "applications", "erase-application", "create-liveness-session", "get-liveness-results", "create-upload-url",
      "verify-identity", "start-lending-analysis", "get-lending-analysis-results", "lending-analysis-completed",
      "review", "deliver-decision-events", "sweep-erasures",
      ] : h => {
      function_name = "lendverify-test-${h}"
      function_arn  = "arn:aws:lambda:eu-west-1:123456789012:function:lendverify-test-${h}"
      invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:lendverify-test-${h}/invocations"
    }
  }
}

run "openapi_contract" {
  command = apply

  # Every route of the root README route/IAM table, plus a preflight per path.
  assert {
    condition = toset(flatten([
      for path, item in yamldecode(output.openapi_document).paths : [for method, op in item : "${upper(method)} ${path}" if method != "x-amazon-apigateway-any-method"]
      ])) == toset([
      "POST /applications", "GET /applications", "OPTIONS /applications",
      "GET /applications/{applicationId}", "DELETE /applications/{applicationId}", "OPTIONS /applications/{applicationId}",
      "PUT /applications/{applicationId}/consent", "OPTIONS /applications/{applicationId}/consent",
      "POST /applications/{applicationId}/liveness-sessions", "OPTIONS /applications/{applicationId}/liveness-sessions",
      "GET /applications/{applicationId}/liveness-sessions/{sessionId}", "OPTIONS /applications/{applicationId}/liveness-sessions/{sessionId}",
      "POST /applications/{applicationId}/uploads", "OPTIONS /applications/{applicationId}/uploads",
      "POST /applications/{applicationId}/identity-verifications", "OPTIONS /applications/{applicationId}/identity-verifications",
      "POST /applications/{applicationId}/documents", "OPTIONS /applications/{applicationId}/documents",
      "GET /applications/{applicationId}/documents/{documentId}", "OPTIONS /applications/{applicationId}/documents/{documentId}",
      "GET /applications/{applicationId}/events", "OPTIONS /applications/{applicationId}/events",
      "GET /review/cases", "OPTIONS /review/cases",
      "GET /review/cases/{applicationId}", "OPTIONS /review/cases/{applicationId}",
      "POST /review/cases/{applicationId}/decisions", "OPTIONS /review/cases/{applicationId}/decisions",
      "GET /review/cases/{applicationId}/events", "OPTIONS /review/cases/{applicationId}/events",
    ])
    error_message = "The OpenAPI document must define exactly the README routes plus one OPTIONS preflight per path."
  }

  assert {
    condition = alltrue(flatten([
      for path, item in yamldecode(output.openapi_document).paths : [
        for method, op in item : op.security == [{ cognito = [] }] if !contains(["options", "x-amazon-apigateway-any-method"], method)
      ]
    ]))
    error_message = "Every non-preflight operation must require the cognito security scheme."
  }

  # Undeclared methods: a mock answering 405 with the path's methods in Allow (the local stage does the same).
  assert {
    condition = alltrue([
      for path, item in yamldecode(output.openapi_document).paths : (
        item["x-amazon-apigateway-any-method"].security == [] &&
        item["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"].type == "mock" &&
        item["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"].responses["default"].statusCode == "405" &&
        item["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"].responses["default"].responseParameters["method.response.header.Allow"] ==
        item.options["x-amazon-apigateway-integration"].responses["default"].responseParameters["method.response.header.Access-Control-Allow-Methods"]
      )
    ])
    error_message = "Every path must answer undeclared methods 405 with Allow listing the methods its preflight allows."
  }

  assert {
    condition = alltrue(flatten([
      for path, item in yamldecode(output.openapi_document).paths : [
        for method, op in item : op.security == [] && op["x-amazon-apigateway-integration"].type == "mock" if method == "options"
      ]
    ]))
    error_message = "Preflights must be unauthenticated mock integrations (browsers send no credentials on a preflight)."
  }

  assert {
    condition = alltrue(flatten([
      for path, item in yamldecode(output.openapi_document).paths : [
        for method, op in item : (
          op["x-amazon-apigateway-integration"].type == "aws_proxy" &&
          op["x-amazon-apigateway-integration"].httpMethod == "POST" &&
          contains([for f in values(var.functions) : f.invoke_arn], op["x-amazon-apigateway-integration"].uri)
        ) if !contains(["options", "x-amazon-apigateway-any-method"], method)
      ]
    ]))
    error_message = "Every operation must have an aws_proxy POST integration whose uri is one of the function invoke ARNs."
  }

  assert {
    condition = (
      yamldecode(output.openapi_document).paths["/applications/{applicationId}/uploads"].post["x-amazon-apigateway-integration"].uri == var.functions["create-upload-url"].invoke_arn &&
      yamldecode(output.openapi_document).paths["/applications/{applicationId}"].delete["x-amazon-apigateway-integration"].uri == var.functions["erase-application"].invoke_arn &&
      yamldecode(output.openapi_document).paths["/applications/{applicationId}/documents/{documentId}"].get["x-amazon-apigateway-integration"].uri == var.functions["get-lending-analysis-results"].invoke_arn &&
      yamldecode(output.openapi_document).paths["/applications/{applicationId}/liveness-sessions/{sessionId}"].get["x-amazon-apigateway-integration"].uri == var.functions["get-liveness-results"].invoke_arn &&
      yamldecode(output.openapi_document).paths["/applications/{applicationId}/events"].get["x-amazon-apigateway-integration"].uri == var.functions["applications"].invoke_arn &&
      alltrue([
        for p in ["/review/cases", "/review/cases/{applicationId}", "/review/cases/{applicationId}/events"] :
        yamldecode(output.openapi_document).paths[p].get["x-amazon-apigateway-integration"].uri == var.functions["review"].invoke_arn
      ]) &&
      yamldecode(output.openapi_document).paths["/review/cases/{applicationId}/decisions"].post["x-amazon-apigateway-integration"].uri == var.functions["review"].invoke_arn
    )
    error_message = "Routes must integrate with the handler the README assigns them."
  }

  assert {
    condition = (
      yamldecode(output.openapi_document).components.securitySchemes.cognito["x-amazon-apigateway-authtype"] == "cognito_user_pools" &&
      yamldecode(output.openapi_document).components.securitySchemes.cognito["x-amazon-apigateway-authorizer"].type == "cognito_user_pools" &&
      yamldecode(output.openapi_document).components.securitySchemes.cognito["x-amazon-apigateway-authorizer"].providerARNs == [var.cognito_user_pool_arn]
    )
    error_message = "The cognito security scheme must be a cognito_user_pools authorizer on the given user pool."
  }

  assert {
    condition = alltrue(flatten([
      for path, item in yamldecode(output.openapi_document).paths : [
        for method, op in item :
        op["x-amazon-apigateway-integration"].responses["default"].responseParameters["method.response.header.Access-Control-Allow-Origin"] == "'https://app.example.com'"
        if method == "options"
      ]
    ]))
    error_message = "Every preflight must allow exactly the configured web origin."
  }

  assert {
    condition = alltrue([
      for rt, r in yamldecode(output.openapi_document)["x-amazon-apigateway-gateway-responses"] :
      r.responseParameters["gatewayresponse.header.Access-Control-Allow-Origin"] == "'https://app.example.com'" &&
      r.responseParameters["gatewayresponse.header.Content-Type"] == "'application/problem+json'" &&
      r.responseParameters["gatewayresponse.header.Access-Control-Expose-Headers"] == "'Retry-After,Location'" &&
      can(jsondecode(replace(replace(r.responseTemplates["application/json"], "$context.error.messageString", "\"x\""), "$context.", "")).type)
    ])
    error_message = "Every gateway response must be problem+json (a JSON object with type), carry the CORS origin header and expose Retry-After and Location."
  }

  assert {
    condition = alltrue([
      for rt in ["DEFAULT_4XX", "DEFAULT_5XX"] : contains(keys(yamldecode(output.openapi_document)["x-amazon-apigateway-gateway-responses"]), rt)
    ])
    error_message = "DEFAULT_4XX and DEFAULT_5XX gateway responses must be customised."
  }

  assert {
    condition = alltrue([
      for p in ["/applications/{applicationId}/uploads", "/applications/{applicationId}/identity-verifications", "/applications/{applicationId}/documents"] :
      yamldecode(output.openapi_document).paths[p].post["x-amazon-apigateway-request-validator"] == "body-and-params" &&
      yamldecode(output.openapi_document).paths[p].post.requestBody.required == true
    ]) && yamldecode(output.openapi_document)["x-amazon-apigateway-request-validators"]["body-and-params"].validateRequestBody == true
    error_message = "Operations with a required JSON body must be validated by API Gateway."
  }

  assert {
    condition = (
      contains(yamldecode(output.openapi_document).components.schemas.ValidationProblem.required, "errors") &&
      yamldecode(output.openapi_document).components.schemas.ValidationProblem.properties.errors.items.required == ["field", "message"] &&
      alltrue([for f in ["type", "title", "status", "detail", "instance"] : contains(keys(yamldecode(output.openapi_document).components.schemas.Problem.properties), f)])
    )
    error_message = "Problem must carry the RFC 9457 members and ValidationProblem the errors list."
  }

  assert {
    condition = alltrue(flatten([
      for path, item in yamldecode(output.openapi_document).paths : [
        for method, op in item : (
          contains(keys(op.responses["503"].headers), "Retry-After") &&
          keys(op.responses["401"].content) == ["application/problem+json"]
        ) if !contains(["options", "x-amazon-apigateway-any-method"], method)
      ]
    ]))
    error_message = "Every operation must document 401 as problem+json and 503 with Retry-After."
  }

  assert {
    condition     = yamldecode(output.openapi_document).components.schemas.LivenessStatus.enum == ["IN_PROGRESS", "PASSED", "FAILED", "NEEDS_REVIEW", "EXPIRED"] && yamldecode(output.openapi_document).components.schemas.CreateUploadRequest.properties.purpose.enum == ["ID_FRONT", "ID_BACK", "LENDING_PACKAGE"]
    error_message = "Status and purpose enums must match the API shapes."
  }

  # Least-privilege invoke permissions.
  assert {
    condition     = length(aws_lambda_permission.api) == 16
    error_message = "There must be one invoke permission per routed method/path."
  }

  # The review decision body, exactly as API Gateway (and the local stage) validates it.
  assert {
    condition = (
      yamldecode(output.openapi_document).paths["/review/cases/{applicationId}/decisions"].post["x-amazon-apigateway-request-validator"] == "body-and-params" &&
      yamldecode(output.openapi_document).components.schemas.ReviewDecisionRequest.additionalProperties == false &&
      yamldecode(output.openapi_document).components.schemas.ReviewDecisionRequest.required == ["decision", "reasonCodes"] &&
      yamldecode(output.openapi_document).components.schemas.ReviewDecisionValue.enum == ["APPROVED", "REJECTED"] &&
      yamldecode(output.openapi_document).components.schemas.ReviewDecisionRequest.properties.reasonCodes.minItems == 1 &&
      yamldecode(output.openapi_document).components.schemas.ReviewDecisionRequest.properties.reasonCodes.maxItems == 10 &&
      yamldecode(output.openapi_document).components.schemas.ReasonCode.pattern == "^[A-Z][A-Z0-9_]{1,63}$" &&
      yamldecode(output.openapi_document).components.schemas.ReviewDecisionRequest.properties.note.maxLength == 2000
    )
    error_message = "The review decision body must be {decision: APPROVED|REJECTED, reasonCodes: 1-10 codes, note <= 2000}, nothing else, validated by API Gateway."
  }

  # Review routes: 403 for non-reviewers, 429 and 503 with Retry-After, the queue paginated.
  assert {
    condition = alltrue(flatten([
      for path, item in yamldecode(output.openapi_document).paths : [
        for method, op in item : (
          contains(keys(op.responses), "403") &&
          contains(keys(op.responses["429"].headers), "Retry-After") &&
          contains(keys(op.responses["503"].headers), "Retry-After")
        ) if startswith(path, "/review/") && !contains(["options", "x-amazon-apigateway-any-method"], method)
      ]
    ])) && toset([for p in yamldecode(output.openapi_document).paths["/review/cases"].get.parameters : "${p.name}:${p.in}"]) == toset(["limit:query", "nextToken:query", "reasonCode:query"])
    error_message = "Every review route documents 403 and Retry-After on 429/503; GET /review/cases takes limit, nextToken and reasonCode."
  }

  assert {
    condition = alltrue([
      for p in aws_lambda_permission.api :
      !endswith(p.source_arn, "/*/*") && !strcontains(p.source_arn, "/*/*/") &&
      startswith(p.source_arn, "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/") &&
      p.principal == "apigateway.amazonaws.com"
    ])
    error_message = "Invoke permissions must be scoped to this API, this stage, one method and one path."
  }

  assert {
    condition = (
      aws_lambda_permission.api["create-upload-url"].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/POST/applications/*/uploads" &&
      aws_lambda_permission.api["create-upload-url"].function_name == "lendverify-test-create-upload-url" &&
      aws_lambda_permission.api["applications-delete"].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/DELETE/applications/*" &&
      aws_lambda_permission.api["applications-delete"].function_name == "lendverify-test-erase-application"
    )
    error_message = "Invoke permissions must name the right function and route."
  }

  assert {
    condition     = !contains([for p in aws_lambda_permission.api : p.function_name], "lendverify-test-lending-analysis-completed") && !contains([for p in aws_lambda_permission.api : p.function_name], "lendverify-test-deliver-decision-events")
    error_message = "The SQS consumer must not be invocable by API Gateway."
  }

  # Stage, deployment and logging.
  assert {
    condition     = aws_api_gateway_deployment.this.triggers.openapi_sha256 == sha256(output.openapi_document)
    error_message = "The deployment must be re-created whenever the rendered document changes."
  }

  assert {
    condition     = aws_api_gateway_stage.this.xray_tracing_enabled && !aws_api_gateway_stage.this.cache_cluster_enabled
    error_message = "The stage must trace with X-Ray and run without a cache."
  }

  assert {
    condition = (
      jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format).requestId == "$context.requestId" &&
      jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format).sub == "$context.authorizer.claims.sub" &&
      aws_api_gateway_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access.arn
    )
    error_message = "Access logs must be JSON with the request ID and caller sub, sent to the module's log group."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access.kms_key_id == var.log_kms_key_arn && aws_cloudwatch_log_group.access.retention_in_days == 365
    error_message = "The access log group must be KMS-encrypted with bounded retention."
  }

  assert {
    condition = (
      aws_api_gateway_method_settings.all.settings[0].metrics_enabled &&
      !aws_api_gateway_method_settings.all.settings[0].caching_enabled &&
      !aws_api_gateway_method_settings.all.settings[0].data_trace_enabled &&
      aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 100 &&
      aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 50
    )
    error_message = "Method settings must enable metrics and throttling, and disable caching and data tracing."
  }

  # WAF on by default.
  assert {
    condition     = length(aws_wafv2_web_acl_association.this) == 1 && aws_wafv2_web_acl_association.this[0].resource_arn == aws_api_gateway_stage.this.arn
    error_message = "The web ACL must be associated with the stage when WAF is enabled."
  }

  assert {
    condition = toset(flatten([
      for r in aws_wafv2_web_acl.this[0].rule : [for s in r.statement : [for m in s.managed_rule_group_statement : m.name]]
    ])) == toset(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesAnonymousIpList"])
    error_message = "The web ACL must use the AWS managed common, known-bad-inputs, IP reputation and anonymous IP rule groups."
  }

  assert {
    condition     = length([for r in aws_wafv2_web_acl.this[0].rule : r if length(r.statement[0].rate_based_statement) == 1]) == 2
    error_message = "The web ACL must have two rate-based rules: per IP and per token."
  }

  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].rate_based_statement[0].aggregate_key_type if r.name == "per-ip-rate-limit"
    ]) == "IP"
    error_message = "The per-IP rule must aggregate by IP."
  }

  # The per-token rule: keyed on the Authorization header alone, 429 with Retry-After, the configured limit.
  assert {
    condition = length([for r in aws_wafv2_web_acl.this[0].rule : r if r.name == "per-token-rate-limit"]) == 1 && alltrue([
      for r in aws_wafv2_web_acl.this[0].rule :
      r.statement[0].rate_based_statement[0].aggregate_key_type == "CUSTOM_KEYS" &&
      r.statement[0].rate_based_statement[0].limit == 300 &&
      length(r.statement[0].rate_based_statement[0].custom_key) == 1 &&
      lower(r.statement[0].rate_based_statement[0].custom_key[0].header[0].name) == "authorization" &&
      r.action[0].block[0].custom_response[0].response_code == 429 &&
      one(r.action[0].block[0].custom_response[0].response_header).name == "Retry-After"
      if r.name == "per-token-rate-limit"
    ])
    error_message = "A rate-based rule keyed on the Authorization header (CUSTOM_KEYS) must answer 429 with Retry-After at waf_token_rate_limit."
  }

  assert {
    condition     = length(aws_wafv2_web_acl_logging_configuration.this) == 1 && aws_wafv2_web_acl_logging_configuration.this[0].redacted_fields[0].single_header[0].name == "authorization"
    error_message = "WAF logging must be on by default with the Authorization header redacted."
  }

  assert {
    condition     = output.web_acl_arn == aws_wafv2_web_acl.this[0].arn && output.invoke_url == "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1"
    error_message = "Outputs must expose the web ACL ARN and the stage URL."
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 0 && length(aws_iam_role.api_gateway_logging) == 0
    error_message = "The account-level logging role is opt-in."
  }
}

run "waf_disabled" {
  command = apply

  variables {
    waf_enabled = false
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 0 && length(aws_wafv2_web_acl_association.this) == 0 && length(aws_wafv2_web_acl_logging_configuration.this) == 0 && length(aws_cloudwatch_log_group.waf) == 0
    error_message = "No WAF resources may exist when WAF is disabled."
  }

  assert {
    condition     = output.web_acl_arn == null
    error_message = "web_acl_arn must be null when WAF is disabled."
  }
}

run "anonymous_ip_count_only" {
  command = apply

  variables {
    waf_anonymous_ip_action = "count"
  }

  assert {
    condition = (
      length(one([for r in aws_wafv2_web_acl.this[0].rule : r if r.name == "aws-anonymous-ip"]).override_action[0].count) == 1 &&
      length(one([for r in aws_wafv2_web_acl.this[0].rule : r if r.name == "aws-anonymous-ip"]).override_action[0].none) == 0
    )
    error_message = "With waf_anonymous_ip_action = count the anonymous IP group must only count."
  }
}

run "account_logging_role" {
  command = apply

  variables {
    manage_account_logging_role = true
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 1 && aws_api_gateway_account.this[0].cloudwatch_role_arn == aws_iam_role.api_gateway_logging[0].arn
    error_message = "The account setting must point at the module's logging role when managed."
  }

  assert {
    condition     = !strcontains(aws_iam_role_policy.api_gateway_logging[0].policy, "\"logs:*\"") && jsondecode(aws_iam_role_policy.api_gateway_logging[0].policy).Statement[0].Resource == "arn:aws:logs:eu-west-1:123456789012:log-group:*"
    error_message = "The logging role must list its actions and stay inside the region's log groups."
  }
}

run "rejects_token_limit_above_ip_limit" {
  command = plan

  variables {
    waf_rate_limit       = 500
    waf_token_rate_limit = 600
  }

  expect_failures = [var.waf_token_rate_limit]
}

run "rejects_uppercase_name_prefix" {
  command = plan

  variables {
    name_prefix = "LendVerify"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_long_name_prefix" {
  command = plan

  variables {
    name_prefix = "lendverify-a-name-prefix-that-is-too-long"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_wildcard_origin" {
  command = plan

  variables {
    allowed_origin = "*"
  }

  expect_failures = [var.allowed_origin]
}

run "rejects_origin_with_path" {
  command = plan

  variables {
    allowed_origin = "https://app.example.com/"
  }

  expect_failures = [var.allowed_origin]
}

run "rejects_missing_handler" {
  command = plan

  variables {
    functions = {
      applications = {
        function_name = "lendverify-test-applications"
        function_arn  = "arn:aws:lambda:eu-west-1:123456789012:function:lendverify-test-applications"
        invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:lendverify-test-applications/invocations"
      }
    }
  }

  expect_failures = [var.functions]
}

run "rejects_bad_user_pool_arn" {
  command = plan

  variables {
    cognito_user_pool_arn = "eu-west-1_AbCdEf123"
  }

  expect_failures = [var.cognito_user_pool_arn]
}

run "rejects_unbounded_log_retention" {
  command = plan

  variables {
    log_retention_days = 0
  }

  expect_failures = [var.log_retention_days]
}
