"""fmt, validate and `terraform test`: the static part of the quality gate."""

from __future__ import annotations

import re

from .tool import ROOT, TOP_DIRS, CheckFailed, log, rel, terraform, terraform_dirs

# Shared mock data of the stack's and environments' terraform tests: formatted, but not a root.
FMT_DIRS = (*TOP_DIRS, "tests/terraform-mocks")

_initialised: set[str] = set()


def ensure_init(directory) -> None:
    key = str(directory)
    if key not in _initialised:
        terraform(directory, "init", "-backend=false", "-input=false", "-no-color")
        _initialised.add(key)


def fmt() -> None:
    log(f"terraform fmt -check -recursive {' '.join(FMT_DIRS)}")
    unformatted = []
    for d in FMT_DIRS:
        try:
            terraform(ROOT, "fmt", "-check", "-recursive", "-diff", d, what="terraform fmt")
        except CheckFailed as failure:
            unformatted.append(str(failure))
    if unformatted:
        raise CheckFailed("\n".join(unformatted) + f"\nrun: terraform fmt -recursive {' '.join(FMT_DIRS)}")
    log("fmt: clean")


def validate() -> None:
    dirs = terraform_dirs()
    for d in dirs:
        ensure_init(d)
        out = terraform(d, "validate", "-no-color")
        print(f"  {rel(d):40} {out.strip().splitlines()[0] if out.strip() else 'ok'}")
    log(f"validate: {len(dirs)} directories valid")


SUMMARY = re.compile(r"^(Success|Failure)! .*$", re.M)


def test() -> dict[str, str]:
    """terraform test wherever tests/*.tftest.hcl exist; returns directory -> terraform's summary line."""
    summaries = {}
    for d in terraform_dirs():
        if not any((d / "tests").glob("*.tftest.hcl")):
            continue
        ensure_init(d)
        out = terraform(d, "test", "-no-color", what="terraform test")
        lines = [m.group(0) for m in SUMMARY.finditer(out)]
        found = lines[-1] if lines else None
        if not found:
            raise CheckFailed(f"terraform test in {rel(d)} printed no summary line:\n{out}")
        summaries[rel(d)] = found
        print(f"  {rel(d):40} {found}")
    if not summaries:
        raise CheckFailed("no tests/*.tftest.hcl found anywhere")
    log(f"test: {len(summaries)} directories passed")
    return summaries
