import dataclasses

import pytest

from lendverify_terraform import function_list
from lendverify_terraform.function_list import Sources, differences


@pytest.fixture(scope="module")
def sources():
    return Sources.read()


def test_the_repository_agrees(sources):
    assert differences(sources) == []


def test_a_handler_typo_in_terraform_is_caught(sources):
    broken = dataclasses.replace(sources, stack_main=sources.stack_main.replace('"verify-identity"       ', '"verify-identiy"        ', 1))
    assert any("terraform/main.tf functions" in p for p in differences(broken))


def test_a_handler_wired_to_something_else_than_the_key_is_caught(sources):
    broken = dataclasses.replace(sources, stack_main=sources.stack_main.replace("handler     = each.key", 'handler     = "bootstrap"', 1))
    assert any("must be each.key" in p for p in differences(broken))


def test_a_route_integrated_with_the_wrong_function_is_caught(sources):
    broken = dataclasses.replace(sources, openapi=sources.openapi.replace("${create_upload_url_invoke_arn}", "${verify_identity_invoke_arn}", 1))
    assert any("OpenAPI integrates 'verify-identity'" in p for p in differences(broken))


def test_a_rust_handler_name_that_differs_is_caught(sources):
    broken = dataclasses.replace(sources, routes_rs=sources.routes_rs.replace('=> "create-upload-url"', '=> "create-upload"', 1))
    problems = differences(broken)
    assert any("Function::CreateUploadUrl is named 'create-upload'" in p for p in problems)


def test_an_iam_action_missing_from_the_readme_is_caught(sources):
    broken = dataclasses.replace(sources, readme=sources.readme.replace("`textract:AnalyzeID`, ", "", 1))
    assert any("README.md IAM actions of verify-identity" in p for p in differences(broken))


def test_planned_handlers_are_compared_when_a_plan_is_given(sources):
    plan = {"planned_values": {"root_module": {"resources": [
        {"type": "aws_lambda_function", "values": {"handler": "applications"}}]}}}
    assert any("planned aws_lambda_function.handler" in p for p in differences(dataclasses.replace(sources, plan=plan)))


def test_kebab_is_the_handler_spelling():
    assert function_list.kebab("GetLendingAnalysisResults") == "get-lending-analysis-results"
