"""boto3 clients for the AWS services the emulator writes to (S3, SNS), always pointed at moto."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import boto3
from botocore.config import Config


@dataclass(frozen=True)
class AwsSettings:
    endpoint_url: str
    region: str = "us-east-1"

    @classmethod
    def from_env(cls, endpoint_url: str | None = None) -> "AwsSettings":
        url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
        if not url:
            # Refuse rather than fall back to real AWS: this is a local-only tool.
            raise SystemExit(
                "AWS_ENDPOINT_URL (or --aws-endpoint-url) must point at moto; "
                "the emulator never talks to real AWS"
            )
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        return cls(endpoint_url=url, region=region)


class AwsClients:
    """Lazily built, shared clients (botocore clients are thread-safe; sessions are not)."""

    def __init__(self, settings: AwsSettings):
        self.settings = settings
        self._lock = threading.Lock()
        self._clients: dict[str, object] = {}

    def _client(self, service: str):
        with self._lock:
            if service not in self._clients:
                session = boto3.session.Session(
                    aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
                    aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
                    aws_session_token=os.environ.get("AWS_SESSION_TOKEN"),
                    region_name=self.settings.region,
                )
                self._clients[service] = session.client(
                    service,
                    endpoint_url=self.settings.endpoint_url,
                    config=Config(
                        s3={"addressing_style": "path"},  # loopback has no per-bucket host names
                        retries={"max_attempts": 3, "mode": "standard"},
                        connect_timeout=5,
                        read_timeout=30,
                    ),
                )
            return self._clients[service]

    @property
    def s3(self):
        return self._client("s3")

    @property
    def sns(self):
        return self._client("sns")
