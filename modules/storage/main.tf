data "aws_caller_identity" "current" {}

locals {
  name_suffix = var.append_account_id_to_bucket_names ? "-${data.aws_caller_identity.current.account_id}" : ""

  # Who may read biometric images at all: the listed roles and the break-glass role.
  biometrics_readers = distinct(concat(var.biometrics_reader_role_arns, [var.break_glass_role_arn]))
  # Who may read evidence: the listed roles and the break-glass role.
  evidence_readers = distinct(concat(var.evidence_reader_role_arns, [var.break_glass_role_arn]))

  # Every object the handlers write sits under this prefix (handlers/README.md, Data layout), so the
  # expiry rules target it and nothing else the operator may keep in the bucket.
  data_prefix = "applications/"

  buckets = {
    uploads = {
      name           = "${var.name_prefix}-uploads${local.name_suffix}"
      retention_days = var.uploads_retention_days
    }
    biometrics = {
      name           = "${var.name_prefix}-biometrics${local.name_suffix}"
      retention_days = var.biometrics_retention_days
    }
    textract_output = {
      name           = "${var.name_prefix}-textract-output${local.name_suffix}"
      retention_days = var.textract_output_retention_days
    }
    # A decided application's evidence (ID images, liveness audit images, the decision and its audit
    # events), kept for the record-keeping period under S3 Object Lock: nobody deletes it early.
    evidence = {
      name           = "${var.name_prefix}-evidence${local.name_suffix}"
      retention_days = var.evidence_retention_days
    }
  }
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Cross-region replication would copy biometric and financial data to a second region, against the data-residency and retention limits; durability comes from S3 and versioning.
  #checkov:skip=CKV_AWS_18:Server access logging is on whenever var.access_log_bucket names the account's central log bucket (aws_s3_bucket_logging below). staging and prod must set it (terraform/variables.tf refuses a stack with deletion_protection but no access log bucket); the disposable dev stack and the moto-only local root have no central log bucket, and a bucket logging into itself would log its own log writes.
  #checkov:skip=CKV2_AWS_62:No consumer of S3 event notifications: processing is started by API calls and Textract notifies through SNS.
  for_each = local.buckets

  bucket        = each.value.name
  force_destroy = var.force_destroy
  # Object Lock can only be turned on when a bucket is created.
  object_lock_enabled = each.key == "evidence"

  tags = merge(var.tags, { Name = each.value.name, Purpose = each.key })
}

# The configuration resources below iterate the static local.buckets and name their bucket as
# aws_s3_bucket.this[each.key].id (same keys, same values, same dependency as for_each over the buckets):
# checkov links a bucket to its public access block / versioning / encryption / lifecycle / logging /
# policy only through a reference to the bucket instance with the same key. It cannot follow
# each.value.id, and a for_each over the bucket resource itself is not expanded per key in its source
# scans, so all of them attached to one bucket (environments/local lost two of three).
resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.buckets

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

# Every new evidence version is locked in GOVERNANCE mode for the retention period: no one can delete
# or overwrite it before then unless they hold s3:BypassGovernanceRetention, which the bucket policy
# denies to every principal (break-glass included). The lifecycle rule below then destroys it. A legal
# hold on a version (s3:PutObjectLegalHold, the break-glass role's alone) blocks that destruction, past
# the retention and the lifecycle expiry, until it is lifted.
resource "aws_s3_bucket_object_lock_configuration" "evidence" {
  bucket = aws_s3_bucket.this["evidence"].id

  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = var.evidence_retention_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    id     = "expire-application-data"
    status = "Enabled"

    # Evidence is destroyed wherever it was written, the other buckets only under applications/.
    filter {
      prefix = each.key == "evidence" ? "" : local.data_prefix
    }

    expiration {
      days = local.buckets[each.key].retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = min(local.buckets[each.key].retention_days, var.noncurrent_version_retention_days)
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  # Once every version of a key has expired only its delete marker is left; remove it too.
  rule {
    id     = "remove-expired-delete-markers"
    status = "Enabled"

    filter {
      prefix = local.data_prefix
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  # Lifecycle rules act on versions; configure them after versioning is on.
  depends_on = [aws_s3_bucket_versioning.this]
}

# Only the uploads bucket is reached from the browser (presigned PUT, see create-upload-url);
# liveness video streams to Rekognition and Textract output is read server-side, so the other
# buckets get no CORS at all.
resource "aws_s3_bucket_cors_configuration" "uploads" {
  count = length(var.web_origins) > 0 ? 1 : 0

  bucket = aws_s3_bucket.this["uploads"].id

  cors_rule {
    allowed_methods = ["PUT", "GET", "HEAD"]
    allowed_origins = var.web_origins
    allowed_headers = var.cors_allowed_headers
    expose_headers  = ["ETag", "x-amz-version-id"]
    max_age_seconds = 3000
  }
}

resource "aws_s3_bucket_logging" "this" {
  for_each = var.access_log_bucket == null ? {} : local.buckets

  bucket        = aws_s3_bucket.this[each.key].id
  target_bucket = var.access_log_bucket
  target_prefix = "${var.access_log_prefix}${each.key}/"
}

# Rekognition Face Liveness and Textract StartLendingAnalysis write their output with the caller's
# credentials (the Lambda role needs s3:PutObject), so no service principal is granted here.
data "aws_iam_policy_document" "bucket" {
  for_each = var.attach_bucket_policy ? aws_s3_bucket.this : {}

  # A Deny on the whole s3 namespace is the only way to make TLS mandatory for every present and
  # future S3 action; it grants nothing (the project's no-wildcard rule targets grants).
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [each.value.arn, "${each.value.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DenyTlsOlderThan12"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [each.value.arn, "${each.value.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }

  # Default encryption already applies SSE-KMS; this stops a writer from explicitly choosing a
  # weaker algorithm (SSE-S3). The key ID is not pinned: Textract and Rekognition forward the
  # KMSKeyId they were given in whatever format (ID, ARN or alias).
  statement {
    sid       = "DenyNonKmsEncryption"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${each.value.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEqualsIfExists"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }
  }

  # Biometric images are read only by the roles that must (var.biometrics_reader_role_arns) and the
  # break-glass role. Rekognition (CompareFaces) and the presigned GETs read with the caller's
  # credentials, so the caller's role is the principal S3 sees. aws:PrincipalArn is the role ARN for
  # an assumed-role session; a request without it (anonymous, a service principal) is denied too.
  dynamic "statement" {
    for_each = each.key == "biometrics" ? [1] : []

    content {
      sid       = "DenyBiometricReadsExceptNamedRoles"
      effect    = "Deny"
      actions   = ["s3:GetObject", "s3:GetObjectVersion"]
      resources = ["${each.value.arn}/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "StringNotEquals"
        variable = "aws:PrincipalArn"
        values   = local.biometrics_readers
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "evidence" ? [1] : []

    content {
      sid       = "DenyEvidenceReadsExceptNamedRoles"
      effect    = "Deny"
      actions   = ["s3:GetObject", "s3:GetObjectVersion"]
      resources = ["${each.value.arn}/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "StringNotEquals"
        variable = "aws:PrincipalArn"
        values   = local.evidence_readers
      }
    }
  }

  # Nobody deletes evidence early: a bucket policy Deny wins over any Allow, so no role (break-glass and
  # the account root included) can bypass governance mode while this policy is attached, whatever its
  # IAM policy says. Only changing the bucket policy itself (the deployer's PutBucketPolicy, logged in
  # CloudTrail) could undo that; a locked version then still needs the bypass to go.
  dynamic "statement" {
    for_each = each.key == "evidence" ? [1] : []

    content {
      sid       = "DenyGovernanceBypassToEveryone"
      effect    = "Deny"
      actions   = ["s3:BypassGovernanceRetention"]
      resources = [each.value.arn, "${each.value.arn}/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }
    }
  }

  # Evidence is destroyed by the lifecycle rule when its retention ends, never by a caller: deleting a
  # version whose lock has ended or shortening a lock is left to the break-glass role alone (e.g. a
  # court order), whatever IAM policy a role holds. S3 Lifecycle is not subject to bucket policies, but
  # it never removes a locked or legally held version.
  dynamic "statement" {
    for_each = each.key == "evidence" ? [1] : []

    content {
      sid    = "DenyEvidenceDeletionExceptBreakGlass"
      effect = "Deny"
      actions = [
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:PutObjectRetention",
      ]
      resources = [each.value.arn, "${each.value.arn}/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "StringNotEquals"
        variable = "aws:PrincipalArn"
        values   = [var.break_glass_role_arn]
      }
    }
  }

  # A legal hold (investigation, litigation) keeps a version past its retention and its lifecycle
  # expiry until lifted. Placing or lifting one is the break-glass role's alone (its IAM policy must
  # allow s3:PutObjectLegalHold); no function role may, so an erasure can never lift a hold.
  dynamic "statement" {
    for_each = each.key == "evidence" ? [1] : []

    content {
      sid       = "DenyLegalHoldChangesExceptBreakGlass"
      effect    = "Deny"
      actions   = ["s3:PutObjectLegalHold"]
      resources = ["${each.value.arn}/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "StringNotEquals"
        variable = "aws:PrincipalArn"
        values   = [var.break_glass_role_arn]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = var.attach_bucket_policy ? local.buckets : {}

  bucket = aws_s3_bucket.this[each.key].id
  policy = data.aws_iam_policy_document.bucket[each.key].json

  # With BlockPublicPolicy on, S3 evaluates the policy against the block; apply the block first.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
