"""Requests and responses checked against the botocore service models of Rekognition and Textract.

botocore's models are generated from the same Smithy models as the Rust SDK, so a body that
passes here has the members, types and enum values the real service and the SDKs agree on. One
walker serves both directions:

* requests (``validate_request``): required members, types, enum values and the model's
  constraints (string/list/blob length, number range, ``pattern``). Unknown members are not
  refused: the SDKs send only modeled members, and a newer SDK may know members this botocore
  does not.
* responses (``validate_response``): required members, types and enum values, and no member the
  model does not define (a client would silently drop it, so the emulator must never rely on it).
  Constraints are not checked: the real services do not promise them on output.

The one place the real services contradict their own model is ``OBSERVED_ENUM_VALUES``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.model import OperationModel, Shape

# X-Amz-Target prefix → botocore service name.
TARGET_PREFIXES = {"RekognitionService": "rekognition", "Textract": "textract"}

# (service, shape name) → enum values the real service sends although the model does not list
# them. Real AnalyzeID answers "Date" (tests/fixtures/aws-recorded/, and the evidence)
# where the model says "DATE"; the Rust SDK reads it as ValueType::Unknown("Date").
OBSERVED_ENUM_VALUES: dict[tuple[str, str], frozenset[str]] = {
    ("textract", "ValueType"): frozenset({"Date"}),
}

# boto3 adds this to every parsed response; it is not part of the wire body.
BOTO3_RESPONSE_METADATA = "ResponseMetadata"

# What the AWS request framework answers, before the operation runs, for a request that breaks
# the model: a member of the wrong JSON type (or a blob that is not base64) cannot even be read,
# which is a SerializationException; a readable member that breaks a constraint (required,
# length, range, pattern, enum) is a ValidationException ("1 validation error detected: ...").
# Neither operation model declares ValidationException, so the SDKs surface it as an unmodeled
# 400 with this code.
REQUEST_VALIDATION_ERROR = "ValidationException"
REQUEST_SERIALIZATION_ERROR = "SerializationException"


@dataclass(frozen=True)
class Violation:
    path: str  # e.g. "Results[3].PageClassification.PageType[0].Value"; "" is the body itself
    message: str
    unreadable: bool = False  # the wrong JSON type, rather than a broken constraint

    def __str__(self) -> str:
        return f"{self.path or '(body)'}: {self.message}"


@functools.lru_cache(maxsize=None)
def _service_model(service: str):
    return botocore.session.get_session().get_service_model(service)


@functools.lru_cache(maxsize=None)
def operation_model(operation: str) -> tuple[str, OperationModel]:
    """(service, model) of an operation name such as ``AnalyzeID``; KeyError if unknown."""
    for service in TARGET_PREFIXES.values():
        model = _service_model(service)
        if operation in model.operation_names:
            return service, model.operation_model(operation)
    raise KeyError(operation)


def validate_request(operation: str, body: Any) -> list[Violation]:
    service, op = operation_model(operation)
    return _Walker(service, is_request=True).check(op.input_shape, body, "")


def validate_response(operation: str, body: Any) -> list[Violation]:
    service, op = operation_model(operation)
    return _Walker(service, is_request=False).check(op.output_shape, body, "")


def without_response_metadata(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != BOTO3_RESPONSE_METADATA}


def request_error_code(violations: list[Violation]) -> str:
    return REQUEST_SERIALIZATION_ERROR if any(v.unreadable for v in violations) else REQUEST_VALIDATION_ERROR


def request_violation_message(violations: list[Violation]) -> str:
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(str(v) for v in violations)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


class _Walker:
    def __init__(self, service: str, *, is_request: bool):
        self.service = service
        self.is_request = is_request

    def check(self, shape: Shape | None, value: Any, path: str) -> list[Violation]:
        if shape is None:  # operations without input or output take/answer {}
            return [] if value in ({}, None) else [Violation(path, "the operation has no body")]
        handler = getattr(self, f"_{shape.type_name}", None)
        if handler is None:
            return [Violation(path, f"unsupported model type {shape.type_name}")]
        return handler(shape, value, path)

    # -------------------------------------------------------------------- aggregates

    def _structure(self, shape, value, path):
        if not isinstance(value, dict):
            return [Violation(path, f"must be an object ({shape.name})", unreadable=True)]
        out = []
        for name in shape.required_members:
            if value.get(name) is None:
                out.append(Violation(_join(path, name), "Member must not be null"))
        for name, member_value in value.items():
            member = shape.members.get(name)
            if member is None:
                if not self.is_request:
                    out.append(Violation(_join(path, name), f"is not a member of {shape.name}"))
                continue
            if member_value is None:
                continue  # JSON null = absent, as the SDKs read it
            out += self.check(member, member_value, _join(path, name))
        return out

    def _list(self, shape, value, path):
        if not isinstance(value, list):
            return [Violation(path, f"must be a list ({shape.name})", unreadable=True)]
        out = self._length(shape, len(value), path)
        for index, item in enumerate(value):
            out += self.check(shape.member, item, f"{path}[{index}]")
        return out

    def _map(self, shape, value, path):
        if not isinstance(value, dict):
            return [Violation(path, f"must be an object ({shape.name})", unreadable=True)]
        out = self._length(shape, len(value), path)
        for key, item in value.items():
            out += self.check(shape.key, key, f"{path}{{key {key!r}}}")
            out += self.check(shape.value, item, f"{path}[{key!r}]")
        return out

    # -------------------------------------------------------------------- scalars

    def _string(self, shape, value, path):
        if not isinstance(value, str):
            return [Violation(path, f"must be a string ({shape.name})", unreadable=True)]
        if shape.enum:
            allowed = set(shape.enum)
            if not self.is_request:
                allowed |= OBSERVED_ENUM_VALUES.get((self.service, shape.name), frozenset())
            if value not in allowed:
                return [Violation(path, f"Value {value!r} must be one of {sorted(shape.enum)} ({shape.name})")]
        out = self._length(shape, len(value), path)
        pattern = shape.metadata.get("pattern")
        # The AWS request framework matches the whole value (Java's Pattern.matches): e.g.
        # DynamoDB refuses '"t"' for [a-zA-Z0-9_.-]+ (aws/aws-cli#790), hence fullmatch.
        if self.is_request and pattern and re.fullmatch(pattern, value) is None:
            out.append(Violation(path, f"Value {value!r} must satisfy regular expression pattern: {pattern}"))
        return out

    def _blob(self, shape, value, path):
        if not isinstance(value, str):
            return [Violation(path, f"must be a base64 string ({shape.name})", unreadable=True)]
        try:
            decoded = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return [Violation(path, "is not valid base64", unreadable=True)]
        return self._length(shape, len(decoded), path)

    def _boolean(self, shape, value, path):
        return [] if isinstance(value, bool) else [Violation(path, f"must be a boolean ({shape.name})", unreadable=True)]

    def _integer(self, shape, value, path):
        if not isinstance(value, int) or isinstance(value, bool):
            return [Violation(path, f"must be an integer ({shape.name})", unreadable=True)]
        return self._range(shape, value, path)

    _long = _integer

    def _float(self, shape, value, path):
        if not _is_number(value):
            return [Violation(path, f"must be a number ({shape.name})", unreadable=True)]
        return self._range(shape, value, path)

    _double = _float

    def _timestamp(self, shape, value, path):
        # AWS JSON 1.1 sends timestamps as epoch seconds.
        return [] if _is_number(value) else [Violation(path, f"must be epoch seconds ({shape.name})", unreadable=True)]

    # -------------------------------------------------------------------- constraints

    def _length(self, shape, length, path):
        if not self.is_request:
            return []
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and length < low:
            return [Violation(path, f"Member must have length greater than or equal to {low}")]
        if high is not None and length > high:
            return [Violation(path, f"Member must have length less than or equal to {high}")]
        return []

    def _range(self, shape, value, path):
        if not self.is_request:
            return []
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            return [Violation(path, f"Member must have value greater than or equal to {low}")]
        if high is not None and value > high:
            return [Violation(path, f"Member must have value less than or equal to {high}")]
        return []
