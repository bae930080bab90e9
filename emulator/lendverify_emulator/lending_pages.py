"""GetLendingAnalysis ``Results`` from the text lines of a PDF's pages (rules in README.md).

Deterministic: a page's type follows from phrases (or a ``PAGE_TYPE:`` line), its fields from
``KEY: value`` lines, passed through as printed. The result shapes follow the recorded real
response (tests/fixtures/aws-recorded/lending-package-no-signature.json): no ``KeyDetection``,
one ``LendingField`` per line (a repeated key repeats the field), ``ValueDetections: []`` for a
key printed without a value, ``Extractions: []`` on UNCLASSIFIED pages, an ``IdentityDocument``
on identity pages and an ``ExpenseDocument`` on receipts and invoices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .identity_fields import identity_fields
from .lending_types import EXPENSE_TYPES, IDENTITY_DOCUMENT, UNCLASSIFIED, expects_signature

CLASSIFICATION_CONFIDENCE = 99.0
DEFAULT_VALUE_CONFIDENCE = 97.0
EXPENSE_TYPE_CONFIDENCE = 99.0
SIGNATURE_CONFIDENCE = 99.0
UNDETECTED_PAGE_NUMBER = "undetected"  # what Textract reports when no page number is printed
PAGE_NUMBER_CONFIDENCE = 100.0

# First match wins, so a 1003 that mentions a bank statement is still a 1003.
CLASSIFIERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("1003", ("uniform residential loan application",)),
    ("W_2", ("form w-2", "wage and tax statement")),
    ("PAYSLIPS", ("earnings statement", "pay stub", "payslip")),
    ("BANK_STATEMENT", ("bank statement",)),
    ("CHECKS", ("pay to the order of",)),
    ("IDENTITY_DOCUMENT", ("driver license", "passport")),
    ("RECEIPTS", ("receipt",)),
)

# Lines that steer the emulator and are never fields.
SIGNATURE_KEY = "SIGNATURE"  # "SIGNATURE: present"
CONFIDENCE_PREFIX = "CONFIDENCE_"  # "CONFIDENCE_WAGES: 71.5"
PAGE_TYPE_KEY = "PAGE_TYPE"  # "PAGE_TYPE: 1099_DIV" (any type, passed through)
JOB_STATUS_KEY = "JOB_STATUS"  # "JOB_STATUS: FAILED" / "JOB_STATUS: ERROR" (whole job)

# Real field types include "COLLECTIBLES_28%_GAIN" and "UNRECAP._SEC._1250_GAIN".
_FIELD_LINE = re.compile(r"^\s*([A-Z0-9_][A-Z0-9_.,%]*)\s*:\s*(.*?)\s*$")
_PRINTED_PAGE_NUMBER = re.compile(r"^\s*page\s+(\d+)(\s+of\s+\d+)?\s*$", re.I)


def classify(lines: list[str]) -> str:
    text = "\n".join(lines).lower()
    for page_type, phrases in CLASSIFIERS:
        if any(p in text for p in phrases):
            return page_type
    return UNCLASSIFIED


def _geometry(left: float, top: float, width: float, height: float) -> dict[str, Any]:
    r = lambda v: round(v, 4)  # noqa: E731 - keep JSON short and stable
    return {
        "BoundingBox": {"Width": r(width), "Height": r(height), "Left": r(left), "Top": r(top)},
        "Polygon": [
            {"X": r(left), "Y": r(top)},
            {"X": r(left + width), "Y": r(top)},
            {"X": r(left + width), "Y": r(top + height)},
            {"X": r(left), "Y": r(top + height)},
        ],
    }


def _line_top(line_index: int) -> float:
    return min(0.05 + line_index * 0.035, 0.94)


def _value_geometry(line_index: int) -> dict[str, Any]:
    return _geometry(0.3, _line_top(line_index), 0.3, 0.015)


@dataclass
class PageText:
    """What one page says, split into fields and emulator directives."""

    page_type: str
    printed_page_number: str | None
    fields: list[tuple[int, str, str]] = field(default_factory=list)  # (line index, key, value)
    confidences: dict[str, float] = field(default_factory=dict)
    signature_lines: list[int] = field(default_factory=list)
    job_status: str | None = None

    @classmethod
    def read(cls, lines: list[str]) -> "PageText":
        page = cls(page_type=classify(lines), printed_page_number=None)
        for index, line in enumerate(lines):
            if page.printed_page_number is None and (m := _PRINTED_PAGE_NUMBER.match(line)):
                page.printed_page_number = str(int(m.group(1)))
                continue
            m = _FIELD_LINE.match(line)
            if not m:
                continue
            key, value = m.group(1), m.group(2)
            if key.startswith(CONFIDENCE_PREFIX) and len(key) > len(CONFIDENCE_PREFIX):
                try:
                    page.confidences[key[len(CONFIDENCE_PREFIX) :]] = float(value)
                except ValueError:
                    pass
            elif key == SIGNATURE_KEY:
                if value.lower() == "present":
                    page.signature_lines.append(index)
            elif key == PAGE_TYPE_KEY:
                if value:
                    page.page_type = value
            elif key == JOB_STATUS_KEY:
                page.job_status = value.upper() or None
            else:
                page.fields.append((index, key, value))
        return page

    def confidence(self, key: str) -> float:
        return self.confidences.get(key, DEFAULT_VALUE_CONFIDENCE)


def _lending_document(page: PageText) -> dict[str, Any]:
    fields = []
    for index, key, value in page.fields:
        detections = []
        if value:
            detections.append({"Text": value, "Geometry": _value_geometry(index), "Confidence": page.confidence(key)})
        fields.append({"Type": key, "ValueDetections": detections})
    document: dict[str, Any] = {"LendingFields": fields}
    # Textract looks for signatures only on types with a signature field (lending_types.py).
    if page.signature_lines and expects_signature(page.page_type):
        document["SignatureDetections"] = [
            {"Confidence": SIGNATURE_CONFIDENCE, "Geometry": _geometry(0.55, _line_top(i), 0.25, 0.04)}
            for i in page.signature_lines
        ]
    return {"LendingDocument": document}


def _identity_document(page: PageText) -> dict[str, Any]:
    values = {key: value for _, key, value in page.fields}
    confidences = {key: page.confidence(key) for key in values}
    return {"IdentityDocument": {"IdentityDocumentFields": identity_fields(values, confidences, DEFAULT_VALUE_CONFIDENCE)}}


def _expense_document(page: PageText, page_number: int, expense_index: int) -> dict[str, Any]:
    summary_fields = [
        {
            "Type": {"Text": key, "Confidence": EXPENSE_TYPE_CONFIDENCE},
            "ValueDetection": {"Text": value, "Geometry": _value_geometry(index), "Confidence": page.confidence(key)},
            "PageNumber": page_number,
        }
        for index, key, value in page.fields
    ]
    return {"ExpenseDocument": {"ExpenseIndex": expense_index, "SummaryFields": summary_fields, "LineItemGroups": []}}


def lending_results(page_lines: list[list[str]]) -> tuple[list[dict[str, Any]], str | None]:
    """(GetLendingAnalysis Results for every page, the JOB_STATUS a page asks for, if any)."""
    results: list[dict[str, Any]] = []
    job_status = None
    expense_documents = 0
    for number, lines in enumerate(page_lines, start=1):
        page = PageText.read(lines)
        job_status = job_status or page.job_status
        if page.page_type == UNCLASSIFIED:
            extractions: list[dict[str, Any]] = []
        elif page.page_type == IDENTITY_DOCUMENT:
            extractions = [_identity_document(page)]
        elif page.page_type in EXPENSE_TYPES:
            expense_documents += 1
            extractions = [_expense_document(page, number, expense_documents)]
        else:
            extractions = [_lending_document(page)]
        results.append(
            {
                "Page": number,
                "PageClassification": {
                    "PageType": [{"Value": page.page_type, "Confidence": CLASSIFICATION_CONFIDENCE}],
                    "PageNumber": [
                        {
                            "Value": page.printed_page_number or UNDETECTED_PAGE_NUMBER,
                            "Confidence": PAGE_NUMBER_CONFIDENCE,
                        }
                    ],
                },
                "Extractions": extractions,
            }
        )
    return results, job_status
