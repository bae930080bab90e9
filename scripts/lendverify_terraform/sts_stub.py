"""A loopback answer to sts:GetCallerIdentity, so Terraform can plan without an AWS account.

Why: modules build ARNs from data.aws_caller_identity, and that data source has no skip flag in the
provider. An offline plan points the provider's STS endpoint here; every other call has nowhere to go
and fails the plan loudly, which is what keeps the plan offline.
"""

from __future__ import annotations

import http.server
import threading
from types import TracebackType

ACCOUNT_ID = "123456789012"
RESPONSE = (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    f"<GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT_ID}:user/offline-plan</Arn>"
    f"<UserId>AIDAOFFLINEPLAN</UserId><Account>{ACCOUNT_ID}</Account></GetCallerIdentityResult>"
    "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
    "</ResponseMetadata></GetCallerIdentityResponse>"
).encode()
REFUSAL = b"offline plan: only sts:GetCallerIdentity is stubbed"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (the http.server API)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        answered = b"Action=GetCallerIdentity" in body
        payload = RESPONSE if answered else REFUSAL
        self.send_response(200 if answered else 400)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


class StsStub:
    """`with StsStub() as url:` serves on a free loopback port until the block ends."""

    def __enter__(self) -> str:
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
