"""python3 -m lendverify_terraform <command>: see __init__.py, or run with --help."""

from __future__ import annotations

import argparse
import os
import pathlib
import sys

from . import checkov_scan, deploy, function_list, gate, offline_plan, plan_diff
from .tool import DEPLOY_ENVS, PLAN_DIR, ROOT, CheckFailed, log


def check_all(_: argparse.Namespace) -> None:
    """The quality gate: nothing here deploys or publishes anything."""
    gate.fmt()
    gate.validate()
    gate.test()
    for env in DEPLOY_ENVS:
        offline_plan.plan(env)
    print(f"  {function_list.check(PLAN_DIR / 'dev.json')}")
    checkov_scan.run_all()
    log("all Terraform checks passed")


def diff(args: argparse.Namespace) -> None:
    moves = plan_diff.moves_in(ROOT / "terraform", "module.stack.")
    identical = True
    for env in args.envs:
        before = plan_diff.load(str(pathlib.Path(args.before) / f"{env}.json"))
        after = plan_diff.load(str(PLAN_DIR / f"{env}.json"))
        result = plan_diff.diff_plans(before, after, moves, ignore=set(args.ignore))
        print(result.summary(env))
        identical &= result.identical
    if not identical:
        raise CheckFailed("the plans differ (see above)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m lendverify_terraform", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("check", help="the quality gate: fmt, validate, test, offline plans, plan checks, function list, checkov").set_defaults(run=check_all)
    commands.add_parser("fmt", help="terraform fmt -check").set_defaults(run=lambda a: gate.fmt())
    commands.add_parser("validate", help="init -backend=false + validate every module and root").set_defaults(run=lambda a: gate.validate())
    commands.add_parser("test", help="terraform test wherever tests/*.tftest.hcl exist").set_defaults(run=lambda a: gate.test())
    p = commands.add_parser("plan", help="offline plan of ENV -> build/plans/ENV.{tfplan,json}, then its plan checks")
    p.add_argument("env", choices=DEPLOY_ENVS)
    p.set_defaults(run=lambda a: offline_plan.plan(a.env))
    commands.add_parser("functions", help="the function list agrees everywhere (with build/plans/dev.json if present)").set_defaults(
        run=lambda a: print(function_list.check(PLAN_DIR / "dev.json")))
    commands.add_parser("checkov", help="checkov over the sources and the three plans (0 failed)").set_defaults(run=lambda a: checkov_scan.run_all())
    p = commands.add_parser("plan-diff", help="compare build/plans/ENV.json with BEFORE/ENV.json through the stack's moved blocks")
    p.add_argument("before", help="directory holding the earlier plans' JSON")
    p.add_argument("envs", nargs="*", default=list(DEPLOY_ENVS))
    p.add_argument("--ignore", action="append", default=[], metavar="TYPE.ATTR",
                   help="an attribute known to differ for a stated reason, e.g. aws_lambda_function.filename")
    p.set_defaults(run=diff)
    commands.add_parser("local-apply-check", help="apply + destroy environments/local on a fresh moto").set_defaults(
        run=lambda a: deploy.apply_and_destroy_on_fresh_moto())

    # Deploy steps: not part of the gate.
    commands.add_parser("apply-local", help="apply environments/local against MOTO_ENDPOINT").set_defaults(
        run=lambda a: deploy.apply_local(os.environ.get("MOTO_ENDPOINT", "")))
    commands.add_parser("destroy-local", help="destroy environments/local against MOTO_ENDPOINT").set_defaults(
        run=lambda a: deploy.destroy_local(os.environ.get("MOTO_ENDPOINT", "")))
    p = commands.add_parser("apply", help="real apply of ENV (backend.hcl or TF_STATE_*; ARTIFACT_* to promote)")
    p.add_argument("env", choices=DEPLOY_ENVS)
    p.set_defaults(run=lambda a: deploy.apply(a.env, dict(os.environ)))
    p = commands.add_parser("deploy-plan", help="CI: saved plan of ENV -> build/deploy/ENV/ (tfplan, plan.txt, manifest.json), for review")
    p.add_argument("env", choices=DEPLOY_ENVS)
    p.set_defaults(run=lambda a: deploy.deploy_plan(a.env, dict(os.environ)))
    p = commands.add_parser("deploy-apply", help="CI: apply exactly the reviewed build/deploy/ENV/tfplan (PLAN_SHA256, same lock file and artifact)")
    p.add_argument("env", choices=DEPLOY_ENVS)
    p.set_defaults(run=lambda a: deploy.deploy_apply(a.env, dict(os.environ)))
    commands.add_parser("artifact-publish", help="upload build/lambda/bootstrap.zip to ARTIFACT_BUCKET under lambda/<sha256>/").set_defaults(
        run=lambda a: print("artifact_sha256={}\nartifact_key={}".format(*deploy.artifact_publish(os.environ.get("ARTIFACT_BUCKET", "")))))
    p = commands.add_parser("provider-mirror", help="(CI) fill a filesystem mirror of hashicorp/aws in DIR if absent")
    p.add_argument("directory", type=pathlib.Path)
    p.set_defaults(run=lambda a: deploy.provider_mirror(a.directory))

    args = parser.parse_args(argv)
    try:
        args.run(args)
    except CheckFailed as failure:
        print(f"ERROR: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
