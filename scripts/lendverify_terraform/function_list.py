"""One list of functions, checked: every place that names the Lambda functions must name the same ones.

The places, each read as written (no copy is generated from another):
  * terraform/main.tf      `functions` map: one Lambda per key, and the key is its `handler`, which
                           Lambda exposes as `_HANDLER` (module.functions: handler = each.key);
                           `policy_statements`: the IAM actions of each function
  * modules/api/main.tf    the `<name>_invoke_arn` values handed to the OpenAPI template, and the
                           per-route invoke permissions (`routes`: handler, method, path)
  * modules/api/openapi.yaml.tftpl  which function each path and method integrates with
  * handlers/functions/src/routes.rs  the `Function` enum, its `handler_name` strings (the `_HANDLER`
                           values bootstrap dispatches on) and the route table
  * README.md              the one route/function/IAM table
  * a plan (optional)      the `handler` attribute of every planned aws_lambda_function

Why: a `_HANDLER` typo in Terraform, or a route wired to the wrong function, would otherwise first
show at a real deploy (bootstrap refuses an unknown _HANDLER at init; API Gateway would call the wrong
function). Plain text parsing on purpose: the check must run with the standard library in any job.
"""

from __future__ import annotations

import json
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .tool import ROOT, CheckFailed

STACK_MAIN = ROOT / "terraform" / "main.tf"
API_MAIN = ROOT / "modules" / "api" / "main.tf"
OPENAPI = ROOT / "modules" / "api" / "openapi.yaml.tftpl"
ROUTES_RS = ROOT / "handlers" / "functions" / "src" / "routes.rs"
README = ROOT / "README.md"

Route = tuple[str, str]  # (METHOD, /path/{param}) as in the OpenAPI document and routes.rs
HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _block(text: str, opening: str, where: str) -> str:
    """The text between `opening` (which ends in { or [) and its matching closing bracket."""
    start = text.find(opening)
    if start < 0:
        raise CheckFailed(f"{where}: `{opening.strip()}` not found")
    depth, i = 0, start + len(opening) - 1
    pairs = {"{": "}", "[": "]"}
    close = pairs[text[i]]
    for j in range(i, len(text)):
        if text[j] == text[i]:
            depth += 1
        elif text[j] == close:
            depth -= 1
            if depth == 0:
                return text[i + 1:j]
    raise CheckFailed(f"{where}: `{opening.strip()}` is not closed")


def terraform_functions(main_tf: str) -> list[str]:
    """The keys of the stack's `functions` map, in order."""
    return re.findall(r'^\s*"([a-z0-9-]+)"\s*=', _block(main_tf, "  functions = {", "terraform/main.tf"), re.M)


def terraform_handler_wiring(main_tf: str) -> str | None:
    """What module.functions sets as `handler` (must be the map key: each.key)."""
    body = _block(main_tf, 'module "functions" {', "terraform/main.tf")
    found = re.search(r"^\s*handler\s*=\s*(\S+)", body, re.M)
    return found.group(1) if found else None


def terraform_actions(main_tf: str) -> dict[str, set[str]]:
    """Function -> the IAM actions of its `policy_statements` entry."""
    body = _block(main_tf, "  policy_statements = {", "terraform/main.tf")
    actions: dict[str, set[str]] = {}
    for name in re.findall(r'^    "([a-z0-9-]+)"\s*=\s*\[', body, re.M):
        statements = _block(body, f'    "{name}" = [', "terraform/main.tf policy_statements")
        actions[name] = set(re.findall(r'"([a-z0-9-]+:[A-Za-z0-9*]+)"', " ".join(
            re.findall(r"actions\s*=\s*\[([^\]]*)\]", statements))))
    return actions


def api_invoke_arns(api_main_tf: str) -> dict[str, str]:
    """OpenAPI template variable -> function, from the templatefile call."""
    return dict(re.findall(r'(\w+_invoke_arn)\s*=\s*var\.functions\["([a-z0-9-]+)"\]\.invoke_arn', api_main_tf))


def api_permissions(api_main_tf: str) -> dict[Route, str]:
    """(METHOD, path with * for parameters) -> function, from the per-route invoke permissions."""
    rows = re.findall(r'handler\s*=\s*"([a-z0-9-]+)",\s*method\s*=\s*"([A-Z]+)",\s*path\s*=\s*"([^"]+)"', api_main_tf)
    return {(method, "/" + path): handler for handler, method, path in rows}


def openapi_integrations(template: str) -> dict[Route, str]:
    """(METHOD, path) -> template variable of its Lambda integration (mock OPTIONS integrations skipped)."""
    integrations: dict[Route, str] = {}
    path = method = None
    for line in template.splitlines():
        if line.startswith("  /") and line.rstrip().endswith(":"):
            path, method = line.strip()[:-1], None
        elif not line.startswith(" ") and line.strip():
            path = method = None
        elif path and re.match(r"^    [a-z]+:\s*$", line):
            method = line.strip()[:-1].upper()
        elif path and method:
            uri = re.match(r'^\s+uri:\s*"\$\{(\w+)\}"', line)
            if uri:
                integrations[(method, path)] = uri.group(1)
    return integrations


def rust_functions(routes_rs: str) -> dict[str, str]:
    """`Function` variant -> handler_name (the `_HANDLER` value)."""
    return dict(re.findall(r'Function::(\w+)\s*=>\s*"([a-z0-9-]+)"', routes_rs))


def rust_routes(routes_rs: str) -> dict[Route, str]:
    """(METHOD, path) -> `Function` variant, from the route! table."""
    rows = re.findall(r'route!\(\s*(\w+),\s*"([^"]+)",\s*\w+,\s*(\w+),?\s*\)', routes_rs)
    return {(method, path): function for method, path, function in rows}


def readme_table(readme: str) -> tuple[dict[Route, str], dict[str, set[str]]]:
    """The README's route/function/IAM table: (METHOD, path) -> function, and function -> IAM actions."""
    routes: dict[Route, str] = {}
    actions: dict[str, set[str]] = {}
    for line in readme.splitlines():
        row = re.match(r"^\| `?([^`|]+?)`? \| `([a-z0-9-]+)` \|[^|]*\|(.*)\|\s*$", line)
        if not row:
            continue
        route, function, iam = row.groups()
        actions.setdefault(function, set()).update(re.findall(r"`([a-z0-9-]+:[A-Za-z0-9*]+)`", iam))
        parts = route.split(" ", 1)
        if len(parts) == 2 and parts[0] in HTTP_METHODS:
            routes[(parts[0], parts[1])] = function
    return routes, actions


def planned_handlers(plan: Mapping[str, Any]) -> set[str]:
    def walk(module: Mapping[str, Any]):
        yield from module.get("resources", [])
        for child in module.get("child_modules", []):
            yield from walk(child)
    return {r["values"]["handler"] for r in walk(plan["planned_values"]["root_module"])
            if r["type"] == "aws_lambda_function"}


def kebab(variant: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", variant).lower()


def _same_params(path: str) -> str:
    """README rows abbreviate {applicationId} as {id}; compare parameter positions, not names."""
    return re.sub(r"\{[^}]+\}", "{}", path)


@dataclass
class Sources:
    stack_main: str
    api_main: str
    openapi: str
    routes_rs: str
    readme: str
    plan: Mapping[str, Any] | None = field(default=None)

    @classmethod
    def read(cls, plan_json: pathlib.Path | None = None) -> "Sources":
        plan = json.loads(plan_json.read_text()) if plan_json and plan_json.is_file() else None
        return cls(STACK_MAIN.read_text(), API_MAIN.read_text(), OPENAPI.read_text(), ROUTES_RS.read_text(),
                   README.read_text(), plan)


def differences(s: Sources) -> list[str]:
    """Every disagreement between the places that name the functions; empty when they agree."""
    problems: list[str] = []

    def same(label: str, got: Any, want: Any, what: str) -> None:
        if got != want:
            missing = sorted(set(want) - set(got)) if isinstance(want, (set, dict)) else want
            extra = sorted(set(got) - set(want)) if isinstance(got, (set, dict)) else got
            problems.append(f"{label}: {what} differ (missing {missing}, unexpected {extra})")

    handlers = rust_functions(s.routes_rs)  # variant -> _HANDLER
    names = set(handlers.values())
    if not handlers:
        problems.append("routes.rs: no `Function::X => \"name\"` handler names found")
    # The Rust variant and the handler name are the same words.
    for variant, name in handlers.items():
        if kebab(variant) != name:
            problems.append(f"routes.rs: Function::{variant} is named {name!r}, not {kebab(variant)!r}")

    tf_functions = terraform_functions(s.stack_main)
    same("terraform/main.tf functions", set(tf_functions), names, "function names (the _HANDLER values)")
    if len(tf_functions) != len(set(tf_functions)):
        problems.append("terraform/main.tf functions: a name appears twice")
    wiring = terraform_handler_wiring(s.stack_main)
    if wiring != "each.key":
        problems.append(f"terraform/main.tf module.functions: handler = {wiring}, must be each.key (the map key is _HANDLER)")
    same("terraform/main.tf policy_statements", set(terraform_actions(s.stack_main)), names, "functions")

    if s.plan is not None:
        same("planned aws_lambda_function.handler", planned_handlers(s.plan), names, "handler values")

    # Routes: routes.rs is the route table the Lambda dispatch and the local stage read.
    rust = {route: handlers.get(variant, f"<unknown Function::{variant}>") for route, variant in rust_routes(s.routes_rs).items()}
    if not rust:
        problems.append("routes.rs: no route! rows found")
    variables = api_invoke_arns(s.api_main)
    for variable, function in variables.items():
        if function not in names:
            problems.append(f"modules/api/main.tf: {variable} names unknown function {function!r}")
    openapi = {route: variables.get(var, f"<no templatefile value {var}>")
               for route, var in openapi_integrations(s.openapi).items()}
    same("modules/api/openapi.yaml.tftpl integrations", openapi, rust, "routes")
    for route in set(openapi) & set(rust):
        if openapi[route] != rust[route]:
            problems.append(f"{route[0]} {route[1]}: OpenAPI integrates {openapi[route]!r}, routes.rs dispatches {rust[route]!r}")

    star = {(m, re.sub(r"\{[^}]+\}", "*", p)): f for (m, p), f in rust.items()}
    permissions = api_permissions(s.api_main)
    same("modules/api/main.tf routes (invoke permissions)", permissions, star, "routes")
    for route in set(permissions) & set(star):
        if permissions[route] != star[route]:
            problems.append(f"invoke permission {route[0]} {route[1]}: {permissions[route]!r}, routes.rs {star[route]!r}")

    readme_routes, readme_actions = readme_table(s.readme)
    readme_norm = {(m, _same_params(p)): f for (m, p), f in readme_routes.items()}
    rust_norm = {(m, _same_params(p)): f for (m, p), f in rust.items()}
    same("README.md route table", readme_norm, rust_norm, "routes")
    for route in set(readme_norm) & set(rust_norm):
        if readme_norm[route] != rust_norm[route]:
            problems.append(f"README.md {route[0]} {route[1]}: {readme_norm[route]!r}, routes.rs {rust_norm[route]!r}")
    same("README.md functions", set(readme_actions), names, "functions")
    tf_actions = terraform_actions(s.stack_main)
    for function in sorted(names & set(readme_actions) & set(tf_actions)):
        if readme_actions[function] != tf_actions[function]:
            problems.append(f"README.md IAM actions of {function}: missing {sorted(tf_actions[function] - readme_actions[function])}, "
                            f"not in Terraform {sorted(readme_actions[function] - tf_actions[function])}")
    return problems


def check(plan_json: pathlib.Path | None = None) -> str:
    sources = Sources.read(plan_json)
    problems = differences(sources)
    if problems:
        raise CheckFailed("the function list disagrees:\n  " + "\n  ".join(problems))
    names = sorted(rust_functions(sources.routes_rs).values())
    return (f"function list ok: {len(names)} functions, {len(rust_routes(sources.routes_rs))} routes agree in "
            f"terraform/main.tf, modules/api, the OpenAPI template, routes.rs and README.md"
            + (" and the planned handlers" if sources.plan is not None else ""))
