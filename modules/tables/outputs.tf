output "table_name" {
  description = "Name of the applications table: `APPLICATIONS_TABLE`."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the applications table."
  value       = aws_dynamodb_table.this.arn
}

output "index_arns" {
  description = "Map of GSI name (`owner-index`, `job-index`, `review-index`, `sweep-index`) to index ARN, for IAM policies."
  value       = { for gsi in aws_dynamodb_table.this.global_secondary_index : gsi.name => "${aws_dynamodb_table.this.arn}/index/${gsi.name}" }
}

output "owner_index_arn" {
  description = "ARN of the `owner-index` GSI."
  value       = "${aws_dynamodb_table.this.arn}/index/owner-index"
}

output "job_index_arn" {
  description = "ARN of the `job-index` GSI."
  value       = "${aws_dynamodb_table.this.arn}/index/job-index"
}

output "review_index_arn" {
  description = "ARN of the sparse `review-index` GSI (the review queue, oldest first)."
  value       = "${aws_dynamodb_table.this.arn}/index/review-index"
}

output "sweep_index_arn" {
  description = "ARN of the sparse `sweep-index` GSI (erasures whose late-write sweep is due, by sweep time)."
  value       = "${aws_dynamodb_table.this.arn}/index/sweep-index"
}

output "audit_table_name" {
  description = "Name of the audit table: `AUDIT_TABLE`."
  value       = aws_dynamodb_table.audit.name
}

output "audit_table_arn" {
  description = "ARN of the audit table (functions get only PutItem, GetItem and Query on it)."
  value       = aws_dynamodb_table.audit.arn
}
