"""Bounded HTTP: every call has a timeout, and no call outlives the run's deadline."""
from __future__ import annotations

import dataclasses
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import Message
from typing import Any

# API Gateway gives up on an integration after 29 s.
REQUEST_TIMEOUT_SECONDS = 30.0


class CheckFailed(Exception):
    """An answer is not what the contract says."""


class DeadlineExceeded(CheckFailed):
    """The run's overall time is up."""


class Deadline:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._ends_at = clock() + seconds
        self.seconds = seconds

    def remaining(self) -> float:
        return self._ends_at - self._clock()

    def timeout(self, cap: float = REQUEST_TIMEOUT_SECONDS) -> float:
        """The timeout of the next call: `cap`, or less when the deadline is nearer."""
        left = self.remaining()
        if left <= 0:
            raise DeadlineExceeded(f"the smoke test's deadline ({self.seconds:.0f} s) has passed")
        return min(cap, left)


@dataclasses.dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            raise CheckFailed(f"HTTP {self.status}: the body is not JSON: {self.body[:200]!r}") from None

    def expect(self, status: int) -> Any:
        """The JSON body of an answer that must have this status (None for an empty body)."""
        if self.status != status:
            raise CheckFailed(f"expected HTTP {status}, got {self.status}: {self.body[:500].decode('utf-8', 'replace')}")
        return self.json() if self.body else None


def send(method: str, url: str, deadline: Deadline, body: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=deadline.timeout()) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


class Api:
    """The stage's API as one signed-in user (or as nobody, with `token=None`)."""

    def __init__(self, base_url: str, token: str | None, deadline: Deadline) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.deadline = deadline

    def call(self, method: str, path: str, payload: Any = None, headers: dict[str, str] | None = None) -> Reply:
        all_headers = {"Accept": "application/json", **(headers or {})}
        if self.token:
            # The raw ID token: what API Gateway's Cognito user pool authorizer reads.
            all_headers["Authorization"] = self.token
        body = None
        if payload is not None:
            body = json.dumps(payload).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        return send(method, self.base_url + path, self.deadline, body, all_headers)
