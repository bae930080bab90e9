"""GetLendingAnalysisSummary's ``Summary`` derived from GetLendingAnalysis ``Results``.

Used for every job, analysed or replayed, so the summary always agrees with the pages:

* one ``DocumentGroup`` per page type, in order of first appearance;
* a new ``SplitDocument`` starts when the type changes from the previous page, or when a page
  prints page number 1;
* a page whose ``LendingDocument`` has ``SignatureDetections`` is a ``DetectedSignature``; an
  unsigned page of a type with a signature field (lending_types.py) is an ``UndetectedSignature``;
* ``UndetectedDocumentTypes``: every known type no page has.
"""

from __future__ import annotations

from typing import Any

from .lending_types import DOCUMENT_TYPES, expects_signature


def page_type(result: dict[str, Any]) -> str:
    """The most confident PageType prediction of one result."""
    predictions = result.get("PageClassification", {}).get("PageType") or []
    best = max(predictions, key=lambda p: p.get("Confidence", 0), default={})
    return best.get("Value", "")


def _printed_page_number(result: dict[str, Any]) -> str | None:
    predictions = result.get("PageClassification", {}).get("PageNumber") or []
    return predictions[0].get("Value") if predictions else None


def _signed(result: dict[str, Any]) -> bool:
    return any(e.get("LendingDocument", {}).get("SignatureDetections") for e in result.get("Extractions") or [])


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, dict[str, Any]] = {}
    previous_type = None
    for result in sorted(results, key=lambda r: r.get("Page", 0)):
        kind, page = page_type(result), result.get("Page")
        group = groups.setdefault(
            kind, {"Type": kind, "SplitDocuments": [], "DetectedSignatures": [], "UndetectedSignatures": []}
        )
        if kind != previous_type or _printed_page_number(result) == "1" or not group["SplitDocuments"]:
            group["SplitDocuments"].append({"Index": len(group["SplitDocuments"]) + 1, "Pages": []})
        group["SplitDocuments"][-1]["Pages"].append(page)
        if _signed(result):
            group["DetectedSignatures"].append({"Page": page})
        elif expects_signature(kind):
            group["UndetectedSignatures"].append({"Page": page})
        previous_type = kind
    undetected = [t for t in DOCUMENT_TYPES if t not in groups]
    return {"DocumentGroups": list(groups.values()), "UndetectedDocumentTypes": undetected}
