//! Identifier validation.
//!
//! Every id LendVerify hands out (applications, uploads, documents, verifications) and every
//! Rekognition liveness session id is a hyphenated UUID. Checking the shape before touching
//! DynamoDB keeps junk out of key conditions and log lines. Generation lives in the adapters
//! (with the `uuid` crate), so this crate stays dependency-light.
//!
//! Ids are returned lower-cased: the adapters generate lower-case ids and DynamoDB keys are
//! case-sensitive, so normalizing here lets an upper-cased copy of a valid id still find its item.

use crate::error::ApiError;

/// True for a 36-character hyphenated UUID (`8-4-4-4-12` hex digits, either case). Version and
/// variant bits are not checked: Rekognition's session ids are opaque to us and only the shape
/// matters for safety.
pub fn is_uuid(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Validates an id inside a request body; a malformed one is a 422 naming `field`.
pub fn validate_id(field: &str, value: &str) -> Result<(), ApiError> {
    if is_uuid(value) {
        Ok(())
    } else {
        Err(ApiError::field(field, "must be a UUID"))
    }
}

/// Parses an id from the URL path. A malformed id cannot name an existing resource, so it is
/// answered exactly like an unknown one (404) — no separate "bad id" signal to probe with.
pub fn parse_path_id(resource: &'static str, value: &str) -> Result<String, ApiError> {
    if is_uuid(value) {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(ApiError::NotFound { resource })
    }
}

/// Parses an id from a request body (e.g. `uploadId`); malformed → 422 naming `field`, because
/// here the client can fix its input.
pub fn parse_body_id(field: &str, value: &str) -> Result<String, ApiError> {
    validate_id(field, value)?;
    Ok(value.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shapes() {
        let cases = [
            ("0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f", true),
            ("0B9C4B7E-3F1A-4D2B-9C8E-1A2B3C4D5E6F", true),
            ("0b9c4b7e3f1a4d2b9c8e1a2b3c4d5e6f", false),
            ("0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6", false),
            ("0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6fa", false),
            ("0b9c4b7g-3f1a-4d2b-9c8e-1a2b3c4d5e6f", false),
            ("0b9c4b7e-3f1a-4d2b-9c8e_1a2b3c4d5e6f", false),
            ("{b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f", false),
            ("", false),
            ("../../etc/passwd", false),
        ];
        for (value, ok) in cases {
            assert_eq!(is_uuid(value), ok, "{value}");
            assert_eq!(validate_id("uploadId", value).is_ok(), ok, "{value}");
            assert_eq!(parse_path_id("application", value).is_ok(), ok);
            assert_eq!(parse_body_id("uploadId", value).is_ok(), ok);
        }
    }

    #[test]
    fn errors_and_normalization() {
        assert_eq!(
            parse_path_id("application", "nope"),
            Err(ApiError::NotFound {
                resource: "application"
            })
        );
        assert_eq!(parse_body_id("uploadId", "nope").unwrap_err().status(), 422);
        assert_eq!(
            parse_path_id("application", "0B9C4B7E-3F1A-4D2B-9C8E-1A2B3C4D5E6F").unwrap(),
            "0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f"
        );
    }
}
