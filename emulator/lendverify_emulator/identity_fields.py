"""IdentityDocumentFields as real Textract writes them, for AnalyzeID and for lending
``IDENTITY_DOCUMENT`` pages (both carry the same structure).

Shape, checked against tests/fixtures/aws-recorded/: ``Type`` has only ``Text``; dates print as
``MM/DD/YYYY`` with ``NormalizedValue {Value: "YYYY-MM-DDT00:00:00", ValueType: "Date"}``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

# Every normalized field AnalyzeID reports, in its order; absent ones come back with Text "".
ID_FIELDS = (
    "FIRST_NAME",
    "LAST_NAME",
    "MIDDLE_NAME",
    "SUFFIX",
    "CITY_IN_ADDRESS",
    "ZIP_CODE_IN_ADDRESS",
    "STATE_IN_ADDRESS",
    "STATE_NAME",
    "DOCUMENT_NUMBER",
    "EXPIRATION_DATE",
    "DATE_OF_BIRTH",
    "DATE_OF_ISSUE",
    "ID_TYPE",
    "ENDORSEMENTS",
    "VETERAN",
    "RESTRICTIONS",
    "CLASS",
    "ADDRESS",
    "COUNTY",
    "PLACE_OF_BIRTH",
    "MRZ_CODE",
)
DATE_FIELDS = frozenset({"EXPIRATION_DATE", "DATE_OF_BIRTH", "DATE_OF_ISSUE"})
# What the real service sends, although the model's enum says "DATE" (see service_models.py).
NORMALIZED_DATE_TYPE = "Date"
DEFAULT_FIELD_CONFIDENCE = 98.5


def parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def identity_field(name: str, value: str, confidence: float) -> dict[str, Any]:
    value_detection: dict[str, Any] = {"Text": value}
    if name in DATE_FIELDS and value:
        parsed = parse_date(value)
        if parsed is not None:
            # Dates show as printed (US order) and are normalized separately.
            value_detection["Text"] = parsed.strftime("%m/%d/%Y")
            value_detection["NormalizedValue"] = {
                "Value": parsed.strftime("%Y-%m-%dT00:00:00"),
                "ValueType": NORMALIZED_DATE_TYPE,
            }
    value_detection["Confidence"] = confidence
    return {"Type": {"Text": name}, "ValueDetection": value_detection}


def identity_fields(
    values: dict[str, str], confidences: dict[str, float], default: float, standard: tuple[str, ...] = ID_FIELDS
) -> list[dict[str, Any]]:
    """Every ``standard`` field in AnalyzeID's order, then any other keys in the order given."""
    names = list(standard) + [n for n in values if n not in standard]
    return [identity_field(n, values.get(n, ""), confidences.get(n, default)) for n in names]
