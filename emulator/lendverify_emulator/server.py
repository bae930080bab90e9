"""HTTP front: AWS JSON 1.1 on ``POST /`` and the control API under ``/_emulator/``."""

from __future__ import annotations

import json
import re
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .app import Emulator
from .errors import AwsError, ControlError

AMZ_JSON = "application/x-amz-json-1.1"
MAX_BODY = 64 * 1024 * 1024  # well above the AWS request limits the operations enforce

_SESSION_COMPLETE = re.compile(r"^/_emulator/liveness-sessions/([^/]+)/complete$")
_SESSION = re.compile(r"^/_emulator/liveness-sessions/([^/]+)$")
_SESSION_VIDEO = re.compile(r"^/_emulator/liveness-sessions/([^/]+)/video$")
_JOB = re.compile(r"^/_emulator/lending-jobs/([^/]+)$")


class _BadRequest(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive: the Rust SDK pools connections.
    protocol_version = "HTTP/1.1"
    server_version = "lendverify-emulator"
    emulator: Emulator  # set on the subclass made by make_server
    quiet = False

    # ------------------------------------------------------------------ plumbing

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if not self.quiet:
            sys.stderr.write("emulator: %s %s\n" % (self.address_string(), format % args))

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = bytearray()
            while True:
                size_line = self.rfile.readline(1024)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(chunks)
                chunks += self.rfile.read(size)
                self.rfile.readline(1024)
                if len(chunks) > MAX_BODY:
                    raise _BadRequest("request body too large")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise _BadRequest("request body too large")
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _send_aws_error(self, err: AwsError) -> None:
        body = json.dumps({"__type": err.code, "message": err.message}).encode()
        self._send(err.status, body, AMZ_JSON, {"x-amzn-ErrorType": err.code})

    # ------------------------------------------------------------------ routing

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        path = urlsplit(self.path).path
        if path.startswith("/_emulator/"):
            self._control("POST", path)
        elif path in ("/", ""):
            self._aws()
        else:
            self._send_json(404, {"error": f"no route POST {path}"})

    def do_GET(self) -> None:  # noqa: N802
        self._control("GET", urlsplit(self.path).path)

    def do_DELETE(self) -> None:  # noqa: N802
        self._control("DELETE", urlsplit(self.path).path)

    # ------------------------------------------------------------------ AWS JSON 1.1

    def _aws(self) -> None:
        try:
            raw = self._read_body()
        except (_BadRequest, ValueError) as exc:
            self.close_connection = True  # the unread body would poison the next request
            self._send_aws_error(AwsError("SerializationException", str(exc)))
            return
        target = self.headers.get("X-Amz-Target")
        try:
            try:
                params = json.loads(raw) if raw.strip() else {}
            except (ValueError, UnicodeDecodeError):
                raise AwsError("SerializationException", "request body is not valid JSON") from None
            if not isinstance(params, dict):
                raise AwsError("SerializationException", "request body must be a JSON object")
            result = self.emulator.call(target, params)
        except AwsError as err:
            self._send_aws_error(err)
            return
        except Exception as exc:  # a bug here must look like a 500 to the SDK, not a hang
            sys.stderr.write(f"emulator: {target} crashed: {exc!r}\n")
            self._send_aws_error(AwsError("InternalServerError", f"emulator error: {exc}"))
            return
        self._send(200, json.dumps(result).encode(), AMZ_JSON)

    # ------------------------------------------------------------------ control API

    def _control(self, method: str, path: str) -> None:
        emu = self.emulator
        try:
            body: dict[str, Any] = {}
            if method in ("POST", "DELETE"):
                raw = self._read_body()
                if raw.strip():
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        raise ControlError(400, "body is not valid JSON") from None
                    if not isinstance(body, dict):
                        raise ControlError(400, "body must be a JSON object")
            route = (method, path)
            if route == ("GET", "/_emulator/health"):
                self._send_json(200, emu.control_health())
            elif route == ("GET", "/_emulator/calls"):
                self._send_json(200, emu.control_calls())
            elif route == ("DELETE", "/_emulator/calls"):
                emu.control_clear_calls()
                self._send_json(200, {"cleared": "calls"})
            elif route == ("GET", "/_emulator/faults"):
                self._send_json(200, emu.control_faults())
            elif route == ("POST", "/_emulator/faults"):
                self._send_json(200, emu.control_set_fault(body))
            elif route == ("DELETE", "/_emulator/faults"):
                emu.control_clear_faults()
                self._send_json(200, {"cleared": "faults"})
            elif route == ("GET", "/_emulator/replays"):
                self._send_json(200, emu.control_replays())
            elif route == ("POST", "/_emulator/replays"):
                self._send_json(200, emu.control_queue_replay(body))
            elif route == ("DELETE", "/_emulator/replays"):
                emu.control_clear_replays()
                self._send_json(200, {"cleared": "replays"})
            elif route == ("GET", "/_emulator/clock"):
                self._send_json(200, emu.control_clock())
            elif route == ("POST", "/_emulator/clock"):
                self._send_json(200, emu.control_advance_clock(body))
            elif route == ("POST", "/_emulator/reset"):
                emu.control_reset()
                self._send_json(200, {"reset": True})
            elif route == ("GET", "/_emulator/liveness-sessions"):
                self._send_json(200, emu.control_liveness_sessions())
            elif route == ("GET", "/_emulator/liveness-stream"):
                self._send_json(200, emu.control_liveness_stream())
            elif route == ("POST", "/_emulator/liveness-stream"):
                self._send_json(200, emu.control_set_liveness_stream(body))
            elif route == ("DELETE", "/_emulator/liveness-stream"):
                emu.control_clear_liveness_stream()
                self._send_json(200, emu.control_liveness_stream())
            elif method == "GET" and (m := _SESSION_VIDEO.match(path)):
                self._send(200, emu.control_liveness_video(m.group(1)), "video/webm")
            elif route == ("GET", "/_emulator/lending-jobs"):
                self._send_json(200, emu.control_lending_jobs())
            elif method == "POST" and (m := _SESSION_COMPLETE.match(path)):
                self._send_json(200, emu.control_complete_liveness(m.group(1), body))
            elif method == "GET" and (m := _SESSION.match(path)):
                self._send_json(200, emu.control_liveness_session(m.group(1)))
            elif method == "GET" and (m := _JOB.match(path)):
                self._send_json(200, emu.control_lending_job(m.group(1)))
            else:
                raise ControlError(404, f"no route {method} {path}")
        except ControlError as err:
            self._send_json(err.status, err.body())
        except (_BadRequest, ValueError) as exc:
            self.close_connection = True
            self._send_json(400, {"error": str(exc)})


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def make_server(emulator: Emulator, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = False) -> EmulatorServer:
    """Bind (port 0 picks a free one) without serving yet; call ``serve_forever()``."""
    handler = type("BoundHandler", (Handler,), {"emulator": emulator, "quiet": quiet})
    return EmulatorServer((host, port), handler)

