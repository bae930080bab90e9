"""Just enough PDF to write and read back the lending fixtures.

Reading handles what simple generators emit: classic (non-object-stream) cross-reference
layout, page tree from the catalog, one or more content streams per page, uncompressed or
FlateDecode. Every ``Tj``, ``TJ``, ``'`` and ``"`` operator yields one text line.
"""

from __future__ import annotations

import re
import zlib

PDF_MAGIC = b"%PDF"

_OBJ_RE = re.compile(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj", re.S)
_REF_RE = re.compile(rb"(\d+)\s+(\d+)\s+R\b")
_STREAM_RE = re.compile(rb"\bstream\r?\n", re.S)


class PdfError(ValueError):
    """The bytes are a PDF this reader cannot make pages of."""


def is_pdf(data: bytes) -> bool:
    # The spec lets the header sit anywhere in the first 1024 bytes.
    return PDF_MAGIC in data[:1024]


# --------------------------------------------------------------------------- reading


def _objects(data: bytes) -> dict[int, bytes]:
    objs: dict[int, bytes] = {}
    for m in _OBJ_RE.finditer(data):
        objs[int(m.group(1))] = m.group(3)  # a later revision of an object replaces the earlier
    return objs


def _dict_part(obj: bytes) -> bytes:
    m = _STREAM_RE.search(obj)
    return obj[: m.start()] if m else obj


def _stream_data(obj: bytes) -> bytes | None:
    m = _STREAM_RE.search(obj)
    if not m:
        return None
    end = obj.rfind(b"endstream")
    raw = obj[m.end() : end if end >= 0 else len(obj)]
    if raw.endswith(b"\r\n"):
        raw = raw[:-2]
    elif raw.endswith(b"\n") or raw.endswith(b"\r"):
        raw = raw[:-1]
    head = _dict_part(obj)
    if b"/FlateDecode" in head:
        try:
            raw = zlib.decompress(raw)
        except zlib.error:
            raw = zlib.decompressobj().decompress(raw)
    return raw


def _key_value(dict_bytes: bytes, key: bytes) -> bytes | None:
    """Raw text following ``/Key`` up to the next key (good enough for refs, names, arrays)."""
    m = re.search(rb"/" + key + rb"(?![A-Za-z0-9])\s*", dict_bytes)
    if not m:
        return None
    rest = dict_bytes[m.end() :]
    if rest.startswith(b"["):
        close = rest.find(b"]")
        return rest[: close + 1] if close >= 0 else rest
    nxt = re.search(rb"/[A-Za-z]|>>", rest[1:])
    return rest[: nxt.start() + 1] if nxt else rest


def _refs(value: bytes | None) -> list[int]:
    return [int(m.group(1)) for m in _REF_RE.finditer(value or b"")]


def _is_type(dict_bytes: bytes, name: bytes) -> bool:
    return re.search(rb"/Type\s*/" + name + rb"(?![A-Za-z0-9])", dict_bytes) is not None


def _page_objects(data: bytes, objs: dict[int, bytes]) -> list[int]:
    pages: list[int] = []

    def walk(num: int, depth: int) -> None:
        if depth > 32 or num not in objs:
            return
        d = _dict_part(objs[num])
        if _is_type(d, b"Pages"):
            for kid in _refs(_key_value(d, b"Kids")):
                walk(kid, depth + 1)
        elif _is_type(d, b"Page"):
            pages.append(num)

    root = None
    trailer = data.rfind(b"trailer")
    if trailer >= 0:
        roots = _refs(_key_value(data[trailer:], b"Root"))
        root = roots[0] if roots else None
    if root is None:
        root = next((n for n, o in sorted(objs.items()) if _is_type(_dict_part(o), b"Catalog")), None)
    if root is not None and root in objs:
        for p in _refs(_key_value(_dict_part(objs[root]), b"Pages"))[:1]:
            walk(p, 0)
    if not pages:  # no usable page tree: fall back to document order
        pages = [n for n, o in sorted(objs.items()) if _is_type(_dict_part(o), b"Page")]
    return pages


_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


def _read_literal(buf: bytes, i: int) -> tuple[bytes, int]:
    """Parse a ``( ... )`` string starting at ``buf[i] == '('``; returns (bytes, index after)."""
    out = bytearray()
    depth = 1
    i += 1
    n = len(buf)
    while i < n:
        c = buf[i]
        if c == 0x5C:  # backslash
            i += 1
            if i >= n:
                break
            e = buf[i]
            if e in _ESCAPES:
                out += _ESCAPES[e]
                i += 1
            elif 0x30 <= e <= 0x37:
                j = i
                while j < n and j - i < 3 and 0x30 <= buf[j] <= 0x37:
                    j += 1
                out.append(int(buf[i:j], 8) & 0xFF)
                i = j
            elif e == 0x0D:  # line continuation
                i += 2 if buf[i : i + 2] == b"\r\n" else 1
            elif e == 0x0A:
                i += 1
            else:  # \( \) \\ and unknown escapes: the character itself
                out.append(e)
                i += 1
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    return bytes(out), i


def _read_hex(buf: bytes, i: int) -> tuple[bytes, int]:
    end = buf.find(b">", i)
    end = len(buf) if end < 0 else end
    digits = re.sub(rb"[^0-9A-Fa-f]", b"", buf[i + 1 : end])
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode()), end + 1


def decode_pdf_string(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


_DELIMS = b"()<>[]{}/%"


def content_lines(content: bytes) -> list[str]:
    """Text shown by each text-showing operator of a content stream, one line per operator."""
    lines: list[str] = []
    operands: list = []  # str (string operand), list (array), or None (anything else)
    stack: list[list] = []
    i, n = 0, len(content)
    while i < n:
        c = content[i]
        if c in b" \t\r\n\f\x00":
            i += 1
        elif c == 0x25:  # comment
            while i < n and content[i] not in b"\r\n":
                i += 1
        elif c == 0x28:
            raw, i = _read_literal(content, i)
            (stack[-1] if stack else operands).append(decode_pdf_string(raw))
        elif c == 0x3C and content[i : i + 2] == b"<<":
            i += 2
        elif c == 0x3E and content[i : i + 2] == b">>":
            i += 2
        elif c == 0x3C:
            raw, i = _read_hex(content, i)
            (stack[-1] if stack else operands).append(decode_pdf_string(raw))
        elif c == 0x5B:
            stack.append([])
            i += 1
        elif c == 0x5D:
            arr = stack.pop() if stack else []
            (stack[-1] if stack else operands).append(arr)
            i += 1
        else:
            j = i + 1
            while j < n and content[j] not in b" \t\r\n\f\x00" and content[j] not in _DELIMS:
                j += 1
            token = content[i:j]
            i = j
            if c == 0x2F or re.fullmatch(rb"[+-]?(\d+\.?\d*|\.\d+)", token):
                (stack[-1] if stack else operands).append(None)
                continue
            if stack:  # an operator inside an array is malformed; ignore it
                continue
            op = token.decode("latin-1")
            if op in ("Tj", "'", '"') and operands and isinstance(operands[-1], str):
                lines.append(operands[-1])
            elif op == "TJ" and operands and isinstance(operands[-1], list):
                lines.append("".join(p for p in operands[-1] if isinstance(p, str)))
            elif op == "BI":  # inline image: skip to EI
                end = content.find(b"EI", i)
                i = n if end < 0 else end + 2
            operands = []
    return lines


def page_texts(data: bytes) -> list[list[str]]:
    """Text lines of every page, in page order. Raises PdfError if no page can be found."""
    if not is_pdf(data):
        raise PdfError("not a PDF")
    objs = _objects(data)
    pages = _page_objects(data, objs)
    if not pages:
        raise PdfError("no pages found (object streams are not supported)")
    out: list[list[str]] = []
    for num in pages:
        lines: list[str] = []
        for ref in _refs(_key_value(_dict_part(objs[num]), b"Contents")):
            if ref in objs:
                stream = _stream_data(objs[ref])
                if stream is not None:
                    lines.extend(content_lines(stream))
                else:  # /Contents pointing at an array object of streams
                    for sub in _refs(objs[ref]):
                        s = _stream_data(objs.get(sub, b""))
                        if s is not None:
                            lines.extend(content_lines(s))
        out.append(lines)
    return out


# --------------------------------------------------------------------------- writing


def _pdf_string(text: str) -> bytes:
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        # Outside WinAnsi: a UTF-16BE text string, which this reader (and Textract-shaped
        # consumers) decode; a viewer with a standard font would show it garbled.
        return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"
    out = bytearray(b"(")
    for b in raw:
        if b in (0x28, 0x29, 0x5C):
            out += b"\\" + bytes([b])
        elif b < 0x20 or b > 0x7E:
            out += b"\\%03o" % b
        else:
            out.append(b)
    return bytes(out + b")")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A valid, uncompressed PDF: one page per entry, one ``Tj`` per text line, Helvetica 11pt."""
    if not pages:
        raise ValueError("a PDF needs at least one page")
    n = len(pages)
    # objects: 1 catalog, 2 pages, 3 font, then (page, content) pairs
    objs: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (4 + 2 * k) for k in range(n))
        + b"] /Count %d >>" % n,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for k, lines in enumerate(pages):
        body = b"BT /F1 11 Tf 14 TL 56 790 Td\n" + b"".join(
            _pdf_string(line) + b" Tj T*\n" for line in lines
        ) + b"ET\n"
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * k)
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"endstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)
