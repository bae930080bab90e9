"""AWS event-stream framing (``application/vnd.amazon.eventstream``), as Rekognition Streaming's
Face Liveness WebSocket carries it.

A message is a prelude (total length, headers length, CRC32 of those 8 bytes), the headers, the
payload and a CRC32 of everything before it. Decoding uses botocore's own parser (which checks both
CRCs and every header type); botocore has no encoder, so :func:`encode` writes the same layout.
``tests/test_eventstream_codec.py`` checks both directions against the AWS SDK for JavaScript's
codec (npm ``@smithy/eventstream-codec``).
"""

from __future__ import annotations

import datetime as dt
import struct
import uuid
import zlib
from dataclasses import dataclass
from typing import Any

from botocore.eventstream import EventStreamBuffer, EventStreamMessage, ParserError

__all__ = ["Message", "encode", "decode", "DecodeError", "Timestamp"]

# Header value type tags of the event-stream format.
_BOOL_TRUE, _BOOL_FALSE, _BYTE, _SHORT, _INTEGER, _LONG, _BYTES, _STRING, _TIMESTAMP, _UUID = range(10)

MAX_MESSAGE = 16 * 1024 * 1024  # the format's own limit
MAX_HEADERS = 128 * 1024


class DecodeError(ValueError):
    """A frame that is not one well-formed event-stream message."""


@dataclass(frozen=True)
class Timestamp:
    """A ``timestamp`` header: milliseconds since the epoch."""

    millis: int


@dataclass(frozen=True)
class Message:
    headers: dict[str, Any]
    payload: bytes


def _header(name: str, value: Any) -> bytes:
    raw_name = name.encode("utf-8")
    if len(raw_name) > 255:
        raise ValueError(f"header name too long: {name!r}")
    out = struct.pack(">B", len(raw_name)) + raw_name
    if isinstance(value, bool):
        return out + struct.pack(">B", _BOOL_TRUE if value else _BOOL_FALSE)
    if isinstance(value, Timestamp):
        return out + struct.pack(">Bq", _TIMESTAMP, value.millis)
    if isinstance(value, dt.datetime):
        return out + struct.pack(">Bq", _TIMESTAMP, int(value.timestamp() * 1000))
    if isinstance(value, uuid.UUID):
        return out + struct.pack(">B", _UUID) + value.bytes
    if isinstance(value, int):
        return out + struct.pack(">Bq", _LONG, value)
    if isinstance(value, (bytes, bytearray)):
        return out + struct.pack(">BH", _BYTES, len(value)) + bytes(value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return out + struct.pack(">BH", _STRING, len(raw)) + raw
    raise TypeError(f"unsupported header value for {name!r}: {type(value).__name__}")


def encode(headers: dict[str, Any], payload: bytes = b"") -> bytes:
    """One event-stream message. ``str`` headers become strings, ``bytes`` byte arrays, ``int``
    64-bit longs, :class:`Timestamp`/``datetime`` timestamps, ``bool`` booleans, ``UUID`` uuids."""
    raw_headers = b"".join(_header(k, v) for k, v in headers.items())
    total = 12 + len(raw_headers) + len(payload) + 4
    if total > MAX_MESSAGE or len(raw_headers) > MAX_HEADERS:
        raise ValueError("event-stream message too large")
    prelude = struct.pack(">II", total, len(raw_headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + raw_headers + payload
    return body + struct.pack(">I", zlib.crc32(body))


def decode(frame: bytes) -> Message:
    """Exactly one message from ``frame`` (a WebSocket binary frame carries one)."""
    buffer = EventStreamBuffer()
    buffer.add_data(bytes(frame))
    try:
        messages: list[EventStreamMessage] = list(buffer)
    except ParserError as exc:
        raise DecodeError(str(exc)) from None
    if len(messages) != 1 or len(frame) < 16:
        raise DecodeError(f"expected one event-stream message, found {len(messages)}")
    message = messages[0]
    if message.prelude.total_length != len(frame):
        raise DecodeError("trailing bytes after the event-stream message")
    headers = {
        k: Timestamp(int(v.timestamp() * 1000)) if isinstance(v, dt.datetime) else v
        for k, v in message.headers.items()
    }
    return Message(headers=headers, payload=bytes(message.payload))
