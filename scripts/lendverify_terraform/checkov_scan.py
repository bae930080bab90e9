"""checkov over the sources and the three plans: 0 failed, every skip inline with its reason.

No check is skipped on the command line: each skip is a `#checkov:skip=<id>:<reason>` comment in the
resource block (modules/*), and the plan scans map back to them through --repo-root-for-plan-enrichment.
The plans are scanned through known_after_apply.py (see there why); plan_checks.py asserts the
customer-managed key on the real plan independently of that filling.

Each root is scanned on its own: checkov merges every module call it finds under one -d into one graph,
and several roots instantiating the same module confuse its for_each edges (false "no public access
block" findings). modules/ holds independent modules, so one scan of it is right.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

from . import known_after_apply
from .tool import BUILD, DEPLOY_ENVS, PLAN_DIR, ROOT, CheckFailed, log, rel, terraform_dirs, venv_tool

SUMMARY = re.compile(r"Passed checks: (\d+), Failed checks: (\d+), Skipped checks: (\d+)")


@dataclass
class Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0


def parse_summary(output: str) -> Counts | None:
    """Sum checkov's summary lines (one per framework run); None when it printed none."""
    found = SUMMARY.findall(output)
    if not found:
        return None
    return Counts(*(sum(int(row[i]) for row in found) for i in range(3)))


def scan(label: str, *args: str) -> Counts:
    log_file = BUILD / "checkov" / f"{label.replace('/', '-')}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([venv_tool("checkov"), "--skip-download", "--compact", "--quiet", "-o", "cli", *args],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    log_file.write_text(output)
    counts = parse_summary(output)
    if counts is None:
        raise CheckFailed(f"checkov ({label}) printed no summary (exit {done.returncode}):\n{output}")
    print(f"  {label:28} passed {counts.passed:4}  failed {counts.failed:3}  skipped {counts.skipped:3}")
    if counts.failed:
        print(output)
    elif done.returncode != 0:
        raise CheckFailed(f"checkov ({label}) exited {done.returncode} with 0 failed checks:\n{output}")
    return counts


def run_all() -> Counts:
    for env in DEPLOY_ENVS:
        if not (PLAN_DIR / f"{env}.json").is_file():
            raise CheckFailed(f"build/plans/{env}.json is missing: run the plan of {env} first")
    log(f"checkov {subprocess.run([venv_tool('checkov'), '--version'], capture_output=True, text=True).stdout.strip()}")
    total = Counts()
    scans = [("modules", ["-d", "modules", "--framework", "terraform", "--skip-path", r"\.terraform"])]
    scans += [(rel(d), ["-d", rel(d), "--framework", "terraform", "--skip-path", r"\.terraform"])
              for d in terraform_dirs() if not rel(d).startswith("modules/")]
    for env in DEPLOY_ENVS:
        filled = PLAN_DIR / f"{env}.filled.json"
        print(f"  {known_after_apply.fill_file(str(PLAN_DIR / f'{env}.json'), str(filled))}")
        scans.append((f"plan-{env}", ["-f", str(filled), "--framework", "terraform_plan",
                                      "--repo-root-for-plan-enrichment", str(ROOT)]))
    for label, args in scans:
        counts = scan(label, *args)
        total.passed += counts.passed
        total.failed += counts.failed
        total.skipped += counts.skipped
    log(f"checkov: {total.passed} passed, {total.failed} failed, {total.skipped} skipped (logs in build/checkov/)")
    if total.failed:
        raise CheckFailed(f"checkov reported {total.failed} failed checks")
    return total
