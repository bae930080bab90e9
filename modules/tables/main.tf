locals {
  table_name = coalesce(var.table_name, "${var.name_prefix}-applications")
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
