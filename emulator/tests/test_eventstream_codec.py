"""The emulator's event-stream framing against the AWS SDK for JavaScript's own codec
(npm ``@smithy/eventstream-codec``, run by ``eventstream_codec.cjs`` with node): messages the SDK
encodes decode here, and messages encoded here decode there, byte for byte the same."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from lendverify_emulator import eventstream, liveness_stream

SCRIPT = Path(__file__).with_name("eventstream_codec.cjs")
CODEC_PACKAGE = Path(__file__).resolve().parents[2] / "web/node_modules/@smithy/eventstream-codec"

# The shapes the Face Liveness stream carries: the component's signed envelope (:date,
# :chunk-signature) around an event message, and the server's event and exception messages.
SDK_MESSAGES = [
    {
        "headers": {
            ":date": {"type": "timestamp", "value": 1764504000123},
            ":chunk-signature": {"type": "binary", "value": base64.b64encode(bytes(range(32))).decode()},
        },
        "body": base64.b64encode(b"inner message bytes \x00\xff").decode(),
    },
    {
        "headers": {
            ":message-type": {"type": "string", "value": "event"},
            ":event-type": {"type": "string", "value": "VideoEvent"},
            ":content-type": {"type": "string", "value": "application/json"},
        },
        "body": base64.b64encode(json.dumps({"VideoChunk": "GkXfo0AgQoaBAQ==", "TimestampMillis": 1}).encode()).decode(),
    },
    {
        "headers": {
            "flag": {"type": "boolean", "value": True},
            "off": {"type": "boolean", "value": False},
            "n": {"type": "long", "value": "-9007199254740991"},
            "empty": {"type": "string", "value": ""},
        },
        "body": "",
    },
]


def run_sdk_codec(request: dict) -> dict:
    if shutil.which("node") is None:
        pytest.fail("node is missing (a prerequisite of make setup)")
    if not CODEC_PACKAGE.is_dir():
        pytest.fail(f"{CODEC_PACKAGE} is missing: run make setup (npm ci in web/)")
    done = subprocess.run(
        ["node", str(SCRIPT)], input=json.dumps(request), capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


def _python_value(header: dict):
    kind, value = header["type"], header["value"]
    if kind == "binary":
        return base64.b64decode(value)
    if kind == "timestamp":
        return eventstream.Timestamp(value)
    if kind == "long":
        return int(value)
    return value


def test_messages_encoded_by_the_sdk_decode_here():
    encoded = run_sdk_codec({"encode": SDK_MESSAGES})["encoded"]
    for sdk, frame in zip(SDK_MESSAGES, encoded):
        message = eventstream.decode(base64.b64decode(frame))
        expected = {
            name: (h["value"] if h["type"] != "long" else int(h["value"]))
            for name, h in sdk["headers"].items()
            if h["type"] not in ("binary", "timestamp")
        }
        for name, h in sdk["headers"].items():
            if h["type"] == "binary":
                expected[name] = base64.b64decode(h["value"])
            elif h["type"] == "timestamp":
                expected[name] = h["value"]  # botocore reads timestamps as epoch milliseconds
        assert message.headers == expected
        assert message.payload == base64.b64decode(sdk["body"])


def test_messages_encoded_here_are_byte_identical_and_decode_in_the_sdk():
    ours = [
        eventstream.encode({k: _python_value(h) for k, h in m["headers"].items()}, base64.b64decode(m["body"]))
        for m in SDK_MESSAGES
    ]
    answer = run_sdk_codec(
        {"encode": SDK_MESSAGES, "decode": [base64.b64encode(f).decode() for f in ours]}
    )
    assert [base64.b64decode(f) for f in answer["encoded"]] == ours
    for sdk, decoded in zip(SDK_MESSAGES, answer["decoded"]):
        assert decoded["headers"] == sdk["headers"]
        assert decoded["body"] == sdk["body"]


def test_the_servers_own_messages_decode_in_the_sdk():
    frames = [
        liveness_stream.event_message(
            "ServerSessionInformationEvent",
            {"SessionInformation": liveness_stream.session_information("FaceMovementAndLightChallenge", "c", 640, 480)},
        ),
        liveness_stream.event_message("DisconnectionEvent", {"TimestampMillis": 1764504000123}),
        liveness_stream.exception_message("ValidationException", "no video"),
    ]
    decoded = run_sdk_codec({"decode": [base64.b64encode(f).decode() for f in frames]})["decoded"]
    assert [d["headers"].get(":event-type", d["headers"].get(":exception-type"))["value"] for d in decoded] == [
        "ServerSessionInformationEvent",
        "DisconnectionEvent",
        "ValidationException",
    ]
    info = json.loads(base64.b64decode(decoded[0]["body"]))
    assert "FaceMovementAndLightChallenge" in info["SessionInformation"]["Challenge"]


def test_corrupt_frames_are_refused_by_both():
    good = eventstream.encode({":message-type": "event"}, b"{}")
    bad_crc = good[:-1] + bytes([good[-1] ^ 1])
    truncated = good[:-3]
    for frame in (bad_crc, truncated):
        with pytest.raises(eventstream.DecodeError):
            eventstream.decode(frame)
    decoded = run_sdk_codec({"decode": [base64.b64encode(f).decode() for f in (bad_crc, truncated)]})["decoded"]
    assert all("error" in d for d in decoded)
