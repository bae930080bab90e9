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

override_resource {
  override_during = plan
  target          = aws_s3_bucket.this["evidence"]
  values = {
    id  = "lendverify-test-evidence-123456789012"
    arn = "arn:aws:s3:::lendverify-test-evidence-123456789012"
  }
}

variables {
  name_prefix = "lendverify-test"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  web_origins = ["https://app.example.com", "http://localhost:5173"]
  tags        = { Project = "lendverify" }

  break_glass_role_arn = "arn:aws:iam::123456789012:role/lendverify-break-glass"
  biometrics_reader_role_arns = [
    "arn:aws:iam::123456789012:role/lendverify-test-verify-identity",
    "arn:aws:iam::123456789012:role/lendverify-test-review",
  ]
}

run "four_buckets_named_from_prefix_and_account" {
  command = plan

  assert {
    condition = toset([for b in aws_s3_bucket.this : b.bucket]) == toset([
      "lendverify-test-uploads-123456789012",
      "lendverify-test-biometrics-123456789012",
      "lendverify-test-textract-output-123456789012",
      "lendverify-test-evidence-123456789012",
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
    condition = length(aws_s3_bucket_public_access_block.this) == 4 && alltrue([
      for b in aws_s3_bucket_public_access_block.this :
      b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets
    ])
    error_message = "All four public access blocks must be on for every bucket."
  }

  assert {
    condition     = length(aws_s3_bucket_ownership_controls.this) == 4 && alltrue([for o in aws_s3_bucket_ownership_controls.this : o.rule[0].object_ownership == "BucketOwnerEnforced"])
    error_message = "Object ownership must be BucketOwnerEnforced (ACLs disabled)."
  }

  assert {
    condition     = length(aws_s3_bucket_versioning.this) == 4 && alltrue([for v in aws_s3_bucket_versioning.this : v.versioning_configuration[0].status == "Enabled"])
    error_message = "Versioning must be enabled on every bucket."
  }
}

run "sse_kms_with_the_given_key_and_bucket_key" {
  command = plan

  assert {
    condition = length(aws_s3_bucket_server_side_encryption_configuration.this) == 4 && alltrue([
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

run "biometric_reads_denied_to_all_but_the_named_roles" {
  command = plan

  # The one deny on reads, on the biometrics bucket only, excepting exactly the readers and break-glass.
  assert {
    condition = length([
      for s in data.aws_iam_policy_document.bucket["biometrics"].statement : s
      if s.effect == "Deny" && contains(s.actions, "s3:GetObject") &&
      flatten([for p in s.principals : p.identifiers]) == ["*"] &&
      toset(s.resources) == toset(["arn:aws:s3:::lendverify-test-biometrics-123456789012/*"]) &&
      length(s.condition) == 1 &&
      alltrue([for c in s.condition : c.test == "StringNotEquals" && c.variable == "aws:PrincipalArn" && toset(c.values) == toset([
        "arn:aws:iam::123456789012:role/lendverify-test-verify-identity",
        "arn:aws:iam::123456789012:role/lendverify-test-review",
        "arn:aws:iam::123456789012:role/lendverify-break-glass",
      ])])
    ]) == 1
    error_message = "The biometrics bucket must deny s3:GetObject to every principal but the named reader roles and the break-glass role."
  }

  assert {
    condition = alltrue([
      for k in ["uploads", "textract_output"] : length([
        for s in data.aws_iam_policy_document.bucket[k].statement : s if contains(s.actions, "s3:GetObject")
      ]) == 0
    ])
    error_message = "Only the biometrics bucket carries the read deny."
  }
}

run "evidence_is_locked_in_governance_mode_and_only_break_glass_deletes" {
  command = plan

  variables {
    evidence_retention_days   = 1827
    evidence_reader_role_arns = ["arn:aws:iam::123456789012:role/lendverify-test-review"]
  }

  assert {
    condition = aws_s3_bucket.this["evidence"].object_lock_enabled == true && alltrue([
      for k, b in aws_s3_bucket.this : b.object_lock_enabled == false if k != "evidence"
    ])
    error_message = "Object Lock must be on for the evidence bucket (and only there)."
  }

  assert {
    condition = (
      aws_s3_bucket_object_lock_configuration.evidence.bucket == "lendverify-test-evidence-123456789012" &&
      aws_s3_bucket_object_lock_configuration.evidence.rule[0].default_retention[0].mode == "GOVERNANCE" &&
      aws_s3_bucket_object_lock_configuration.evidence.rule[0].default_retention[0].days == 1827
    )
    error_message = "Evidence must be locked by default in GOVERNANCE mode for evidence_retention_days."
  }

  assert {
    condition = (
      aws_s3_bucket_versioning.this["evidence"].versioning_configuration[0].status == "Enabled" &&
      aws_s3_bucket_lifecycle_configuration.this["evidence"].rule[0].expiration[0].days == 1827 &&
      aws_s3_bucket_lifecycle_configuration.this["evidence"].rule[0].filter[0].prefix == "" &&
      one(aws_s3_bucket_server_side_encryption_configuration.this["evidence"].rule).apply_server_side_encryption_by_default[0].kms_master_key_id == var.kms_key_arn
    )
    error_message = "Evidence is versioned, SSE-KMS with the given key, and destroyed (whole bucket) when its retention ends."
  }

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.bucket["evidence"].statement : s
      if s.effect == "Deny" && contains(s.actions, "s3:GetObject") &&
      alltrue([for c in s.condition : c.test == "StringNotEquals" && c.variable == "aws:PrincipalArn" && toset(c.values) == toset([
        "arn:aws:iam::123456789012:role/lendverify-test-review",
        "arn:aws:iam::123456789012:role/lendverify-break-glass",
      ])])
    ]) == 1
    error_message = "Only the named evidence readers and the break-glass role may read evidence."
  }

  # No function role (nobody but break-glass) can delete or shorten a lock.
  assert {
    condition = length([
      for s in data.aws_iam_policy_document.bucket["evidence"].statement : s
      if s.effect == "Deny" && flatten([for p in s.principals : p.identifiers]) == ["*"] &&
      length(setsubtract(["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention"], s.actions)) == 0 &&
      alltrue([for c in s.condition : c.test == "StringNotEquals" && c.variable == "aws:PrincipalArn" && toset(c.values) == toset(["arn:aws:iam::123456789012:role/lendverify-break-glass"])])
    ]) == 1
    error_message = "The evidence bucket must deny deletion and retention changes to every principal but the break-glass role."
  }

  # Nobody deletes early: governance bypass is denied to every principal, without any exception.
  assert {
    condition = length([
      for s in data.aws_iam_policy_document.bucket["evidence"].statement : s
      if s.effect == "Deny" && flatten([for p in s.principals : p.identifiers]) == ["*"] &&
      contains(s.actions, "s3:BypassGovernanceRetention") && length(s.condition) == 0
      ]) == 1 && alltrue([
      for s in data.aws_iam_policy_document.bucket["evidence"].statement :
      !contains(s.actions, "s3:BypassGovernanceRetention") || length(s.condition) == 0
    ])
    error_message = "The evidence bucket must deny s3:BypassGovernanceRetention to every principal, unconditionally."
  }

  # Only the break-glass role places or lifts a legal hold.
  assert {
    condition = length([
      for s in data.aws_iam_policy_document.bucket["evidence"].statement : s
      if s.effect == "Deny" && flatten([for p in s.principals : p.identifiers]) == ["*"] &&
      contains(s.actions, "s3:PutObjectLegalHold") &&
      alltrue([for c in s.condition : c.test == "StringNotEquals" && c.variable == "aws:PrincipalArn" && toset(c.values) == toset(["arn:aws:iam::123456789012:role/lendverify-break-glass"])]) &&
      length(s.condition) == 1
    ]) == 1
    error_message = "The evidence bucket must deny s3:PutObjectLegalHold to every principal but the break-glass role."
  }

  assert {
    condition     = output.evidence_bucket_name == "lendverify-test-evidence-123456789012" && output.retention_days.evidence == 1827
    error_message = "The evidence bucket name (EVIDENCE_BUCKET) and its retention must be outputs."
  }
}

run "rejects_a_break_glass_that_is_not_a_role" {
  command = plan

  variables {
    break_glass_role_arn = "arn:aws:iam::123456789012:role/*"
  }

  expect_failures = [var.break_glass_role_arn]
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
      for k, l in aws_s3_bucket_lifecycle_configuration.this :
      l.rule[0].filter[0].prefix == (k == "evidence" ? "" : "applications/") &&
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
    condition     = length(aws_s3_bucket_logging.this) == 4 && aws_s3_bucket_logging.this["biometrics"].target_prefix == "s3-access-logs/biometrics/"
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
