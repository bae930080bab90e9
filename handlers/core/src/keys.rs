//! DynamoDB keys and S3 key prefixes, exactly as `handlers/README.md` lays them out.
//!
//! Plain strings, no SDK types: keeping the layout in one place means the adapters, the local
//! stage and the erasure code (which must find *everything* under an application) cannot drift.

/// Partition key of every item belonging to an application.
pub fn app_pk(application_id: &str) -> String {
    format!("APP#{application_id}")
}

/// Sort key of the application item itself.
pub const APPLICATION_SK: &str = "APPLICATION";

/// Sort key of a liveness session.
pub fn liveness_sk(session_id: &str) -> String {
    format!("LIVENESS#{session_id}")
}

/// Sort key of an upload.
pub fn upload_sk(upload_id: &str) -> String {
    format!("UPLOAD#{upload_id}")
}

/// Sort key of an identity verification.
pub fn idv_sk(verification_id: &str) -> String {
    format!("IDV#{verification_id}")
}

/// Sort key of a lending document.
pub fn doc_sk(document_id: &str) -> String {
    format!("DOC#{document_id}")
}

/// Sort key of a processed Textract job (the consumer's idempotency marker).
pub fn job_sk(job_id: &str) -> String {
    format!("JOB#{job_id}")
}

/// Partition key of an idempotency record of `POST /applications`; scoped by owner so one user's
/// key can never replay another user's application.
pub fn idempotency_pk(owner_sub: &str, key: &str) -> String {
    format!("IDEMPOTENCY#{owner_sub}#{key}")
}

/// Sort key of an idempotency record.
pub const IDEMPOTENCY_SK: &str = "IDEMPOTENCY";

/// Partition key of the erasure record left after `DELETE`.
pub fn erasure_pk(application_id: &str) -> String {
    format!("ERASURE#{application_id}")
}

/// Sort key of the erasure record.
pub const ERASURE_SK: &str = "ERASURE";

/// S3 prefix (in every bucket) holding everything of one application; erasure deletes it whole.
pub fn application_prefix(application_id: &str) -> String {
    format!("applications/{application_id}/")
}

/// S3 key of an upload in the uploads bucket.
pub fn upload_key(application_id: &str, upload_id: &str) -> String {
    format!("applications/{application_id}/uploads/{upload_id}")
}

/// Output prefix handed to Rekognition for liveness reference/audit images (biometrics bucket).
pub fn liveness_prefix(application_id: &str) -> String {
    format!("applications/{application_id}/liveness")
}

/// Output prefix handed to Textract for lending results (textract-output bucket).
pub fn textract_prefix(application_id: &str, document_id: &str) -> String {
    format!("applications/{application_id}/textract/{document_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_matches_readme() {
        assert_eq!(app_pk("a"), "APP#a");
        assert_eq!(liveness_sk("s"), "LIVENESS#s");
        assert_eq!(upload_sk("u"), "UPLOAD#u");
        assert_eq!(idv_sk("v"), "IDV#v");
        assert_eq!(doc_sk("d"), "DOC#d");
        assert_eq!(job_sk("j"), "JOB#j");
        assert_eq!(idempotency_pk("o", "k"), "IDEMPOTENCY#o#k");
        assert_eq!(erasure_pk("a"), "ERASURE#a");
        assert_eq!(upload_key("a", "u"), "applications/a/uploads/u");
        assert_eq!(liveness_prefix("a"), "applications/a/liveness");
        assert_eq!(textract_prefix("a", "d"), "applications/a/textract/d");
        assert!(upload_key("a", "u").starts_with(&application_prefix("a")));
    }
}
