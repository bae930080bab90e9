# The whole LendVerify stack: one customer-managed key, three buckets, one table, the Textract
# completion path (topic -> queue -> consumer), eight functions from one zip, the REST API,
# Cognito, Amplify hosting and alarms. Roots (environments/*) only choose values.

locals {
  tags = merge(var.tags, { Environment = var.environment })

  # Every function runs the same zip; only `handler` differs (bootstrap dispatches on _HANDLER).
  artifact_from_s3 = var.artifact.s3_bucket != null

  key_arn         = module.kms.key_arn
  table_arn       = module.tables.table_arn
  owner_index_arn = module.tables.owner_index_arn
  job_index_arn   = module.tables.job_index_arn
  uploads_arn     = module.storage.uploads_bucket_arn
  biometrics_arn  = module.storage.biometrics_bucket_arn
  textract_arn    = module.storage.textract_output_bucket_arn

  # handlers/README.md, Configuration: every function gets every variable (each is required at init).
  handler_environment = {
    APPLICATIONS_TABLE          = module.tables.table_name
    UPLOADS_BUCKET              = module.storage.uploads_bucket_name
    BIOMETRICS_BUCKET           = module.storage.biometrics_bucket_name
    TEXTRACT_OUTPUT_BUCKET      = module.storage.textract_output_bucket_name
    KMS_KEY_ARN                 = module.kms.key_arn
    LENDING_TOPIC_ARN           = module.lending_notifications.topic_arn
    TEXTRACT_PUBLISH_ROLE_ARN   = module.lending_notifications.textract_publish_role_arn
    LIVENESS_PASS_THRESHOLD     = tostring(var.thresholds.liveness_pass_threshold)
    LIVENESS_REVIEW_BAND        = tostring(var.thresholds.liveness_review_band)
    FACE_SIMILARITY_THRESHOLD   = tostring(var.thresholds.face_similarity_threshold)
    FACE_SIMILARITY_REVIEW_BAND = tostring(var.thresholds.face_similarity_review_band)
    MIN_EXTRACTION_CONFIDENCE   = tostring(var.thresholds.min_extraction_confidence)
    MINIMUM_AGE                 = tostring(var.thresholds.minimum_age)
    LIVENESS_AUDIT_IMAGES_LIMIT = tostring(var.thresholds.liveness_audit_images_limit)
    UPLOAD_URL_TTL_SECONDS      = tostring(var.thresholds.upload_url_ttl_seconds)
    REQUIRED_DOCUMENTS          = join(",", var.thresholds.required_documents)
  }

  # Object-level resources: only the applications/ prefix, in which every key the handlers write lives.
  objects = {
    uploads         = "${local.uploads_arn}/applications/*"
    biometrics      = "${local.biometrics_arn}/applications/*"
    textract_output = "${local.textract_arn}/applications/*"
  }

  # Constant keys and values only: module.functions' for_each must not depend on the key, whose
  # policy names the functions' roles.
  functions = {
    "applications" = "POST/GET /applications, GET/DELETE /applications/{applicationId}"
    "create-liveness-session" = "POST /applications/{applicationId}/liveness-sessions"
    "get-liveness-results" = "GET /applications/{applicationId}/liveness-sessions/{sessionId}"
    "create-upload-url" = "POST /applications/{applicationId}/uploads"
    "verify-identity" = "POST /applications/{applicationId}/identity-verifications"
    "start-lending-analysis" = "POST /applications/{applicationId}/documents"
    "get-lending-analysis-results" = "GET /applications/{applicationId}/documents/{documentId}"
    "lending-analysis-completed" = "SQS consumer of Textract lending completion notifications"
  }

  # handlers/README.md, "IAM actions per function": exactly these actions and resources. Logs and
  # X-Ray statements are added by the lambda_function module.
  policy_statements = {
    "applications" = [
      {
        sid       = "ApplicationItems"
        actions   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:DeleteItem"]
        resources = [local.table_arn, local.owner_index_arn]
      },
      {
        sid       = "ListApplicationObjects"
        actions   = ["s3:ListBucket", "s3:ListBucketVersions"]
        resources = [local.uploads_arn, local.biometrics_arn, local.textract_arn]
        conditions = [{
          test     = "StringLike"
          variable = "s3:prefix"
          values   = ["applications/*"]
        }]
      },
      {
        sid       = "EraseApplicationObjects"
        actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
        resources = values(local.objects)
      },
      {
        sid       = "UseKey"
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = [local.key_arn]
      },
    ]

    "create-liveness-session" = [
      {
        sid       = "ApplicationItems"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
        resources = [local.table_arn]
      },
      {
        # rekognition:CreateFaceLivenessSession has no resource type: "*" is the only valid resource.
        sid       = "CreateFaceLivenessSession"
        actions   = ["rekognition:CreateFaceLivenessSession"]
        resources = ["*"]
      },
      {
        # Rekognition writes the reference and audit images with the caller's rights.
        sid       = "WriteLivenessImages"
        actions   = ["s3:PutObject"]
        resources = [local.objects.biometrics]
      },
      {
        sid       = "UseKey"
        actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
        resources = [local.key_arn]
      },
    ]

    "get-liveness-results" = [
      {
        sid       = "ApplicationItems"
        actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
        resources = [local.table_arn]
      },
      {
        # rekognition:GetFaceLivenessSessionResults has no resource type: "*" is the only valid resource.
        sid       = "GetFaceLivenessSessionResults"
        actions   = ["rekognition:GetFaceLivenessSessionResults"]
        resources = ["*"]
      },
      {
        sid       = "UseKey"
        actions   = ["kms:Decrypt"]
        resources = [local.key_arn]
      },
    ]

    "create-upload-url" = [
      {
        sid       = "ApplicationItems"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
        resources = [local.table_arn]
      },
      {
        # The presigned PUT is executed with this role's rights.
        sid       = "PresignUploads"
        actions   = ["s3:PutObject"]
        resources = [local.objects.uploads]
      },
      {
        sid       = "UseKey"
        actions   = ["kms:GenerateDataKey"]
        resources = [local.key_arn]
      },
    ]

    "verify-identity" = [
      {
        sid       = "ApplicationItems"
        actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"]
        resources = [local.table_arn]
      },
      {
        # rekognition:CompareFaces has no resource type: "*" is the only valid resource.
        sid       = "CompareFaces"
        actions   = ["rekognition:CompareFaces"]
        resources = ["*"]
      },
      {
        # textract:AnalyzeID: Textract defines no resource types at all.
        sid       = "AnalyzeId"
        actions   = ["textract:AnalyzeID"]
        resources = ["*"]
      },
      {
        sid       = "ReadIdAndReferenceImages"
        actions   = ["s3:GetObject"]
        resources = [local.objects.uploads, local.objects.biometrics]
      },
      {
        sid       = "UseKey"
        actions   = ["kms:Decrypt"]
        resources = [local.key_arn]
      },
    ]

    "start-lending-analysis" = [
      {
        sid       = "ApplicationItems"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
        resources = [local.table_arn]
      },
      {
        # textract:StartLendingAnalysis: Textract defines no resource types at all.
        sid       = "StartLendingAnalysis"
        actions   = ["textract:StartLendingAnalysis"]
        resources = ["*"]
      },
      {
        sid       = "ReadLendingPackages"
        actions   = ["s3:GetObject"]
        resources = [local.objects.uploads]
      },
      {
        sid       = "WriteTextractOutput"
        actions   = ["s3:PutObject"]
        resources = [local.objects.textract_output]
      },
      {
        sid       = "PassTextractPublishRole"
        actions   = ["iam:PassRole"]
        resources = [module.lending_notifications.textract_publish_role_arn]
        conditions = [{
          test     = "StringEquals"
          variable = "iam:PassedToService"
          values   = ["textract.amazonaws.com"]
        }]
      },
      {
        sid       = "UseKey"
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = [local.key_arn]
      },
    ]

    "get-lending-analysis-results" = [
      {
        sid       = "ApplicationItems"
        actions   = ["dynamodb:GetItem", "dynamodb:Query"]
        resources = [local.table_arn]
      },
    ]

    "lending-analysis-completed" = [
      {
        sid       = "ConsumeCompletionQueue"
        actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        resources = [module.lending_notifications.queue_arn]
      },
      {
        sid       = "FindApplicationByJob"
        actions   = ["dynamodb:Query"]
        resources = [local.job_index_arn]
      },
      {
        sid       = "ApplicationItems"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
        resources = [local.table_arn]
      },
      {
        # textract:GetLendingAnalysis*: Textract defines no resource types at all.
        sid       = "GetLendingAnalysis"
        actions   = ["textract:GetLendingAnalysis", "textract:GetLendingAnalysisSummary"]
        resources = ["*"]
      },
      {
        sid       = "UseKey"
        actions   = ["kms:Decrypt"]
        resources = [local.key_arn]
      },
    ]
  }

  consumer = "lending-analysis-completed"

  # Roles whose README row grants KMS actions: the key policy names them so they can use the key.
  # A literal list, because deriving it from policy_statements (which name the key) is a cycle;
  # tests/stack.tftest.hcl checks it against policy_statements.
  key_user_handlers = [
    "applications",
    "create-liveness-session",
    "get-liveness-results",
    "create-upload-url",
    "verify-identity",
    "start-lending-analysis",
    "lending-analysis-completed",
  ]
}

module "kms" {
  source = "../modules/kms"

  name_prefix             = var.name_prefix
  tags                    = local.tags
  deletion_window_in_days = var.kms_deletion_window_in_days
  key_user_arns           = [for name in local.key_user_handlers : module.functions[name].role_arn]
}

module "storage" {
  source = "../modules/storage"

  name_prefix                    = var.name_prefix
  tags                           = local.tags
  kms_key_arn                    = module.kms.key_arn
  web_origins                    = var.web_origins
  uploads_retention_days         = var.uploads_retention_days
  biometrics_retention_days      = var.biometrics_retention_days
  textract_output_retention_days = var.textract_output_retention_days
  access_log_bucket              = var.s3_access_log_bucket
  force_destroy                  = !var.deletion_protection
}

module "tables" {
  source = "../modules/tables"

  name_prefix                 = var.name_prefix
  tags                        = local.tags
  kms_key_arn                 = module.kms.key_arn
  deletion_protection_enabled = var.deletion_protection
}

module "lending_notifications" {
  source = "../modules/lending_notifications"

  name_prefix              = var.name_prefix
  tags                     = local.tags
  kms_key_arn              = module.kms.key_arn
  consumer_timeout_seconds = var.consumer_timeout_seconds
}

module "functions" {
  source   = "../modules/lambda_function"
  for_each = local.functions

  name_prefix = var.name_prefix
  tags        = local.tags
  handler     = each.key
  description = "LendVerify ${var.environment}: ${each.value}"

  local_zip_path = var.artifact.local_path
  s3_bucket      = var.artifact.s3_bucket
  s3_key         = var.artifact.s3_key
  package_sha256 = var.artifact.sha256

  memory_size             = var.lambda_memory_size
  timeout                 = each.key == local.consumer ? var.consumer_timeout_seconds : var.api_function_timeout_seconds
  environment_variables   = local.handler_environment
  kms_key_arn             = module.kms.key_arn
  log_retention_in_days   = var.log_retention_days
  policy_statements       = local.policy_statements[each.key]
  code_signing_config_arn = var.code_signing_config_arn

  sqs_event_source = each.key == local.consumer ? {
    queue_arn  = module.lending_notifications.queue_arn
    batch_size = var.consumer_batch_size
  } : null
}

module "api" {
  source = "../modules/api"

  name_prefix = var.name_prefix
  tags        = local.tags
  functions = {
    for name, f in module.functions : name => {
      function_name = f.function_name
      invoke_arn    = f.invoke_arn
      function_arn  = f.function_arn
    }
  }
  cognito_user_pool_arn       = module.identity.user_pool_arn
  allowed_origin              = var.web_origins[0]
  stage_name                  = var.environment
  log_kms_key_arn             = module.kms.key_arn
  log_retention_days          = var.log_retention_days
  manage_account_logging_role = var.api_manage_account_logging_role
  throttling_burst_limit      = var.api_throttling.burst_limit
  throttling_rate_limit       = var.api_throttling.rate_limit
  waf_enabled                 = var.waf_enabled
  waf_rate_limit              = var.waf_rate_limit
}

module "identity" {
  source = "../modules/identity"

  name_prefix             = var.name_prefix
  tags                    = local.tags
  deletion_protection     = var.deletion_protection
  mfa_configuration       = var.identity.mfa_configuration
  user_pool_tier          = var.identity.user_pool_tier
  threat_protection_mode  = var.identity.threat_protection_mode
  ses_email_identity_arn  = var.identity.ses_email_identity_arn
  from_email_address      = var.identity.from_email_address
  hosted_ui_domain_prefix = var.identity.hosted_ui_domain_prefix
  # Cognito compares redirect URLs literally; 127.0.0.1 is not an accepted redirect host, so
  # loopback development uses http://localhost.
  callback_urls = [for o in var.web_origins : "${o}/" if !startswith(o, "http://127.0.0.1")]
  logout_urls   = [for o in var.web_origins : "${o}/" if !startswith(o, "http://127.0.0.1")]
}
