//! Upload requests: what may be uploaded for which purpose, and how large.
//!
//! The limits are those of the services that will read the object, checked *before* a presigned
//! URL is issued so an applicant learns immediately that a file cannot work, instead of after a
//! long upload when Rekognition or Textract rejects it:
//! - Rekognition CompareFaces and Textract AnalyzeID take JPEG/PNG images of at most 5 MB from S3
//!   (ID front/back);
//! - Textract's asynchronous Analyze Lending takes PDF/TIFF up to 500 MB and JPEG/PNG up to 10 MB.
//!
//! Below those, a configured ceiling (`MAX_UPLOAD_BYTES`, [`crate::quotas`], default 50 MiB)
//! bounds every upload, so one account cannot make the platform store and analyse 500 MB files:
//! an upload's limit is the smaller of its service limit and the ceiling.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, FieldError};

const MIB: u64 = 1024 * 1024;

/// Largest identity-document image, in bytes.
pub const MAX_ID_IMAGE_BYTES: u64 = 5 * MIB;
/// Largest image in a lending package, in bytes.
pub const MAX_LENDING_IMAGE_BYTES: u64 = 10 * MIB;
/// Largest PDF/TIFF lending package, in bytes.
pub const MAX_LENDING_DOCUMENT_BYTES: u64 = 500 * MIB;

/// What an upload is for; decides the allowed content types and sizes and which later step may
/// use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UploadPurpose {
    /// Front of the ID document (the face CompareFaces looks for).
    IdFront,
    /// Back of the ID document (AnalyzeID reads it together with the front).
    IdBack,
    /// A lending package for Analyze Lending.
    LendingPackage,
}

/// Each operation reads one kind of upload: an ID image is never sent to lending analysis and a
/// lending package never to AnalyzeID. Picking the wrong upload is a 422 on the field named.
pub fn require_purpose(
    field: &str,
    actual: UploadPurpose,
    expected: UploadPurpose,
) -> Result<(), ApiError> {
    if actual == expected {
        Ok(())
    } else {
        Err(ApiError::field(
            field,
            format!("upload is not a {}", expected.as_str()),
        ))
    }
}

impl UploadPurpose {
    /// Every purpose.
    pub const ALL: [UploadPurpose; 3] = [
        UploadPurpose::IdFront,
        UploadPurpose::IdBack,
        UploadPurpose::LendingPackage,
    ];

    /// Whether the upload is part of an ID document (as opposed to a lending package).
    pub fn is_identity(&self) -> bool {
        matches!(self, UploadPurpose::IdFront | UploadPurpose::IdBack)
    }

    /// The wire spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            UploadPurpose::IdFront => "ID_FRONT",
            UploadPurpose::IdBack => "ID_BACK",
            UploadPurpose::LendingPackage => "LENDING_PACKAGE",
        }
    }

    /// Content types accepted for this purpose, for error messages and the presigned URL.
    pub fn allowed_content_types(&self) -> &'static [&'static str] {
        match self {
            UploadPurpose::IdFront | UploadPurpose::IdBack => &["image/jpeg", "image/png"],
            UploadPurpose::LendingPackage => {
                &["application/pdf", "image/tiff", "image/jpeg", "image/png"]
            }
        }
    }

    /// Largest accepted size for a content type under the configured ceiling `max_upload_bytes`
    /// (the smaller of the two), or `None` if the type is not accepted at all.
    pub fn max_bytes_within(&self, content_type: &str, max_upload_bytes: u64) -> Option<u64> {
        self.max_bytes(content_type)
            .map(|limit| limit.min(max_upload_bytes))
    }

    /// Largest size the reading service accepts for a content type, or `None` if the type is not
    /// accepted at all. `content_type` must already be lower-case without parameters.
    pub fn max_bytes(&self, content_type: &str) -> Option<u64> {
        match (self, content_type) {
            (UploadPurpose::IdFront | UploadPurpose::IdBack, "image/jpeg" | "image/png") => {
                Some(MAX_ID_IMAGE_BYTES)
            }
            (UploadPurpose::LendingPackage, "application/pdf" | "image/tiff") => {
                Some(MAX_LENDING_DOCUMENT_BYTES)
            }
            (UploadPurpose::LendingPackage, "image/jpeg" | "image/png") => {
                Some(MAX_LENDING_IMAGE_BYTES)
            }
            _ => None,
        }
    }
}

impl fmt::Display for UploadPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UploadPurpose {
    type Err = ();

    /// Exact wire spelling only, matching what serde accepts.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UploadPurpose::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or(())
    }
}

/// A validated `POST /applications/{id}/uploads` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadRequest {
    /// What the upload is for.
    pub purpose: UploadPurpose,
    /// Normalized (lower-case, no parameters) content type; the presigned URL must sign exactly
    /// this value, and the client must send it as `Content-Type`.
    pub content_type: String,
    /// Declared size in bytes; the presigned URL should sign it as `Content-Length` so S3 refuses
    /// any other size.
    pub content_length: u64,
}

/// The body as sent: `purpose` is a string here so that an unknown purpose is a 422 naming the
/// field rather than a serde 400.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UploadRequestWire {
    purpose: String,
    content_type: String,
    content_length: u64,
}

/// Parses and validates an upload request under the configured ceiling `max_upload_bytes`.
///
/// Bad JSON, unknown or missing fields, or wrong JSON types → 400; an unknown purpose, an empty
/// content type or a zero length → 422 (all reported together); a content type the purpose does
/// not accept → 415; a size over the purpose's limit or the ceiling, whichever is smaller → 413.
/// Checks run in that order so the client always fixes the most basic problem first. The
/// declared size is what the presigned PUT signs as `Content-Length`, so S3 refuses any other.
pub fn parse_upload_request(body: &[u8], max_upload_bytes: u64) -> Result<UploadRequest, ApiError> {
    let wire: UploadRequestWire = ApiError::parse_json_object(body)?;
    let mut errors = Vec::new();
    let purpose = wire.purpose.parse::<UploadPurpose>().ok();
    if purpose.is_none() {
        errors.push(FieldError::new(
            "purpose",
            "must be one of ID_FRONT, ID_BACK, LENDING_PACKAGE",
        ));
    }
    let content_type = wire.content_type.trim().to_ascii_lowercase();
    if content_type.is_empty() {
        errors.push(FieldError::new("contentType", "must not be empty"));
    }
    if wire.content_length == 0 {
        errors.push(FieldError::new("contentLength", "must be greater than 0"));
    }
    let Some(purpose) = purpose.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    // Parameters (`; charset=…`) are refused rather than stripped: the signed Content-Type must
    // equal what the browser sends, and none of the accepted types takes parameters.
    let Some(max) = purpose.max_bytes_within(&content_type, max_upload_bytes) else {
        return Err(ApiError::UnsupportedMediaType(format!(
            "{} uploads accept {}",
            purpose,
            purpose.allowed_content_types().join(", ")
        )));
    };
    if wire.content_length > max {
        return Err(ApiError::PayloadTooLarge(format!(
            "{purpose} uploads of type {content_type} may be at most {max} bytes"
        )));
    }
    Ok(UploadRequest {
        purpose,
        content_type,
        content_length: wire.content_length,
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn each_operation_reads_its_own_kind_of_upload() {
        assert!(require_purpose(
            "uploadId",
            UploadPurpose::LendingPackage,
            UploadPurpose::LendingPackage
        )
        .is_ok());
        for p in [UploadPurpose::IdFront, UploadPurpose::IdBack] {
            let err = require_purpose("uploadId", p, UploadPurpose::LendingPackage).unwrap_err();
            assert_eq!(err.status(), 422);
            assert_eq!(err.problem("/x")["errors"][0]["field"], "uploadId");
        }
    }
    use super::*;

    fn req(purpose: &str, content_type: &str, len: u64) -> Result<UploadRequest, ApiError> {
        req_within(purpose, content_type, len, MAX_LENDING_DOCUMENT_BYTES)
    }

    fn req_within(
        purpose: &str,
        content_type: &str,
        len: u64,
        ceiling: u64,
    ) -> Result<UploadRequest, ApiError> {
        let body = serde_json::json!({
            "purpose": purpose, "contentType": content_type, "contentLength": len
        });
        parse_upload_request(body.to_string().as_bytes(), ceiling)
    }

    #[test]
    fn the_ceiling_lowers_the_limits_above_it_only() {
        let ceiling = crate::quotas::DEFAULT_MAX_UPLOAD_BYTES;
        let cases: &[(&str, &str, u64, u16)] = &[
            // ID images and package images stay within their service limits.
            ("ID_FRONT", "image/jpeg", MAX_ID_IMAGE_BYTES, 200),
            ("ID_FRONT", "image/jpeg", MAX_ID_IMAGE_BYTES + 1, 413),
            ("LENDING_PACKAGE", "image/png", MAX_LENDING_IMAGE_BYTES, 200),
            // A PDF or TIFF up to the ceiling, not Textract's 500 MiB.
            ("LENDING_PACKAGE", "application/pdf", ceiling, 200),
            ("LENDING_PACKAGE", "application/pdf", ceiling + 1, 413),
            (
                "LENDING_PACKAGE",
                "image/tiff",
                MAX_LENDING_DOCUMENT_BYTES,
                413,
            ),
        ];
        for (purpose, ct, len, status) in cases {
            let got = req_within(purpose, ct, *len, ceiling);
            let got_status = got.as_ref().map(|_| 200).unwrap_or_else(ApiError::status);
            assert_eq!(got_status, *status, "{purpose} {ct} {len}: {got:?}");
        }
        let err =
            req_within("LENDING_PACKAGE", "application/pdf", ceiling + 1, ceiling).unwrap_err();
        assert!(
            err.detail().contains(&format!("at most {ceiling} bytes")),
            "{err:?}"
        );
        for p in UploadPurpose::ALL {
            for ct in p.allowed_content_types() {
                let within = p.max_bytes_within(ct, ceiling).unwrap();
                assert_eq!(within, p.max_bytes(ct).unwrap().min(ceiling));
            }
        }
    }

    #[test]
    fn rules_table() {
        let cases: &[(&str, &str, u64, u16)] = &[
            ("ID_FRONT", "image/jpeg", 1, 200),
            ("ID_FRONT", "image/png", MAX_ID_IMAGE_BYTES, 200),
            ("ID_BACK", "IMAGE/JPEG", MAX_ID_IMAGE_BYTES, 200),
            ("ID_FRONT", "image/jpeg", MAX_ID_IMAGE_BYTES + 1, 413),
            ("ID_FRONT", "application/pdf", 10, 415),
            ("ID_BACK", "image/tiff", 10, 415),
            ("ID_FRONT", "image/jpeg; charset=binary", 10, 415),
            (
                "LENDING_PACKAGE",
                "application/pdf",
                MAX_LENDING_DOCUMENT_BYTES,
                200,
            ),
            (
                "LENDING_PACKAGE",
                "image/tiff",
                MAX_LENDING_DOCUMENT_BYTES + 1,
                413,
            ),
            (
                "LENDING_PACKAGE",
                "image/jpeg",
                MAX_LENDING_IMAGE_BYTES,
                200,
            ),
            (
                "LENDING_PACKAGE",
                "image/png",
                MAX_LENDING_IMAGE_BYTES + 1,
                413,
            ),
            ("LENDING_PACKAGE", "text/plain", 10, 415),
            ("SELFIE", "image/jpeg", 10, 422),
            ("id_front", "image/jpeg", 10, 422),
            ("ID_FRONT", "image/jpeg", 0, 422),
            ("ID_FRONT", " ", 10, 422),
        ];
        for (purpose, ct, len, status) in cases {
            let got = req(purpose, ct, *len);
            let got_status = got.as_ref().map(|_| 200).unwrap_or_else(ApiError::status);
            assert_eq!(got_status, *status, "{purpose} {ct} {len}: {got:?}");
        }
        let ok = req("ID_BACK", " Image/PNG ", 10).unwrap();
        assert_eq!(ok.content_type, "image/png");
        assert_eq!(ok.purpose, UploadPurpose::IdBack);
    }

    #[test]
    fn field_errors_are_collected() {
        match req("NOPE", "", 0).unwrap_err() {
            ApiError::Validation(errors) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["purpose", "contentType", "contentLength"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_is_400() {
        for body in [
            "",
            "{",
            r#"["ID_FRONT","image/jpeg",10]"#,
            r#"{"purpose":"ID_FRONT","contentType":"image/jpeg"}"#,
            r#"{"purpose":"ID_FRONT","contentType":"image/jpeg","contentLength":-1}"#,
            r#"{"purpose":"ID_FRONT","contentType":"image/jpeg","contentLength":"10"}"#,
            r#"{"purpose":"ID_FRONT","contentType":"image/jpeg","contentLength":10,"x":1}"#,
        ] {
            assert_eq!(
                parse_upload_request(body.as_bytes(), MAX_LENDING_DOCUMENT_BYTES)
                    .unwrap_err()
                    .status(),
                400,
                "{body}"
            );
        }
    }

    #[test]
    fn purposes() {
        assert!(UploadPurpose::IdFront.is_identity());
        assert!(UploadPurpose::IdBack.is_identity());
        assert!(!UploadPurpose::LendingPackage.is_identity());
        for p in UploadPurpose::ALL {
            assert_eq!(
                serde_json::to_value(p).unwrap(),
                serde_json::Value::String(p.to_string())
            );
            assert_eq!(p.as_str().parse(), Ok(p));
            for ct in p.allowed_content_types() {
                assert!(p.max_bytes(ct).is_some());
            }
        }
    }
}
