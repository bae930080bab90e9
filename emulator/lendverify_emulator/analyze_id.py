"""Textract AnalyzeID: identity fields come from the ``lendverify-id`` fixture chunk (README.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import images
from .errors import AwsError
from .identity_fields import DEFAULT_FIELD_CONFIDENCE, ID_FIELDS, identity_fields

if TYPE_CHECKING:
    from .app import Emulator

ANALYZE_ID_MODEL_VERSION = "1.0"
NO_DOCUMENT_CONFIDENCE = 12.5  # an image without a lendverify-id chunk: "found nothing, unsure"
DOCUMENT_BYTES_LIMIT = 10 * 1024 * 1024  # Textract synchronous: 10 MB
DOCUMENT_S3_LIMIT = 10 * 1024 * 1024
# The recorded AnalyzeID licence has no MRZ_CODE member at all (licences carry no MRZ), while
# lending IDENTITY_DOCUMENT pages list it even for a licence: that is where the two differ.
DRIVER_LICENSE_FIELDS = tuple(f for f in ID_FIELDS if f != "MRZ_CODE")
DRIVER_LICENSE_ID_TYPE_PREFIX = "DRIVER LICENSE"  # ID_TYPE "DRIVER LICENSE FRONT" / "... BACK"


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _identity_document(index: int, data: bytes) -> dict[str, Any]:
    doc = images.id_document(data)
    if doc is None:
        fields = identity_fields({}, {}, NO_DOCUMENT_CONFIDENCE)
    else:
        raw_values = doc.get("fields") if isinstance(doc.get("fields"), dict) else {}
        raw_confidences = doc.get("confidence") if isinstance(doc.get("confidence"), dict) else {}
        values = {k: "" if v is None else str(v) for k, v in raw_values.items()}
        confidences = {k: float(v) for k, v in raw_confidences.items() if _number(v)}
        is_licence = values.get("ID_TYPE", "").upper().startswith(DRIVER_LICENSE_ID_TYPE_PREFIX)
        standard = DRIVER_LICENSE_FIELDS if is_licence and "MRZ_CODE" not in values else ID_FIELDS
        fields = identity_fields(values, confidences, DEFAULT_FIELD_CONFIDENCE, standard)
    # The recorded response has no Blocks member: AnalyzeID returns none for these documents.
    return {"DocumentIndex": index, "IdentityDocumentFields": fields}


def analyze_id(emu: "Emulator", params: dict[str, Any]) -> dict[str, Any]:
    documents = []
    for index, page in enumerate(params["DocumentPages"], start=1):
        data = emu.read_image(
            page,
            what=f"DocumentPages[{index - 1}]",
            too_large="DocumentTooLargeException",
            bytes_limit=DOCUMENT_BYTES_LIMIT,
            s3_limit=DOCUMENT_S3_LIMIT,
        )
        if images.image_format(data) is None:
            raise AwsError("UnsupportedDocumentException", "Request has unsupported document format")
        documents.append(_identity_document(index, data))
    return {
        "IdentityDocuments": documents,
        "DocumentMetadata": {"Pages": len(documents)},
        "AnalyzeIDModelVersion": ANALYZE_ID_MODEL_VERSION,
    }
