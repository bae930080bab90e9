"""Rekognition Streaming's Face Liveness endpoint, locally: ``StartFaceLivenessSession`` over a
WebSocket (``wss://…/start-face-liveness-session-websocket``), so the unmodified Amplify UI
``FaceLivenessDetectorCore`` runs against the emulator with ``config.endpointOverride``.

What it checks and how it decides (the README's "Face Liveness locally" repeats this):

* the connection: the path, a SigV4 query presign (``X-Amz-Algorithm``/``Credential``/``Date``/
  ``Signature``; the signature itself is not verified), a ``session-id`` made by
  ``CreateFaceLivenessSession`` that is neither used nor expired, a video size within the
  component's limits (320–640 × 240–480) and a challenge version this endpoint offers;
* the frames: each WebSocket message is one signed event-stream message (``:date`` and
  ``:chunk-signature`` headers) wrapping one ``:message-type=event`` message, ``VideoEvent`` or
  ``ClientSessionInformationEvent``; anything else ends the stream with a ``ValidationException``.

After the last (empty) video chunk the session is judged by simple rules, not by a model of
Rekognition's accuracy. It PASSES when all hold:

1. enough video: it decodes, and spans at least ``MIN_VIDEO_SECONDS``;
2. the client reported the challenge it was given: the final ``ClientSessionInformationEvent``
   names the challenge id, with the face in the target oval and the video's end;
3. for ``FaceMovementAndLightChallenge``, every colour of the sequence was reported displayed;
4. a face (OpenCV's frontal-face cascade) is present in the reference frame: the frame at which
   the client says the face entered the oval.

A pass completes the session as ``SUCCEEDED`` with the configured confidence, a reference image
(that frame) and audit images (frames spread over the video) cut from the received video; a
failed rule completes it as ``FAILED``. A stream that sends no video within the no-video timeout
(an applicant with no face in front of the camera never starts recording) is ended with a
``ValidationException`` and the session FAILED. The control API (``/_emulator/liveness-stream``)
can force FAILED or a chosen confidence for negative tests, and names the face id the reference
image carries (the emulator's CompareFaces matches by that id, never by pixels).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import ssl
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from . import eventstream, video
from .errors import ControlError

if TYPE_CHECKING:
    from .app import Emulator

PATH = "/start-face-liveness-session-websocket"
# The challenge versions this endpoint offers, most preferred first (the component asks for both).
CHALLENGES = (("FaceMovementAndLightChallenge", "2.0.0"), ("FaceMovementChallenge", "1.0.0"))
MIN_VIDEO_SECONDS = 1.0
MAX_VIDEO_BYTES = 64 * 1024 * 1024
MAX_AUDIT_IMAGES = 4
PRESIGN_PARAMS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature")

# ChallengeConfig: the thresholds the component applies on the device. Non-zero everywhere (the
# component refuses a session without them), and lenient enough for a webcam at arm's length.
CHALLENGE_CONFIG = {
    "BlazeFaceDetectionThreshold": 0.75,
    "FaceDistanceThresholdMin": 0.4,
    "FaceDistanceThreshold": 0.32,
    "FaceDistanceThresholdMax": 0.1,
    "OvalIouThreshold": 0.5,
    "OvalHeightWidthRatio": 1.618,
    "OvalIouWidthThreshold": 0.25,
    "OvalIouHeightThreshold": 0.25,
    "FaceIouWidthThreshold": 0.15,
    "FaceIouHeightThreshold": 0.15,
    "OvalFitTimeout": 15000,
}
# The colour sequence of FaceMovementAndLightChallenge: RGB, scroll-in and flat times (ms).
COLOR_SEQUENCE = (
    ((0, 0, 0), 0, 300),
    ((0, 255, 255), 300, 100),
    ((255, 0, 0), 300, 100),
    ((0, 255, 0), 300, 100),
    ((0, 0, 255), 300, 100),
    ((255, 255, 0), 300, 100),
    ((255, 0, 255), 300, 100),
    ((255, 255, 255), 300, 100),
)


@dataclass
class StreamSettings:
    """What the control API sets for the sessions streamed from now on."""

    face: str = "camera"
    status: str | None = None  # "FAILED" forces a failure whatever the video shows
    confidence: float = 99.0
    no_video_timeout: float = 20.0
    idle_timeout: float = 10.0

    def describe(self) -> dict[str, Any]:
        return {
            "face": self.face,
            "status": self.status,
            "confidence": self.confidence,
            "noVideoTimeoutSeconds": self.no_video_timeout,
            "idleTimeoutSeconds": self.idle_timeout,
        }

    def update(self, body: dict[str, Any]) -> None:
        unknown = set(body) - {"face", "status", "confidence", "noVideoTimeoutSeconds", "idleTimeoutSeconds"}
        if unknown:
            raise ControlError(400, f"unknown settings: {', '.join(sorted(unknown))}")
        if "face" in body:
            if not isinstance(body["face"], str) or not body["face"]:
                raise ControlError(400, "face must be a non-empty face id")
            self.face = body["face"]
        if "status" in body:
            if body["status"] not in (None, "FAILED"):
                raise ControlError(400, 'status must be "FAILED" or null')
            self.status = body["status"]
        if "confidence" in body:
            c = body["confidence"]
            if isinstance(c, bool) or not isinstance(c, (int, float)) or not 0 <= c <= 100:
                raise ControlError(400, "confidence must be a number from 0 to 100")
            self.confidence = float(c)
        for key, attr in (("noVideoTimeoutSeconds", "no_video_timeout"), ("idleTimeoutSeconds", "idle_timeout")):
            if key in body:
                v = body[key]
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 600:
                    raise ControlError(400, f"{key} must be a number of seconds from 0 to 600")
                setattr(self, attr, float(v))


@dataclass
class StreamRecord:
    """What one session's stream carried; kept on the session (``LivenessSession.stream``)."""

    challenge: str
    challenge_id: str
    video_width: int
    video_height: int
    video: bytearray = field(default_factory=bytearray)
    chunks: int = 0
    client_events: list[dict[str, Any]] = field(default_factory=list)
    colors_reported: set[int] = field(default_factory=set)
    ended: bool = False
    decision: dict[str, Any] | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "Challenge": self.challenge,
            "ChallengeId": self.challenge_id,
            "VideoWidth": self.video_width,
            "VideoHeight": self.video_height,
            "VideoBytes": len(self.video),
            "VideoChunks": self.chunks,
            "ColorsReported": sorted(self.colors_reported),
            "Ended": self.ended,
            "Decision": self.decision,
        }


class StreamRejected(Exception):
    """Ends a stream with an exception message (``ValidationException`` unless told)."""

    def __init__(self, message: str, error: str = "ValidationException"):
        super().__init__(message)
        self.error = error
        self.message = message


# ---------------------------------------------------------------------------------- messages


def session_information(challenge: str, challenge_id: str, width: int, height: int) -> dict[str, Any]:
    """The ServerSessionInformationEvent's ``SessionInformation`` for a ``width``×``height`` video."""
    oval_width = round(width * 0.45)
    oval_height = round(min(height * 0.97, oval_width * CHALLENGE_CONFIG["OvalHeightWidthRatio"]))
    body: dict[str, Any] = {
        "OvalParameters": {
            "Width": oval_width,
            "Height": oval_height,
            "CenterX": width / 2,
            "CenterY": height / 2,
        },
        "ChallengeConfig": dict(CHALLENGE_CONFIG),
    }
    if challenge == "FaceMovementAndLightChallenge":
        body["ColorSequences"] = [
            {"FreshnessColor": {"RGB": list(rgb)}, "DownscrollDuration": down, "FlatDisplayDuration": flat}
            for rgb, down, flat in COLOR_SEQUENCE
        ]
    # ChallengeId is not in the service model's server challenge shapes; the component takes the
    # id from its own session start event, which echoes what it generated.
    return {"Challenge": {challenge: body}}


def event_message(event_type: str, body: dict[str, Any]) -> bytes:
    return eventstream.encode(
        {":message-type": "event", ":event-type": event_type, ":content-type": "application/json"},
        json.dumps(body).encode(),
    )


def exception_message(error: str, message: str) -> bytes:
    return eventstream.encode(
        {":message-type": "exception", ":exception-type": error, ":content-type": "application/json"},
        json.dumps({"Message": message}).encode(),
    )


def client_event(frame: bytes) -> tuple[str, dict[str, Any]]:
    """(event type, JSON body) of one client frame: a signed envelope around an event message."""
    try:
        outer = eventstream.decode(frame)
    except eventstream.DecodeError as exc:
        raise StreamRejected(f"malformed event-stream frame: {exc}") from None
    if not isinstance(outer.headers.get(":chunk-signature"), bytes) or ":date" not in outer.headers:
        raise StreamRejected("an event-stream frame without :date and :chunk-signature (unsigned)")
    try:
        inner = eventstream.decode(outer.payload)
    except eventstream.DecodeError as exc:
        raise StreamRejected(f"malformed inner event message: {exc}") from None
    if inner.headers.get(":message-type") != "event":
        raise StreamRejected(f"expected :message-type event, got {inner.headers.get(':message-type')!r}")
    event_type = inner.headers.get(":event-type")
    if event_type not in ("VideoEvent", "ClientSessionInformationEvent"):
        raise StreamRejected(f"unknown client event {event_type!r}")
    try:
        body = json.loads(inner.payload or b"{}")
    except ValueError:
        raise StreamRejected(f"{event_type} payload is not JSON") from None
    if not isinstance(body, dict):
        raise StreamRejected(f"{event_type} payload must be a JSON object")
    return event_type, body


def _int_param(query: dict[str, list[str]], name: str) -> int:
    try:
        return int(query[name][0])
    except (KeyError, IndexError, ValueError):
        raise StreamRejected(f"query parameter {name} must be an integer") from None


def choose_challenge(versions: str) -> str:
    offered = {tuple(v.strip().rsplit("_", 1)) for v in versions.split(",") if "_" in v}
    for name, version in CHALLENGES:
        if (name, version) in offered:
            return name
    raise StreamRejected(f"no supported challenge in challenge-versions {versions!r}")


# ---------------------------------------------------------------------------------- decision


def _challenge_body(event: dict[str, Any]) -> dict[str, Any]:
    challenge = (event.get("Challenge") or {}) if isinstance(event, dict) else {}
    for name, _ in CHALLENGES:
        if isinstance(challenge.get(name), dict):
            return challenge[name]
    return {}


def judge(record: StreamRecord, settings: StreamSettings) -> dict[str, Any]:
    """The rules of the module docstring. Returns the decision, with the PNGs when it passed."""
    reasons: list[str] = []
    final = next(
        (
            body
            for body in (_challenge_body(e) for e in reversed(record.client_events))
            if body.get("TargetFace") and body.get("VideoEndTimestamp")
        ),
        None,
    )
    start = next(
        (b for b in (_challenge_body(e) for e in record.client_events) if b.get("VideoStartTimestamp")),
        None,
    )
    if final is None:
        reasons.append("the client never reported the face in the oval and the end of the video")
    elif final.get("ChallengeId") != record.challenge_id:
        reasons.append("the client reported a different challenge id")
    if record.challenge == "FaceMovementAndLightChallenge":
        missing = set(range(len(COLOR_SEQUENCE))) - record.colors_reported
        if missing:
            reasons.append(f"colours {sorted(missing)} of the sequence were never reported displayed")
    decoded: video.Decoded | None = None
    try:
        decoded = video.decode(bytes(record.video))
    except video.VideoError as exc:
        reasons.append(str(exc))
    if decoded is not None and decoded.duration < MIN_VIDEO_SECONDS:
        reasons.append(f"only {decoded.duration:.2f} s of video (at least {MIN_VIDEO_SECONDS} s needed)")
    reference: video.Frame | None = None
    if decoded is not None:
        offset = decoded.duration / 2
        if final and start:
            entered = (final.get("TargetFace") or {}).get("FaceDetectedInTargetPositionStartTimestamp")
            if isinstance(entered, (int, float)) and isinstance(start.get("VideoStartTimestamp"), (int, float)):
                offset = max(0.0, (entered - start["VideoStartTimestamp"]) / 1000.0)
        reference = video.frame_at(decoded, decoded.frames[0].seconds + offset)
        if not video.faces(reference.image):
            reasons.append(f"no face in the reference frame (at {reference.seconds:.2f} s)")
    if settings.status == "FAILED":
        reasons.append("the control API forces FAILED")
    decision: dict[str, Any] = {
        "Status": "FAILED" if reasons else "SUCCEEDED",
        "Reasons": reasons,
        "VideoSeconds": round(decoded.duration, 3) if decoded else 0.0,
        "Frames": len(decoded.frames) if decoded else 0,
    }
    if not reasons and decoded is not None and reference is not None:
        decision["Confidence"] = settings.confidence
        decision["ReferenceSeconds"] = round(reference.seconds, 3)
        decision["_reference"] = video.png(reference, _texts(settings.face, "reference"))
        decision["_audits"] = [
            video.png(frame, _texts(settings.face, f"audit-{n}"))
            for n, frame in enumerate(video.spread(decoded, MAX_AUDIT_IMAGES), start=1)
        ]
    return decision


def _texts(face: str, frame: str) -> dict[str, str]:
    from .images import FACE_KEYWORD

    return {FACE_KEYWORD: face, "lendverify-frame": frame}


# ---------------------------------------------------------------------------------- server


class LivenessStreamServer:
    """The WebSocket endpoint, TLS on loopback, served by its own asyncio loop in a thread."""

    def __init__(self, emulator: "Emulator", host: str, port: int, *, certfile: str | None, keyfile: str | None):
        self.emulator = emulator
        self.host = host
        self.port = port
        self.ssl: ssl.SSLContext | None = None
        if certfile:
            self.ssl = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ssl.load_cert_chain(certfile, keyfile)
        self._loop = asyncio.new_event_loop()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'wss' if self.ssl else 'ws'}://{self.host}:{self.port}"

    def start(self) -> "LivenessStreamServer":
        ready = threading.Event()

        async def main() -> None:
            self._server = await serve(
                self._handle,
                self.host,
                self.port,
                ssl=self.ssl,
                process_request=self._check_request,
                max_size=eventstream.MAX_MESSAGE,
                compression=None,
            )
            self.port = self._server.sockets[0].getsockname()[1] if self.port == 0 else self.port
            ready.set()
            await self._server.serve_forever()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(main())
            except asyncio.CancelledError:
                pass

        self._thread = threading.Thread(target=run, name="liveness-stream", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the liveness stream endpoint did not start")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
        if self._thread is not None:
            self._thread.join(5)

    # -------------------------------------------------------------------------- one stream

    def _check_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = urlsplit(request.path).path
        if path != PATH:
            return connection.respond(HTTPStatus.NOT_FOUND, f"no route {path}\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        query = parse_qs(urlsplit(ws.request.path).query)
        try:
            record, session = self._open(query)
        except StreamRejected as exc:
            await self._reject(ws, exc)
            return
        await ws.send(
            event_message(
                "ServerSessionInformationEvent",
                {
                    "SessionInformation": session_information(
                        record.challenge, record.challenge_id, record.video_width, record.video_height
                    )
                },
            )
        )
        settings = self.emulator.liveness_stream_settings
        try:
            while True:
                timeout = settings.idle_timeout if record.chunks else settings.no_video_timeout
                try:
                    frame = await asyncio.wait_for(ws.recv(), timeout)
                except TimeoutError:
                    if record.chunks:
                        raise StreamRejected(f"no data for {timeout:g} s: the stream timed out") from None
                    raise StreamRejected(
                        f"no video within {timeout:g} s: no face was seen in front of the camera"
                    ) from None
                if isinstance(frame, str):
                    raise StreamRejected("text frames are not part of the protocol")
                event_type, body = client_event(frame)
                if event_type == "ClientSessionInformationEvent":
                    self._client_information(record, body)
                    continue
                chunk = body.get("VideoChunk") or ""
                try:
                    data = base64.b64decode(chunk, validate=True) if chunk else b""
                except (binascii.Error, TypeError):
                    raise StreamRejected("VideoChunk is not base64") from None
                if not data:
                    record.ended = True
                    break
                if len(record.video) + len(data) > MAX_VIDEO_BYTES:
                    raise StreamRejected("the video is larger than this endpoint accepts")
                record.video += data
                record.chunks += 1
        except StreamRejected as exc:
            self._fail(session, record, [exc.message])
            await self._reject(ws, exc)
            return
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
            self._fail(session, record, [f"the client closed the stream (code {code}) before the end"])
            return
        decision = await asyncio.to_thread(self._complete, session, record, settings)
        sys.stderr.write(f"emulator: liveness stream {session.session_id}: {decision['Status']} {decision['Reasons']}\n")
        try:
            await ws.send(event_message("DisconnectionEvent", {"TimestampMillis": int(time.time() * 1000)}))
            await asyncio.wait_for(ws.wait_closed(), 10)
        except (ConnectionClosed, TimeoutError):
            pass

    def _open(self, query: dict[str, list[str]]) -> tuple[StreamRecord, Any]:
        missing = [p for p in PRESIGN_PARAMS if not query.get(p)]
        if missing:
            raise StreamRejected(f"the request is not SigV4-presigned (missing {', '.join(missing)})")
        if query.get("X-Amz-Algorithm", [""])[0] != "AWS4-HMAC-SHA256":
            raise StreamRejected("X-Amz-Algorithm must be AWS4-HMAC-SHA256")
        session_id = (query.get("session-id") or [""])[0]
        width, height = _int_param(query, "video-width"), _int_param(query, "video-height")
        if not (320 <= width <= 640 and 240 <= height <= 480):
            raise StreamRejected(f"video size {width}x{height} is outside 320-640 x 240-480")
        challenge = choose_challenge((query.get("challenge-versions") or [""])[0])
        emu = self.emulator
        with emu.lock:
            session = emu.state.liveness_sessions.get(session_id)
            if session is None:
                raise StreamRejected(f"Session {session_id} not found", "SessionNotFoundException")
            session.expire_if_due(emu.now())
            if session.status != "CREATED" or session.stream is not None:
                raise StreamRejected(f"session {session_id} is {session.status}: a session streams once")
            record = StreamRecord(challenge, str(uuid.uuid4()), width, height)
            session.stream = record
            session.status = "IN_PROGRESS"
        return record, session

    @staticmethod
    def _client_information(record: StreamRecord, body: dict[str, Any]) -> None:
        record.client_events.append(body)
        colour = _challenge_body(body).get("ColorDisplayed")
        if isinstance(colour, dict) and isinstance(colour.get("SequenceNumber"), int):
            record.colors_reported.add(colour["SequenceNumber"])
        # The component generates the challenge id and sends it first; adopt it.
        cid = _challenge_body(body).get("ChallengeId")
        if isinstance(cid, str) and len(record.client_events) == 1:
            record.challenge_id = cid

    def _fail(self, session: Any, record: StreamRecord, reasons: list[str]) -> None:
        with self.emulator.lock:
            record.decision = {"Status": "FAILED", "Reasons": reasons}
            if session.status in ("CREATED", "IN_PROGRESS"):
                session.status = "FAILED"

    def _complete(self, session: Any, record: StreamRecord, settings: StreamSettings) -> dict[str, Any]:
        from . import rekognition

        decision = judge(record, settings)
        reference = decision.pop("_reference", None)
        audits = decision.pop("_audits", [])
        record.decision = decision
        if decision["Status"] != "SUCCEEDED":
            self._fail(session, record, decision["Reasons"])
            return decision
        limit = min(session.audit_images_limit, MAX_AUDIT_IMAGES)
        try:
            rekognition.store_images_and_succeed(
                self.emulator, session, reference, audits[:limit], settings.face, decision["Confidence"]
            )
        except ControlError as exc:
            decision.update(Status="FAILED", Reasons=[exc.message])
            self._fail(session, record, decision["Reasons"])
        return decision

    @staticmethod
    async def _reject(ws: ServerConnection, exc: StreamRejected) -> None:
        try:
            await ws.send(exception_message(exc.error, exc.message))
            await ws.close(1000)
        except ConnectionClosed:
            pass
