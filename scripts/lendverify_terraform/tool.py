"""What every command shares: where things are, how terraform runs, how a failure is reported."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
from typing import Mapping, Sequence

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
PLAN_DIR = BUILD / "plans"
DEPLOY_ENVS = ("dev", "staging", "prod")
# Directories every check covers; a missing one is an error, not a skip.
TOP_DIRS = ("modules", "terraform", "environments")
# environments/common is not a root: its files are linked into dev, staging and prod.
SHARED_ROOT_FILES = ROOT / "environments" / "common"


class CheckFailed(Exception):
    """A check or step failed; the message says which and why."""


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def terraform_dirs() -> list[pathlib.Path]:
    """Every Terraform directory the gate covers: modules/*, terraform/, environments/* (roots only)."""
    for top in TOP_DIRS:
        if not (ROOT / top).is_dir():
            raise CheckFailed(f"directory {top}/ is missing")
    dirs = sorted(p for p in (ROOT / "modules").iterdir() if p.is_dir())
    dirs.append(ROOT / "terraform")
    dirs += sorted(p for p in (ROOT / "environments").iterdir() if p.is_dir() and p != SHARED_ROOT_FILES)
    for d in dirs:
        if not any(d.glob("*.tf")):
            raise CheckFailed(f"{rel(d)} holds no .tf files")
    return dirs


def rel(path: pathlib.Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


_TERRAFORM_ENV: dict[str, str] | None = None


def terraform_env() -> dict[str, str]:
    """The environment scripts/terraform-env.sh sets up (provider mirror, shared plugin cache): the
    same file the local stage and setup source, so every caller finds the provider the same way."""
    global _TERRAFORM_ENV
    if _TERRAFORM_ENV is None:
        if shutil.which("terraform") is None:
            raise CheckFailed("terraform is not on PATH")
        done = subprocess.run(
            ["bash", "-c", 'source scripts/terraform-env.sh >&2 && env -0'],
            cwd=ROOT, capture_output=True, check=False,
        )
        if done.returncode != 0:
            raise CheckFailed("scripts/terraform-env.sh failed (terraform or the provider mirror is missing):\n"
                              + done.stderr.decode(errors="replace"))
        _TERRAFORM_ENV = dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    return dict(_TERRAFORM_ENV)


def terraform(directory: pathlib.Path, *args: str, env: Mapping[str, str] | None = None,
              capture: bool = True, what: str | None = None, unset_profile: bool = False) -> str:
    """Run `terraform -chdir=<directory> args...`; a non-zero exit raises CheckFailed with its output.
    unset_profile: drop AWS_PROFILE and the session token, so only the credentials in `env` count."""
    environment = terraform_env()
    if unset_profile:
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
            environment.pop(name, None)
    environment.update(env or {})
    command = ["terraform", f"-chdir={directory}", *args]
    done = subprocess.run(command, env=environment, capture_output=capture, text=True, check=False)
    if done.returncode != 0:
        output = (done.stdout or "") + (done.stderr or "") if capture else ""
        raise CheckFailed(f"{what or 'terraform ' + args[0]} failed in {rel(directory)}:\n{output}")
    return done.stdout if capture else ""


def run(command: Sequence[str], *, env: Mapping[str, str] | None = None, what: str) -> str:
    done = subprocess.run(list(command), env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CheckFailed(f"{what} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def venv_tool(name: str) -> str:
    """A tool from .tools/venv (make setup), else from PATH."""
    candidate = ROOT / ".tools" / "venv" / "bin" / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise CheckFailed(f"{name} not found (expected .tools/venv/bin/{name}: run make setup)")
    return found
