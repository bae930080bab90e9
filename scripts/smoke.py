#!/usr/bin/env python3
"""Smoke test of a deployed LendVerify stage (make smoke), or of the local stage (make smoke-local).

Creates an application, gives consent, opens a liveness session, uploads a generated ID image and lending PDF,
runs the lending analysis through SNS -> SQS -> consumer, checks the answers' shapes and erases
the application. Bounded: every call has a timeout, the whole run a deadline.

  SMOKE_API_URL SMOKE_USER_POOL_ID SMOKE_USER_POOL_CLIENT_ID [SMOKE_REGION]   the stage's outputs,
      or --env NAME to read them from `terraform output -json` of environments/NAME
  SMOKE_USERNAME SMOKE_PASSWORD       an existing, confirmed user of the pool (no MFA)
  SMOKE_ALLOW_PROD=prod               required to run against prod
  SMOKE_TIMEOUT_SECONDS               overall deadline (default 420)
  SMOKE_EMULATOR_URL, SMOKE_COGNITO_ENDPOINT   local stage only (set by scripts/smoke-local.sh)

Exit status: 0 every check passed, 1 a check failed, 2 missing or refused configuration.
"""
from __future__ import annotations

import argparse
import datetime
import os
import sys

from lendverify_smoke.api_client import Deadline
from lendverify_smoke.config import ConfigError, load_stage
from lendverify_smoke.fixtures import Applicant
from lendverify_smoke.flow import Run, execute
from lendverify_smoke.report import Report

DEFAULT_TIMEOUT_SECONDS = 420.0
EXIT_PASSED, EXIT_FAILED, EXIT_CONFIGURATION = 0, 1, 2


def deadline_seconds(text: str) -> float:
    if not text:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise ConfigError(f"SMOKE_TIMEOUT_SECONDS must be a positive number of seconds, not {text!r}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", default="", help="read the stage's outputs from environments/ENV (dev, staging, prod)")
    args = parser.parse_args(argv)
    try:
        stage = load_stage(os.environ, args.env)
        timeout = deadline_seconds(os.environ.get("SMOKE_TIMEOUT_SECONDS", ""))
    except ConfigError as error:
        print(f"smoke: {error}", file=sys.stderr)
        return EXIT_CONFIGURATION
    report = Report()
    kind = "local stage" if stage.is_local else "AWS"
    report.note(f"smoke test of {stage.name} ({kind}): {stage.api_url} as {stage.username}, deadline {timeout:.0f} s")
    run = Run(stage=stage, deadline=Deadline(timeout), applicant=Applicant(), today=datetime.date.today())
    passed = execute(run, report)
    report.note(report.summary())
    return EXIT_PASSED if passed else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
