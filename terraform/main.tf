# The whole LendVerify stack: one customer-managed key, three buckets, the applications and audit
# tables, the Textract completion path (topic -> queue -> consumer), the decision events path
# (topic -> queue -> webhook dispatcher), twelve functions from one zip (the erasure sweep on an
# EventBridge schedule), the REST API, Cognito (with the reviewers group), Amplify hosting and alarms.
# Roots (environments/*) only choose values.

locals {
  tags = merge(var.tags, { Environment = var.environment })

  # The origin applicants load the app from: a custom domain if given, else the Amplify branch URL
  # (known from the app alone, so the API can name it while the branch names the API's URL).
  primary_origin = coalesce(var.amplify.primary_origin, module.amplify_hosting.branch_url)

  # Every function runs the same zip; only `handler` differs (bootstrap dispatches on _HANDLER).
  artifact_from_s3 = var.artifact.s3_bucket != null

  key_arn         = module.stateful.key_arn
  data_key_arn    = module.stateful.data_key_arn
  table_arn       = module.stateful.table_arn
  owner_index_arn = module.stateful.owner_index_arn
  job_index_arn   = module.stateful.job_index_arn
  review_index    = module.stateful.review_index_arn
  sweep_index     = module.stateful.sweep_index_arn
  audit_arn       = module.stateful.audit_table_arn
  decision_topic  = module.stateful.decision_topic_arn
  uploads_arn     = module.stateful.uploads_bucket_arn
  biometrics_arn  = module.stateful.biometrics_bucket_arn
  textract_arn    = module.stateful.textract_output_bucket_arn

  # Object-level resources: only the applications/ prefix, in which every key the handlers write lives.
  objects = {
    uploads         = "${local.uploads_arn}/applications/*"
    biometrics      = "${local.biometrics_arn}/applications/*"
    textract_output = "${local.textract_arn}/applications/*"
  }
  # Apart from local.objects on purpose: statements that erase take values(local.objects), and no
  # function may delete evidence (tests/stack.tftest.hcl).
  evidence_objects = "${module.stateful.evidence_bucket_arn}/applications/*"

  # Constant keys and values only: module.functions' for_each must not depend on the key, whose
  # policy names the functions' roles.
  functions = {
    "applications"                 = "POST/GET /applications, GET /applications/{applicationId}, PUT .../consent, GET .../events"
    "erase-application"            = "DELETE /applications/{applicationId}: tombstone, decided evidence to the evidence bucket, then erasure"
    "create-liveness-session"      = "POST /applications/{applicationId}/liveness-sessions"
    "get-liveness-results"         = "GET /applications/{applicationId}/liveness-sessions/{sessionId}"
    "create-upload-url"            = "POST /applications/{applicationId}/uploads"
    "verify-identity"              = "POST /applications/{applicationId}/identity-verifications"
    "start-lending-analysis"       = "POST /applications/{applicationId}/documents"
    "get-lending-analysis-results" = "GET /applications/{applicationId}/documents/{documentId}"
    "lending-analysis-completed"   = "SQS consumer of Textract lending completion notifications"
    "review"                       = "GET /review/cases, GET /review/cases/{applicationId}, POST /review/cases/{applicationId}/decisions, GET /review/cases/{applicationId}/events"
    "deliver-decision-events"      = "SQS consumer of decision events: signed webhooks to lender endpoints"
    "sweep-erasures"               = "Scheduled: removes late writes under erased applications' prefixes once their sweep is due"
  }

  # lambda_function names each function's role after the function. The key and bucket policies name
  # roles by these plain ARN strings (aws:PrincipalArn), so they need not exist first: no cycle.
  function_names     = { for handler in keys(local.functions) : handler => "${var.name_prefix}-${handler}" }
  function_role_arns = { for handler, name in local.function_names : handler => "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${name}" }

  # Which functions' roles each key's policy names: those whose UseKey statement below names that key
  # (tests/stack.tftest.hcl checks the two agree). The data key: buckets and personal-data tables; the
  # operations key: topics, queues, the webhook secret.
  key_users = {
    data       = ["applications", "erase-application", "create-liveness-session", "get-liveness-results", "create-upload-url", "verify-identity", "start-lending-analysis", "review", "sweep-erasures"]
    operations = ["verify-identity", "lending-analysis-completed", "review", "deliver-decision-events"]
  }

  # The only functions that read biometric images (CompareFaces input; the reviewer's presigned GETs;
  # erase-application copies a decided application's liveness audit images into the evidence bucket).
  biometrics_readers = ["verify-identity", "review", "erase-application"]

  # Memory (MB) per function, from `make bench` (README, "Memory: why 256 MB and 128 MB"): every
  # function peaks at ~10 MiB RSS, so memory only buys CPU share (memory / 1,769 MB of a vCPU).
  # The API functions get 256 MB: ~3 ms of CPU-bound init and 1-2 ms per warm request stay ~20 ms
  # and ~5-13 ms of wall time. The consumers are off the applicant's path and wait on Textract or a
  # lender's endpoint, so 128 MB; so is the scheduled sweep (nobody waits on it). erase-application
  # answers an applicant's DELETE: 256 MB like the other API functions. var.lambda_memory_size is the floor an environment may raise (dev: 256).
  function_memory_mb = {
    "applications"                 = 256
    "erase-application"            = 256
    "create-liveness-session"      = 256
    "get-liveness-results"         = 256
    "create-upload-url"            = 256
    "verify-identity"              = 256
    "start-lending-analysis"       = 256
    "get-lending-analysis-results" = 256
    "lending-analysis-completed"   = 128
    "review"                       = 256
    "deliver-decision-events"      = 128
    "sweep-erasures"               = 128
  }

  # handlers/README.md, "IAM actions per function": exactly these actions and resources. Logs and
  # X-Ray statements are added by the lambda_function module.
  policy_statements = {
    "applications" = [
      {
        # No DeleteItem: erasure is erase-application's and sweep-erasures' alone. ConditionCheckItem:
        # every transactional change of an application carries a ConditionCheck that it has no erasure
        # tombstone (IAM authorises each item of a TransactWriteItems by its own action).
        sid       = "ApplicationItems"
        actions   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"]
        resources = [local.table_arn, local.owner_index_arn]
      },
      {
        # Append-only: events are added (GetItem HEAD, then PutItem EVENT and HEAD in one
        # TransactWriteItems) and read (Query); never updated or deleted, erasure included.
        sid       = "AuditTrail"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
        resources = [local.audit_arn]
      },
      {
        sid       = "UseKey"
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = [local.data_key_arn]
      },
    ]

    "erase-application" = [
      {
        # Query reads the application's items; PutItem writes the tombstone (in the TransactWriteItems
        # with the audit event) and updates it; GetItem reads the tombstone a concurrent DELETE wrote
        # first; DeleteItem erases every other item of the partition.
        sid       = "ApplicationItems"
        actions   = ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
        resources = [local.table_arn]
      },
      {
        # Appends application.erased (GetItem HEAD, PutItem EVENT and HEAD) and reads the events
        # (Query) to export them with the evidence; never updates or deletes one: the audit table
        # keeps them until their own expiry.
        sid       = "AuditTrail"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
        resources = [local.audit_arn]
      },
      {
        # CopyObject of the exact versions a decision read (ID images, liveness audit images):
        # GetObjectVersion because the copy source names a VersionId.
        sid       = "ReadEvidenceSources"
        actions   = ["s3:GetObject", "s3:GetObjectVersion"]
        resources = [local.objects.uploads, local.objects.biometrics]
      },
      {
        # The copies and the JSON records (decision, audit events). Nothing else: no delete, no
        # retention or legal hold change (the bucket policy denies those to every function anyway).
        sid       = "WriteEvidence"
        actions   = ["s3:PutObject"]
        resources = [local.evidence_objects]
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
        # Every version under applications/{id}/ (delete markers included) in the three data buckets.
        sid       = "EraseApplicationObjects"
        actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
        resources = values(local.objects)
      },
      {
        # Decrypt: the table items and the copy sources; GenerateDataKey: the tombstone and the
        # evidence objects (SSE-KMS with the data key).
        sid       = "UseKey"
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = [local.data_key_arn]
      },
    ]

    "create-liveness-session" = [
      {
        # Query also reads the applicant's APPLICANT# liveness failures; PutItem records a lockout.
        sid       = "ApplicationItems"
        actions   = ["dynamodb:Query", "dynamodb:PutItem"]
        resources = [local.table_arn]
      },
      {
        # Appends liveness.locked_out (append-only: GetItem HEAD, PutItem EVENT and HEAD).
        sid       = "AuditTrail"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
        resources = [local.audit_arn]
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
        resources = [local.data_key_arn]
      },
    ]

    "get-liveness-results" = [
      {
        # PutItem also records an APPLICANT# liveness failure (counted for the lockout).
        # ConditionCheckItem: the decision's transaction checks the application has no erasure tombstone.
        sid       = "ApplicationItems"
        actions   = ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"]
        resources = [local.table_arn]
      },
      {
        # Appends liveness.decided.
        sid       = "AuditTrail"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
        resources = [local.audit_arn]
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
        resources = [local.data_key_arn]
      },
    ]

    "create-upload-url" = [
      {
        sid       = "ApplicationItems"
        actions   = ["dynamodb:Query", "dynamodb:PutItem"]
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
        resources = [local.data_key_arn]
      },
    ]

    "verify-identity" = [
      {
        # Query also counts the ATTEMPT# items (the attempt cap); PutItem writes them.
        # ConditionCheckItem: the decision's transaction checks the application has no erasure tombstone.
        sid       = "ApplicationItems"
        actions   = ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"]
        resources = [local.table_arn]
      },
      {
        # Appends identity.decided.
        sid       = "AuditTrail"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
        resources = [local.audit_arn]
      },
      {
        # Publishes identity.decided for APPROVED and REJECTED decisions.
        sid       = "PublishDecisionEvents"
        actions   = ["sns:Publish"]
        resources = [local.decision_topic]
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
        # GetObjectVersion: Rekognition and Textract read the exact version that was checked
        # (S3Object.Version), with this role's rights.
        sid       = "ReadIdAndReferenceImages"
        actions   = ["s3:GetObject", "s3:GetObjectVersion"]
        resources = [local.objects.uploads, local.objects.biometrics]
      },
      {
        # Without ListBucket S3 answers 403 instead of 404 for an upload that has not arrived yet.
        # IfExists: a GetObject carries no s3:prefix, a listing must stay under applications/ (ListBucket makes a missing upload answer 404, not 403).
        sid       = "SeeWhetherUploadsArrived"
        actions   = ["s3:ListBucket"]
        resources = [local.uploads_arn]
        conditions = [{
          test     = "StringLikeIfExists"
          variable = "s3:prefix"
          values   = ["applications/*"]
        }]
      },
      {
        # GenerateDataKey: SNS encrypts the published event with the topic's key as the publisher.
        sid       = "UseKey"
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = [local.data_key_arn, local.key_arn]
      },
    ]

    "start-lending-analysis" = [
      {
        # ConditionCheckItem: marking an unusable upload rejected checks the application has no
        # erasure tombstone (in the same transaction).
        sid       = "ApplicationItems"
        actions   = ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"]
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
        actions   = ["s3:GetObject", "s3:GetObjectVersion"]
        resources = [local.objects.uploads]
      },
      {
        # Without ListBucket S3 answers 403 instead of 404 for an upload that has not arrived yet.
        # IfExists: a GetObject carries no s3:prefix, a listing must stay under applications/ (ListBucket makes a missing upload answer 404, not 403).
        sid       = "SeeWhetherUploadsArrived"
        actions   = ["s3:ListBucket"]
        resources = [local.uploads_arn]
        conditions = [{
          test     = "StringLikeIfExists"
          variable = "s3:prefix"
          values   = ["applications/*"]
        }]
      },
      {
        sid       = "WriteTextractOutput"
        actions   = ["s3:PutObject"]
        resources = [local.objects.textract_output]
      },
      {
        sid       = "PassTextractPublishRole"
        actions   = ["iam:PassRole"]
        resources = [module.stateful.textract_publish_role_arn]
        conditions = [{
          test     = "StringEquals"
          variable = "iam:PassedToService"
          values   = ["textract.amazonaws.com"]
        }]
      },
      {
        sid       = "UseKey"
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = [local.data_key_arn]
      },
    ]

    "get-lending-analysis-results" = [
      {
        sid       = "ApplicationItems"
        actions   = ["dynamodb:Query"]
        resources = [local.table_arn]
      },
    ]

    "lending-analysis-completed" = [
      {
        sid       = "ConsumeCompletionQueue"
        actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        resources = [module.stateful.lending_queue_arn]
      },
      {
        sid       = "FindApplicationByJob"
        actions   = ["dynamodb:Query"]
        resources = [local.job_index_arn]
      },
      {
        # ConditionCheckItem: the result's transaction checks the application has no erasure tombstone.
        sid       = "ApplicationItems"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"]
        resources = [local.table_arn]
      },
      {
        # Appends document.analysed (actor: system).
        sid       = "AuditTrail"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
        resources = [local.audit_arn]
      },
      {
        # Publishes document.analysed.
        sid       = "PublishDecisionEvents"
        actions   = ["sns:Publish"]
        resources = [local.decision_topic]
      },
      {
        # textract:GetLendingAnalysis*: Textract defines no resource types at all.
        sid       = "GetLendingAnalysis"
        actions   = ["textract:GetLendingAnalysis", "textract:GetLendingAnalysisSummary"]
        resources = ["*"]
      },
      {
        # GenerateDataKey: SNS encrypts the published event with the topic's key as the publisher.
        sid       = "UseKey"
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = [local.key_arn]
      },
    ]

    "review" = [
      {
        # GetItem/Query read a case; the decision is one TransactWriteItems of an Update of the
        # VERIFICATION item (REMOVE review_queue, condition attribute_exists) and a Put of the REVIEW
        # item (attribute_not_exists): IAM authorises each contained action, so UpdateItem and PutItem;
        # and ConditionCheckItem for the check that the application has no erasure tombstone.
        sid       = "ApplicationItems"
        actions   = ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"]
        resources = [local.table_arn]
      },
      {
        # The queue: NEEDS_REVIEW verifications, oldest first.
        sid       = "ReviewQueue"
        actions   = ["dynamodb:Query"]
        resources = [local.review_index]
      },
      {
        # Appends review.decided and reads every event of a case.
        sid       = "AuditTrail"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
        resources = [local.audit_arn]
      },
      {
        # Presigned GETs (60 s) of the ID images and the liveness reference and audit images are
        # executed with this role's rights.
        sid       = "PresignCaseImages"
        actions   = ["s3:GetObject", "s3:GetObjectVersion"]
        resources = [local.objects.uploads, local.objects.biometrics]
      },
      {
        # Publishes review.decided.
        sid       = "PublishDecisionEvents"
        actions   = ["sns:Publish"]
        resources = [local.decision_topic]
      },
      {
        # Decrypt: the presigned GETs of SSE-KMS objects; GenerateDataKey: publishing to the encrypted topic.
        sid       = "UseKey"
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = [local.data_key_arn, local.key_arn]
      },
    ]

    "sweep-erasures" = [
      {
        # The due erasures: tombstones carrying sweep_queue, by sweep_at.
        sid       = "SweepQueue"
        actions   = ["dynamodb:Query"]
        resources = [local.sweep_index]
      },
      {
        # Query finds items written after the erasure; DeleteItem removes them; PutItem rewrites the
        # tombstone without its sweep fields (it leaves the sweep-index).
        sid       = "ApplicationItems"
        actions   = ["dynamodb:Query", "dynamodb:DeleteItem", "dynamodb:PutItem"]
        resources = [local.table_arn]
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
        # Late writes: a presigned PUT used after the erasure, a liveness session's images, Textract
        # output of a job that finished afterwards. No GetObject: the sweep never reads them.
        sid       = "EraseApplicationObjects"
        actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
        resources = values(local.objects)
      },
      {
        # The table is encrypted with the data key (reads and the tombstone write).
        sid       = "UseKey"
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = [local.data_key_arn]
      },
    ]

    "deliver-decision-events" = [
      {
        sid       = "ConsumeDecisionDeliveries"
        actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        resources = [module.stateful.decision_queue_arn]
      },
      {
        sid       = "ReadWebhookSigningSecret"
        actions   = ["secretsmanager:GetSecretValue"]
        resources = [module.stateful.webhook_secret_arn]
      },
      {
        # Delivery records EVENT#{id} / DELIVERY#{endpoint}: read consistently, claimed with a lease
        # (conditional PutItem), then DELIVERED or released (PutItem).
        sid       = "DeliveryRecords"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
        resources = [local.table_arn]
      },
      {
        # The queue's messages and the secret are encrypted with the key.
        sid       = "UseKey"
        actions   = ["kms:Decrypt"]
        resources = [local.key_arn]
      },
    ]
  }

  # The scheduled functions (EventBridge rule -> function, in modules/lambda_function); every other
  # function is invoked by API Gateway or SQS.
  schedules = {
    "sweep-erasures" = var.erasure_sweep_schedule
  }

  # The SQS consumers: their queue, timeout and batch size. The queue's visibility timeout is six
  # times the timeout (modules/lending_notifications, modules/decision_events).
  consumers = {
    "lending-analysis-completed" = {
      queue_arn  = module.stateful.lending_queue_arn
      timeout    = var.consumer_timeout_seconds
      batch_size = var.consumer_batch_size
    }
    "deliver-decision-events" = {
      queue_arn  = module.stateful.decision_queue_arn
      timeout    = var.dispatcher_timeout_seconds
      batch_size = var.dispatcher_batch_size
    }
  }
}

module "stateful" {
  source = "../modules/stateful"

  name_prefix                    = var.name_prefix
  tags                           = local.tags
  primary_origin                 = local.primary_origin
  extra_web_origins              = var.web_origins
  thresholds                     = var.thresholds
  quotas                         = var.quotas
  deletion_protection            = var.deletion_protection
  uploads_retention_days         = var.uploads_retention_days
  biometrics_retention_days      = var.biometrics_retention_days
  textract_output_retention_days = var.textract_output_retention_days
  kms_deletion_window_in_days    = var.kms_deletion_window_in_days
  s3_access_log_bucket           = var.s3_access_log_bucket
  consumer_timeout_seconds       = var.consumer_timeout_seconds
  dispatcher_timeout_seconds     = var.dispatcher_timeout_seconds
  audit_retention_days           = var.audit_retention_days
  personal_data_retention_days   = var.personal_data_retention_days
  longest_job_seconds            = var.longest_job_seconds
  evidence_retention_days        = var.evidence_retention_days
  webhook_endpoints              = var.webhook_endpoints
  webhook_secret_version         = var.webhook_secret_version
  identity                       = var.identity

  key_admin_role_arn            = var.key_admin_role_arn
  key_metadata_reader_role_arns = var.key_metadata_reader_role_arns
  break_glass_role_arn          = var.break_glass_role_arn
  data_key_user_role_arns       = [for handler in local.key_users.data : local.function_role_arns[handler]]
  operations_key_user_role_arns = [for handler in local.key_users.operations : local.function_role_arns[handler]]
  biometrics_reader_role_arns   = [for handler in local.biometrics_readers : local.function_role_arns[handler]]
}

module "functions" {
  source   = "../modules/lambda_function"
  for_each = local.functions

  name_prefix = var.name_prefix
  tags        = local.tags
  handler     = each.key
  description = "LendVerify ${var.environment}: ${each.value}"

  # The name the key and bucket policies build the role ARN from (lambda_function names the role after it).
  function_name = local.function_names[each.key]

  local_zip_path = var.artifact.local_path
  s3_bucket      = var.artifact.s3_bucket
  s3_key         = var.artifact.s3_key
  package_sha256 = var.artifact.sha256

  memory_size = max(var.lambda_memory_size, local.function_memory_mb[each.key])
  # Unknown handler names in the map are refused by a precondition on output "function_names".
  reserved_concurrent_executions = lookup(var.function_reserved_concurrency, each.key, null)
  timeout                        = contains(keys(local.consumers), each.key) ? local.consumers[each.key].timeout : var.api_function_timeout_seconds
  environment_variables          = module.stateful.handler_environment
  kms_key_arn                    = module.stateful.key_arn
  log_retention_in_days          = var.log_retention_days
  policy_statements              = local.policy_statements[each.key]
  code_signing_config_arn        = var.code_signing_config_arn
  schedule_expression            = lookup(local.schedules, each.key, null)

  sqs_event_source = contains(keys(local.consumers), each.key) ? {
    queue_arn  = local.consumers[each.key].queue_arn
    batch_size = local.consumers[each.key].batch_size
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
  cognito_user_pool_arn       = module.stateful.user_pool_arn
  allowed_origin              = local.primary_origin
  stage_name                  = var.environment
  log_kms_key_arn             = module.stateful.key_arn
  log_retention_days          = var.log_retention_days
  manage_account_logging_role = var.api_manage_account_logging_role
  throttling_burst_limit      = var.api_throttling.burst_limit
  throttling_rate_limit       = var.api_throttling.rate_limit
  waf_enabled                 = var.waf_enabled
  waf_anonymous_ip_action     = var.waf_anonymous_ip_action
  waf_rate_limit              = var.waf_rate_limit
  waf_token_rate_limit        = var.waf_token_rate_limit
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

module "amplify_hosting" {
  source = "../modules/amplify_hosting"

  name_prefix                 = var.name_prefix
  tags                        = local.tags
  deployment_mode             = var.amplify.deployment_mode
  repository_url              = var.amplify.repository_url
  repository_access_token     = var.amplify_repository_access_token
  branch_name                 = var.amplify.branch_name
  branch_stage                = var.amplify.branch_stage
  build_spec                  = var.amplify.build_spec
  extra_environment_variables = var.amplify.extra_environment_variables
  api_origin                  = var.amplify.api_origin
  aws_region                  = data.aws_region.current.name
  api_url                     = module.api.invoke_url
  # What the consent screen tells the applicant: the retention actually applied to their data.
  retention_days = {
    biometrics = module.stateful.retention_days.biometrics
    documents  = module.stateful.retention_days.uploads
  }
  user_pool_id           = module.stateful.user_pool_id
  user_pool_client_id    = module.stateful.user_pool_client_id
  identity_pool_id       = module.stateful.identity_pool_id
  uploads_bucket_name    = module.stateful.uploads_bucket_name
  biometrics_bucket_name = module.stateful.biometrics_bucket_name
}

module "observability" {
  source = "../modules/observability"

  name_prefix             = var.name_prefix
  tags                    = local.tags
  alarm_topic_kms_key_arn = module.stateful.key_arn
  alarm_email_addresses   = var.alarm_email_addresses
  alarms_enabled          = var.alarms_enabled
  lambda_function_names   = { for name, f in module.functions : name => f.function_name }
  dead_letter_queue_name  = module.stateful.lending_dlq_name
  api_name                = module.api.rest_api_name
  api_stage_name          = module.api.stage_name
  lending_topic_name      = module.stateful.lending_topic_name

  decision_dead_letter_queue_name = module.stateful.decision_dlq_name
  decision_topic_name             = module.stateful.decision_topic_name
}
