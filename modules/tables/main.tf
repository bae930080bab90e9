locals {
  table_name       = coalesce(var.table_name, "${var.name_prefix}-applications")
  audit_table_name = coalesce(var.audit_table_name, "${var.name_prefix}-audit")
}

# Single-table design; keys, GSIs and TTL follow handlers/README.md ("Data layout") exactly.
resource "aws_dynamodb_table" "this" {
  name                        = local.table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection_enabled

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  attribute {
    name = "ownerSub"
    type = "S"
  }

  attribute {
    name = "createdAt"
    type = "S"
  }

  attribute {
    name = "textractJobId"
    type = "S"
  }

  attribute {
    name = "review_queue"
    type = "S"
  }

  attribute {
    name = "queued_at"
    type = "S"
  }

  attribute {
    name = "sweep_queue"
    type = "S"
  }

  attribute {
    name = "sweep_at"
    type = "S"
  }

  # GET /applications lists the caller's applications newest first.
  global_secondary_index {
    name            = "owner-index"
    hash_key        = "ownerSub"
    range_key       = "createdAt"
    projection_type = "ALL"
  }

  # The lending completion consumer finds the document by the Textract job ID in the notification.
  global_secondary_index {
    name            = "job-index"
    hash_key        = "textractJobId"
    projection_type = "ALL"
  }

  # The review queue: sparse, only verification items awaiting a reviewer carry review_queue
  # (= "NEEDS_REVIEW") and queued_at; a decision REMOVEs review_queue and the case leaves the index.
  # GET /review/cases reads it oldest first.
  global_secondary_index {
    name            = "review-index"
    hash_key        = "review_queue"
    range_key       = "queued_at"
    projection_type = "ALL"
  }

  # The erasure sweep: sparse, only erasure tombstones whose late-write sweep is still due carry
  # sweep_queue and sweep_at (erasure time + the longest upload-URL lifetime + the longest job);
  # sweep-erasures reads the due ones (sweep_at <= now) and clears both when done, so the tombstone
  # leaves the index.
  global_secondary_index {
    name            = "sweep-index"
    hash_key        = "sweep_queue"
    range_key       = "sweep_at"
    projection_type = "ALL"
  }

  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = merge(var.tags, { Name = local.table_name })
}

# The audit trail, apart from the applications table so that IAM can grant the functions only
# PutItem (append), GetItem and Query on it: no function's role may update or delete an event
# (terraform/tests/audit_append_only.tftest.hcl). pk `APP#{applicationId}`, sk `EVENT#{seq:010}` per
# event plus one `HEAD` item; events expire after the audit retention through `expires_at`.
resource "aws_dynamodb_table" "audit" {
  name                        = local.audit_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection_enabled

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = merge(var.tags, { Name = local.audit_table_name })
}
