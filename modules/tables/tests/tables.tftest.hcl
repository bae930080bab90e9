mock_provider "aws" {
  override_during = plan

  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn = "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-applications"
    }
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
      "pk:S", "sk:S", "ownerSub:S", "createdAt:S", "textractJobId:S",
    ])
    error_message = "Key attributes must be exactly pk, sk, ownerSub, createdAt, textractJobId, all strings."
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
    ]) && length(aws_dynamodb_table.this.global_secondary_index) == 2
    error_message = "job-index must be textractJobId with projection ALL, and there must be exactly two GSIs."
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
      "owner-index" = "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-applications/index/owner-index"
      "job-index"   = "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-applications/index/job-index"
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
    condition     = aws_dynamodb_table.this.deletion_protection_enabled == false && aws_dynamodb_table.this.name == "custom-table"
    error_message = "deletion_protection_enabled and table_name must be honoured."
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
