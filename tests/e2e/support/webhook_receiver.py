"""A lender's webhook receiver for the end-to-end tests, verifying with the documented snippet.

    python3 webhook_receiver.py [--port 0] [--fail-first N] [--secret whsec_...]

Prints `listening on http://127.0.0.1:<port>` on its first line. Every POST (any path) is a
delivery: the first N are answered 503 on purpose (the dispatcher must retry); after that a
delivery whose signature docs/webhooks/verify_signature.py accepts is answered 204 and recorded
by its webhook-id, and one it refuses is answered 400. Until it knows the secret it answers 503.

Control (JSON, for the tests):
    POST /_control  {"secret": "whsec_...", "failFirst": N}   either key optional; resets counts
                                                               when failFirst is given
    GET  /_deliveries  {"accepted": [{"webhookId", "timestamp", "body"}], "attempts": n,
                        "failedOnPurpose": n, "refused": [reason, ...]}
"""

import argparse
import json
import pathlib
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPO = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "docs" / "webhooks"))
import verify_signature  # noqa: E402  (the receiver uses the README's snippet, unchanged)


class Receiver:
    def __init__(self, secret, fail_first):
        self.lock = threading.Lock()
        self.secret = secret
        self.fail_first = fail_first
        self.attempts = 0
        self.failed_on_purpose = 0
        self.accepted = []
        self.refused = []

    def deliver(self, headers, body):
        with self.lock:
            self.attempts += 1
            if self.secret is None:
                return 503
            if self.failed_on_purpose < self.fail_first:
                self.failed_on_purpose += 1
                return 503
            try:
                webhook_id = verify_signature.verify(self.secret, headers, body)
            except verify_signature.InvalidSignature as refused:
                self.refused.append(str(refused))
                return 400
            self.accepted.append(
                {
                    "webhookId": webhook_id,
                    "timestamp": headers.get("webhook-timestamp"),
                    "body": body.decode(),
                }
            )
            return 204

    def control(self, settings):
        with self.lock:
            if "secret" in settings:
                self.secret = settings["secret"]
            if "failFirst" in settings:
                self.fail_first = int(settings["failFirst"])
                self.failed_on_purpose = 0
                self.attempts = 0
                self.accepted = []
                self.refused = []

    def report(self):
        with self.lock:
            return {
                "accepted": list(self.accepted),
                "attempts": self.attempts,
                "failedOnPurpose": self.failed_on_purpose,
                "refused": list(self.refused),
            }


def handler_for(receiver):
    class Handler(BaseHTTPRequestHandler):
        def _body(self):
            return self.rfile.read(int(self.headers.get("content-length") or 0))

        def _answer(self, status, payload=None):
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/_deliveries":
                self._answer(200, receiver.report())
            else:
                self._answer(404)

        def do_POST(self):
            body = self._body()
            if self.path == "/_control":
                receiver.control(json.loads(body or b"{}"))
                self._answer(204)
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            self._answer(receiver.deliver(headers, body))

        def log_message(self, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--secret")
    args = parser.parse_args()
    receiver = Receiver(args.secret, args.fail_first)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(receiver))
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
