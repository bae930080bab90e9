"""The Face Liveness stream endpoint (liveness_stream.py) over a real TLS WebSocket: the handshake's
checks, the session information it sends, the event-stream frames it accepts, its decision rules,
and the session results cut from the received video."""

from __future__ import annotations

import base64
import json
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from fractions import Fraction
from urllib.parse import urlencode

import av
import cv2
import numpy as np
import pytest
from support import ROOT, REGION
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from lendverify_emulator import eventstream, images, liveness_stream, tls
from lendverify_emulator.liveness_stream import COLOR_SEQUENCE, LivenessStreamServer

MEDIA_PYTHON = ROOT.parent / ".tools" / "media-venv" / "bin" / "python"
FACE_VIDEO_SCRIPT = ROOT.parent / "web" / "e2e" / "face_video.py"
CHALLENGE_ID = "7a1c3f52-0d4e-4c55-9b3e-2f6d1b0c9e11"


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def stream_tls(tmp_path_factory):
    cert, key, spki = tls.write_self_signed(tmp_path_factory.mktemp("tls"))
    return cert, key, spki


@pytest.fixture()
def stream(emulator, stream_tls):
    cert, key, _ = stream_tls
    server = LivenessStreamServer(emulator, "127.0.0.1", 0, certfile=str(cert), keyfile=str(key)).start()
    client_tls = ssl.create_default_context(cafile=str(cert))
    yield server, client_tls
    server.stop()


@pytest.fixture(scope="module")
def mjpeg_frames(tmp_path_factory):
    """Frames of the browser tests' own fake-camera videos (web/e2e/face_video.py)."""
    if not MEDIA_PYTHON.exists():
        pytest.fail(f"{MEDIA_PYTHON} is missing: run make setup (it makes .tools/media-venv)")
    out = tmp_path_factory.mktemp("videos")
    subprocess.run([str(MEDIA_PYTHON), str(FACE_VIDEO_SCRIPT), str(out)], check=True, capture_output=True)

    def frames(name: str, every: int = 3) -> list[np.ndarray]:
        data = (out / name).read_bytes()
        jpegs = [p + b"\xff\xd9" for p in data.split(b"\xff\xd9") if p.startswith(b"\xff\xd8")]
        return [cv2.imdecode(np.frombuffer(j, np.uint8), cv2.IMREAD_COLOR) for j in jpegs[::every]]

    return frames


def webm(frames: list[np.ndarray], fps: int = 10) -> bytes:
    """A VP8 WebM of ``frames`` (BGR), as MediaRecorder would send."""
    import io

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=fps)
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, fps)
        for n, image in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = n
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------ client


def control(emu_url: str, method: str, path: str, body: dict | None = None, *, raw: bool = False):
    """The emulator's control API; anything but 200 fails with the status in the message."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{emu_url}{path}", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            payload = response.read()
    except urllib.error.HTTPError as err:
        raise AssertionError(f"{err.code} from {method} {path}: {err.read()!r}") from None
    return payload if raw else json.loads(payload)


def presigned_url(server, session_id: str, **overrides) -> str:
    query = {
        "session-id": session_id,
        "video-width": "640",
        "video-height": "480",
        "challenge-versions": "FaceMovementAndLightChallenge_2.0.0,FaceMovementChallenge_1.0.0",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"test/20261130/{REGION}/rekognition/aws4_request",
        "X-Amz-Date": "20261130T120000Z",
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Expires": "299",
        "X-Amz-Signature": "0" * 64,
    }
    query.update(overrides)
    query = {k: v for k, v in query.items() if v is not None}
    return f"{server.url}{liveness_stream.PATH}?{urlencode(query)}"


def client_frame(event_type: str, body: dict) -> bytes:
    inner = eventstream.encode(
        {":message-type": "event", ":event-type": event_type, ":content-type": "application/json"},
        json.dumps(body).encode(),
    )
    return eventstream.encode(
        {":date": eventstream.Timestamp(int(time.time() * 1000)), ":chunk-signature": bytes(32)}, inner
    )


def video_event(chunk: bytes) -> bytes:
    return client_frame("VideoEvent", {"VideoChunk": base64.b64encode(chunk).decode(), "TimestampMillis": 1})


def challenge_event(body: dict) -> bytes:
    return client_frame("ClientSessionInformationEvent", {"Challenge": {"FaceMovementAndLightChallenge": body}})


def server_events(ws) -> list[tuple[dict, dict]]:
    out = []
    try:
        while True:
            message = eventstream.decode(ws.recv(timeout=20))
            out.append((message.headers, json.loads(message.payload)))
            if message.headers.get(":event-type") == "DisconnectionEvent":
                return out  # the component closes the socket here
    except Exception:  # noqa: BLE001 - the server closed the stream
        return out


def stream_session(server, client_tls, session_id, video: bytes, *, colours=True, entered_ms=1500, chunk=20_000):
    """Plays the component's side of a whole session; returns the server's events."""
    with connect(presigned_url(server, session_id), ssl=client_tls, open_timeout=5) as ws:
        headers = eventstream.decode(ws.recv(timeout=5)).headers
        assert headers[":event-type"] == "ServerSessionInformationEvent"
        start = 1_000_000
        ws.send(challenge_event({"ChallengeId": CHALLENGE_ID, "VideoStartTimestamp": start, "InitialFace": {}}))
        for offset in range(0, len(video), chunk):
            ws.send(video_event(video[offset : offset + chunk]))
        if colours:
            for n in range(len(COLOR_SEQUENCE)):
                ws.send(challenge_event({"ChallengeId": CHALLENGE_ID, "ColorDisplayed": {"SequenceNumber": n}}))
        ws.send(
            challenge_event(
                {
                    "ChallengeId": CHALLENGE_ID,
                    "TargetFace": {
                        "FaceDetectedInTargetPositionStartTimestamp": start + entered_ms,
                        "FaceDetectedInTargetPositionEndTimestamp": start + entered_ms + 500,
                        "BoundingBox": {"Width": 0.5, "Height": 0.8, "Left": 0.25, "Top": 0.1},
                    },
                    "VideoEndTimestamp": start + 4000,
                }
            )
        )
        ws.send(video_event(b""))
        return server_events(ws)


# ------------------------------------------------------------------------------------ tests


def test_sends_one_challenge_with_oval_colours_and_thresholds(stream, rekognition):
    server, client_tls = stream
    session_id = rekognition.create_face_liveness_session()["SessionId"]
    with connect(presigned_url(server, session_id, **{"video-width": "480", "video-height": "360"}), ssl=client_tls) as ws:
        message = eventstream.decode(ws.recv(timeout=5))
    assert message.headers == {
        ":message-type": "event",
        ":event-type": "ServerSessionInformationEvent",
        ":content-type": "application/json",
    }
    challenges = json.loads(message.payload)["SessionInformation"]["Challenge"]
    assert list(challenges) == ["FaceMovementAndLightChallenge"]
    body = challenges["FaceMovementAndLightChallenge"]
    oval = body["OvalParameters"]
    assert oval["CenterX"] == 240 and oval["CenterY"] == 180 and 0 < oval["Width"] < oval["Height"] <= 360
    config = body["ChallengeConfig"]
    for key in ("FaceDistanceThreshold", "FaceDistanceThresholdMin", "OvalIouThreshold", "OvalHeightWidthRatio",
                "OvalIouWidthThreshold", "OvalIouHeightThreshold", "FaceIouWidthThreshold", "FaceIouHeightThreshold"):
        assert config[key] > 0, key
    colours = body["ColorSequences"]
    assert len(colours) == len(COLOR_SEQUENCE)
    assert all(len(c["FreshnessColor"]["RGB"]) == 3 for c in colours)


def test_face_movement_only_when_that_is_all_the_client_offers(stream, rekognition):
    server, client_tls = stream
    session_id = rekognition.create_face_liveness_session()["SessionId"]
    url = presigned_url(server, session_id, **{"challenge-versions": "FaceMovementChallenge_1.0.0"})
    with connect(url, ssl=client_tls) as ws:
        body = json.loads(eventstream.decode(ws.recv(timeout=5)).payload)
    challenge = body["SessionInformation"]["Challenge"]
    assert list(challenge) == ["FaceMovementChallenge"]
    assert "ColorSequences" not in challenge["FaceMovementChallenge"]


@pytest.mark.parametrize(
    ("overrides", "error", "fragment"),
    [
        ({"session-id": "8d0b0d5e-0000-4000-8000-000000000000"}, "SessionNotFoundException", "not found"),
        ({"X-Amz-Signature": None}, "ValidationException", "not SigV4-presigned"),
        ({"video-width": "1280"}, "ValidationException", "outside 320-640"),
        ({"challenge-versions": "HeadTurnChallenge_9.0.0"}, "ValidationException", "no supported challenge"),
    ],
)
def test_rejects_what_the_service_would(stream, rekognition, overrides, error, fragment):
    server, client_tls = stream
    session_id = rekognition.create_face_liveness_session()["SessionId"]
    with connect(presigned_url(server, session_id, **overrides), ssl=client_tls) as ws:
        [(headers, body)] = server_events(ws)
    assert headers[":message-type"] == "exception" and headers[":exception-type"] == error
    assert fragment in body["Message"]


def test_other_paths_are_404(stream):
    server, client_tls = stream
    with pytest.raises(InvalidStatus) as info:
        connect(f"{server.url}/start-face-liveness-session", ssl=client_tls)
    assert info.value.response.status_code == 404


def test_unsigned_frames_end_the_stream(stream, rekognition, emulator):
    server, client_tls = stream
    session_id = rekognition.create_face_liveness_session()["SessionId"]
    with connect(presigned_url(server, session_id), ssl=client_tls) as ws:
        ws.recv(timeout=5)
        inner = eventstream.encode({":message-type": "event", ":event-type": "VideoEvent"}, b"{}")
        ws.send(inner)  # no :date / :chunk-signature envelope
        [(headers, body)] = server_events(ws)
    assert headers[":exception-type"] == "ValidationException" and "unsigned" in body["Message"]
    assert rekognition.get_face_liveness_session_results(SessionId=session_id)["Status"] == "FAILED"


def test_a_session_streams_once(stream, rekognition):
    server, client_tls = stream
    session_id = rekognition.create_face_liveness_session()["SessionId"]
    with connect(presigned_url(server, session_id), ssl=client_tls) as ws:
        ws.recv(timeout=5)
        with connect(presigned_url(server, session_id), ssl=client_tls) as second:
            [(headers, body)] = server_events(second)
    assert headers[":exception-type"] == "ValidationException" and "streams once" in body["Message"]


def test_no_video_in_time_fails_the_session(stream, rekognition, emu_url):
    server, client_tls = stream
    control(emu_url, "POST", "/_emulator/liveness-stream", {"noVideoTimeoutSeconds": 0.5})
    session_id = rekognition.create_face_liveness_session()["SessionId"]
    with connect(presigned_url(server, session_id), ssl=client_tls) as ws:
        events = server_events(ws)
    assert [h[":event-type"] if h[":message-type"] == "event" else h[":exception-type"] for h, _ in events] == [
        "ServerSessionInformationEvent",
        "ValidationException",
    ]
    assert "no face was seen" in events[1][1]["Message"]
    assert rekognition.get_face_liveness_session_results(SessionId=session_id)["Status"] == "FAILED"


def test_face_video_passes_with_images_cut_from_it(stream, rekognition, mjpeg_frames, emu_url, s3, bucket):
    server, client_tls = stream
    control(emu_url, "POST", "/_emulator/liveness-stream", {"face": "alice", "confidence": 96.5})
    video = webm(mjpeg_frames("face.mjpeg")[50:])  # zooming in, then holding still: 10 fps
    session_id = rekognition.create_face_liveness_session(
        Settings={"OutputConfig": {"S3Bucket": bucket, "S3KeyPrefix": "liveness"}, "AuditImagesLimit": 2}
    )["SessionId"]
    events = stream_session(server, client_tls, session_id, video, entered_ms=3000)
    assert [h.get(":event-type") for h, _ in events] == ["DisconnectionEvent"]

    result = rekognition.get_face_liveness_session_results(SessionId=session_id)
    assert result["Status"] == "SUCCEEDED" and result["Confidence"] == 96.5
    reference = s3.get_object(Bucket=bucket, Key=result["ReferenceImage"]["S3Object"]["Name"])["Body"].read()
    assert images.face_id(reference) == "alice"
    pixels = cv2.imdecode(np.frombuffer(reference, np.uint8), cv2.IMREAD_COLOR)
    assert pixels.shape == (480, 640, 3)  # a real frame of the received video, not a fixture
    assert len(result["AuditImages"]) == 2

    described = control(emu_url, "GET", f"/_emulator/liveness-sessions/{session_id}")
    decision = described["Stream"]["Decision"]
    assert decision["Status"] == "SUCCEEDED" and decision["Reasons"] == []
    assert 2.9 <= decision["ReferenceSeconds"] <= 3.1
    stored = control(emu_url, "GET", f"/_emulator/liveness-sessions/{session_id}/video", raw=True)
    assert stored == video


def test_no_face_in_the_reference_frame_fails(stream, rekognition, mjpeg_frames):
    server, client_tls = stream
    session_id = rekognition.create_face_liveness_session()["SessionId"]
    events = stream_session(server, client_tls, session_id, webm(mjpeg_frames("no-face.mjpeg")[:40]))
    assert [h.get(":event-type") for h, _ in events] == ["DisconnectionEvent"]
    assert rekognition.get_face_liveness_session_results(SessionId=session_id)["Status"] == "FAILED"


def test_short_video_and_missing_colours_fail(stream, rekognition, mjpeg_frames, emu_url):
    server, client_tls = stream
    session_id = rekognition.create_face_liveness_session()["SessionId"]
    stream_session(server, client_tls, session_id, webm(mjpeg_frames("face.mjpeg")[140:145]), colours=False)
    reasons = control(emu_url, "GET", f"/_emulator/liveness-sessions/{session_id}")["Stream"]["Decision"]["Reasons"]
    assert any("of video" in r for r in reasons) and any("colours" in r for r in reasons)


def test_control_api_forces_failed(stream, rekognition, mjpeg_frames, emu_url):
    server, client_tls = stream
    control(emu_url, "POST", "/_emulator/liveness-stream", {"status": "FAILED"})
    session_id = rekognition.create_face_liveness_session()["SessionId"]
    stream_session(server, client_tls, session_id, webm(mjpeg_frames("face.mjpeg")[100:]))
    assert rekognition.get_face_liveness_session_results(SessionId=session_id)["Status"] == "FAILED"
    assert control(emu_url, "DELETE", "/_emulator/liveness-stream")["status"] is None


def test_stream_settings_are_validated(emu_url):
    with pytest.raises(AssertionError, match="400"):
        control(emu_url, "POST", "/_emulator/liveness-stream", {"confidence": 101})
    with pytest.raises(AssertionError, match="400"):
        control(emu_url, "POST", "/_emulator/liveness-stream", {"colour": "red"})


def test_the_certificate_is_kept_while_valid(tmp_path):
    cert, key, spki = tls.write_self_signed(tmp_path)
    assert tls.write_self_signed(tmp_path) == (cert, key, spki)
    assert spki == tls.spki_sha256(cert.read_bytes()) and len(base64.b64decode(spki)) == 32
