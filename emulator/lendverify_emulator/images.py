"""Image fixtures: tiny real PNGs whose text chunks say which face / ID document they show.

The emulator never looks at pixels. A PNG carries its meaning in text chunks:

* ``lendverify-face``: the face id (``alice``; in a CompareFaces target ``alice~97.0`` means
  "alice, at similarity 97.0").
* ``lendverify-id``: JSON describing an identity document (``{"face": ..., "fields": {...},
  "confidence": {...}}``); its ``face`` key also counts as the face on the image.

JPEG is accepted too: a COM segment whose payload is ``keyword NUL text`` (the tEXt layout)
is read the same way.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from typing import Any

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

FACE_KEYWORD = "lendverify-face"
ID_KEYWORD = "lendverify-id"


def image_format(data: bytes) -> str | None:
    """``"png"``, ``"jpeg"`` or None, from the magic bytes."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(JPEG_SIGNATURE):
        return "jpeg"
    return None


def _decode_text(raw: bytes) -> str:
    # tEXt is Latin-1 by the PNG spec, but fixture writers in other languages tend to put
    # UTF-8 there; valid UTF-8 that is not meant as UTF-8 is vanishingly rare.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _png_text_chunks(data: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length  # length + type + body + CRC (CRC not checked: fixtures only)
        if ctype == b"tEXt" and b"\x00" in body:
            key, _, text = body.partition(b"\x00")
            out.setdefault(key.decode("latin-1"), _decode_text(text))
        elif ctype == b"zTXt" and b"\x00" in body:
            key, _, rest = body.partition(b"\x00")
            try:
                out.setdefault(key.decode("latin-1"), _decode_text(zlib.decompress(rest[1:])))
            except zlib.error:
                pass
        elif ctype == b"iTXt" and b"\x00" in body:
            key, _, rest = body.partition(b"\x00")
            if len(rest) < 2:
                continue
            compressed = rest[0] == 1
            rest = rest[2:]
            _lang, _, rest = rest.partition(b"\x00")
            _tkey, _, text = rest.partition(b"\x00")
            try:
                raw = zlib.decompress(text) if compressed else text
                out.setdefault(key.decode("latin-1"), raw.decode("utf-8"))
            except (zlib.error, UnicodeDecodeError):
                pass
        elif ctype == b"IEND":
            break
    return out


def _jpeg_text_segments(data: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # EOI, or SOS: entropy-coded data follows, no more COM
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        body = data[pos + 4 : pos + 2 + length]
        if marker == 0xFE and b"\x00" in body:
            key, _, text = body.partition(b"\x00")
            out.setdefault(key.decode("latin-1"), _decode_text(text))
        pos += 2 + length
    return out


def text_chunks(data: bytes) -> dict[str, str]:
    """All keyword → text pairs carried by a PNG or JPEG (first occurrence wins)."""
    fmt = image_format(data)
    if fmt == "png":
        return _png_text_chunks(data)
    if fmt == "jpeg":
        return _jpeg_text_segments(data)
    return {}


def id_document(data: bytes) -> dict[str, Any] | None:
    """The parsed ``lendverify-id`` JSON object, or None when absent or not a JSON object."""
    raw = text_chunks(data).get(ID_KEYWORD)
    if raw is None:
        return None
    try:
        doc = json.loads(raw)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def face_id(data: bytes) -> str | None:
    """The face on the image: ``lendverify-face``, else ``lendverify-id``'s ``face``; None if neither."""
    face = text_chunks(data).get(FACE_KEYWORD)
    if face is None:
        doc = id_document(data)
        if doc is not None and isinstance(doc.get("face"), str):
            face = doc["face"]
    face = face.strip() if face else None
    return face or None


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + ctype
        + body
        + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)
    )


def make_png(
    face: str | None = None,
    id_document: dict[str, Any] | None = None,
    *,
    size: int = 8,
    extra_text: dict[str, str] | None = None,
) -> bytes:
    """A real, decodable grayscale PNG of ``size``×``size`` pixels carrying fixture text chunks.

    ``face`` goes into a ``lendverify-face`` tEXt chunk, ``id_document`` into a
    ``lendverify-id`` tEXt chunk as ASCII-only JSON (non-ASCII as ``\\uXXXX`` escapes, so the
    chunk stays valid Latin-1 whatever the names are).
    """
    texts: dict[str, str] = {}
    if face is not None:
        texts[FACE_KEYWORD] = face
    if id_document is not None:
        texts[ID_KEYWORD] = json.dumps(id_document, ensure_ascii=True, sort_keys=True)
    texts.update(extra_text or {})

    seed = hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).digest()
    rows = b"".join(
        b"\x00" + bytes((seed[(x + y) % len(seed)] for x in range(size))) for y in range(size)
    )
    out = PNG_SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0))
    for key, value in texts.items():
        try:
            body = key.encode("latin-1") + b"\x00" + value.encode("latin-1")
            out += _chunk(b"tEXt", body)
        except UnicodeEncodeError:
            out += _chunk(
                b"iTXt", key.encode("latin-1") + b"\x00\x00\x00\x00\x00" + value.encode("utf-8")
            )
    out += _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")
    return out


def add_png_text(png: bytes, texts: dict[str, str]) -> bytes:
    """``png`` with a tEXt chunk per entry inserted right after IHDR (Latin-1 text only)."""
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise ValueError("not a PNG starting with IHDR")
    (ihdr_length,) = struct.unpack(">I", png[8:12])
    split = 8 + 12 + ihdr_length
    extra = b"".join(
        _chunk(b"tEXt", key.encode("latin-1") + b"\x00" + value.encode("latin-1"))
        for key, value in texts.items()
    )
    return png[:split] + extra + png[split:]
