"""LendVerify's Terraform checks and deploy steps, in one small standard-library program.

    python3 -m lendverify_terraform <command>      (mk/terraform.mk runs it with PYTHONPATH=scripts)

The quality gate (`check`: fmt, validate, test, offline plans, plan checks, function list, checkov) and
the deploy steps (`apply`, `artifact-publish`, `apply-local`/`destroy-local`) are separate commands
that share only how terraform is run. Modules, one job each:

    tool.py               repository paths, running terraform with the project's provider mirror, errors
    gate.py               fmt, validate and terraform test over every module and root
    sts_stub.py           the loopback sts:GetCallerIdentity answer an offline plan needs
    offline_plan.py       plan dev/staging/prod with fake credentials into build/plans/<env>.json
    plan_checks.py        what each environment's planned resources must be (posture, no wildcard Allow)
    known_after_apply.py  fill known-after-apply values so checkov can read a plan
    checkov_scan.py       checkov over the sources and the plans, 0 failed
    function_list.py      the functions named alike in Terraform, the OpenAPI template and routes.rs
    plan_diff.py          two plans compared resource for resource, through `moved` blocks
    deploy.py             real applies, artifact publishing, the moto root, the CI provider mirror

Nothing is skipped silently: a missing tool, directory or summary line is an error.
"""
