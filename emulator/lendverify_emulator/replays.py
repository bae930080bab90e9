"""Recorded real answers queued through the control API (``POST /_emulator/replays``), first in
first out per operation. Every body is checked against the service model before it is queued,
so a replay can only ever make the emulator answer what the real service could.
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import ControlError
from .service_models import validate_response, without_response_metadata

# Operations whose next call answers the queued body itself, under the member "response".
DIRECT_OPERATIONS = ("AnalyzeID", "CompareFaces", "GetFaceLivenessSessionResults")
# The next lending job runs as usual but its results are these (lending.py).
LENDING_OPERATION = "StartLendingAnalysis"
OPERATIONS = (*DIRECT_OPERATIONS, LENDING_OPERATION)


def _checked(operation: str, body: Any, member: str) -> dict[str, Any]:
    """The body without boto3's ResponseMetadata, or 400 with the path of each offending member."""
    if not isinstance(body, dict):
        raise ControlError(400, f"{member} must be a JSON object: a {operation} response body")
    body = without_response_metadata(body)
    violations = validate_response(operation, body)
    if violations:
        raise ControlError(
            400,
            f"{member} does not match the {operation} output shape: {violations[0]}",
            {
                "path": f"{member}.{violations[0].path}" if violations[0].path else member,
                "violations": [{"path": v.path, "message": v.message} for v in violations],
            },
        )
    return copy.deepcopy(body)


def parse(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(operation, what to queue) from a control-API body; ControlError 400 when it is wrong."""
    operation = body.get("operation")
    if operation in DIRECT_OPERATIONS:
        if "response" not in body:
            raise ControlError(400, f'a {operation} replay needs "response": the recorded response body')
        return operation, {"response": _checked(operation, body["response"], "response")}
    if operation == LENDING_OPERATION:
        if "getLendingAnalysis" not in body:
            raise ControlError(
                400, 'a StartLendingAnalysis replay needs "getLendingAnalysis": one GetLendingAnalysis body with all Results'
            )
        detailed = _checked("GetLendingAnalysis", body["getLendingAnalysis"], "getLendingAnalysis")
        if not detailed.get("Results"):
            raise ControlError(400, "getLendingAnalysis has no Results", {"path": "getLendingAnalysis.Results"})
        if detailed.get("NextToken"):
            raise ControlError(
                400,
                "getLendingAnalysis has a NextToken: merge the Results of every page into one body",
                {"path": "getLendingAnalysis.NextToken"},
            )
        queued: dict[str, Any] = {"getLendingAnalysis": detailed}
        if body.get("getLendingAnalysisSummary") is not None:
            summary = _checked("GetLendingAnalysisSummary", body["getLendingAnalysisSummary"], "getLendingAnalysisSummary")
            if not summary.get("Summary"):
                raise ControlError(400, "getLendingAnalysisSummary has no Summary", {"path": "getLendingAnalysisSummary.Summary"})
            queued["getLendingAnalysisSummary"] = summary
        return operation, queued
    raise ControlError(400, f"operation must be one of {', '.join(OPERATIONS)}", {"path": "operation"})


def answer(operation: str, replay: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The reply a queued direct replay gives to this request."""
    response = copy.deepcopy(replay["response"])
    if operation == "GetFaceLivenessSessionResults":
        # A recording belongs to another session; the caller asked about this one.
        response["SessionId"] = params["SessionId"]
    return response
