//! Generated fixtures in the formats the emulator reads (see `emulator/README.md`): real PNGs
//! whose tEXt chunks carry the face and the ID document, and real multi-page PDFs whose pages
//! carry one text line per `Tj`.

use lendverify_core::mrz::check_digit;
use serde_json::{json, Value};

/// A 16×16 grey PNG with the given tEXt chunks.
pub fn png(text_chunks: &[(&str, String)]) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, 16, 16);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        for (keyword, text) in text_chunks {
            encoder
                .add_text_chunk(keyword.to_string(), text.clone())
                .expect("tEXt chunk");
        }
        let mut writer = encoder.write_header().expect("PNG header");
        writer
            .write_image_data(&[128u8; 16 * 16])
            .expect("PNG data");
    }
    bytes
}

/// The printed fields of a passport and whether its MRZ should be valid.
pub struct Passport<'a> {
    pub face: &'a str,
    pub given_name: &'a str,
    pub family_name: &'a str,
    /// YYYY-MM-DD
    pub date_of_birth: &'a str,
    /// YYYY-MM-DD
    pub expires_on: &'a str,
    pub number: &'a str,
    pub corrupt_mrz: bool,
}

fn yymmdd(date: &str) -> String {
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    digits[2..].to_string()
}

fn pad(s: &str, len: usize) -> String {
    let mut s = s.to_uppercase().replace([' ', '-'], "<");
    while s.len() < len {
        s.push('<');
    }
    s.truncate(len);
    s
}

/// An ICAO 9303 TD3 machine-readable zone consistent with the printed fields.
pub fn td3_mrz(p: &Passport) -> String {
    let names = pad(&format!("{}<<{}", p.family_name, p.given_name), 39);
    let line1 = format!("P<UTO{names}");
    let number = pad(p.number, 9);
    let dob = yymmdd(p.date_of_birth);
    let expiry = yymmdd(p.expires_on);
    let personal = pad("", 14);
    let (n, d, e, o) = (
        check_digit(&number),
        check_digit(&dob),
        check_digit(&expiry),
        check_digit(&personal),
    );
    let composite_input = format!("{number}{n}{dob}{d}{expiry}{e}{personal}{o}");
    let composite = check_digit(&composite_input);
    let mut line2 = format!("{number}{n}UTO{dob}{d}F{expiry}{e}{personal}{o}{composite}");
    if p.corrupt_mrz {
        // Flip the document number's check digit: ICAO 9303 validation must catch it.
        let wrong = (n + 1) % 10;
        line2.replace_range(9..10, &wrong.to_string());
    }
    format!("{line1}\n{line2}")
}

/// The front of a passport: the ID document and its face.
pub fn passport_png(p: &Passport) -> Vec<u8> {
    let document = json!({
        "face": p.face,
        "fields": {
            "FIRST_NAME": p.given_name.to_uppercase(),
            "LAST_NAME": p.family_name.to_uppercase(),
            "DATE_OF_BIRTH": p.date_of_birth,
            "EXPIRATION_DATE": p.expires_on,
            "DOCUMENT_NUMBER": p.number,
            "ID_TYPE": "PASSPORT",
            "MRZ_CODE": td3_mrz(p),
        }
    });
    png(&[
        ("lendverify-face", p.face.to_string()),
        ("lendverify-id", document.to_string()),
    ])
}

fn escape(line: &str) -> String {
    line.replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)")
}

/// A PDF with one page per entry, each line shown by its own `Tj`, with a correct xref table.
pub fn pdf(pages: &[Vec<String>]) -> Vec<u8> {
    let mut objects: Vec<String> = Vec::new();
    let page_count = pages.len();
    // 1: catalog, 2: pages, 3: font, then (page, content) pairs.
    let kids: Vec<String> = (0..page_count)
        .map(|i| format!("{} 0 R", 4 + 2 * i))
        .collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {page_count} >>",
        kids.join(" ")
    ));
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into());
    for (i, lines) in pages.iter().enumerate() {
        let content_id = 5 + 2 * i;
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>"
        ));
        let mut stream = String::from("BT /F1 12 Tf 14 TL 72 720 Td\n");
        for line in lines {
            stream.push_str(&format!("({}) Tj T*\n", escape(line)));
        }
        stream.push_str("ET");
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A four-page lending package: URLA 1003, W-2, payslip, bank statement, with the field names
/// real Textract uses and values printed the way real documents print them.
pub fn lending_package(borrower: &str) -> Vec<u8> {
    let page = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    pdf(&[
        page(&[
            "Uniform Residential Loan Application",
            // Real 1003 pages carry the name under OTHER; payslips and statements name the
            // borrower.
            &format!("OTHER: {borrower}"),
            "SIGNATURE: present",
        ]),
        page(&[
            "Form W-2 Wage and Tax Statement",
            &format!("EMPLOYEE_NAME: {borrower}"),
            "FORM_YEAR: 2025",
            "WAGES: $85,000.00",
        ]),
        page(&[
            "Earnings Statement",
            &format!("BORROWER_NAME: {borrower}"),
            "CURRENT_GROSS_PAY: $ 7,083.33",
            "PAY_PERIOD_START_DATE: 10/01/2026",
            "PAY_PERIOD_END_DATE: 10/31/2026",
        ]),
        page(&[
            "Bank Statement",
            &format!("BORROWER_NAME: Mrs {borrower}"),
            "ENDING_BALANCE: $24,310.55",
            "PERIOD_START_DATE: Oct 1, 2026",
            "PERIOD_END_DATE: 31-Oct-2026",
        ]),
    ])
}

/// A response recorded from real Textract or Rekognition, from `tests/fixtures/aws-recorded/`.
pub fn recorded(name: &str) -> Value {
    let path = crate::repo_root()
        .join("tests/fixtures/aws-recorded")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// The declared applicant matching [`good_passport`].
pub fn applicant() -> Value {
    json!({ "givenName": "Ana", "familyName": "Müller", "dateOfBirth": "1990-04-12" })
}

pub fn good_passport(face: &str) -> Passport<'_> {
    Passport {
        face,
        given_name: "Ana",
        family_name: "Muller",
        date_of_birth: "1990-04-12",
        expires_on: "2034-01-31",
        number: "X1234567",
        corrupt_mrz: false,
    }
}
