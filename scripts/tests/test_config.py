import pytest

from lendverify_smoke.config import ConfigError, api_stage_name, load_stage

COMPLETE = {
    "SMOKE_API_URL": "https://abc123.execute-api.eu-west-1.amazonaws.com/dev",
    "SMOKE_USER_POOL_ID": "eu-west-1_AbCdEf123",
    "SMOKE_USER_POOL_CLIENT_ID": "client123",
    "SMOKE_USERNAME": "smoke@example.com",
    "SMOKE_PASSWORD": "secret",
}
DEV_OUTPUTS = {
    "api_url": "https://xyz.execute-api.us-east-2.amazonaws.com/dev",
    "user_pool_id": "us-east-2_Pool",
    "user_pool_client_id": "tf-client",
}


def no_terraform(env_name):
    raise AssertionError(f"terraform output must not be read for {env_name}")


def test_everything_from_the_environment():
    stage = load_stage(COMPLETE, read_outputs=no_terraform)
    assert stage.name == "dev"
    assert stage.region == "eu-west-1"  # from the user pool id
    assert stage.cognito_endpoint == "https://cognito-idp.eu-west-1.amazonaws.com/"
    assert not stage.is_local
    assert "secret" not in repr(stage)


def test_missing_variables_are_all_named():
    with pytest.raises(ConfigError) as refused:
        load_stage({"SMOKE_API_URL": COMPLETE["SMOKE_API_URL"]}, read_outputs=no_terraform)
    message = str(refused.value)
    for name in ("SMOKE_USER_POOL_ID", "SMOKE_USER_POOL_CLIENT_ID", "SMOKE_USERNAME", "SMOKE_PASSWORD"):
        assert name in message
    assert "SMOKE_API_URL" not in message


def test_outputs_come_from_terraform_when_env_is_given_and_variables_win():
    environ = {"SMOKE_USERNAME": "u", "SMOKE_PASSWORD": "p", "SMOKE_USER_POOL_CLIENT_ID": "override"}
    stage = load_stage(environ, "dev", read_outputs=lambda env: DEV_OUTPUTS if env == "dev" else {})
    assert (stage.api_url, stage.user_pool_id, stage.client_id) == (DEV_OUTPUTS["api_url"], "us-east-2_Pool", "override")
    assert stage.region == "us-east-2"


def test_credentials_are_never_taken_from_terraform():
    with pytest.raises(ConfigError, match="SMOKE_USERNAME, SMOKE_PASSWORD"):
        load_stage({}, "dev", read_outputs=lambda env: DEV_OUTPUTS)


@pytest.mark.parametrize(
    "environ, env_name",
    [
        ({**COMPLETE}, "prod"),
        ({**COMPLETE, "SMOKE_API_URL": "https://abc.execute-api.us-east-1.amazonaws.com/prod"}, ""),
        ({**COMPLETE, "SMOKE_ALLOW_PROD": "yes"}, "prod"),
        ({**COMPLETE, "SMOKE_ALLOW_PROD": "1"}, "production"),
    ],
)
def test_prod_is_refused_unless_named(environ, env_name):
    with pytest.raises(ConfigError, match="SMOKE_ALLOW_PROD=prod"):
        load_stage(environ, env_name, read_outputs=no_terraform)


def test_prod_is_refused_before_its_state_is_read():
    environ = {"SMOKE_USERNAME": "u", "SMOKE_PASSWORD": "p"}
    with pytest.raises(ConfigError, match="refusing"):
        load_stage(environ, "prod", read_outputs=no_terraform)


def test_prod_url_from_terraform_is_refused_too():
    outputs = {**DEV_OUTPUTS, "api_url": "https://abc.execute-api.us-east-1.amazonaws.com/prod"}
    with pytest.raises(ConfigError, match="refusing"):
        load_stage({"SMOKE_USERNAME": "u", "SMOKE_PASSWORD": "p"}, "lender-a", read_outputs=lambda env: outputs)


def test_prod_runs_when_named():
    stage = load_stage({**COMPLETE, "SMOKE_ALLOW_PROD": "prod"}, "prod", read_outputs=no_terraform)
    assert stage.name == "prod"


def test_local_stage_settings():
    environ = {
        **COMPLETE,
        "SMOKE_API_URL": "http://127.0.0.1:8080",
        "SMOKE_USER_POOL_ID": "us-east-1_local",
        "SMOKE_COGNITO_ENDPOINT": "http://127.0.0.1:5000",
        "SMOKE_EMULATOR_URL": "http://127.0.0.1:5001",
    }
    stage = load_stage(environ, read_outputs=no_terraform)
    assert stage.is_local and stage.cognito_endpoint == "http://127.0.0.1:5000"
    assert stage.name == "127.0.0.1:8080"
    assert not load_stage({**environ, "SMOKE_EMULATOR_URL": ""}, read_outputs=no_terraform).is_local


def test_api_stage_name():
    assert api_stage_name("https://a.execute-api.us-east-1.amazonaws.com/staging/") == "staging"
    assert api_stage_name("http://127.0.0.1:8080") == ""


def test_terraform_outputs_flat_or_under_stack():
    from lendverify_smoke.config import outputs_from_json

    flat = '{"api_url": {"value": "https://a/dev", "type": "string", "sensitive": false}}'
    nested = '{"stack": {"value": {"api_url": "https://a/dev", "user_pool_id": "us-east-1_P"}, "type": ["object", {}]}}'
    assert outputs_from_json(flat) == {"api_url": "https://a/dev"}
    assert outputs_from_json(nested) == {"api_url": "https://a/dev", "user_pool_id": "us-east-1_P"}
    assert outputs_from_json("") == {}
