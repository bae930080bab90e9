"""One line per step: ✓ or ✗, what was checked, and how long it took."""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from .api_client import CheckFailed

PASSED, FAILED, SKIPPED = "✓", "✗", "–"


class Report:
    def __init__(self, out: TextIO | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.out = out or sys.stdout
        self.clock = clock
        self.started = clock()
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def _line(self, mark: str, title: str, detail: str, seconds: float | None) -> None:
        timing = f"{seconds:7.2f} s" if seconds is not None else " " * 9
        text = f"  {mark} {timing}  {title}"
        if detail:
            text += f": {detail}"
        print(text, file=self.out, flush=True)

    def run(self, title: str, action: Callable[[], str | None]) -> bool:
        """Runs one step; any exception fails it (a smoke test reports, it does not crash)."""
        started = self.clock()
        try:
            detail = action() or ""
        except CheckFailed as failure:
            return self._failed(title, str(failure), started)
        except Exception as error:  # noqa: BLE001 - a smoke test reports every failure as a ✗ line
            return self._failed(title, f"{type(error).__name__}: {error}", started)
        self.passed += 1
        self._line(PASSED, title, detail, self.clock() - started)
        return True

    def _failed(self, title: str, reason: str, started: float) -> bool:
        self.failed += 1
        self._line(FAILED, title, reason, self.clock() - started)
        return False

    def skip(self, title: str, reason: str) -> None:
        self.skipped += 1
        self._line(SKIPPED, title, reason, None)

    def note(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def summary(self) -> str:
        verdict = "passed" if self.failed == 0 else "FAILED"
        return (
            f"smoke test {verdict} in {self.clock() - self.started:.1f} s: "
            f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"
        )
