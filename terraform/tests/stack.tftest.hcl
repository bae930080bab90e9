# The shared aws mock defaults (ARNs, IDs, policy JSON) live in tests/terraform-mocks/aws; source is
# resolved from the root under test, not from this file.
mock_provider "aws" {
  override_during = plan
  source          = "../tests/terraform-mocks/aws"
}

variables {
  key_admin_role_arn   = "arn:aws:iam::123456789012:role/lendverify-deploy"
  break_glass_role_arn = "arn:aws:iam::123456789012:role/lendverify-break-glass"
  environment          = "test"
  name_prefix          = "lendverify-test"
  web_origins          = ["http://localhost:5173"]
  s3_access_log_bucket = "lender-s3-access-logs-test"
  artifact = {
    s3_bucket = "lendverify-artifacts-test"
    s3_key    = "lambda/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/bootstrap.zip"
    sha256    = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  }
}

run "handler_environment_matches_the_readme" {
  command = plan

  assert {
    condition = sort(keys(output.handler_environment)) == sort([
      "APPLICATIONS_TABLE", "UPLOADS_BUCKET", "BIOMETRICS_BUCKET", "TEXTRACT_OUTPUT_BUCKET", "KMS_KEY_ARN",
      "LENDING_TOPIC_ARN", "TEXTRACT_PUBLISH_ROLE_ARN", "LIVENESS_PASS_THRESHOLD", "LIVENESS_REVIEW_BAND",
      "FACE_SIMILARITY_THRESHOLD", "FACE_SIMILARITY_REVIEW_BAND", "MIN_EXTRACTION_CONFIDENCE", "MINIMUM_AGE",
      "LIVENESS_AUDIT_IMAGES_LIMIT", "UPLOAD_URL_TTL_SECONDS", "REQUIRED_DOCUMENTS", "ALLOWED_ORIGIN",
      "AUDIT_TABLE", "AUDIT_RETENTION_DAYS", "DECISION_EVENTS_TOPIC_ARN", "WEBHOOK_SECRET_ARN", "WEBHOOK_ENDPOINTS",
      "REVIEWERS_GROUP", "LIVENESS_LOCKOUT_FAILURES", "LIVENESS_LOCKOUT_WINDOW_SECONDS", "IDENTITY_MAX_ATTEMPTS",
      "APPLICATIONS_PER_DAY", "UPLOADS_PER_APPLICATION", "LENDING_JOBS_PER_APPLICATION", "MAX_UPLOAD_BYTES",
      "PERSONAL_DATA_RETENTION_DAYS", "EVIDENCE_BUCKET", "LONGEST_JOB_SECONDS",
    ])
    error_message = "handler_environment must hold exactly the variables of handlers/README.md, Configuration."
  }

  # The threshold defaults are tested where they are defined (modules/stateful/tests); here that the
  # stack passes them through untyped: thresholds_reach_the_functions below.

  assert {
    condition     = output.handler_environment.ALLOWED_ORIGIN == "https://main.d1abc2def3gh45.amplifyapp.com"
    error_message = "Without a custom origin, ALLOWED_ORIGIN is the Amplify branch URL."
  }

  assert {
    condition     = output.handler_environment.KMS_KEY_ARN == "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "KMS_KEY_ARN must be the stack's key."
  }
}

run "iam_actions_are_exactly_the_readme_table" {
  command = plan

  assert {
    condition     = length(output.function_names) == 12
    error_message = "One function per handler of the README's Functions table."
  }

  assert {
    # jsonencode: compares values, not list-vs-tuple types; keys come out sorted on both sides.
    condition = jsonencode(output.iam_actions_by_function) == jsonencode({
      "applications" = sort([
        "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem", "kms:Decrypt", "kms:GenerateDataKey",
      ])
      "erase-application" = sort([
        "dynamodb:Query", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem",
        "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject",
        "s3:ListBucket", "s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion",
        "kms:Decrypt", "kms:GenerateDataKey",
      ])
      "sweep-erasures" = sort([
        "dynamodb:Query", "dynamodb:DeleteItem", "dynamodb:PutItem",
        "s3:ListBucket", "s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion",
        "kms:Decrypt", "kms:GenerateDataKey",
      ])
      "create-liveness-session" = sort([
        "dynamodb:Query", "dynamodb:PutItem", "dynamodb:GetItem", "rekognition:CreateFaceLivenessSession", "s3:PutObject",
        "kms:GenerateDataKey", "kms:Decrypt",
      ])
      "get-liveness-results" = sort([
        "dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem", "rekognition:GetFaceLivenessSessionResults",
        "kms:Decrypt",
      ])
      "create-upload-url" = sort([
        "dynamodb:Query", "dynamodb:PutItem", "s3:PutObject", "kms:GenerateDataKey",
      ])
      "verify-identity" = sort([
        "dynamodb:Query", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:ConditionCheckItem", "rekognition:CompareFaces", "textract:AnalyzeID",
        "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "sns:Publish", "kms:Decrypt", "kms:GenerateDataKey",
      ])
      "start-lending-analysis" = sort([
        "dynamodb:Query", "dynamodb:PutItem", "dynamodb:ConditionCheckItem", "textract:StartLendingAnalysis", "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket",
        "s3:PutObject", "iam:PassRole", "kms:Decrypt", "kms:GenerateDataKey",
      ])
      "lending-analysis-completed" = sort([
        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "dynamodb:Query", "dynamodb:GetItem",
        "dynamodb:PutItem", "dynamodb:ConditionCheckItem", "sns:Publish", "textract:GetLendingAnalysis", "textract:GetLendingAnalysisSummary",
        "kms:Decrypt", "kms:GenerateDataKey",
      ])
      "get-lending-analysis-results" = ["dynamodb:Query"]
      "review" = sort([
        "dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem", "s3:GetObject",
        "s3:GetObjectVersion", "sns:Publish", "kms:Decrypt", "kms:GenerateDataKey",
      ])
      "deliver-decision-events" = sort([
        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "secretsmanager:GetSecretValue",
        "dynamodb:GetItem", "dynamodb:PutItem", "kms:Decrypt",
      ])
    })
    error_message = "Each function's IAM actions must be exactly those of handlers/README.md, IAM actions per function."
  }
  # No separate "no wildcard action" assert: the exact lists above admit none, and
  # modules/lambda_function's policy_statements validation refuses one before any plan.
}

run "protection_follows_deletion_protection" {
  command = plan

  variables {
    deletion_protection = false
    waf_enabled         = false
    alarms_enabled      = false
  }

  assert {
    condition     = output.protection.buckets_force_destroy && !output.protection.table_deletion_protection
    error_message = "deletion_protection = false must make buckets force-destroyable and drop table protection."
  }

  assert {
    condition     = output.web_acl_arn == null && !output.protection.waf_enabled
    error_message = "waf_enabled = false must create no web ACL."
  }

  assert {
    condition     = length(output.alarm_names) == 0
    error_message = "alarms_enabled = false must create no alarms."
  }
}

run "production_settings" {
  command = plan

  variables {
    deletion_protection = true
    waf_enabled         = true
    alarms_enabled      = true
    amplify = {
      primary_origin = "https://apply.lender.example"
    }
  }

  assert {
    condition     = output.protection.table_deletion_protection && !output.protection.buckets_force_destroy
    error_message = "deletion_protection = true must protect the table and the buckets."
  }

  assert {
    condition     = output.web_acl_arn != null
    error_message = "waf_enabled = true must create the web ACL."
  }

  assert {
    condition     = length(output.alarm_names) > 0
    error_message = "alarms_enabled = true must create alarms."
  }

  assert {
    condition     = output.web_origin == "https://apply.lender.example" && output.handler_environment.ALLOWED_ORIGIN == "https://apply.lender.example"
    error_message = "A custom primary origin becomes the API CORS origin and ALLOWED_ORIGIN."
  }
}

run "consent_screen_states_the_retention_applied" {
  command = plan

  variables {
    uploads_retention_days    = 120
    biometrics_retention_days = 14
  }

  assert {
    condition     = jsondecode(output.web_config_json).retentionDays == { biometrics = 14, documents = 120 }
    error_message = "config.json must tell the consent screen the retention the buckets apply."
  }
}

run "artifact_must_be_one_kind" {
  command = plan

  variables {
    artifact = {
      local_path = "build/lambda/bootstrap.zip"
      s3_bucket  = "lendverify-artifacts-test"
      s3_key     = "lambda/x/bootstrap.zip"
      sha256     = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    }
  }

  expect_failures = [var.artifact]
}

run "artifact_sha256_must_be_hex" {
  command = plan

  variables {
    artifact = {
      s3_bucket = "lendverify-artifacts-test"
      s3_key    = "lambda/x/bootstrap.zip"
      sha256    = "not-a-digest"
    }
  }

  expect_failures = [var.artifact]
}

# Threshold validation (review band <= threshold, ranges) is tested where it lives: modules/stateful.

run "a_protected_stack_keeps_s3_access_logs" {
  command = plan

  variables {
    deletion_protection  = true
    s3_access_log_bucket = null
  }

  expect_failures = [var.s3_access_log_bucket]
}

# staging and prod run the bytes dev was deployed with: a local zip is refused unless the stack says
# otherwise (dev), and a promoted digest must be a digest.
run "only_a_promoted_artifact_by_default" {
  command = plan

  variables {
    artifact = {
      local_path = "build/lambda/bootstrap.zip"
    }
  }

  expect_failures = [var.artifact]
}

run "dev_may_deploy_a_local_zip" {
  command = plan

  variables {
    promoted_artifact_only = false
    deletion_protection    = false
    artifact = {
      local_path = "../environments/dev/tests/fixtures/bootstrap.zip"
    }
  }

  assert {
    condition     = length(output.function_names) == 12
    error_message = "With promoted_artifact_only = false every function deploys from the local zip."
  }
}

run "promoted_digest_is_not_a_tag" {
  command = plan

  variables {
    artifact = {
      s3_bucket = "lendverify-artifacts-test"
      s3_key    = "lambda/latest/bootstrap.zip"
      sha256    = "latest"
    }
  }

  expect_failures = [var.artifact]
}

run "thresholds_reach_the_functions" {
  command = plan

  variables {
    thresholds = {
      minimum_age        = 21
      required_documents = ["URLA_1003", "IDENTITY_DOCUMENT"]
    }
  }

  assert {
    condition = (
      output.handler_environment.MINIMUM_AGE == "21" &&
      output.handler_environment.REQUIRED_DOCUMENTS == "URLA_1003,IDENTITY_DOCUMENT" &&
      output.handler_environment.LIVENESS_PASS_THRESHOLD == "90"
    )
    error_message = "Thresholds set on the stack reach every function; the ones left out keep their defaults."
  }
}

# The quota defaults and ranges are tested where they are defined (modules/stateful/tests).
run "quotas_reach_the_functions" {
  command = plan

  variables {
    quotas = { applications_per_day = 3 }
  }

  assert {
    condition = (
      output.handler_environment.APPLICATIONS_PER_DAY == "3" &&
      output.handler_environment.UPLOADS_PER_APPLICATION == "20" &&
      output.handler_environment.LENDING_JOBS_PER_APPLICATION == "3" &&
      output.handler_environment.MAX_UPLOAD_BYTES == "52428800"
    )
    error_message = "Quotas set on the stack reach every function; the ones left out keep their defaults."
  }
}

# The key policies name exactly the functions whose UseKey statement uses that key, by role ARN.
run "key_policies_name_the_functions_that_use_each_key" {
  command = plan

  override_resource {
    override_during = plan
    target          = module.stateful.module.data_key.aws_kms_key.this
    values = {
      arn = "arn:aws:kms:us-east-1:123456789012:key/dddddddd-0000-0000-0000-000000000000"
    }
  }

  assert {
    condition = toset(output.key_user_role_arns.data) == toset([
      for name, statements in output.iam_statements_by_function : "arn:aws:iam::123456789012:role/lendverify-test-${name}"
      if anytrue([for s in statements : s.sid == "UseKey" && contains(s.resources, "arn:aws:kms:us-east-1:123456789012:key/dddddddd-0000-0000-0000-000000000000")])
    ])
    error_message = "The data key's users must be exactly the functions whose UseKey names the data key."
  }

  assert {
    condition = toset(output.key_user_role_arns.operations) == toset([
      for name, statements in output.iam_statements_by_function : "arn:aws:iam::123456789012:role/lendverify-test-${name}"
      if anytrue([for s in statements : s.sid == "UseKey" && contains(s.resources, output.kms_key_arn)])
    ])
    error_message = "The operations key's users must be exactly the functions whose UseKey names the operations key."
  }

  assert {
    condition     = output.handler_environment.KMS_KEY_ARN == "arn:aws:kms:us-east-1:123456789012:key/dddddddd-0000-0000-0000-000000000000"
    error_message = "KMS_KEY_ARN (Rekognition and Textract output, presigned PUTs) must be the data key."
  }

  assert {
    # lambda_function names the role after the function.
    condition     = alltrue([for name, function_name in output.function_names : function_name == "lendverify-test-${name}"])
    error_message = "The role names the key policies build must be the functions' (and so their roles') names."
  }
}

# The evidence store: no function role may delete from it (the bucket policy also denies everyone but
# break-glass; modules/storage tests), and every function learns its name.
run "no_function_can_delete_evidence" {
  command = plan

  override_resource {
    override_during = plan
    target          = module.stateful.module.storage.aws_s3_bucket.this["evidence"]
    values = {
      id  = "lendverify-test-evidence-123456789012"
      arn = "arn:aws:s3:::lendverify-test-evidence-123456789012"
    }
  }

  assert {
    condition = alltrue(flatten([
      for name, statements in output.iam_statements_by_function : [
        for s in statements : !anytrue([
          for r in s.resources : r == "*" || startswith(r, "arn:aws:s3:::lendverify-test-evidence-123456789012")
        ])
        if anytrue([for a in s.actions : startswith(a, "s3:Delete") || a == "s3:BypassGovernanceRetention" || a == "s3:PutObjectRetention"])
      ]
    ]))
    error_message = "No function role may delete, bypass governance or change retention on the evidence bucket."
  }

  assert {
    condition = alltrue(flatten([
      for name, statements in output.iam_statements_by_function : [
        for s in statements : !anytrue([for a in s.actions : a == "s3:PutObjectLegalHold" || a == "s3:PutObjectRetention" || a == "s3:BypassGovernanceRetention"])
      ]
    ]))
    error_message = "No function role may place or lift a legal hold, change a retention or bypass governance mode anywhere."
  }

  # The other side: only erase-application writes evidence, and only under applications/.
  assert {
    condition = jsonencode(sort(distinct(flatten([
      for name, statements in output.iam_statements_by_function : [
        for s in statements : name if anytrue([for r in s.resources : startswith(r, "arn:aws:s3:::lendverify-test-evidence-123456789012")])
      ]
      ])))) == jsonencode(["erase-application"]) && anytrue([
      for s in output.iam_statements_by_function["erase-application"] :
      jsonencode(s.actions) == jsonencode(["s3:PutObject"]) && jsonencode(s.resources) == jsonencode(["arn:aws:s3:::lendverify-test-evidence-123456789012/applications/*"])
    ])
    error_message = "Only erase-application may write to the evidence bucket (PutObject under applications/)."
  }

  assert {
    condition     = output.handler_environment.EVIDENCE_BUCKET == "lendverify-test-evidence-123456789012" && output.evidence_bucket_name == "lendverify-test-evidence-123456789012"
    error_message = "EVIDENCE_BUCKET must name the evidence bucket."
  }
}

# The biometrics bucket policy names exactly the functions whose role may read biometric images.
run "biometrics_readers_are_the_functions_that_read_images" {
  command = plan

  override_resource {
    override_during = plan
    target          = module.stateful.module.storage.aws_s3_bucket.this["biometrics"]
    values = {
      id  = "lendverify-test-biometrics-123456789012"
      arn = "arn:aws:s3:::lendverify-test-biometrics-123456789012"
    }
  }

  assert {
    condition = toset(output.biometrics_reader_role_arns) == toset([
      for name, statements in output.iam_statements_by_function : "arn:aws:iam::123456789012:role/lendverify-test-${name}"
      if anytrue([
        for s in statements : contains(s.actions, "s3:GetObject") && contains(s.resources, "arn:aws:s3:::lendverify-test-biometrics-123456789012/applications/*")
      ])
    ])
    error_message = "The biometrics readers must be exactly the functions whose role reads biometric images."
  }

  assert {
    condition     = contains(output.biometrics_reader_role_arns, "arn:aws:iam::123456789012:role/lendverify-test-erase-application")
    error_message = "erase-application copies liveness audit images into the evidence bucket: it must be a biometrics reader."
  }
}

# The erasure sweep runs on its schedule, and nothing else is scheduled.
run "erasure_sweep_runs_on_its_schedule" {
  command = plan

  variables {
    erasure_sweep_schedule = "rate(30 minutes)"
    longest_job_seconds    = 3600
  }

  override_resource {
    override_during = plan
    target          = module.functions["sweep-erasures"].aws_cloudwatch_event_rule.schedule[0]
    values = {
      arn = "arn:aws:events:us-east-1:123456789012:rule/lendverify-test-sweep-erasures"
    }
  }

  assert {
    condition     = output.function_schedules == { "sweep-erasures" = "rate(30 minutes)" }
    error_message = "Only sweep-erasures runs on a schedule, the one erasure_sweep_schedule names."
  }

  assert {
    condition = alltrue([
      for name, f in module.functions : (f.schedule_rule_arn != null) == (name == "sweep-erasures")
    ])
    error_message = "sweep-erasures, and only it, must get an EventBridge rule."
  }

  assert {
    condition     = output.handler_environment.LONGEST_JOB_SECONDS == "3600"
    error_message = "longest_job_seconds must reach the functions as LONGEST_JOB_SECONDS."
  }
}

run "erasure_sweep_schedule_is_validated" {
  command = plan

  variables {
    erasure_sweep_schedule = "every 15 minutes"
  }

  expect_failures = [var.erasure_sweep_schedule]
}
