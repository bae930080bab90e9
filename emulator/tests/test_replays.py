"""POST /_emulator/replays: recorded real answers, first in first out per operation."""

from __future__ import annotations

import copy
import json

import pytest
from botocore.exceptions import ClientError
from support import RECORDED_ANALYZE_ID, RECORDED_LENDING, error_code, http, recorded, start_job

from lendverify_emulator.fixtures import make_pdf, make_png, page_texts
from lendverify_emulator.service_models import without_response_metadata

SESSION_A = "3b7e1f0a-6c2d-4e8b-9f1a-2d3c4b5a6e7f"


def queue(emu_url: str, body: dict) -> tuple[int, dict]:
    status, _, answer = http("POST", emu_url + "/_emulator/replays", body)
    return status, answer


def recorded_lending() -> dict:
    return recorded(RECORDED_LENDING)


def test_analyze_id_replay_answers_the_recorded_body_exactly(emu_url, textract):
    body = recorded(RECORDED_ANALYZE_ID)
    assert queue(emu_url, {"operation": "AnalyzeID", "response": body}) == (200, {"operation": "AnalyzeID", "queued": 1})
    assert http("GET", emu_url + "/_emulator/replays")[2] == {"AnalyzeID": 1}
    answer = textract.analyze_id(DocumentPages=[{"Bytes": make_png()}])
    answer.pop("ResponseMetadata")
    assert answer == without_response_metadata(body)
    # used once: the next call is the emulator's own again
    assert textract.analyze_id(DocumentPages=[{"Bytes": make_png()}])["IdentityDocuments"][0]["IdentityDocumentFields"][0]["ValueDetection"]["Text"] == ""


def test_replays_are_first_in_first_out_per_operation_and_faults_come_first(emu_url, rekognition):
    def compare_faces(similarity: float) -> dict:
        return {"SourceImageFace": {"Confidence": 99.0}, "FaceMatches": [{"Similarity": similarity, "Face": {"Confidence": 99.0}}], "UnmatchedFaces": []}

    for similarity in (91.0, 92.0):
        assert queue(emu_url, {"operation": "CompareFaces", "response": compare_faces(similarity)})[0] == 200
    http("POST", emu_url + "/_emulator/faults", {"operation": "CompareFaces", "error": "ThrottlingException"})
    image = {"Bytes": make_png(face="alice")}
    with pytest.raises(ClientError) as exc:
        rekognition.compare_faces(SourceImage=image, TargetImage=image)
    assert error_code(exc) == "ThrottlingException"
    seen = [rekognition.compare_faces(SourceImage=image, TargetImage=image)["FaceMatches"][0]["Similarity"] for _ in range(3)]
    assert seen == [91.0, 92.0, 99.7]


def test_liveness_replay_answers_for_the_session_asked_about(emu_url, rekognition):
    recorded_answer = {"SessionId": SESSION_A, "Status": "SUCCEEDED", "Confidence": 88.8,
                       "ReferenceImage": {"S3Object": {"Bucket": "their-bucket", "Name": "ref.jpg"}}}
    assert queue(emu_url, {"operation": "GetFaceLivenessSessionResults", "response": recorded_answer})[0] == 200
    session_id = rekognition.create_face_liveness_session()["SessionId"]
    answer = rekognition.get_face_liveness_session_results(SessionId=session_id)
    assert answer["SessionId"] == session_id and answer["Confidence"] == 88.8
    assert answer["ReferenceImage"]["S3Object"] == {"Bucket": "their-bucket", "Name": "ref.jpg"}
    assert rekognition.get_face_liveness_session_results(SessionId=session_id)["Status"] == "CREATED"


def test_lending_replay_runs_the_job_with_the_recorded_results(emu_url, textract, s3, bucket, lending_channel, emulator):
    lending = recorded_lending()
    assert queue(emu_url, {"operation": "StartLendingAnalysis", "getLendingAnalysis": lending})[0] == 200
    pages = [[f"page {n}"] for n in range(1, 8)]
    key = "applications/app-1/uploads/recorded.pdf"
    s3.put_object(Bucket=bucket, Key=key, Body=make_pdf(pages))
    job_id = start_job(textract, bucket, lending_channel, key, JobTag="app-1")
    message = lending_channel.receive()["message"]
    assert message["JobId"] == job_id and message["Status"] == "SUCCEEDED"

    answer = textract.get_lending_analysis(JobId=job_id)
    assert answer["Results"] == lending["Results"] and answer["DocumentMetadata"] == {"Pages": 7}
    summary = textract.get_lending_analysis_summary(JobId=job_id)["Summary"]
    groups = {g["Type"]: g for g in summary["DocumentGroups"]}
    assert list(groups) == ["PAYSLIPS", "CHECKS", "IDENTITY_DOCUMENT", "1099_DIV", "BANK_STATEMENT", "W_2", "UNCLASSIFIED"]
    assert groups["CHECKS"]["UndetectedSignatures"] == [{"Page": 2}]  # checks have a signature field
    assert all(not g["DetectedSignatures"] for g in groups.values())
    assert groups["W_2"]["SplitDocuments"] == [{"Index": 1, "Pages": [6]}]
    assert "1003" in summary["UndetectedDocumentTypes"] and "W_2" not in summary["UndetectedDocumentTypes"]

    base = f"applications/app-1/textract/doc-1/{job_id}"
    detailed = json.loads(s3.get_object(Bucket=bucket, Key=f"{base}/detailedResponse/1")["Body"].read())
    assert detailed["Results"] == lending["Results"]
    split = s3.get_object(Bucket=bucket, Key=f"{base}/splitDocuments/W_2/1.pdf")["Body"].read()
    assert page_texts(split) == [pages[5]]
    assert emulator.control_lending_job(job_id)["Replayed"] is True


def test_lending_replay_pages_results_thirty_at_a_time_and_keeps_a_given_summary(emu_url, textract, s3, bucket, lending_channel):
    lending = recorded_lending()
    many = []
    for n in range(65):  # the recorded pages, repeated as a 65-page package
        result = copy.deepcopy(lending["Results"][n % 7])
        result["Page"] = n + 1
        many.append(result)
    lending["Results"], lending["DocumentMetadata"] = many, {"Pages": 65}
    summary = {"Summary": {"DocumentGroups": [{"Type": "PAYSLIPS", "SplitDocuments": [{"Index": 1, "Pages": [1]}]}], "UndetectedDocumentTypes": []}}
    assert queue(emu_url, {"operation": "StartLendingAnalysis", "getLendingAnalysis": lending, "getLendingAnalysisSummary": summary})[0] == 200
    s3.put_object(Bucket=bucket, Key="not-a-pdf.png", Body=make_png())  # a replay needs no PDF
    job_id = start_job(textract, bucket, lending_channel, "not-a-pdf.png")
    assert lending_channel.receive()["message"]["Status"] == "SUCCEEDED"

    sizes, token = [], None
    while True:
        answer = textract.get_lending_analysis(JobId=job_id, **({"NextToken": token} if token else {}))
        sizes.append(len(answer["Results"]))
        token = answer.get("NextToken")
        if not token:
            break
    assert sizes == [30, 30, 5]
    assert textract.get_lending_analysis_summary(JobId=job_id)["Summary"] == summary["Summary"]


@pytest.mark.parametrize(
    "body, path",
    [
        ({"operation": "DetectFaces", "response": {}}, "operation"),
        ({"operation": "AnalyzeID"}, None),
        ({"operation": "AnalyzeID", "response": {"IdentityDocuments": [{"DocumentIndex": "1"}]}}, "response.IdentityDocuments[0].DocumentIndex"),
        ({"operation": "GetFaceLivenessSessionResults", "response": {"SessionId": SESSION_A, "Status": "DONE"}}, "response.Status"),
        ({"operation": "CompareFaces", "response": {"FaceMatches": [], "Surprise": 1}}, "response.Surprise"),
        ({"operation": "StartLendingAnalysis"}, None),
        ({"operation": "StartLendingAnalysis", "getLendingAnalysis": {"JobStatus": "SUCCEEDED"}}, "getLendingAnalysis.Results"),
        ({"operation": "StartLendingAnalysis", "getLendingAnalysis": {"Results": [{"Page": 1, "PageClassification": {"PageType": []}}]}},
         "getLendingAnalysis.Results[0].PageClassification.PageNumber"),
        ({"operation": "StartLendingAnalysis", "getLendingAnalysis": {**recorded(RECORDED_LENDING), "NextToken": "more"}}, "getLendingAnalysis.NextToken"),
        ({"operation": "StartLendingAnalysis", "getLendingAnalysis": recorded(RECORDED_LENDING), "getLendingAnalysisSummary": {"Summary": {"DocumentGroups": {}}}},
         "getLendingAnalysisSummary.Summary.DocumentGroups"),
    ],
)
def test_a_body_that_breaks_the_model_is_refused_with_the_path(emu_url, body, path):
    status, answer = queue(emu_url, body)
    assert status == 400 and answer["error"]
    if path:
        assert answer["path"] == path, answer
    assert http("GET", emu_url + "/_emulator/replays")[2] == {}


def test_delete_and_reset_clear_replays(emu_url):
    queue(emu_url, {"operation": "AnalyzeID", "response": recorded(RECORDED_ANALYZE_ID)})
    assert http("DELETE", emu_url + "/_emulator/replays")[0] == 200
    assert http("GET", emu_url + "/_emulator/replays")[2] == {}
    queue(emu_url, {"operation": "AnalyzeID", "response": recorded(RECORDED_ANALYZE_ID)})
    assert http("POST", emu_url + "/_emulator/reset")[0] == 200
    assert http("GET", emu_url + "/_emulator/replays")[2] == {}
