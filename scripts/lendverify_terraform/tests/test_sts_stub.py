import urllib.error
import urllib.request

import pytest

from lendverify_terraform.sts_stub import ACCOUNT_ID, StsStub


def post(url, body):
    return urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=5)


def test_answers_get_caller_identity_with_the_offline_account():
    with StsStub() as url:
        with post(url, b"Action=GetCallerIdentity&Version=2011-06-15") as response:
            body = response.read().decode()
    assert f"<Account>{ACCOUNT_ID}</Account>" in body


def test_refuses_every_other_call_so_the_plan_stays_offline():
    with StsStub() as url:
        with pytest.raises(urllib.error.HTTPError) as refused:
            post(url, b"Action=AssumeRole")
    assert refused.value.code == 400
