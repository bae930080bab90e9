"""Which stage to smoke-test and as whom: from SMOKE_* variables, or from `terraform output -json`
of environments/<ENV>. A variable that is set wins over the Terraform output.

Prod is never touched unless it is named twice: the stage is prod (ENV=prod, or an API URL whose
stage is prod) only runs with SMOKE_ALLOW_PROD=prod.
"""
from __future__ import annotations

import dataclasses
import json
import pathlib
import subprocess
import urllib.parse
from collections.abc import Callable, Mapping

from .cognito import regional_endpoint

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]

# API Gateway stage names (var.environment) and GitHub environment names that mean production.
PROD_NAMES = frozenset({"prod", "production"})
ALLOW_PROD_VARIABLE = "SMOKE_ALLOW_PROD"

TERRAFORM_TIMEOUT_SECONDS = 120


class ConfigError(Exception):
    """Outputs or credentials are missing, or the stage is prod without consent: exit 2."""


@dataclasses.dataclass(frozen=True)
class Stage:
    name: str
    api_url: str
    user_pool_id: str
    client_id: str
    region: str
    username: str
    password: str = dataclasses.field(repr=False)
    cognito_endpoint: str
    # Only the local stage has the emulator's control API (it completes liveness sessions).
    emulator_url: str | None = None

    @property
    def is_local(self) -> bool:
        return self.emulator_url is not None


@dataclasses.dataclass(frozen=True)
class Setting:
    field: str
    variable: str
    terraform_output: str | None


# Each setting once: its field, its variable, and the environments/<ENV> output that can supply it.
API_URL_VARIABLE = "SMOKE_API_URL"
SETTINGS = (
    Setting("api_url", API_URL_VARIABLE, "api_url"),
    Setting("user_pool_id", "SMOKE_USER_POOL_ID", "user_pool_id"),
    Setting("client_id", "SMOKE_USER_POOL_CLIENT_ID", "user_pool_client_id"),
    Setting("username", "SMOKE_USERNAME", None),
    Setting("password", "SMOKE_PASSWORD", None),
)
REGION_VARIABLE = "SMOKE_REGION"
COGNITO_ENDPOINT_VARIABLE = "SMOKE_COGNITO_ENDPOINT"
EMULATOR_URL_VARIABLE = "SMOKE_EMULATOR_URL"

TerraformOutputs = Callable[[str], Mapping[str, object]]


def terraform_outputs(env_name: str) -> dict[str, object]:
    """`terraform output -json` of environments/<env_name>, which must be initialised with its backend
    (as it is right after `make tf-apply ENV=<env_name>`)."""
    root = REPO_ROOT / "environments" / env_name
    if env_name == "local" or not (root / "versions.tf").is_file():
        raise ConfigError(
            f"ENV={env_name}: no such deployed environment under environments/ "
            "(the local stage has its own target: make smoke-local)"
        )
    command = ["terraform", f"-chdir={root}", "output", "-json", "-no-color"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TERRAFORM_TIMEOUT_SECONDS, check=False)
    except FileNotFoundError:
        raise ConfigError("ENV is set but terraform is not on PATH (or set the SMOKE_* variables instead)") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"terraform output in environments/{env_name} took over {TERRAFORM_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        raise ConfigError(
            f"terraform output in environments/{env_name} failed (initialise it with its backend first: "
            f"make tf-apply ENV={env_name}, or terraform init -backend-config=backend.hcl):\n{done.stderr.strip()}"
        )
    return outputs_from_json(done.stdout)


def outputs_from_json(text: str) -> dict[str, object]:
    """The values of `terraform output -json`. A root that exposes the stack's outputs as one object,
    `stack` (environments/common/stack.tf), gives that object's members."""
    outputs = {name: output.get("value") for name, output in json.loads(text or "{}").items()}
    stack = outputs.get("stack")
    return dict(stack) if isinstance(stack, dict) else outputs


def api_stage_name(api_url: str) -> str:
    """The API Gateway stage of an invoke URL (https://<id>.execute-api.<region>.amazonaws.com/<stage>)."""
    segments = [s for s in urllib.parse.urlsplit(api_url).path.split("/") if s]
    return segments[0] if segments else ""


def refuse_prod_unless_named(env_name: str, api_url: str, environ: Mapping[str, str]) -> None:
    """Prod only by name: ENV=prod (or a prod API URL) needs SMOKE_ALLOW_PROD=prod as well."""
    targets_prod = env_name.lower() in PROD_NAMES or api_stage_name(api_url).lower() in PROD_NAMES
    if targets_prod and environ.get(ALLOW_PROD_VARIABLE) != "prod":
        raise ConfigError(
            f"refusing to smoke-test prod ({api_url or 'ENV=' + env_name}): it creates and erases a real "
            f"application there. Name it to go ahead: {ALLOW_PROD_VARIABLE}=prod"
        )


def region_of_user_pool(user_pool_id: str) -> str:
    """A user pool id starts with its region: us-east-1_AbCdEf123."""
    region, _, rest = user_pool_id.partition("_")
    return region if rest else ""


def _setting_value(setting: Setting, environ: Mapping[str, str], outputs: Mapping[str, object]) -> str:
    """The variable when it is set, else the Terraform output (if the setting has one)."""
    if environ.get(setting.variable):
        return environ[setting.variable]
    if setting.terraform_output:
        return str(outputs.get(setting.terraform_output) or "")
    return ""


def load_stage(
    environ: Mapping[str, str], env_name: str = "", read_outputs: TerraformOutputs = terraform_outputs
) -> Stage:
    """The stage to test. Names every missing variable at once."""
    # Before anything is read from prod's state, and again below for the URL Terraform gives.
    refuse_prod_unless_named(env_name, environ.get(API_URL_VARIABLE, ""), environ)
    outputs: Mapping[str, object] = {}
    needs_outputs = any(not environ.get(s.variable) and s.terraform_output for s in SETTINGS)
    if env_name and needs_outputs:
        outputs = read_outputs(env_name)
    values: dict[str, str] = {}
    missing: list[str] = []
    for setting in SETTINGS:
        value = _setting_value(setting, environ, outputs)
        if value:
            values[setting.field] = value
        elif setting.terraform_output and not env_name:
            missing.append(f"{setting.variable} (or output {setting.terraform_output} of ENV=<env>)")
        else:
            missing.append(setting.variable)
    region = environ.get(REGION_VARIABLE) or region_of_user_pool(values.get("user_pool_id", ""))
    if not region and "user_pool_id" in values:
        missing.append(REGION_VARIABLE)
    if missing:
        raise ConfigError("missing: " + ", ".join(missing))
    refuse_prod_unless_named(env_name, values["api_url"], environ)
    return Stage(
        name=env_name or api_stage_name(values["api_url"]) or urllib.parse.urlsplit(values["api_url"]).netloc,
        region=region,
        cognito_endpoint=environ.get(COGNITO_ENDPOINT_VARIABLE) or regional_endpoint(region),
        emulator_url=environ.get(EMULATOR_URL_VARIABLE) or None,
        **values,
    )
