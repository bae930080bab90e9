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
    """A four-page mortgage package: signed 1003, W-2, pay stub, bank statement."""
    return [
        [
            "Uniform Residential Loan Application",
            "BORROWER_NAME: Ana Muller",
            "LOAN_AMOUNT: 350000.00",
            "SIGNATURE: present",
        ],
        [
            "Form W-2 Wage and Tax Statement 2024",
            "EMPLOYEE_NAME: Ana Muller",
            "WAGES_TIPS_OTHER_COMPENSATION: 98000.00",
            "CONFIDENCE_WAGES_TIPS_OTHER_COMPENSATION: 71.5",
        ],
        [
            "Earnings Statement",
            "EMPLOYEE_NAME: Ana Muller",
            "GROSS_PAY: 4083.33",
        ],
        [
            "Bank Statement",
            "ACCOUNT_HOLDER: Ana Muller",
            "ENDING_BALANCE: 25000.00",
        ],
    ]
