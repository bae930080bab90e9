"""Helpers for writing fixtures the emulator understands (documented in README.md).

    from lendverify_emulator.fixtures import make_png, make_pdf, sample_lending_pages

    selfie = make_png(face="alice")
    id_front = make_png(id_document={"face": "alice", "fields": {"FIRST_NAME": "Ana"}})
    package = make_pdf(sample_lending_pages())
"""

from __future__ import annotations

from .images import face_id, id_document, make_png, text_chunks
from .pdf import make_pdf, page_texts

__all__ = [
    "face_id",
    "id_document",
    "make_pdf",
    "make_png",
    "page_texts",
    "sample_lending_pages",
    "text_chunks",
]


def sample_lending_pages() -> list[list[str]]:
    """A four-page mortgage package with real Textract field names: signed 1003, W-2, pay stub,
    bank statement. Values are printed the way real documents print them ("$4,083.33")."""
    return [
        [
            "Uniform Residential Loan Application",
            "OTHER: Ana Muller",  # real 1003 pages carry the borrower's name under OTHER
            "SIGNATURE: present",
        ],
        [
            "Form W-2 Wage and Tax Statement",
            "FORM_YEAR: 2024",
            "EMPLOYEE_NAME: Ana Muller",
            "WAGES: $98,000.00",
            "CONFIDENCE_WAGES: 71.5",
        ],
        [
            "Earnings Statement",
            "BORROWER_NAME: Ana Muller",
            "PAY_PERIOD_START_DATE: 10/01/2024",
            "PAY_PERIOD_END_DATE: 10/31/2024",
            "CURRENT_GROSS_PAY: $4,083.33",
            "YTD_GROSS_PAY: $40,833.30",
        ],
        [
            "Bank Statement",
            "BORROWER_NAME: Ana Muller",
            "PERIOD_START_DATE: 1 OCT 2024",
            "PERIOD_END_DATE: 31 OCT 2024",
            "ENDING_BALANCE: $25,000.00",
        ],
    ]
