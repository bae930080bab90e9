"""The emulator's state, operation dispatch, fault injection and call counting.

Transport-free: `server.py` maps HTTP onto `Emulator.call` and the `control_*` methods, and
tests or other Python code may call them directly.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, Callable

from botocore.exceptions import BotoCoreError, ClientError

from . import analyze_id, lending, rekognition, replays
from .aws import AwsClients, AwsSettings
from .errors import AwsError, ControlError, default_status
from .liveness_stream import StreamSettings
from .service_models import (
    operation_model,
    request_error_code,
    request_violation_message,
    validate_request,
    validate_response,
)

Operation = Callable[["Emulator", dict[str, Any]], dict[str, Any]]

REKOGNITION_PREFIX = "RekognitionService"
TEXTRACT_PREFIX = "Textract"

OPERATIONS: dict[str, Operation] = {
    f"{REKOGNITION_PREFIX}.CreateFaceLivenessSession": rekognition.create_face_liveness_session,
    f"{REKOGNITION_PREFIX}.GetFaceLivenessSessionResults": rekognition.get_face_liveness_session_results,
    f"{REKOGNITION_PREFIX}.CompareFaces": rekognition.compare_faces,
    f"{TEXTRACT_PREFIX}.AnalyzeID": analyze_id.analyze_id,
    f"{TEXTRACT_PREFIX}.StartLendingAnalysis": lending.start_lending_analysis,
    f"{TEXTRACT_PREFIX}.GetLendingAnalysis": lending.get_lending_analysis,
    f"{TEXTRACT_PREFIX}.GetLendingAnalysisSummary": lending.get_lending_analysis_summary,
}
OPERATION_NAMES = tuple(t.split(".", 1)[1] for t in OPERATIONS)


@dataclass
class Fault:
    error: str
    remaining: int
    status: int
    message: str


@dataclass
class State:
    liveness_sessions: dict[str, Any] = field(default_factory=dict)
    liveness_tokens: dict[str, str] = field(default_factory=dict)
    lending_jobs: dict[str, Any] = field(default_factory=dict)
    lending_tokens: dict[str, str] = field(default_factory=dict)
    faults: dict[str, Fault] = field(default_factory=dict)
    calls: Counter = field(default_factory=Counter)
    replays: dict[str, deque] = field(default_factory=dict)  # operation → queued replays
    clock_offset: float = 0.0  # seconds the control API moved the emulator's clock forward


class Emulator:
    def __init__(self, aws: AwsSettings, *, lending_delay: float = 0.3):
        self.aws = AwsClients(aws)
        self.lending_delay = lending_delay
        self.lock = threading.RLock()
        self.state = State()
        # Bumped by reset so that background jobs started before it drop their results.
        self.generation = 0
        # The streamed Face Liveness sessions' settings (liveness_stream.py); survive a reset only
        # as defaults, like the state.
        self.liveness_stream_settings = StreamSettings()
        for name in OPERATION_NAMES:  # load the service models now: a missing one fails at start
            operation_model(name)

    # ------------------------------------------------------------------ AWS operations

    def call(self, target: str | None, params: dict[str, Any]) -> dict[str, Any]:
        op = OPERATIONS.get(target or "")
        if op is None:
            raise AwsError("UnknownOperationException", f"Unknown operation {target!r}")
        name = target.split(".", 1)[1]
        with self.lock:
            self.state.calls[name] += 1
            fault = self.state.faults.get(name)
            if fault is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self.state.faults[name]
                raise AwsError(fault.error, fault.message, fault.status)
        violations = validate_request(name, params)
        if violations:
            raise AwsError(request_error_code(violations), request_violation_message(violations))
        replay = self.take_replay(name) if name in replays.DIRECT_OPERATIONS else None
        result = replays.answer(name, replay, params) if replay is not None else op(self, params)
        problems = validate_response(name, result)
        if problems:  # an emulator bug: never hand a client what the real service could not send
            raise AwsError("InternalServerError", f"emulator answer breaks the {name} model: {problems[0]}")
        return result

    def now(self) -> float:
        """Epoch seconds on the emulator's clock (real time plus what the control API added)."""
        return time.time() + self.state.clock_offset

    def take_replay(self, operation: str) -> dict[str, Any] | None:
        with self.lock:
            queue = self.state.replays.get(operation)
            return queue.popleft() if queue else None

    # ------------------------------------------------------------------ shared helpers

    def read_image(
        self,
        image: Any,
        *,
        what: str,
        too_large: str,
        bytes_limit: int,
        s3_limit: int,
    ) -> bytes:
        """Bytes of an `Image` / `Document` input: base64 `Bytes` or an `S3Object` read from moto."""
        if not isinstance(image, dict) or not (image.get("Bytes") or image.get("S3Object")):
            raise AwsError("InvalidParameterException", f"{what} must have Bytes or S3Object")
        if image.get("Bytes"):
            try:
                data = base64.b64decode(image["Bytes"], validate=True)
            except (binascii.Error, TypeError, ValueError):
                raise AwsError("SerializationException", f"{what}.Bytes is not valid base64") from None
            if len(data) > bytes_limit:
                raise AwsError(too_large, f"{what} is larger than {bytes_limit} bytes")
            return data
        s3obj = image["S3Object"]
        if not isinstance(s3obj, dict) or not s3obj.get("Bucket") or not s3obj.get("Name"):
            raise AwsError("InvalidParameterException", f"{what}.S3Object needs Bucket and Name")
        data = self.get_s3_object(s3obj)
        if len(data) > s3_limit:
            raise AwsError(too_large, f"{what} is larger than {s3_limit} bytes")
        return data

    def get_s3_object(self, s3obj: dict[str, Any]) -> bytes:
        kwargs = {"Bucket": s3obj["Bucket"], "Key": s3obj["Name"]}
        if s3obj.get("Version"):
            kwargs["VersionId"] = s3obj["Version"]
        try:
            return self.aws.s3.get_object(**kwargs)["Body"].read()
        except ClientError:
            raise AwsError(
                "InvalidS3ObjectException",
                "Unable to get object metadata from S3. Check object key, region and/or access permissions.",
            ) from None
        except BotoCoreError as exc:
            raise AwsError("InternalServerError", f"cannot reach S3: {exc}") from None

    def head_s3_object(self, s3obj: dict[str, Any]) -> None:
        kwargs = {"Bucket": s3obj["Bucket"], "Key": s3obj["Name"]}
        if s3obj.get("Version"):
            kwargs["VersionId"] = s3obj["Version"]
        try:
            self.aws.s3.head_object(**kwargs)
        except ClientError:
            raise AwsError(
                "InvalidS3ObjectException",
                "Unable to get object metadata from S3. Check object key, region and/or access permissions.",
            ) from None
        except BotoCoreError as exc:
            raise AwsError("InternalServerError", f"cannot reach S3: {exc}") from None

    def put_s3_object(
        self, bucket: str, key: str, body: bytes, content_type: str, kms_key_id: str | None
    ) -> None:
        kwargs: dict[str, Any] = {
            "Bucket": bucket,
            "Key": key,
            "Body": body,
            "ContentType": content_type,
        }
        if kms_key_id:
            kwargs["ServerSideEncryption"] = "aws:kms"
            kwargs["SSEKMSKeyId"] = kms_key_id
        self.aws.s3.put_object(**kwargs)

    @staticmethod
    def new_uuid() -> str:
        return str(uuid.uuid4())

    # ------------------------------------------------------------------ control API

    def control_health(self) -> dict[str, Any]:
        return {"status": "ok", "awsEndpointUrl": self.aws.settings.endpoint_url}

    def control_calls(self) -> dict[str, int]:
        with self.lock:
            return {name: self.state.calls.get(name, 0) for name in OPERATION_NAMES}

    def control_clear_calls(self) -> None:
        with self.lock:
            self.state.calls.clear()

    def control_set_fault(self, body: dict[str, Any]) -> dict[str, Any]:
        op = body.get("operation")
        error = body.get("error")
        count = body.get("count", 1)
        if op not in OPERATION_NAMES:
            raise ControlError(400, f"operation must be one of {', '.join(OPERATION_NAMES)}")
        if not isinstance(error, str) or not error:
            raise ControlError(400, "error must be an AWS error code, e.g. ThrottlingException")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ControlError(400, "count must be a positive integer")
        status = body.get("status", default_status(error))
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise ControlError(400, "status must be an HTTP error status (400-599)")
        message = body.get("message") or f"injected fault: {error}"
        with self.lock:
            self.state.faults[op] = Fault(error=error, remaining=count, status=status, message=message)
        return {"operation": op, "error": error, "count": count, "status": status}

    def control_faults(self) -> dict[str, Any]:
        with self.lock:
            return {
                op: {"error": f.error, "remaining": f.remaining, "status": f.status}
                for op, f in self.state.faults.items()
            }

    def control_clear_faults(self) -> None:
        with self.lock:
            self.state.faults.clear()

    def control_queue_replay(self, body: dict[str, Any]) -> dict[str, Any]:
        operation, replay = replays.parse(body)
        with self.lock:
            queue = self.state.replays.setdefault(operation, deque())
            queue.append(replay)
            return {"operation": operation, "queued": len(queue)}

    def control_replays(self) -> dict[str, int]:
        with self.lock:
            return {op: len(q) for op, q in self.state.replays.items() if q}

    def control_clear_replays(self) -> None:
        with self.lock:
            self.state.replays.clear()

    def control_clock(self) -> dict[str, float]:
        with self.lock:
            return {"now": self.now(), "offsetSeconds": self.state.clock_offset}

    def control_advance_clock(self, body: dict[str, Any]) -> dict[str, float]:
        seconds = body.get("advanceSeconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ControlError(400, "advanceSeconds must be a number of seconds, 0 or more (time only moves forward)")
        with self.lock:
            self.state.clock_offset += seconds
        return self.control_clock()

    def control_reset(self) -> None:
        with self.lock:
            self.generation += 1
            self.state = State()
            self.liveness_stream_settings = StreamSettings()

    def control_liveness_stream(self) -> dict[str, Any]:
        with self.lock:
            return self.liveness_stream_settings.describe()

    def control_set_liveness_stream(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            settings = StreamSettings(**vars(self.liveness_stream_settings))
            settings.update(body)
            self.liveness_stream_settings = settings
            return settings.describe()

    def control_clear_liveness_stream(self) -> None:
        with self.lock:
            self.liveness_stream_settings = StreamSettings()

    def control_liveness_video(self, session_id: str) -> bytes:
        with self.lock:
            session = self.state.liveness_sessions.get(session_id)
            if session is None:
                raise ControlError(404, f"no liveness session {session_id}")
            if session.stream is None or not session.stream.video:
                raise ControlError(404, f"liveness session {session_id} has received no video")
            return bytes(session.stream.video)

    def control_complete_liveness(self, session_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return rekognition.complete_session(self, session_id, body)

    def control_liveness_sessions(self) -> list[dict[str, Any]]:
        with self.lock:
            return [s.describe() for s in self.state.liveness_sessions.values()]

    def control_liveness_session(self, session_id: str) -> dict[str, Any]:
        with self.lock:
            session = self.state.liveness_sessions.get(session_id)
            if session is None:
                raise ControlError(404, f"no liveness session {session_id}")
            return session.describe()

    def control_lending_jobs(self) -> list[dict[str, Any]]:
        with self.lock:
            return [j.describe() for j in self.state.lending_jobs.values()]

    def control_lending_job(self, job_id: str) -> dict[str, Any]:
        with self.lock:
            job = self.state.lending_jobs.get(job_id)
            if job is None:
                raise ControlError(404, f"no lending job {job_id}")
            return job.describe()
