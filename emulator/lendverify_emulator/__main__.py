"""``python -m lendverify_emulator --host 127.0.0.1 --port 4567``"""

from __future__ import annotations

import argparse
import signal
import sys

from .app import Emulator
from .aws import AwsSettings
from .liveness_stream import LivenessStreamServer
from .server import make_server


def _stop(signum, frame):  # noqa: ARG001 - signal handler signature
    # SIGTERM (what harnesses send) should stop cleanly, like Ctrl-C.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lendverify_emulator",
        description="LendVerify development emulator for Rekognition and Textract (deterministic; "
        "not a model of their accuracy). S3 and SNS go to moto at AWS_ENDPOINT_URL.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4567, help="0 picks a free port")
    parser.add_argument(
        "--aws-endpoint-url",
        default=None,
        help="moto endpoint for S3 and SNS (default: $AWS_ENDPOINT_URL; required)",
    )
    parser.add_argument(
        "--lending-delay",
        type=float,
        default=0.3,
        help="seconds before a StartLendingAnalysis job runs (default 0.3)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    parser.add_argument(
        "--liveness-port",
        type=int,
        default=None,
        help="serve the Face Liveness streaming WebSocket on this port (0 picks one; default: not served)",
    )
    parser.add_argument("--tls-cert", default=None, help="PEM certificate for the liveness stream (wss)")
    parser.add_argument("--tls-key", default=None, help="PEM private key of --tls-cert")
    args = parser.parse_args(argv)

    emulator = Emulator(AwsSettings.from_env(args.aws_endpoint_url), lending_delay=args.lending_delay)
    server = make_server(emulator, args.host, args.port, quiet=args.quiet)
    signal.signal(signal.SIGTERM, _stop)
    stream = None
    if args.liveness_port is not None:
        stream = LivenessStreamServer(
            emulator, args.host, args.liveness_port, certfile=args.tls_cert, keyfile=args.tls_key
        ).start()
        print(f"emulator liveness stream on {stream.url}", flush=True)
    print(f"emulator listening on {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if stream is not None:
            stream.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
