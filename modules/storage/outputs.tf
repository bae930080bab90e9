output "uploads_bucket_name" {
  description = "Name of the uploads bucket (ID images, lending packages): `UPLOADS_BUCKET`."
  value       = aws_s3_bucket.this["uploads"].id
}

output "uploads_bucket_arn" {
  description = "ARN of the uploads bucket."
  value       = aws_s3_bucket.this["uploads"].arn
}

output "biometrics_bucket_name" {
  description = "Name of the biometrics bucket (liveness reference and audit images): `BIOMETRICS_BUCKET`."
  value       = aws_s3_bucket.this["biometrics"].id
}

output "biometrics_bucket_arn" {
  description = "ARN of the biometrics bucket."
  value       = aws_s3_bucket.this["biometrics"].arn
}

output "textract_output_bucket_name" {
  description = "Name of the Textract lending output bucket: `TEXTRACT_OUTPUT_BUCKET`."
  value       = aws_s3_bucket.this["textract_output"].id
}

output "textract_output_bucket_arn" {
  description = "ARN of the Textract lending output bucket."
  value       = aws_s3_bucket.this["textract_output"].arn
}

output "evidence_bucket_name" {
  description = "Name of the evidence bucket (Object Lock, GOVERNANCE): `EVIDENCE_BUCKET`."
  value       = aws_s3_bucket.this["evidence"].id
}

output "evidence_bucket_arn" {
  description = "ARN of the evidence bucket."
  value       = aws_s3_bucket.this["evidence"].arn
}

output "bucket_names" {
  description = "Map of purpose (`uploads`, `biometrics`, `textract_output`, `evidence`) to bucket name."
  value       = { for k, b in aws_s3_bucket.this : k => b.id }
}

output "bucket_arns" {
  description = "Map of purpose (`uploads`, `biometrics`, `textract_output`, `evidence`) to bucket ARN."
  value       = { for k, b in aws_s3_bucket.this : k => b.arn }
}

output "retention_days" {
  description = "Days each bucket keeps current objects, as applied (after defaults): uploads, biometrics, textract_output, evidence (its Object Lock period)."
  value = {
    uploads         = var.uploads_retention_days
    biometrics      = var.biometrics_retention_days
    textract_output = var.textract_output_retention_days
    evidence        = var.evidence_retention_days
  }
}
