//! What an upload's first bytes say it is, checked against the type it was declared as.
//!
//! A presigned PUT binds the `Content-Type` header, not the bytes: S3 stores whatever is sent.
//! Rekognition and Textract would find out, but only after being paid for (and, for a lending
//! package, only when the asynchronous job fails minutes later). The magic bytes at the start of
//! the object are enough to refuse a file that is not what it claims to be, at once.

use std::fmt;

/// How many bytes the check reads (a ranged GET of `bytes=0-1023`): PDF readers accept the
/// `%PDF-` header anywhere in the first kilobyte, images carry their signature at offset 0.
pub const SNIFF_BYTES: u64 = 1024;

/// A file format the services read, recognised by its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `89 50 4E 47 0D 0A 1A 0A`
    Png,
    /// `FF D8 FF`
    Jpeg,
    /// `49 49 2A 00` (little-endian) or `4D 4D 00 2A` (big-endian)
    Tiff,
    /// `%PDF-` within the first 1024 bytes
    Pdf,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::Tiff => "TIFF",
            Format::Pdf => "PDF",
        })
    }
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG: &[u8] = b"\xff\xd8\xff";
const TIFF_LE: &[u8] = b"II*\x00";
const TIFF_BE: &[u8] = b"MM\x00*";
const PDF: &[u8] = b"%PDF-";

/// The format the first bytes of a file announce, if any.
pub fn detect(head: &[u8]) -> Option<Format> {
    if head.starts_with(PNG) {
        Some(Format::Png)
    } else if head.starts_with(JPEG) {
        Some(Format::Jpeg)
    } else if head.starts_with(TIFF_LE) || head.starts_with(TIFF_BE) {
        Some(Format::Tiff)
    } else if head
        .get(..head.len().min(SNIFF_BYTES as usize))
        .is_some_and(|h| h.windows(PDF.len()).any(|w| w == PDF))
    {
        Some(Format::Pdf)
    } else {
        None
    }
}

/// The formats an upload declared as `content_type` may hold. A PNG and a JPEG are
/// interchangeable: both services read either, and a browser's type is only a guess from the
/// file name, so a photo saved as `.png` that is really a JPEG is still a usable image.
pub fn accepted_formats(content_type: &str) -> &'static [Format] {
    match content_type {
        "image/png" | "image/jpeg" => &[Format::Png, Format::Jpeg],
        "image/tiff" => &[Format::Tiff],
        "application/pdf" => &[Format::Pdf],
        _ => &[],
    }
}

/// Checks the first bytes of an upload against its declared type; the error is a sentence for
/// the applicant naming what was expected.
pub fn check(content_type: &str, head: &[u8]) -> Result<Format, String> {
    let accepted = accepted_formats(content_type);
    let expected = match accepted {
        [Format::Png, Format::Jpeg] => "a PNG or JPEG image".to_string(),
        [one] => format!("a {one} file"),
        _ => format!("of type {content_type}"),
    };
    if head.is_empty() {
        return Err(format!("the file is empty; expected {expected}"));
    }
    match detect(head) {
        Some(format) if accepted.contains(&format) => Ok(format),
        _ => Err(format!(
            "the file is not {expected} (declared as {content_type})"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_signatures() {
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(Format::Png));
        assert_eq!(detect(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(Format::Jpeg));
        assert_eq!(detect(b"II*\x00\x08\0\0\0"), Some(Format::Tiff));
        assert_eq!(detect(b"MM\x00*\0\0\0\x08"), Some(Format::Tiff));
        assert_eq!(detect(b"%PDF-1.7\n%\xe2\xe3"), Some(Format::Pdf));
        // Junk before the header is tolerated within the first kilobyte, as readers do.
        let mut late = vec![b' '; 1000];
        late.extend_from_slice(b"%PDF-1.4");
        assert_eq!(detect(&late), Some(Format::Pdf));
        let mut too_late = vec![b' '; 1020];
        too_late.extend_from_slice(b"%PDF-1.4");
        assert_eq!(detect(&too_late), None);
        for junk in [
            &b"MZ\x90\x00\x03\x00\x00\x00"[..],
            b"\x7fELF\x02\x01\x01",
            b"PNG but not really",
            b"\x89PNG\r\n",
            b"%PDF",
            b"GIF89a",
            b"",
        ] {
            assert_eq!(detect(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn checks_against_the_declared_type() {
        let png = b"\x89PNG\r\n\x1a\n....";
        let jpeg = b"\xff\xd8\xff\xdb....";
        let pdf = b"%PDF-1.7\n";
        let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00";
        assert_eq!(check("image/png", png), Ok(Format::Png));
        assert_eq!(check("image/png", jpeg), Ok(Format::Jpeg));
        assert_eq!(check("image/jpeg", png), Ok(Format::Png));
        assert_eq!(check("application/pdf", pdf), Ok(Format::Pdf));
        assert_eq!(check("image/tiff", b"II*\x00...."), Ok(Format::Tiff));
        assert_eq!(
            check("image/png", exe).unwrap_err(),
            "the file is not a PNG or JPEG image (declared as image/png)"
        );
        assert_eq!(
            check("application/pdf", png).unwrap_err(),
            "the file is not a PDF file (declared as application/pdf)"
        );
        assert!(check("image/jpeg", pdf).is_err());
        assert!(check("image/tiff", png).is_err());
        assert_eq!(
            check("image/png", b"").unwrap_err(),
            "the file is empty; expected a PNG or JPEG image"
        );
        assert!(check("text/plain", b"hello").is_err());
    }

    #[test]
    fn every_accepted_upload_type_has_formats() {
        for purpose in crate::uploads::UploadPurpose::ALL {
            for content_type in purpose.allowed_content_types() {
                assert!(
                    !accepted_formats(content_type).is_empty(),
                    "{purpose} {content_type}"
                );
            }
        }
    }
}
