mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/terraform"
      user_id    = "AIDAEXAMPLE"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

override_resource {
  override_during = plan
  target          = aws_s3_bucket.this["uploads"]
  values = {
    id  = "lendverify-test-uploads-123456789012"
    arn = "arn:aws:s3:::lendverify-test-uploads-123456789012"
  }
}

override_resource {
  override_during = plan
  target          = aws_s3_bucket.this["biometrics"]
  values = {
    id  = "lendverify-test-biometrics-123456789012"
    arn = "arn:aws:s3:::lendverify-test-biometrics-123456789012"
  }
}

override_resource {
  override_during = plan
  target          = aws_s3_bucket.this["textract_output"]
  values = {
    id  = "lendverify-test-textract-output-123456789012"
    arn = "arn:aws:s3:::lendverify-test-textract-output-123456789012"
  }
}

variables {
  name_prefix = "lendverify-test"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  web_origins = ["https://app.example.com", "http://localhost:5173"]
  tags        = { Project = "lendverify" }
}

run "three_buckets_named_from_prefix_and_account" {
  command = plan

  assert {
    condition = toset([for b in aws_s3_bucket.this : b.bucket]) == toset([
      "lendverify-test-uploads-123456789012",
      "lendverify-test-biometrics-123456789012",
      "lendverify-test-textract-output-123456789012",
    ])
    error_message = "Bucket names must be <name_prefix>-<purpose>-<account>."
  }

  assert {
    condition     = alltrue([for b in aws_s3_bucket.this : b.force_destroy == false])
    error_message = "force_destroy must default to false."
  }

  assert {
    condition     = output.uploads_bucket_arn == "arn:aws:s3:::lendverify-test-uploads-123456789012" && output.biometrics_bucket_name == "lendverify-test-biometrics-123456789012"
    error_message = "Outputs must expose the bucket names and ARNs."
  }
}

run "public_access_blocked_and_owner_enforced" {
  command = plan

  assert {
    condition = length(aws_s3_bucket_public_access_block.this) == 3 && alltrue([
      for b in aws_s3_bucket_public_access_block.this :
      b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets
    ])
    error_message = "All four public access blocks must be on for every bucket."
  }

  assert {
    condition     = length(aws_s3_bucket_ownership_controls.this) == 3 && alltrue([for o in aws_s3_bucket_ownership_controls.this : o.rule[0].object_ownership == "BucketOwnerEnforced"])
    error_message = "Object ownership must be BucketOwnerEnforced (ACLs disabled)."
  }

  assert {
    condition     = length(aws_s3_bucket_versioning.this) == 3 && alltrue([for v in aws_s3_bucket_versioning.this : v.versioning_configuration[0].status == "Enabled"])
    error_message = "Versioning must be enabled on every bucket."
  }
}

run "sse_kms_with_the_given_key_and_bucket_key" {
  command = plan

  assert {
    condition = length(aws_s3_bucket_server_side_encryption_configuration.this) == 3 && alltrue([
      for e in aws_s3_bucket_server_side_encryption_configuration.this :
      one(e.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" &&
      one(e.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == var.kms_key_arn &&
      one(e.rule).bucket_key_enabled == true
    ])
    error_message = "Every bucket must default to SSE-KMS with the given key and an S3 bucket key."
  }
}

run "bucket_policies_deny_insecure_transport_and_old_tls" {
  command = plan

  assert {
    condition = alltrue([
      for k, d in data.aws_iam_policy_document.bucket : anytrue([
        for s in d.statement :
        s.effect == "Deny" &&
        contains(flatten([for c in s.condition : c.values if c.variable == "aws:SecureTransport" && c.test == "Bool"]), "false") &&
        contains(s.resources, "${aws_s3_bucket.this[k].arn}/*") &&
        contains(s.resources, aws_s3_bucket.this[k].arn)
      ])
    ])
    error_message = "Every bucket policy must deny requests without TLS on the bucket and its objects."
  }

  assert {
    condition = alltrue([
      for k, d in data.aws_iam_policy_document.bucket : anytrue([
        for s in d.statement :
        s.effect == "Deny" &&
        contains(flatten([for c in s.condition : c.values if c.variable == "s3:TlsVersion" && c.test == "NumericLessThan"]), "1.2")
      ])
    ])
    error_message = "Every bucket policy must deny TLS versions below 1.2."
  }

  assert {
    condition = alltrue(flatten([
      for d in data.aws_iam_policy_document.bucket : [for s in d.statement : s.effect == "Deny"]
    ]))
    error_message = "Bucket policies must only deny; access is granted through IAM."
  }
}

run "retention_biometrics_shortest_and_prefix_scoped" {
  command = plan

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this["biometrics"].rule[0].expiration[0].days == 30
    error_message = "Biometrics retention must default to 30 days."
  }

  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.this["biometrics"].rule[0].expiration[0].days <
      aws_s3_bucket_lifecycle_configuration.this["uploads"].rule[0].expiration[0].days
      ) && (
      aws_s3_bucket_lifecycle_configuration.this["biometrics"].rule[0].expiration[0].days <
      aws_s3_bucket_lifecycle_configuration.this["textract_output"].rule[0].expiration[0].days
    )
    error_message = "Biometrics must expire sooner than uploads and Textract output."
  }

  assert {
    condition = alltrue([
      for l in aws_s3_bucket_lifecycle_configuration.this :
      l.rule[0].filter[0].prefix == "applications/" &&
      l.rule[0].noncurrent_version_expiration[0].noncurrent_days <= l.rule[0].expiration[0].days &&
      l.rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 1
    ])
    error_message = "Expiry must target applications/, expire noncurrent versions no later than current ones and abort incomplete uploads."
  }
}

run "cors_only_on_uploads_from_web_origins" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_cors_configuration.uploads) == 1 && aws_s3_bucket_cors_configuration.uploads[0].bucket == "lendverify-test-uploads-123456789012"
    error_message = "CORS must be configured on the uploads bucket."
  }

  assert {
    condition     = toset(one(aws_s3_bucket_cors_configuration.uploads[0].cors_rule).allowed_origins) == toset(["https://app.example.com", "http://localhost:5173"])
    error_message = "CORS must allow exactly web_origins."
  }

  assert {
    condition     = toset(one(aws_s3_bucket_cors_configuration.uploads[0].cors_rule).allowed_methods) == toset(["PUT", "GET", "HEAD"])
    error_message = "CORS must allow only PUT, GET and HEAD."
  }
}

run "no_cors_and_no_logging_by_default" {
  command = plan

  variables {
    web_origins = []
  }

  assert {
    condition     = length(aws_s3_bucket_cors_configuration.uploads) == 0 && length(aws_s3_bucket_logging.this) == 0
    error_message = "Without web_origins or access_log_bucket there must be no CORS and no logging."
  }
}

run "access_logging_and_force_destroy_when_asked" {
  command = plan

  variables {
    access_log_bucket                 = "lendverify-test-access-logs"
    force_destroy                     = true
    append_account_id_to_bucket_names = false
  }

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 3 && aws_s3_bucket_logging.this["biometrics"].target_prefix == "s3-access-logs/biometrics/"
    error_message = "Access logging must be configured on all buckets with a per-bucket prefix."
  }

  assert {
    condition     = alltrue([for b in aws_s3_bucket.this : b.force_destroy]) && aws_s3_bucket.this["uploads"].bucket == "lendverify-test-uploads"
    error_message = "force_destroy and append_account_id_to_bucket_names must be honoured."
  }
}

run "rejects_biometrics_retention_longer_than_uploads" {
  command = plan

  variables {
    biometrics_retention_days = 400
  }

  expect_failures = [var.biometrics_retention_days]
}

run "rejects_plain_http_and_wildcard_origins" {
  command = plan

  variables {
    web_origins = ["http://app.example.com", "https://*.example.com"]
  }

  expect_failures = [var.web_origins]
}

run "rejects_alias_instead_of_key_arn" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:alias/lendverify"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "this-prefix-is-far-too-long-for-s3-names"
  }

  expect_failures = [var.name_prefix]
}
