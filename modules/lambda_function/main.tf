data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  function_name  = coalesce(var.function_name, "${var.name_prefix}-${var.handler}")
  log_group_name = "/aws/lambda/${local.function_name}"
  account_id     = data.aws_caller_identity.current.account_id
  from_s3        = var.s3_bucket != null

  # Lambda wants source_code_hash as base64 of the SHA-256, CI publishes hex (sha256sum), and
  # Terraform has no hex decoder: re-encode 3 bytes (6 hex digits) at a time into 4 base64
  # characters. 32 bytes = 10 such groups + 2 bytes, which become 3 characters and one "=".
  b64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  sha_hex      = coalesce(var.package_sha256, "0000000000000000000000000000000000000000000000000000000000000000")
  sha_groups   = [for i in range(10) : parseint(substr(local.sha_hex, i * 6, 6), 16)]
  sha_tail     = parseint(substr(local.sha_hex, 60, 4), 16) * 4
  sha_base64 = join("", concat(
    [for n in local.sha_groups : join("", [
      substr(local.b64_alphabet, floor(n / 262144), 1),
      substr(local.b64_alphabet, floor(n / 4096) % 64, 1),
      substr(local.b64_alphabet, floor(n / 64) % 64, 1),
      substr(local.b64_alphabet, n % 64, 1),
    ])],
    [
      substr(local.b64_alphabet, floor(local.sha_tail / 4096), 1),
      substr(local.b64_alphabet, floor(local.sha_tail / 64) % 64, 1),
      substr(local.b64_alphabet, local.sha_tail % 64, 1),
      "=",
    ],
  ))

  source_code_hash = local.from_s3 ? local.sha_base64 : filebase64sha256(var.local_zip_path)
}

# ---------------------------------------------------------------------------------------------
# Execution role
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "LambdaAssumesForThisAccount"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = local.function_name
  description          = "Execution role of the ${local.function_name} Lambda function"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  max_session_duration = 3600

  tags = merge(var.tags, { Name = local.function_name })
}

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = var.policy_statements

    content {
      sid       = statement.value.sid
      effect    = "Allow"
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }

  statement {
    sid       = "WriteOwnLogGroup"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:log-stream:*"]
  }

  # xray:PutTraceSegments and xray:PutTelemetryRecords have no resource types; "*" is the only
  # resource IAM accepts for them.
  statement {
    sid       = "WriteXRayTraces"
    effect    = "Allow"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

# Separate from the role so a KMS key policy may name the role (key_user_arns) while this policy
# names the key, without a dependency cycle.
resource "aws_iam_role_policy" "this" {
  name   = "least-privilege"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# ---------------------------------------------------------------------------------------------
# Log group (created before the function so Lambda never creates an unencrypted one)
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.kms_key_arn

  tags = merge(var.tags, { Name = local.log_group_name })
}

# ---------------------------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------------------------

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:API handlers are invoked synchronously (errors return to the caller); the SQS consumer's failed messages go to the queue's redrive DLQ. A scheduled function (schedule_expression) is invoked asynchronously, but its event carries no work: what is due stays where it is (e.g. the sweep-index) and the next run takes it up, and its errors raise the observability alarms; a DLQ would only collect empty schedule events.
  #checkov:skip=CKV_AWS_272:Integrity comes from digest promotion, not signing: the one artifact is built once in CI and staging/prod take it only by S3 key + SHA-256 (source_code_hash), with the S3 object's ChecksumSHA256 verified against that digest before every apply, so they run exactly the bytes CI built and tested. AWS Signer is supported: set var.code_signing_config_arn to enforce signatures.
  #checkov:skip=CKV_AWS_117:The functions only call regional AWS APIs (DynamoDB, S3, Rekognition, Textract, SQS) over TLS with IAM auth and reach no private resources; a VPC would add NAT/endpoints without reducing exposure.
  function_name                  = local.function_name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  package_type                   = "Zip"
  runtime                        = "provided.al2023"
  architectures                  = ["arm64"]
  handler                        = var.handler
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = coalesce(var.reserved_concurrent_executions, -1)
  kms_key_arn                    = var.kms_key_arn
  code_signing_config_arn        = var.code_signing_config_arn

  filename          = local.from_s3 ? null : var.local_zip_path
  s3_bucket         = var.s3_bucket
  s3_key            = var.s3_key
  s3_object_version = var.s3_object_version
  source_code_hash  = local.source_code_hash

  tracing_config {
    mode = "Active"
  }

  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [1] : []

    content {
      variables = var.environment_variables
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = merge(var.tags, { Name = local.function_name, Handler = var.handler })

  depends_on = [aws_iam_role_policy.this]
}

resource "aws_lambda_event_source_mapping" "sqs" {
  count = var.sqs_event_source == null ? 0 : 1

  function_name                      = aws_lambda_function.this.arn
  event_source_arn                   = var.sqs_event_source.queue_arn
  batch_size                         = var.sqs_event_source.batch_size
  maximum_batching_window_in_seconds = var.sqs_event_source.maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]
  enabled                            = true

  # Lambda checks the role can read the queue when the mapping is created.
  depends_on = [aws_iam_role_policy.this]
}

# ---------------------------------------------------------------------------------------------
# Optional schedule (EventBridge rule -> this function)
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "schedule" {
  count = var.schedule_expression == null ? 0 : 1

  name                = local.function_name
  description         = "Invokes ${local.function_name} on ${var.schedule_expression}"
  schedule_expression = var.schedule_expression

  tags = merge(var.tags, { Name = local.function_name })
}

resource "aws_cloudwatch_event_target" "schedule" {
  count = var.schedule_expression == null ? 0 : 1

  rule      = aws_cloudwatch_event_rule.schedule[0].name
  target_id = "function"
  arn       = aws_lambda_function.this.arn
}

# Only this rule may invoke the function through EventBridge (source_arn), not any rule of the account.
resource "aws_lambda_permission" "schedule" {
  count = var.schedule_expression == null ? 0 : 1

  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule[0].arn
}
