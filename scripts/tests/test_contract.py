"""The smoke test calls what the API contract (modules/api/openapi.yaml.tftpl) defines, and knows
its enums as the contract spells them."""
import pathlib
import re

import pytest
import yaml

from lendverify_smoke import flow

TEMPLATE = pathlib.Path(__file__).resolve().parents[2] / "modules/api/openapi.yaml.tftpl"


@pytest.fixture(scope="module")
def contract():
    return yaml.safe_load(TEMPLATE.read_text())


@pytest.mark.parametrize(
    "schema, known",
    [
        ("LivenessStatus", flow.LIVENESS_STATUSES),
        ("IdentityDecision", flow.IDENTITY_DECISIONS),
        ("LendingStatus", flow.LENDING_STATUSES),
    ],
)
def test_enums_match_the_contract(contract, schema, known):
    assert set(contract["components"]["schemas"][schema]["enum"]) == known


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/applications"),
        ("get", "/applications"),
        ("get", "/applications/{applicationId}"),
        ("delete", "/applications/{applicationId}"),
        ("put", "/applications/{applicationId}/consent"),
        ("post", "/applications/{applicationId}/liveness-sessions"),
        ("get", "/applications/{applicationId}/liveness-sessions/{sessionId}"),
        ("post", "/applications/{applicationId}/uploads"),
        ("post", "/applications/{applicationId}/identity-verifications"),
        ("post", "/applications/{applicationId}/documents"),
        ("get", "/applications/{applicationId}/documents/{documentId}"),
    ],
)
def test_every_route_the_smoke_test_calls_exists(contract, method, path):
    assert method in contract["paths"][path]


def test_consent_policy_version_is_valid(contract):
    rules = contract["components"]["schemas"]["ConsentRequest"]["properties"]["policyVersion"]
    assert re.fullmatch(rules["pattern"], flow.SMOKE_CONSENT_POLICY_VERSION)
    assert rules["minLength"] <= len(flow.SMOKE_CONSENT_POLICY_VERSION) <= rules["maxLength"]


def test_upload_purposes_exist(contract):
    purposes = contract["components"]["schemas"]["CreateUploadRequest"]["properties"]["purpose"]["enum"]
    assert {"ID_FRONT", "LENDING_PACKAGE"} <= set(purposes)
