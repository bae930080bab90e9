"""Rekognition: CreateFaceLivenessSession, GetFaceLivenessSessionResults, CompareFaces.

Deterministic: a face "is" whatever id its fixture image says (see images.py). Nothing here
resembles Rekognition's accuracy.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from . import images
from .errors import AwsError, ControlError, invalid_parameter

if TYPE_CHECKING:
    from .app import Emulator

# Where the (single) fixture face sits in every image; fixed so results are reproducible.
FACE_BOX = {"Width": 0.42, "Height": 0.56, "Left": 0.29, "Top": 0.18}
FACE_CONFIDENCE = 99.9
SAME_FACE_SIMILARITY = 99.7
DIFFERENT_FACE_SIMILARITY = 8.0
DEFAULT_SIMILARITY_THRESHOLD = 80.0  # Rekognition's documented default
# "A session expires 3 minutes after it is created" (Face Liveness developer guide).
SESSION_LIFETIME_SECONDS = 180

IMAGE_BYTES_LIMIT = 5 * 1024 * 1024  # Rekognition: 5 MB as Bytes
IMAGE_S3_LIMIT = 15 * 1024 * 1024  # and 15 MB from S3

FINAL_STATUSES = ("SUCCEEDED", "FAILED", "EXPIRED")
OPEN_STATUSES = ("CREATED", "IN_PROGRESS")
CONTROL_STATUSES = ("SUCCEEDED", "FAILED", "EXPIRED", "IN_PROGRESS")


@dataclass
class LivenessSession:
    session_id: str
    created_at: float
    kms_key_id: str | None
    bucket: str | None
    key_prefix: str | None
    audit_images_limit: int
    client_request_token: str | None
    status: str = "CREATED"
    confidence: float | None = None
    face: str | None = None
    reference_image: dict[str, Any] | None = None
    audit_images: list[dict[str, Any]] = field(default_factory=list)
    completing: bool = False
    stream: Any = None  # liveness_stream.StreamRecord once the browser has streamed to this session

    def expire_if_due(self, now: float) -> None:
        if self.status in OPEN_STATUSES and now - self.created_at >= SESSION_LIFETIME_SECONDS:
            self.status = "EXPIRED"

    def key(self, name: str) -> str:
        parts = [p.strip("/") for p in (self.key_prefix or "", self.session_id, name) if p.strip("/")]
        return "/".join(parts)

    def describe(self) -> dict[str, Any]:
        """The control API's view, including what the caller asked for."""
        return {
            "SessionId": self.session_id,
            "Status": self.status,
            "Confidence": self.confidence,
            "Face": self.face,
            "KmsKeyId": self.kms_key_id,
            "OutputConfig": {"S3Bucket": self.bucket, "S3KeyPrefix": self.key_prefix}
            if self.bucket
            else None,
            "AuditImagesLimit": self.audit_images_limit,
            "ClientRequestToken": self.client_request_token,
            "CreatedAt": self.created_at,
            "Stream": self.stream.describe() if self.stream is not None else None,
        }


def create_face_liveness_session(emu: "Emulator", params: dict[str, Any]) -> dict[str, Any]:
    # Types and ranges were checked against the model before the operation runs (app.py).
    kms_key_id = params.get("KmsKeyId") or None
    token = params.get("ClientRequestToken") or None
    settings = params.get("Settings") or {}
    output = settings.get("OutputConfig") or {}
    bucket = output.get("S3Bucket")
    prefix = output.get("S3KeyPrefix") or None
    limit = settings.get("AuditImagesLimit", 0)

    with emu.lock:
        if token and token in emu.state.liveness_tokens:
            return {"SessionId": emu.state.liveness_tokens[token]}
        session = LivenessSession(
            session_id=emu.new_uuid(),
            created_at=emu.now(),
            kms_key_id=kms_key_id,
            bucket=bucket,
            key_prefix=prefix,
            audit_images_limit=limit,
            client_request_token=token,
        )
        emu.state.liveness_sessions[session.session_id] = session
        if token:
            emu.state.liveness_tokens[token] = session.session_id
    return {"SessionId": session.session_id}


def _audit_image(session: LivenessSession, image: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"BoundingBox": dict(FACE_BOX)}
    if "key" in image:
        out["S3Object"] = {"Bucket": session.bucket, "Name": image["key"]}
    else:
        out["Bytes"] = base64.b64encode(image["bytes"]).decode()
    return out


def get_face_liveness_session_results(emu: "Emulator", params: dict[str, Any]) -> dict[str, Any]:
    session_id = params["SessionId"]
    with emu.lock:
        session = emu.state.liveness_sessions.get(session_id)
        if session is None:
            raise AwsError("SessionNotFoundException", f"Session {session_id} not found")
        session.expire_if_due(emu.now())
        out: dict[str, Any] = {"SessionId": session.session_id, "Status": session.status}
        if session.status == "SUCCEEDED":
            out["Confidence"] = session.confidence
            if session.reference_image is not None:
                out["ReferenceImage"] = _audit_image(session, session.reference_image)
            out["AuditImages"] = [_audit_image(session, i) for i in session.audit_images]
    return out


def complete_session(emu: "Emulator", session_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Control API: play the part of the browser's video stream and Rekognition's verdict."""
    status = body.get("status", "SUCCEEDED")
    if status not in CONTROL_STATUSES:
        raise ControlError(400, f"status must be one of {', '.join(CONTROL_STATUSES)}")
    with emu.lock:
        session = emu.state.liveness_sessions.get(session_id)
        if session is None:
            raise ControlError(404, f"no liveness session {session_id}")
        session.expire_if_due(emu.now())
        if session.status in FINAL_STATUSES or session.completing:
            # Real sessions are single-use; a second verdict would hide a test bug.
            raise ControlError(409, f"session {session_id} is already {session.status}")
        if status != "SUCCEEDED":
            session.status = status
            return session.describe()
        confidence = body.get("confidence")
        face = body.get("face")
        if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 100:
            raise ControlError(400, "confidence must be a number from 0 to 100")
        if not isinstance(face, str) or not face:
            raise ControlError(400, "face must be a non-empty face id, e.g. \"alice\"")
        session.completing = True
    try:
        return _write_images_and_succeed(emu, session, face, float(confidence))
    finally:
        session.completing = False


def _write_images_and_succeed(
    emu: "Emulator", session: LivenessSession, face: str, confidence: float
) -> dict[str, Any]:
    count = min(session.audit_images_limit, 4)
    reference = images.make_png(face=face, extra_text={"lendverify-frame": "reference"})
    audits = [
        images.make_png(face=face, extra_text={"lendverify-frame": f"audit-{n}"}) for n in range(1, count + 1)
    ]
    return store_images_and_succeed(emu, session, reference, audits, face, confidence)


def store_images_and_succeed(
    emu: "Emulator", session: LivenessSession, reference_png: bytes, audit_pngs: list[bytes], face: str, confidence: float
) -> dict[str, Any]:
    """Completes ``session`` as SUCCEEDED with these images (written to its S3 output, if any)."""
    reference: dict[str, Any] = {"bytes": reference_png}
    audits: list[dict[str, Any]] = [{"bytes": b} for b in audit_pngs]
    if session.bucket:
        reference["key"] = session.key("reference.png")
        for n, audit in enumerate(audits, start=1):
            audit["key"] = session.key(f"audit_images/{n}.png")
        try:
            for image in [reference, *audits]:
                emu.put_s3_object(session.bucket, image["key"], image["bytes"], "image/png", session.kms_key_id)
        except (ClientError, BotoCoreError) as exc:
            raise ControlError(502, f"writing liveness images to s3://{session.bucket} failed: {exc}") from None
    with emu.lock:
        session.reference_image = reference
        session.audit_images = audits
        session.face = face
        session.confidence = confidence
        session.status = "SUCCEEDED"
        out = session.describe()
    out["ReferenceImageKey"] = reference.get("key")
    out["AuditImageKeys"] = [a.get("key") for a in audits]
    return out


def _read(emu: "Emulator", params: dict[str, Any], name: str) -> bytes:
    data = emu.read_image(
        params.get(name),
        what=name,
        too_large="ImageTooLargeException",
        bytes_limit=IMAGE_BYTES_LIMIT,
        s3_limit=IMAGE_S3_LIMIT,
    )
    if images.image_format(data) is None:
        raise AwsError("InvalidImageFormatException", "Request has invalid image format")
    return data


def _split_face(face: str) -> tuple[str, float | None]:
    """``alice~97.0`` → ("alice", 97.0); anything else → (face, None)."""
    base, sep, tail = face.rpartition("~")
    if sep and base:
        try:
            value = float(tail)
        except ValueError:
            return face, None
        return base, max(0.0, min(100.0, value))
    return face, None


def _compared_face() -> dict[str, Any]:
    return {
        "BoundingBox": dict(FACE_BOX),
        "Confidence": FACE_CONFIDENCE,
        "Landmarks": [],
        "Pose": {"Roll": 0.4, "Yaw": -1.2, "Pitch": 2.1},
        "Quality": {"Brightness": 82.5, "Sharpness": 92.2},
    }


def compare_faces(emu: "Emulator", params: dict[str, Any]) -> dict[str, Any]:
    threshold = params.get("SimilarityThreshold", DEFAULT_SIMILARITY_THRESHOLD)  # QualityFilter: no effect
    source = images.face_id(_read(emu, params, "SourceImage"))
    target = images.face_id(_read(emu, params, "TargetImage"))
    if source is None:
        raise invalid_parameter("no face detected in the source image")

    out: dict[str, Any] = {
        "SourceImageFace": {"BoundingBox": dict(FACE_BOX), "Confidence": FACE_CONFIDENCE},
        "FaceMatches": [],
        "UnmatchedFaces": [],
    }
    if target is None:
        return out
    source_id, _ = _split_face(source)
    target_id, similarity = _split_face(target)
    if target_id != source_id:
        similarity = DIFFERENT_FACE_SIMILARITY
    elif similarity is None:
        similarity = SAME_FACE_SIMILARITY
    if similarity >= threshold:
        out["FaceMatches"].append({"Similarity": similarity, "Face": _compared_face()})
    else:
        out["UnmatchedFaces"].append(_compared_face())
    return out
