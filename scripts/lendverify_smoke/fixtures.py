"""The generated ID image and lending PDF the smoke test uploads.

They follow the emulator's fixture conventions (emulator/README.md, "Fixture conventions") so
that on the local stage the whole flow succeeds: a PNG whose tEXt chunks name the face and carry
the ID document, and a PDF whose pages show one `KEY: value` line per text operator, with the
field names real Textract uses. On AWS the same bytes are simply a small image and a text PDF.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FACE_KEYWORD = "lendverify-face"
ID_DOCUMENT_KEYWORD = "lendverify-id"


@dataclasses.dataclass(frozen=True)
class Applicant:
    """Who the smoke test applies as; the generated passport carries the same person."""

    given_name: str = "Ana"
    family_name: str = "Silva"
    date_of_birth: datetime.date = datetime.date(1990, 4, 12)
    passport_number: str = "X9876543"
    # The emulator's face id: the liveness reference image and the passport show the same face.
    face: str = "smoke-applicant"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def request_body(self) -> dict:
        """The `applicant` of POST /applications."""
        return {
            "givenName": self.given_name,
            "familyName": self.family_name,
            "dateOfBirth": self.date_of_birth.isoformat(),
        }


# --- PNG -------------------------------------------------------------------------------------

def _png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", zlib.crc32(chunk_type + data))


def png(text_chunks: dict[str, str], size: int = 16) -> bytes:
    """A real, decodable grey PNG carrying `text_chunks` as tEXt chunks (Latin-1 text)."""
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale, no interlace
    rows = b"".join(b"\x00" + bytes([128]) * size for _ in range(size))  # filter byte 0 per row
    texts = b"".join(
        _png_chunk(b"tEXt", keyword.encode("latin-1") + b"\x00" + text.encode("latin-1"))
        for keyword, text in text_chunks.items()
    )
    return (
        PNG_SIGNATURE
        + _png_chunk(b"IHDR", header)
        + texts
        + _png_chunk(b"IDAT", zlib.compress(rows))
        + _png_chunk(b"IEND", b"")
    )


# --- passport (ICAO 9303 TD3 machine-readable zone) --------------------------------------------

def mrz_check_digit(field: str) -> int:
    """ICAO 9303 check digit: weights 7, 3, 1; digits count as themselves, A-Z as 10-35, < as 0."""
    def value(char: str) -> int:
        if char.isdigit():
            return int(char)
        if "A" <= char <= "Z":
            return ord(char) - ord("A") + 10
        return 0

    return sum(value(char) * (7, 3, 1)[i % 3] for i, char in enumerate(field)) % 10


def _mrz_field(text: str, length: int) -> str:
    return text.upper().replace(" ", "<").replace("-", "<").ljust(length, "<")[:length]


def td3_mrz(applicant: Applicant, expires_on: datetime.date) -> str:
    """The two 44-character lines of a passport consistent with the printed fields."""
    names = _mrz_field(f"{applicant.family_name}<<{applicant.given_name}", 39)
    number = _mrz_field(applicant.passport_number, 9)
    birth = applicant.date_of_birth.strftime("%y%m%d")
    expiry = expires_on.strftime("%y%m%d")
    personal = _mrz_field("", 14)
    checked = [number, birth, expiry, personal]
    digits = [str(mrz_check_digit(field)) for field in checked]
    composite = mrz_check_digit(f"{number}{digits[0]}{birth}{digits[1]}{expiry}{digits[2]}{personal}{digits[3]}")
    line2 = f"{number}{digits[0]}UTO{birth}{digits[1]}X{expiry}{digits[2]}{personal}{digits[3]}{composite}"
    return f"P<UTO{names}\n{line2}"


def passport_png(applicant: Applicant, today: datetime.date) -> bytes:
    """The front of a passport valid for five more years, with the applicant's face."""
    expires_on = today.replace(year=today.year + 5, day=min(today.day, 28))
    document = {
        "face": applicant.face,
        "fields": {
            "FIRST_NAME": applicant.given_name.upper(),
            "LAST_NAME": applicant.family_name.upper(),
            "DATE_OF_BIRTH": applicant.date_of_birth.isoformat(),
            "EXPIRATION_DATE": expires_on.isoformat(),
            "DOCUMENT_NUMBER": applicant.passport_number,
            "ID_TYPE": "PASSPORT",
            "MRZ_CODE": td3_mrz(applicant, expires_on),
        },
    }
    return png({FACE_KEYWORD: applicant.face, ID_DOCUMENT_KEYWORD: json.dumps(document, ensure_ascii=True)})


# --- PDF -------------------------------------------------------------------------------------

def _pdf_literal(line: str) -> str:
    return "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf(pages: list[list[str]]) -> bytes:
    """A PDF with one page per entry and one `Tj` per line (uncompressed, with an xref table)."""
    page_count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(page_count))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {page_count} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        content = "BT /F1 12 Tf 16 TL 72 720 Td\n" + "".join(f"{_pdf_literal(line)} Tj T*\n" for line in lines) + "ET"
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("latin-1")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("latin-1")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode("latin-1")
    return bytes(out)


# The amounts the pages print, and where the API's `extracted` returns them.
WAGES, CURRENT_GROSS_PAY, ENDING_BALANCE = "85,000.00", "7,083.33", "24,310.55"
PRINTED_AMOUNTS = (
    ("w2", "wages", WAGES),
    ("payslips", "currentGrossPay", CURRENT_GROSS_PAY),
    ("bankStatements", "endingBalance", ENDING_BALANCE),
)


def lending_pages(applicant: Applicant, today: datetime.date) -> list[list[str]]:
    """A signed 1003, a W-2, a pay stub and a bank statement, with Textract's own field names."""
    name = applicant.full_name
    month_start = today.replace(day=1) - datetime.timedelta(days=1)
    period_end = month_start.isoformat()
    period_start = month_start.replace(day=1).isoformat()
    return [
        ["Uniform Residential Loan Application", "SIGNATURE: present"],
        [
            "Form W-2 Wage and Tax Statement",
            f"EMPLOYEE_NAME: {name}",
            f"FORM_YEAR: {today.year - 1}",
            f"WAGES: {WAGES}",
        ],
        [
            "Earnings Statement",
            f"BORROWER_NAME: {name}",
            f"CURRENT_GROSS_PAY: {CURRENT_GROSS_PAY}",
            f"PERIOD_START_DATE: {period_start}",
            f"PERIOD_END_DATE: {period_end}",
        ],
        [
            "Bank Statement",
            f"BORROWER_NAME: {name}",
            f"ENDING_BALANCE: {ENDING_BALANCE}",
            f"PERIOD_START_DATE: {period_start}",
            f"PERIOD_END_DATE: {period_end}",
        ],
    ]


def lending_package(applicant: Applicant, today: datetime.date) -> bytes:
    return pdf(lending_pages(applicant, today))
