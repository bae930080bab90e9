output "table_name" {
  description = "Name of the applications table: `APPLICATIONS_TABLE`."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the applications table."
  value       = aws_dynamodb_table.this.arn
}

output "index_arns" {
  description = "Map of GSI name (`owner-index`, `job-index`) to index ARN, for IAM policies."
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
