#!/usr/bin/env python3
"""Cold-init time of the `bootstrap` binary, measured against a fake Lambda Runtime API.

Init is the time from process spawn to the runtime's first `GET /runtime/invocation/next`:
reading the configuration, building the SDK clients and starting the runtime loop — what a
cold start adds before the first event. Each run is a fresh process; the median and p90 of
--runs runs are printed (the machine is noisy, so never a single run).
"""
import argparse
import http.server
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

CONFIG = {
    "APPLICATIONS_TABLE": "bench-applications",
    "UPLOADS_BUCKET": "bench-uploads",
    "BIOMETRICS_BUCKET": "bench-biometrics",
    "TEXTRACT_OUTPUT_BUCKET": "bench-textract",
    "KMS_KEY_ARN": "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000",
    "LENDING_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:bench",
    "TEXTRACT_PUBLISH_ROLE_ARN": "arn:aws:iam::123456789012:role/bench",
    "LIVENESS_PASS_THRESHOLD": "90",
    "LIVENESS_REVIEW_BAND": "10",
    "FACE_SIMILARITY_THRESHOLD": "99",
    "FACE_SIMILARITY_REVIEW_BAND": "4",
    "MIN_EXTRACTION_CONFIDENCE": "90",
    "MINIMUM_AGE": "18",
    "LIVENESS_AUDIT_IMAGES_LIMIT": "4",
    "UPLOAD_URL_TTL_SECONDS": "300",
    "REQUIRED_DOCUMENTS": "URLA_1003,PROOF_OF_INCOME,BANK_STATEMENT,IDENTITY_DOCUMENT",
    "ALLOWED_ORIGIN": "https://app.example.com",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
    "AWS_LAMBDA_LOG_GROUP_NAME": "bench",
    "RUST_LOG": "warn",
}

first_next = threading.Event()
first_next_at = [0.0]


class RuntimeApi(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path.endswith("/runtime/invocation/next") and not first_next.is_set():
            first_next_at[0] = time.perf_counter()
            first_next.set()
        time.sleep(30)  # hold the long poll; the process is killed meanwhile

    def log_message(self, *args):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("binary")
    parser.add_argument("--handler", default="applications")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RuntimeApi)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {**os.environ, **CONFIG, "_HANDLER": args.handler,
           "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_address[1]}"}

    samples = []
    for _ in range(args.runs):
        first_next.clear()
        started = time.perf_counter()
        process = subprocess.Popen([args.binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not first_next.wait(10):
            process.kill()
            print(f"bootstrap never polled for an event: {process.stderr.read().decode()[:500]}", file=sys.stderr)
            return 1
        samples.append((first_next_at[0] - started) * 1000)
        process.kill()
        process.wait()
    samples.sort()
    p90 = samples[int(0.9 * (len(samples) - 1))]
    print(f"init {args.handler}: median {statistics.median(samples):.1f} ms, p90 {p90:.1f} ms over {len(samples)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
