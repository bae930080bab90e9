# The audit trail is append-only for every function: no function role may update, delete, batch-write
# or PartiQL-write audit events (issue 11). Checked on the statements the stack hands each function's
# role (output iam_statements_by_function = local.policy_statements, which modules/lambda_function
# turns into the role's only policy besides its own log group and X-Ray): a statement reaches the audit
# table when a resource is its ARN, its ARN with a suffix (/index/..., /stream/...), or a wildcard.
#
# The shared aws mock defaults (ARNs, IDs, policy JSON) live in tests/terraform-mocks/aws; source is
# resolved from the root under test, not from this file.
mock_provider "aws" {
  override_during = plan
  source          = "../tests/terraform-mocks/aws"
}

# The audit table gets an ARN of its own (the shared mock names every table the same).
override_resource {
  override_during = plan
  target          = module.stateful.module.tables.aws_dynamodb_table.audit
  values = {
    arn  = "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-audit"
    name = "lendverify-test-audit"
  }
}

variables {
  key_admin_role_arn   = "arn:aws:iam::123456789012:role/lendverify-deploy"
  break_glass_role_arn = "arn:aws:iam::123456789012:role/lendverify-break-glass"
  environment          = "test"
  name_prefix          = "lendverify-test"
  s3_access_log_bucket = "lender-s3-access-logs-test"
  artifact = {
    s3_bucket = "lendverify-artifacts-test"
    s3_key    = "lambda/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/bootstrap.zip"
    sha256    = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  }
}

run "no_function_may_change_or_delete_audit_events" {
  command = plan

  assert {
    condition = length(flatten([
      for name, statements in output.iam_statements_by_function : [
        for s in statements : [
          for a in s.actions : "${name}/${s.sid}: ${a}"
          if contains([
            "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteTable",
            "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive", "dynamodb:RestoreTableFromBackup",
            "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete",
          ], a) || a == "*" || startswith(a, "dynamodb:*") || startswith(a, "dynamodb:Update") || startswith(a, "dynamodb:Delete") || startswith(a, "dynamodb:PartiQL")
        ]
        if anytrue([for r in s.resources : r == "*" || r == output.audit_table_arn || startswith(r, "${output.audit_table_arn}/") || startswith(r, "arn:aws:dynamodb:us-east-1:123456789012:table/*")])
      ]
    ])) == 0
    error_message = "A function's role may only PutItem, GetItem and Query the audit table: no update, delete, batch write or PartiQL write."
  }

  # The other side, which also shows the check above matches the audit table's statements: the
  # functions that append can append, the ones that read can read, and no other action reaches the
  # table. (PutItem with a condition is the only write the chain makes.)
  assert {
    # jsonencode: compares values, not list-vs-tuple types; keys come out sorted on both sides.
    condition = jsonencode({
      for name, statements in output.iam_statements_by_function : name => sort(distinct(flatten([
        for s in statements : s.actions if contains(s.resources, output.audit_table_arn)
      ]))) if anytrue([for s in statements : contains(s.resources, output.audit_table_arn)])
      }) == jsonencode({
      "applications"               = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      "erase-application"          = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      "create-liveness-session"    = ["dynamodb:GetItem", "dynamodb:PutItem"]
      "get-liveness-results"       = ["dynamodb:GetItem", "dynamodb:PutItem"]
      "verify-identity"            = ["dynamodb:GetItem", "dynamodb:PutItem"]
      "lending-analysis-completed" = ["dynamodb:GetItem", "dynamodb:PutItem"]
      "review"                     = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    })
    error_message = "Exactly the functions that record state changes append to the audit table (GetItem HEAD + PutItem), and only applications, erase-application (the evidence export) and review read it (Query)."
  }

  assert {
    condition     = output.audit_table_arn == "arn:aws:dynamodb:us-east-1:123456789012:table/lendverify-test-audit" && output.handler_environment.AUDIT_TABLE == "lendverify-test-audit"
    error_message = "The test must look at the audit table the functions are configured with."
  }
}
