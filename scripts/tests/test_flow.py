"""The smoke test over real HTTP against a fake stage that answers as the contract says: the AWS
path (liveness stops after opening the session), clean-up after a failure, and the exit codes."""
import datetime
import io
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import smoke
from lendverify_smoke import fixtures
from lendverify_smoke.api_client import Deadline
from lendverify_smoke.config import load_stage
from lendverify_smoke.flow import Run, execute
from lendverify_smoke.report import Report

TOKEN = "header.payload.signature"


class FakeStage:
    """A stage's API, its presigned S3 URLs and Cognito, in one loopback server."""

    def __init__(self, final_document_status="SUCCEEDED"):
        self.final_document_status = final_document_status
        self.applications = {}  # id -> {"documents": {id: polls}}
        self.keys = {}
        self.uploads = {}
        self.deleted = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        stage = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body=None, content_type="application/json"):
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def problem(self, status, title):
                self.answer(status, {"type": "about:blank", "title": title, "status": status}, "application/problem+json")

            def body(self):
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_POST(self):
                target = self.headers.get("X-Amz-Target", "")
                if target.endswith("InitiateAuth"):
                    self.body()
                    return self.answer(200, {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {
                        "USER_ID_FOR_SRP": "u1", "SALT": "abcd", "SRP_B": "1234abcd", "SECRET_BLOCK": "c2VjcmV0"}})
                if target.endswith("RespondToAuthChallenge"):
                    responses = json.loads(self.body())["ChallengeResponses"]
                    assert responses["PASSWORD_CLAIM_SIGNATURE"]
                    return self.answer(200, {"AuthenticationResult": {"IdToken": TOKEN}})
                self.route("POST", json.loads(self.body() or b"null"))

            def do_GET(self):
                self.route("GET", None)

            def do_PUT(self):
                if self.path.startswith("/s3/"):
                    stage.uploads[self.path.rsplit("/", 1)[-1]] = self.body()
                    return self.answer(200)
                self.route("PUT", json.loads(self.body() or b"null"))

            def do_DELETE(self):
                self.route("DELETE", None)

            def route(self, method, payload):
                if self.headers.get("Authorization") != TOKEN:
                    return self.problem(401, "Unauthorized")
                path = self.path
                if path == "/applications" and method == "POST":
                    key = self.headers["Idempotency-Key"]
                    app = stage.keys.setdefault(key, str(uuid.uuid4()))
                    stage.applications.setdefault(app, {"documents": {}})
                    return self.answer(201, {"applicationId": app, "status": "CREATED", "createdAt": "2026-11-30T09:00:00Z"})
                if path == "/applications":
                    return self.answer(200, {"applications": [{"applicationId": a} for a in stage.applications]})
                match = re.fullmatch(r"/applications/([^/]+)(/.*)?", path)
                app = stage.applications.get(match.group(1))
                if app is None:
                    return self.problem(404, "Not Found")
                app_id, rest = match.group(1), match.group(2) or ""
                if rest == "/consent" and method == "PUT":
                    app["consent"] = {"policyVersion": payload["policyVersion"], "givenAt": "2026-11-30T09:00:01Z"}
                    return self.answer(200, {"applicationId": app_id, "consent": app["consent"]})
                if rest == "/liveness-sessions":
                    if "consent" not in app:
                        return self.problem(409, "Conflict")
                    return self.answer(201, {"sessionId": "s1", "region": "us-east-1"})
                if rest == "/liveness-sessions/s1":
                    return self.answer(200, {"sessionId": "s1", "status": "IN_PROGRESS"})
                if rest == "/uploads":
                    upload = str(uuid.uuid4())
                    return self.answer(201, {"uploadId": upload, "url": f"{stage.url}/s3/{upload}", "method": "PUT",
                                             "headers": {"Content-Type": payload["contentType"]},
                                             "expiresAt": "2026-11-30T09:15:00Z"})
                if rest == "/identity-verifications":
                    return self.problem(409, "Conflict")
                if rest == "/documents":
                    app["documents"]["d1"] = 0
                    return self.answer(202, {"documentId": "d1", "status": "IN_PROGRESS"})
                if rest == "/documents/d1":
                    app["documents"]["d1"] += 1
                    status = "IN_PROGRESS" if app["documents"]["d1"] < 3 else stage.final_document_status
                    return self.answer(200, {"documentId": "d1", "status": status, "documentGroups": [
                        {"type": "PAYSLIPS", "pages": [1], "signaturesFound": [], "signaturesMissing": []}],
                        "extracted": {"payslips": [{"page": 1, "currentGrossPay": {
                            "text": "$7,083.33", "confidence": 97.0, "lowConfidence": False,
                            "amount": {"value": "7083.33", "currency": "USD"}}}], "bankStatements": [], "w2": []},
                        "missingRequired": ["URLA_1003"], "flags": []})
                if rest == "" and method == "DELETE":
                    del stage.applications[app_id]
                    stage.deleted.append(app_id)
                    return self.answer(204)
                if rest == "":
                    status = "IN_PROGRESS" if app["documents"]["d1"] < 3 else stage.final_document_status
                    return self.answer(200, {"applicationId": app_id, "status": "CREATED", "documents": [
                        {"documentId": "d1", "status": status}], "liveness": {"sessionId": "s1", "status": "IN_PROGRESS"},
                        "consent": app["consent"]})
                return self.problem(404, "Not Found")

        return Handler


@pytest.fixture
def fake_stage():
    stages = []

    def start(**kwargs):
        stages.append(FakeStage(**kwargs))
        return stages[-1]

    yield start
    for stage in stages:
        stage.close()


def environ_for(stage):
    return {
        "SMOKE_API_URL": stage.url + "/",
        "SMOKE_USER_POOL_ID": "us-east-1_Fake",
        "SMOKE_USER_POOL_CLIENT_ID": "client",
        "SMOKE_COGNITO_ENDPOINT": stage.url,
        "SMOKE_USERNAME": "smoke@example.com",
        "SMOKE_PASSWORD": "pw",
    }


def run_smoke(stage):
    out = io.StringIO()
    run = Run(
        stage=load_stage(environ_for(stage)),
        deadline=Deadline(60),
        applicant=fixtures.Applicant(),
        today=datetime.date(2026, 11, 30),
        sleep=lambda seconds: None,
    )
    return execute(run, Report(out)), out.getvalue()


def test_aws_path_passes_and_says_liveness_needs_a_camera(fake_stage):
    stage = fake_stage()
    passed, output = run_smoke(stage)
    assert passed, output
    assert "✗" not in output
    assert re.search(r"– .*complete liveness: skipped on AWS: .*camera", output)
    assert "✓" in output and "verify identity is refused without liveness: 409" in output
    assert "SUCCEEDED after 3 poll(s)" in output
    assert len(stage.deleted) == 1 and not stage.applications
    uploaded = list(stage.uploads.values())
    assert uploaded[0].startswith(fixtures.PNG_SIGNATURE) and uploaded[1].startswith(b"%PDF")


def test_a_failed_step_stops_the_run_but_the_application_is_erased(fake_stage):
    stage = fake_stage(final_document_status="FAILED")
    passed, output = run_smoke(stage)
    assert not passed
    assert re.search(r"✗ .*wait for the analysis.*: the analysis ended FAILED", output)
    assert "get application" not in output
    assert re.search(r"✓ .*erase application: DELETE 204, then GET 404", output)
    assert stage.deleted


def test_main_exit_codes(fake_stage, monkeypatch, capsys):
    for name in environ_for(fake_stage()):
        monkeypatch.delenv(name, raising=False)
    assert smoke.main([]) == 2
    assert "SMOKE_API_URL" in capsys.readouterr().err

    stage = fake_stage(final_document_status="FAILED")
    for name, value in environ_for(stage).items():
        monkeypatch.setenv(name, value)
    assert smoke.main([]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_extracted_field_shapes():
    from lendverify_smoke.api_client import CheckFailed
    from lendverify_smoke.flow import require_extracted_field

    require_extracted_field(None, "f")
    require_extracted_field({"text": "Mar 15, 2010", "confidence": 99, "lowConfidence": False, "date": "2010-03-15"}, "f")
    for broken in (
        {"text": "1", "confidence": 101, "lowConfidence": False},
        {"text": "1", "confidence": 90, "lowConfidence": "no"},
        {"text": "1", "confidence": 90, "lowConfidence": False, "amount": {"value": "1.5", "currency": "USD"}},
        {"text": "1", "confidence": 90, "lowConfidence": False, "amount": {"value": "1.50", "currency": "usd"}},
        {"text": "x", "confidence": 90, "lowConfidence": False, "date": "15/03/2010"},
    ):
        with pytest.raises(CheckFailed):
            require_extracted_field(broken, "f")


def test_timestamps_are_rfc_3339_with_any_fraction():
    from lendverify_smoke.api_client import CheckFailed
    from lendverify_smoke.flow import require_timestamp

    for good in ("2026-11-30T09:47:21.161710482Z", "2026-11-30T09:47:21Z", "2026-11-30T09:47:21+01:00"):
        require_timestamp({"t": good}, "t")
    for bad in ("2026-11-30", "2026-11-30 09:47:21Z", "yesterday"):
        with pytest.raises(CheckFailed):
            require_timestamp({"t": bad}, "t")
