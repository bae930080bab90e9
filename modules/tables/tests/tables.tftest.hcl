mock_provider "aws" {
  override_during = plan

  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn = "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-applications"
    }
  }
}

override_resource {
  override_during = plan
  target          = aws_dynamodb_table.audit
  values = {
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-audit"
  }
}

variables {
  name_prefix = "lendverify-test"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  tags        = { Project = "lendverify" }
}

run "keys_and_indexes_follow_the_data_layout" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.name == "lendverify-test-applications" && aws_dynamodb_table.this.hash_key == "pk" && aws_dynamodb_table.this.range_key == "sk"
    error_message = "Table must be <name_prefix>-applications keyed by pk/sk."
  }

  assert {
    condition = toset([for a in aws_dynamodb_table.this.attribute : "${a.name}:${a.type}"]) == toset([
      "pk:S", "sk:S", "ownerSub:S", "createdAt:S", "textractJobId:S", "review_queue:S", "queued_at:S",
      "sweep_queue:S", "sweep_at:S",
    ])
    error_message = "Key attributes must be exactly pk, sk, ownerSub, createdAt, textractJobId, review_queue, queued_at, sweep_queue, sweep_at, all strings."
  }

  assert {
    condition = anytrue([
      for g in aws_dynamodb_table.this.global_secondary_index :
      g.name == "owner-index" && g.hash_key == "ownerSub" && g.range_key == "createdAt" && g.projection_type == "ALL"
    ])
    error_message = "owner-index must be ownerSub/createdAt with projection ALL."
  }

  assert {
    condition = anytrue([
      for g in aws_dynamodb_table.this.global_secondary_index :
      g.name == "job-index" && g.hash_key == "textractJobId" && g.projection_type == "ALL"
    ]) && length(aws_dynamodb_table.this.global_secondary_index) == 4
    error_message = "job-index must be textractJobId with projection ALL, and there must be exactly four GSIs."
  }

  assert {
    condition = anytrue([
      for g in aws_dynamodb_table.this.global_secondary_index :
      g.name == "review-index" && g.hash_key == "review_queue" && g.range_key == "queued_at" && g.projection_type == "ALL"
    ])
    error_message = "review-index must be review_queue/queued_at with projection ALL (the sparse review queue)."
  }

  assert {
    condition = anytrue([
      for g in aws_dynamodb_table.this.global_secondary_index :
      g.name == "sweep-index" && g.hash_key == "sweep_queue" && g.range_key == "sweep_at" && g.projection_type == "ALL"
    ])
    error_message = "sweep-index must be sweep_queue/sweep_at with projection ALL (the sparse erasure sweep)."
  }

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST"
    error_message = "Billing must be on demand."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.ttl).attribute_name == "expiresAt" && one(aws_dynamodb_table.this.ttl).enabled
    error_message = "TTL must be enabled on expiresAt."
  }
}

run "pitr_sse_and_deletion_protection" {
  command = plan

  assert {
    condition     = one(aws_dynamodb_table.this.point_in_time_recovery).enabled
    error_message = "Point-in-time recovery must be on."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.server_side_encryption).enabled && one(aws_dynamodb_table.this.server_side_encryption).kms_key_arn == var.kms_key_arn
    error_message = "SSE must use the given customer-managed key."
  }

  assert {
    condition     = aws_dynamodb_table.this.deletion_protection_enabled == true
    error_message = "Deletion protection must default to on."
  }

  assert {
    condition = output.index_arns == {
      "owner-index"  = "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-applications/index/owner-index"
      "job-index"    = "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-applications/index/job-index"
      "review-index" = "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-applications/index/review-index"
      "sweep-index"  = "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-applications/index/sweep-index"
    }
    error_message = "index_arns must map each GSI name to its ARN."
  }
}

run "deletion_protection_can_be_turned_off_for_dev" {
  command = plan

  variables {
    deletion_protection_enabled = false
    table_name                  = "custom-table"
  }

  assert {
    condition     = aws_dynamodb_table.this.deletion_protection_enabled == false && aws_dynamodb_table.audit.deletion_protection_enabled == false && aws_dynamodb_table.this.name == "custom-table"
    error_message = "deletion_protection_enabled and table_name must be honoured."
  }
}

run "audit_table_is_keyed_encrypted_recoverable_and_expiring" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.audit.name == "lendverify-test-audit" && aws_dynamodb_table.audit.hash_key == "pk" && aws_dynamodb_table.audit.range_key == "sk"
    error_message = "The audit table is <name_prefix>-audit keyed by pk/sk."
  }

  assert {
    condition     = toset([for a in aws_dynamodb_table.audit.attribute : "${a.name}:${a.type}"]) == toset(["pk:S", "sk:S"]) && length(aws_dynamodb_table.audit.global_secondary_index) == 0
    error_message = "The audit table has only its key attributes and no index."
  }

  assert {
    condition     = one(aws_dynamodb_table.audit.ttl).attribute_name == "expires_at" && one(aws_dynamodb_table.audit.ttl).enabled
    error_message = "Audit events expire through expires_at (the audit retention)."
  }

  assert {
    condition = (
      one(aws_dynamodb_table.audit.point_in_time_recovery).enabled &&
      one(aws_dynamodb_table.audit.server_side_encryption).enabled &&
      one(aws_dynamodb_table.audit.server_side_encryption).kms_key_arn == var.kms_key_arn &&
      aws_dynamodb_table.audit.deletion_protection_enabled
    )
    error_message = "The audit table has PITR, the customer-managed key and deletion protection, as the applications table."
  }

  assert {
    condition     = output.audit_table_arn == "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-audit" && output.audit_table_name == "lendverify-test-audit"
    error_message = "The audit table's name and ARN are outputs."
  }
}

run "rejects_alias_instead_of_key_arn" {
  command = plan

  variables {
    kms_key_arn = "alias/lendverify"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "Bad_Prefix"
  }

  expect_failures = [var.name_prefix]
}
