# The shared aws mock defaults (ARNs, IDs, policy JSON) live in tests/terraform-mocks/aws; source is
# resolved from the module under test, not from this file.
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/terraform-mocks/aws"
}

variables {
  name_prefix       = "lendverify-test"
  primary_origin    = "https://apply.lender.example"
  extra_web_origins = ["http://localhost:5173", "http://127.0.0.1:5173"]

  key_admin_role_arn   = "arn:aws:iam::123456789012:role/lendverify-deploy"
  break_glass_role_arn = "arn:aws:iam::123456789012:role/lendverify-break-glass"
}

run "handler_environment_has_the_readme_defaults" {
  command = plan

  assert {
    condition = (
      output.handler_environment.LIVENESS_PASS_THRESHOLD == "90" &&
      output.handler_environment.LIVENESS_REVIEW_BAND == "10" &&
      output.handler_environment.FACE_SIMILARITY_THRESHOLD == "99" &&
      output.handler_environment.FACE_SIMILARITY_REVIEW_BAND == "4" &&
      output.handler_environment.MIN_EXTRACTION_CONFIDENCE == "90" &&
      output.handler_environment.MINIMUM_AGE == "18" &&
      output.handler_environment.LIVENESS_AUDIT_IMAGES_LIMIT == "4" &&
      output.handler_environment.UPLOAD_URL_TTL_SECONDS == "300" &&
      output.handler_environment.REQUIRED_DOCUMENTS == "URLA_1003,PROOF_OF_INCOME,BANK_STATEMENT,IDENTITY_DOCUMENT"
    )
    error_message = "Threshold defaults must be the ones handlers/README.md names."
  }

  assert {
    condition     = output.handler_environment.ALLOWED_ORIGIN == "https://apply.lender.example"
    error_message = "ALLOWED_ORIGIN is the primary origin."
  }
}

run "loopback_origins_get_cors_but_no_redirect" {
  command = plan

  assert {
    condition     = output.web_origins == ["https://apply.lender.example", "http://localhost:5173", "http://127.0.0.1:5173"]
    error_message = "CORS allows the primary origin first, then every extra origin."
  }

  assert {
    condition     = output.redirect_urls == ["https://apply.lender.example/", "http://localhost:5173/"]
    error_message = "Cognito redirects go to every origin but the 127.0.0.1 ones (Cognito refuses them)."
  }
}

run "a_loopback_primary_origin_is_not_a_redirect" {
  command = plan

  variables {
    primary_origin             = "http://127.0.0.1:8081"
    primary_origin_is_loopback = true
    extra_web_origins          = ["http://localhost:8081"]
  }

  assert {
    condition     = output.redirect_urls == ["http://localhost:8081/"] && output.handler_environment.ALLOWED_ORIGIN == "http://127.0.0.1:8081"
    error_message = "The local stage's 127.0.0.1 origin is ALLOWED_ORIGIN but no Cognito redirect URL."
  }
}

run "review_band_cannot_exceed_threshold" {
  command = plan

  variables {
    thresholds = {
      liveness_pass_threshold = 5
      liveness_review_band    = 10
    }
  }

  expect_failures = [var.thresholds]
}

run "extra_web_origins_are_https_or_loopback" {
  command = plan

  variables {
    extra_web_origins = ["http://evil.example"]
  }

  expect_failures = [var.extra_web_origins]
}

run "review_audit_and_decision_events_reach_the_handlers" {
  command = plan

  assert {
    condition = (
      output.handler_environment.LIVENESS_LOCKOUT_FAILURES == "5" &&
      output.handler_environment.LIVENESS_LOCKOUT_WINDOW_SECONDS == "180" &&
      output.handler_environment.IDENTITY_MAX_ATTEMPTS == "3" &&
      output.handler_environment.AUDIT_RETENTION_DAYS == "2555"
    )
    error_message = "Lockout, attempt cap and audit retention defaults: 5 failures in 180 s, 3 attempts, 2555 days."
  }

  assert {
    condition = (
      output.handler_environment.REVIEWERS_GROUP == "reviewers" &&
      output.handler_environment.WEBHOOK_ENDPOINTS == "[]" &&
      output.handler_environment.WEBHOOK_SECRET_ARN == output.webhook_secret_arn &&
      output.handler_environment.DECISION_EVENTS_TOPIC_ARN == output.decision_topic_arn &&
      output.handler_environment.AUDIT_TABLE == output.audit_table_name
    )
    error_message = "REVIEWERS_GROUP, WEBHOOK_ENDPOINTS ([] when none), the secret, the topic and the audit table reach the handlers."
  }
}

run "webhook_endpoints_are_passed_as_json" {
  command = plan

  variables {
    audit_retention_days = 30
    webhook_endpoints = [
      { name = "lender-core", url = "https://hooks.lender.example/lendverify" },
      { name = "crm", url = "https://crm.lender.example:8443/in" },
    ]
  }

  assert {
    condition = jsondecode(output.handler_environment.WEBHOOK_ENDPOINTS) == [
      { name = "lender-core", url = "https://hooks.lender.example/lendverify" },
      { name = "crm", url = "https://crm.lender.example:8443/in" },
    ] && output.handler_environment.AUDIT_RETENTION_DAYS == "30"
    error_message = "WEBHOOK_ENDPOINTS is the JSON array of {name, url}; AUDIT_RETENTION_DAYS follows the variable."
  }
}

run "webhook_endpoints_must_be_https_on_aws" {
  command = plan

  variables {
    webhook_endpoints = [{ name = "receiver", url = "http://127.0.0.1:9000/hook" }]
  }

  expect_failures = [var.webhook_endpoints]
}

run "loopback_webhook_endpoints_on_the_local_stage" {
  command = plan

  variables {
    running_on_moto   = true
    webhook_endpoints = [{ name = "receiver", url = "http://127.0.0.1:9000/hook" }]
  }

  assert {
    condition     = jsondecode(output.handler_environment.WEBHOOK_ENDPOINTS)[0].url == "http://127.0.0.1:9000/hook"
    error_message = "The local stage may deliver to a loopback receiver."
  }
}

run "webhook_endpoint_names_are_unique" {
  command = plan

  variables {
    webhook_endpoints = [
      { name = "lender", url = "https://a.lender.example/" },
      { name = "lender", url = "https://b.lender.example/" },
    ]
  }

  expect_failures = [var.webhook_endpoints]
}

run "lockout_and_attempt_limits_are_validated" {
  command = plan

  variables {
    thresholds = {
      liveness_lockout_failures       = 0
      liveness_lockout_window_seconds = 10
      identity_max_attempts           = 2.5
    }
  }

  expect_failures = [var.thresholds]
}

run "quotas_reach_the_handlers_with_their_defaults" {
  command = plan

  assert {
    condition = (
      output.handler_environment.APPLICATIONS_PER_DAY == "5" &&
      output.handler_environment.UPLOADS_PER_APPLICATION == "20" &&
      output.handler_environment.LENDING_JOBS_PER_APPLICATION == "3" &&
      output.handler_environment.MAX_UPLOAD_BYTES == "52428800"
    )
    error_message = "The quota defaults must be the handlers' (handlers/core/src/quotas.rs)."
  }
}

run "a_quota_set_alone_keeps_the_other_defaults" {
  command = plan

  variables {
    quotas = { applications_per_day = 3 }
  }

  assert {
    condition = (
      output.handler_environment.APPLICATIONS_PER_DAY == "3" &&
      output.handler_environment.UPLOADS_PER_APPLICATION == "20"
    )
    error_message = "An unset quota attribute must keep its default."
  }
}

run "quotas_are_validated" {
  command = plan

  variables {
    quotas = { uploads_per_application = 2 }
  }

  expect_failures = [var.quotas]
}

run "the_upload_ceiling_stays_within_textracts_limit" {
  command = plan

  variables {
    quotas = { max_upload_bytes = 524288001 }
  }

  expect_failures = [var.quotas]
}

run "audit_retention_is_validated" {
  command = plan

  variables {
    audit_retention_days = 0
  }

  expect_failures = [var.audit_retention_days]
}

run "longest_job_reaches_the_handlers" {
  command = plan

  assert {
    condition     = output.handler_environment.LONGEST_JOB_SECONDS == "7200"
    error_message = "LONGEST_JOB_SECONDS must default to 7200 (two hours)."
  }

  assert {
    condition     = endswith(output.sweep_index_arn, "/index/sweep-index")
    error_message = "sweep_index_arn must name the table's sweep-index."
  }
}

run "longest_job_is_validated" {
  command = plan

  variables {
    longest_job_seconds = 604801
  }

  expect_failures = [var.longest_job_seconds]
}

run "longest_job_has_a_floor" {
  command = plan

  variables {
    longest_job_seconds = 299
  }

  expect_failures = [var.longest_job_seconds]
}
