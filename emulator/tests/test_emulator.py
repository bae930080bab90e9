"""Tests of the LendVerify emulator through boto3's real rekognition and textract clients.

moto_server runs in a subprocess (S3, SNS, SQS); the emulator runs in-process on a free port
(conftest.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import pytest
from botocore.exceptions import ClientError
from support import ALICE_ID, KMS_KEY_ARN, ROOT, error_code, http, put, start_job

from lendverify_emulator import pdf as pdf_mod
from lendverify_emulator.fixtures import face_id, make_pdf, make_png, sample_lending_pages, text_chunks
from lendverify_emulator.identity_fields import ID_FIELDS


def test_png_fixture_is_a_valid_png_with_text_chunks():
    import struct
    import zlib

    data = make_png(face="alice", id_document={"face": "alice", "fields": {"LAST_NAME": "Müller 李"}})
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(ctype + body) & 0xFFFFFFFF
        chunks.append(ctype)
        if ctype == b"IDAT":
            assert len(zlib.decompress(body)) == 8 * (8 + 1)  # 8 rows of filter byte + 8 pixels
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and chunks.count(b"tEXt") == 2
    assert face_id(data) == "alice"
    # JSON escapes keep the chunk ASCII; the emulator still reads the real name.
    assert text_chunks(data)["lendverify-id"].isascii()
    from lendverify_emulator.images import id_document

    assert id_document(data)["fields"]["LAST_NAME"] == "Müller 李"


def test_utf8_text_chunk_written_by_another_language_is_read_as_utf8():
    import struct
    import zlib

    body = b"lendverify-id\x00" + json.dumps({"face": "zoë", "fields": {}}, ensure_ascii=False).encode()
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    png = make_png()
    png = png[:33] + chunk + png[33:]  # right after IHDR
    assert face_id(png) == "zoë"


def test_jpeg_comment_segment_carries_the_face():
    payload = b"lendverify-face\x00bob"
    jpeg = b"\xff\xd8\xff\xe0\x00\x04\x00\x00" + b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload + b"\xff\xd9"
    assert face_id(jpeg) == "bob"


def test_pdf_text_extraction_handles_escapes_arrays_hex_and_flate():
    import zlib

    lines = pdf_mod.content_lines(
        rb"BT (Pay Stub \(final\)) Tj [(GROSS) -250 (_PAY: 1)] TJ <4E45543A2032> Tj (a\\b\051) ' ET"
    )
    assert lines == ["Pay Stub (final)", "GROSS_PAY: 1", "NET: 2", "a\\b)"]

    stream = zlib.compress(b"BT (Bank Statement) Tj ET")
    doc = (
        b"%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
        + b"4 0 obj << /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n"
        + stream
        + b"\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    assert pdf_mod.page_texts(doc) == [["Bank Statement"]]


def test_make_pdf_round_trips_including_non_ascii():
    pages = [["Passport", "NAME: Müller (Ana) \\ x"], ["李 Bank Statement"]]
    assert pdf_mod.page_texts(make_pdf(pages)) == pages


# ------------------------------------------------------------------------ wire / control API


def test_health_and_unknown_operation(emu_url):
    status, _, body = http("GET", emu_url + "/_emulator/health")
    assert status == 200 and body["status"] == "ok"

    status, headers, body = http(
        "POST",
        emu_url + "/",
        {},
        {"X-Amz-Target": "RekognitionService.DetectFaces", "Content-Type": "application/x-amz-json-1.1"},
    )
    assert status == 400
    assert body == {"__type": "UnknownOperationException", "message": body["message"]}
    assert headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert headers["Content-Type"] == "application/x-amz-json-1.1"

    status, _, body = http("POST", emu_url + "/", b"{not json", {"X-Amz-Target": "Textract.AnalyzeID"})
    assert status == 400 and body["__type"] == "SerializationException"


def test_cli_prints_ready_line_and_serves_health(moto_url):
    env = dict(os.environ, AWS_ENDPOINT_URL=moto_url, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "lendverify_emulator", "--host", "127.0.0.1", "--port", "0", "--quiet"],
        cwd=str(ROOT),
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("emulator listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        assert http("GET", url + "/_emulator/health")[0] == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0


def test_cli_refuses_to_start_without_a_moto_endpoint():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-m", "lendverify_emulator", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert proc.returncode != 0 and "AWS_ENDPOINT_URL" in proc.stderr


# ------------------------------------------------------------------------ liveness


def test_liveness_session_lifecycle_writes_images_with_kms(rekognition, s3, bucket, emu_url):
    prefix = "applications/app-1/liveness"
    req = {
        "KmsKeyId": KMS_KEY_ARN,
        "Settings": {"OutputConfig": {"S3Bucket": bucket, "S3KeyPrefix": prefix}, "AuditImagesLimit": 2},
        "ClientRequestToken": "token-1",
    }
    session_id = rekognition.create_face_liveness_session(**req)["SessionId"]
    assert str(uuid.UUID(session_id)) == session_id
    assert rekognition.create_face_liveness_session(**req)["SessionId"] == session_id  # idempotent
    assert rekognition.create_face_liveness_session(**{**req, "ClientRequestToken": "token-2"})["SessionId"] != session_id

    res = rekognition.get_face_liveness_session_results(SessionId=session_id)
    assert res["Status"] == "CREATED" and "Confidence" not in res

    status, _, body = http(
        "POST", f"{emu_url}/_emulator/liveness-sessions/{session_id}/complete", {"confidence": 97.5, "face": "alice"}
    )
    assert status == 200, body

    res = rekognition.get_face_liveness_session_results(SessionId=session_id)
    assert res["Status"] == "SUCCEEDED" and res["Confidence"] == 97.5
    ref = res["ReferenceImage"]
    assert ref["S3Object"] == {"Bucket": bucket, "Name": f"{prefix}/{session_id}/reference.png"}
    assert set(ref["BoundingBox"]) == {"Width", "Height", "Left", "Top"}
    assert [a["S3Object"]["Name"] for a in res["AuditImages"]] == [
        f"{prefix}/{session_id}/audit_images/1.png",
        f"{prefix}/{session_id}/audit_images/2.png",
    ]
    for key in [ref["S3Object"]["Name"]] + [a["S3Object"]["Name"] for a in res["AuditImages"]]:
        obj = s3.get_object(Bucket=bucket, Key=key)
        assert obj["ContentType"] == "image/png"
        assert obj["ServerSideEncryption"] == "aws:kms"
        assert obj["SSEKMSKeyId"] == KMS_KEY_ARN
        assert face_id(obj["Body"].read()) == "alice"

    # single use
    status, _, _ = http("POST", f"{emu_url}/_emulator/liveness-sessions/{session_id}/complete", {"status": "FAILED"})
    assert status == 409
    status, _, desc = http("GET", f"{emu_url}/_emulator/liveness-sessions/{session_id}")
    assert desc["KmsKeyId"] == KMS_KEY_ARN and desc["AuditImagesLimit"] == 2


def test_liveness_expired_failed_and_unknown(rekognition, bucket, emu_url):
    settings = {"OutputConfig": {"S3Bucket": bucket}}
    for status in ("EXPIRED", "FAILED"):
        sid = rekognition.create_face_liveness_session(Settings=settings)["SessionId"]
        assert http("POST", f"{emu_url}/_emulator/liveness-sessions/{sid}/complete", {"status": status})[0] == 200
        res = rekognition.get_face_liveness_session_results(SessionId=sid)
        assert res["Status"] == status and "ReferenceImage" not in res and "Confidence" not in res

    with pytest.raises(ClientError) as exc:
        rekognition.get_face_liveness_session_results(SessionId=str(uuid.uuid4()))
    assert error_code(exc) == "SessionNotFoundException"
    assert http("POST", f"{emu_url}/_emulator/liveness-sessions/nope/complete", {"status": "FAILED"})[0] == 404
    sid = rekognition.create_face_liveness_session()["SessionId"]
    assert http("POST", f"{emu_url}/_emulator/liveness-sessions/{sid}/complete", {"confidence": 120, "face": "a"})[0] == 400


def test_liveness_sessions_expire_three_minutes_after_creation(rekognition, emu_url):
    fresh = rekognition.create_face_liveness_session()["SessionId"]
    status, _, clock = http("GET", emu_url + "/_emulator/clock")
    assert status == 200 and clock["offsetSeconds"] == 0
    status, _, clock = http("POST", emu_url + "/_emulator/clock", {"advanceSeconds": 179})
    assert status == 200 and clock["offsetSeconds"] == 179
    assert rekognition.get_face_liveness_session_results(SessionId=fresh)["Status"] == "CREATED"
    late_born = rekognition.create_face_liveness_session()["SessionId"]  # created on the moved clock
    http("POST", emu_url + "/_emulator/clock", {"advanceSeconds": 1})
    res = rekognition.get_face_liveness_session_results(SessionId=fresh)
    assert res["Status"] == "EXPIRED" and "Confidence" not in res and "ReferenceImage" not in res
    assert rekognition.get_face_liveness_session_results(SessionId=late_born)["Status"] == "CREATED"
    # a result that arrives too late cannot complete the session
    status, _, body = http("POST", f"{emu_url}/_emulator/liveness-sessions/{fresh}/complete", {"confidence": 99, "face": "a"})
    assert status == 409 and "EXPIRED" in body["error"]
    in_progress = rekognition.create_face_liveness_session()["SessionId"]
    http("POST", f"{emu_url}/_emulator/liveness-sessions/{in_progress}/complete", {"status": "IN_PROGRESS"})
    http("POST", emu_url + "/_emulator/clock", {"advanceSeconds": 200})
    assert rekognition.get_face_liveness_session_results(SessionId=in_progress)["Status"] == "EXPIRED"
    assert http("POST", emu_url + "/_emulator/clock", {"advanceSeconds": -1})[0] == 400  # time only moves on
    assert http("POST", emu_url + "/_emulator/reset")[0] == 200
    assert http("GET", emu_url + "/_emulator/clock")[2]["offsetSeconds"] == 0


def test_a_completed_liveness_session_keeps_its_result_past_three_minutes(rekognition, emu_url):
    sid = rekognition.create_face_liveness_session()["SessionId"]
    http("POST", f"{emu_url}/_emulator/liveness-sessions/{sid}/complete", {"confidence": 97.5, "face": "alice"})
    http("POST", emu_url + "/_emulator/clock", {"advanceSeconds": 3600})
    assert rekognition.get_face_liveness_session_results(SessionId=sid)["Status"] == "SUCCEEDED"


def test_liveness_without_output_config_returns_bytes(rekognition, emu_url):
    sid = rekognition.create_face_liveness_session(Settings={"AuditImagesLimit": 1})["SessionId"]
    http("POST", f"{emu_url}/_emulator/liveness-sessions/{sid}/complete", {"confidence": 55, "face": "bob"})
    res = rekognition.get_face_liveness_session_results(SessionId=sid)
    assert face_id(res["ReferenceImage"]["Bytes"]) == "bob"
    assert len(res["AuditImages"]) == 1 and "S3Object" not in res["AuditImages"][0]


# ------------------------------------------------------------------------ CompareFaces


def test_compare_faces_outcomes(rekognition, s3, bucket):
    alice = {"Bytes": make_png(face="alice")}

    same = rekognition.compare_faces(SourceImage=alice, TargetImage={"Bytes": make_png(face="alice")})
    assert same["SourceImageFace"]["Confidence"] == 99.9
    [match] = same["FaceMatches"]
    assert match["Similarity"] == 99.7
    face = match["Face"]
    assert face["Confidence"] == 99.9 and face["Landmarks"] == []
    assert set(face["Pose"]) == {"Roll", "Yaw", "Pitch"} and set(face["Quality"]) == {"Brightness", "Sharpness"}
    assert same["UnmatchedFaces"] == []

    review = rekognition.compare_faces(
        SourceImage=alice, TargetImage={"Bytes": make_png(face="alice~97.0")}, SimilarityThreshold=80
    )
    assert review["FaceMatches"][0]["Similarity"] == 97.0
    below = rekognition.compare_faces(
        SourceImage=alice, TargetImage={"Bytes": make_png(face="alice~97.0")}, SimilarityThreshold=99
    )
    assert below["FaceMatches"] == [] and len(below["UnmatchedFaces"]) == 1

    other = rekognition.compare_faces(SourceImage=alice, TargetImage={"Bytes": make_png(face="mallory")})
    assert other["FaceMatches"] == [] and len(other["UnmatchedFaces"]) == 1
    low = rekognition.compare_faces(
        SourceImage=alice, TargetImage={"Bytes": make_png(face="mallory")}, SimilarityThreshold=0
    )
    assert low["FaceMatches"][0]["Similarity"] == 8.0

    nobody = rekognition.compare_faces(SourceImage=alice, TargetImage={"Bytes": make_png()})
    assert nobody["FaceMatches"] == [] and nobody["UnmatchedFaces"] == []
    assert nobody["SourceImageFace"]["Confidence"] == 99.9

    # S3 inputs; the ID front's face comes from its lendverify-id JSON
    ref = put(s3, bucket, "applications/a/liveness/s/reference.png", make_png(face="alice"))
    front = put(s3, bucket, "applications/a/uploads/front", make_png(id_document=ALICE_ID))
    res = rekognition.compare_faces(
        SourceImage={"S3Object": ref}, TargetImage={"S3Object": front}, SimilarityThreshold=99, QualityFilter="AUTO"
    )
    assert res["FaceMatches"][0]["Similarity"] == 99.7


def test_compare_faces_errors(rekognition, bucket):
    with pytest.raises(ClientError) as exc:
        rekognition.compare_faces(SourceImage={"Bytes": make_png()}, TargetImage={"Bytes": make_png(face="a")})
    assert error_code(exc) == "InvalidParameterException"
    assert "no face detected in the source image" in exc.value.response["Error"]["Message"]

    with pytest.raises(ClientError) as exc:
        rekognition.compare_faces(SourceImage={"Bytes": b"GIF89a..."}, TargetImage={"Bytes": make_png(face="a")})
    assert error_code(exc) == "InvalidImageFormatException"

    with pytest.raises(ClientError) as exc:
        rekognition.compare_faces(
            SourceImage={"S3Object": {"Bucket": bucket, "Name": "missing.png"}},
            TargetImage={"Bytes": make_png(face="a")},
        )
    assert error_code(exc) == "InvalidS3ObjectException"


# ------------------------------------------------------------------------ AnalyzeID


def test_analyze_id_fields_match_the_recorded_shape(textract, s3, bucket):
    front = put(s3, bucket, "applications/a/uploads/front", make_png(id_document=ALICE_ID))
    res = textract.analyze_id(DocumentPages=[{"S3Object": front}])
    assert res["AnalyzeIDModelVersion"] == "1.0" and res["DocumentMetadata"] == {"Pages": 1}
    [doc] = res["IdentityDocuments"]
    assert set(doc) == {"DocumentIndex", "IdentityDocumentFields"} and doc["DocumentIndex"] == 1
    assert all(set(f["Type"]) == {"Text"} for f in doc["IdentityDocumentFields"])  # as recorded
    fields = {f["Type"]["Text"]: f["ValueDetection"] for f in doc["IdentityDocumentFields"]}
    assert list(fields)[: len(ID_FIELDS)] == list(ID_FIELDS)
    assert fields["FIRST_NAME"] == {"Text": "Ana", "Confidence": 98.5}
    assert fields["LAST_NAME"]["Text"] == "Müller"
    assert fields["DATE_OF_BIRTH"] == {
        "Text": "04/12/1990",
        "NormalizedValue": {"Value": "1990-04-12T00:00:00", "ValueType": "Date"},
        "Confidence": 62.0,
    }
    assert fields["EXPIRATION_DATE"]["NormalizedValue"]["Value"] == "2031-01-31T00:00:00"
    assert fields["MRZ_CODE"]["Text"].count("\n") == 1
    assert fields["MIDDLE_NAME"]["Text"] == "" and "NormalizedValue" not in fields["DATE_OF_ISSUE"]
    assert fields["NATIONALITY"]["Text"] == "UTO"  # non-standard keys pass through after the standard ones


def test_analyze_id_without_document_chunk_and_two_pages(textract):
    res = textract.analyze_id(DocumentPages=[{"Bytes": make_png(face="alice")}, {"Bytes": make_png(id_document=ALICE_ID)}])
    assert res["DocumentMetadata"] == {"Pages": 2}
    blank, back = res["IdentityDocuments"]
    assert blank["DocumentIndex"] == 1 and back["DocumentIndex"] == 2
    assert len(blank["IdentityDocumentFields"]) == len(ID_FIELDS)
    assert all(f["ValueDetection"]["Text"] == "" and f["ValueDetection"]["Confidence"] < 50 for f in blank["IdentityDocumentFields"])

    with pytest.raises(ClientError) as exc:
        textract.analyze_id(DocumentPages=[{"Bytes": make_pdf([["Passport"]])}])
    assert error_code(exc) == "UnsupportedDocumentException"


# ------------------------------------------------------------------------ lending


def test_lending_end_to_end(textract, s3, bucket, lending_channel, emulator):
    key = "applications/app-1/uploads/package.pdf"
    s3.put_object(Bucket=bucket, Key=key, Body=make_pdf(sample_lending_pages()))
    job_id = start_job(textract, bucket, lending_channel, key, JobTag="doc-1", ClientRequestToken="doc-1")
    assert len(job_id) == 64
    # same token, same request: same job, no second job
    assert start_job(textract, bucket, lending_channel, key, JobTag="doc-1", ClientRequestToken="doc-1") == job_id
    with pytest.raises(ClientError) as exc:
        start_job(textract, bucket, lending_channel, key, JobTag="other", ClientRequestToken="doc-1")
    assert error_code(exc) == "IdempotentParameterMismatchException"
    assert textract.get_lending_analysis(JobId=job_id)["JobStatus"] == "IN_PROGRESS"

    received = lending_channel.receive()
    assert received["envelope"]["Type"] == "Notification"
    msg = received["message"]
    assert msg["JobId"] == job_id and msg["Status"] == "SUCCEEDED" and msg["API"] == "StartLendingAnalysis"
    assert msg["JobTag"] == "doc-1" and isinstance(msg["Timestamp"], int) and msg["Timestamp"] > 1_600_000_000_000
    assert msg["DocumentLocation"] == {"S3ObjectName": key, "S3Bucket": bucket}
    time.sleep(0.2)
    assert lending_channel.pending() == 0  # exactly one job ran
    assert len(emulator.state.lending_jobs) == 1

    # follow NextToken with MaxResults=2
    results, token, calls = [], None, 0
    while True:
        kwargs = {"JobId": job_id, "MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        page = textract.get_lending_analysis(**kwargs)
        calls += 1
        assert page["JobStatus"] == "SUCCEEDED" and page["DocumentMetadata"] == {"Pages": 4}
        results += page["Results"]
        token = page.get("NextToken")
        if not token:
            break
    assert calls == 2
    assert [r["Page"] for r in results] == [1, 2, 3, 4]
    types = [r["PageClassification"]["PageType"][0]["Value"] for r in results]
    assert types == ["1003", "W_2", "PAYSLIPS", "BANK_STATEMENT"]
    # no page prints its page number
    assert all(r["PageClassification"]["PageNumber"] == [{"Value": "undetected", "Confidence": 100.0}] for r in results)

    urla = results[0]["Extractions"][0]["LendingDocument"]
    assert urla["LendingFields"] == [
        {"Type": "OTHER", "ValueDetections": [{"Text": "Ana Muller", "Geometry": urla["LendingFields"][0]["ValueDetections"][0]["Geometry"], "Confidence": 97.0}]}
    ]
    assert len(urla["SignatureDetections"]) == 1 and urla["SignatureDetections"][0]["Confidence"] == 99.0
    w2 = {f["Type"]: f["ValueDetections"][0] for f in results[1]["Extractions"][0]["LendingDocument"]["LendingFields"]}
    assert set(w2) == {"FORM_YEAR", "EMPLOYEE_NAME", "WAGES"}  # SIGNATURE and CONFIDENCE_ lines are not fields
    assert w2["WAGES"]["Text"] == "$98,000.00" and w2["WAGES"]["Confidence"] == 71.5
    assert "SignatureDetections" not in results[1]["Extractions"][0]["LendingDocument"]
    payslip = {f["Type"]: f["ValueDetections"][0]["Text"] for f in results[2]["Extractions"][0]["LendingDocument"]["LendingFields"]}
    assert payslip["CURRENT_GROSS_PAY"] == "$4,083.33" and payslip["BORROWER_NAME"] == "Ana Muller"
    bank = {f["Type"]: f["ValueDetections"][0]["Text"] for f in results[3]["Extractions"][0]["LendingDocument"]["LendingFields"]}
    assert bank["PERIOD_END_DATE"] == "31 OCT 2024" and bank["ENDING_BALANCE"] == "$25,000.00"

    summary = textract.get_lending_analysis_summary(JobId=job_id)
    assert summary["JobStatus"] == "SUCCEEDED" and summary["AnalyzeLendingModelVersion"]
    groups = {g["Type"]: g for g in summary["Summary"]["DocumentGroups"]}
    assert list(groups) == ["1003", "W_2", "PAYSLIPS", "BANK_STATEMENT"]
    assert groups["1003"]["SplitDocuments"] == [{"Index": 1, "Pages": [1]}]
    assert groups["1003"]["DetectedSignatures"] == [{"Page": 1}]
    assert groups["1003"]["UndetectedSignatures"] == []
    assert groups["W_2"]["UndetectedSignatures"] == []  # W-2s have no signature field
    undetected = summary["Summary"]["UndetectedDocumentTypes"]
    assert "CHECKS" in undetected and "1003" not in undetected and "W_2" not in undetected

    # Textract's output layout: {S3Prefix}/{JobId}/detailedResponse|summaryResponse|splitDocuments
    base = f"applications/app-1/textract/doc-1/{job_id}"
    listed = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=base + "/")["Contents"])
    assert listed == sorted(
        [f"{base}/detailedResponse/1", f"{base}/summaryResponse/1"]
        + [f"{base}/splitDocuments/{t}/1.pdf" for t in ("1003", "W_2", "PAYSLIPS", "BANK_STATEMENT")]
    )
    for out_key in listed:
        head = s3.head_object(Bucket=bucket, Key=out_key)
        assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == KMS_KEY_ARN
    stored = json.loads(s3.get_object(Bucket=bucket, Key=f"{base}/summaryResponse/1")["Body"].read())
    assert stored["Summary"] == summary["Summary"]
    detailed = json.loads(s3.get_object(Bucket=bucket, Key=f"{base}/detailedResponse/1")["Body"].read())
    assert detailed["Results"] == results
    split = s3.get_object(Bucket=bucket, Key=f"{base}/splitDocuments/W_2/1.pdf")
    assert split["ContentType"] == "application/pdf"
    assert pdf_mod.page_texts(split["Body"].read()) == [sample_lending_pages()[1]]

    with pytest.raises(ClientError) as exc:
        textract.get_lending_analysis(JobId=job_id, NextToken="garbage")
    assert error_code(exc) == "InvalidParameterException"


def test_lending_page_shapes_follow_the_real_service(textract, s3, bucket, lending_channel):
    pages = [
        ["Uniform Residential Loan Application", "OTHER: A", "Page 1 of 2"],
        ["Uniform Residential Loan Application", "SIGNATURE: present", "Page 2 of 2"],
        ["Bank Statement", "ENDING_BALANCE: 1", "BANK_NAME:"],
        ["Some cover letter", "NOTE: not a field of any document"],
        ["Bank Statement", "ENDING_BALANCE: 2", "ENDING_BALANCE: 3"],
        ["Driver License", "FIRST_NAME: ANA", "DATE_OF_BIRTH: 1990-04-12"],
        ["Store Receipt", "TOTAL: $12.50"],
        ["Pay to the order of John Stiles", "DOLLAR_AMOUNT: $291.90"],
        ["PAGE_TYPE: 1099_DIV", "COLLECTIBLES_28%_GAIN: $ 200"],
    ]
    key = "applications/app-1/uploads/split.pdf"
    s3.put_object(Bucket=bucket, Key=key, Body=make_pdf(pages))
    job_id = start_job(textract, bucket, lending_channel, key)
    assert lending_channel.receive()["message"]["Status"] == "SUCCEEDED"
    res = textract.get_lending_analysis(JobId=job_id)  # default MaxResults 30: one call
    assert "NextToken" not in res and len(res["Results"]) == len(pages)
    by_page = {r["Page"]: r for r in res["Results"]}
    assert [by_page[p]["PageClassification"]["PageType"][0]["Value"] for p in range(1, 10)] == [
        "1003", "1003", "BANK_STATEMENT", "UNCLASSIFIED", "BANK_STATEMENT", "IDENTITY_DOCUMENT", "RECEIPTS", "CHECKS", "1099_DIV",
    ]
    assert by_page[2]["PageClassification"]["PageNumber"][0]["Value"] == "2"  # printed: "Page 2 of 2"
    assert by_page[3]["Extractions"][0]["LendingDocument"]["LendingFields"][1] == {"Type": "BANK_NAME", "ValueDetections": []}
    assert by_page[4]["Extractions"] == []  # UNCLASSIFIED: no LendingDocument
    repeated = by_page[5]["Extractions"][0]["LendingDocument"]["LendingFields"]
    assert [(f["Type"], f["ValueDetections"][0]["Text"]) for f in repeated] == [("ENDING_BALANCE", "2"), ("ENDING_BALANCE", "3")]
    [identity] = by_page[6]["Extractions"]
    id_fields = {f["Type"]["Text"]: f["ValueDetection"] for f in identity["IdentityDocument"]["IdentityDocumentFields"]}
    assert id_fields["FIRST_NAME"]["Text"] == "ANA"
    assert id_fields["DATE_OF_BIRTH"]["NormalizedValue"] == {"Value": "1990-04-12T00:00:00", "ValueType": "Date"}
    [expense] = by_page[7]["Extractions"]
    assert expense["ExpenseDocument"]["SummaryFields"][0]["ValueDetection"]["Text"] == "$12.50"
    assert by_page[9]["Extractions"][0]["LendingDocument"]["LendingFields"][0]["Type"] == "COLLECTIBLES_28%_GAIN"

    groups = {g["Type"]: g for g in textract.get_lending_analysis_summary(JobId=job_id)["Summary"]["DocumentGroups"]}
    assert groups["1003"]["SplitDocuments"] == [{"Index": 1, "Pages": [1, 2]}]
    assert groups["1003"]["UndetectedSignatures"] == [{"Page": 1}]
    assert groups["1003"]["DetectedSignatures"] == [{"Page": 2}]
    assert groups["CHECKS"]["UndetectedSignatures"] == [{"Page": 8}]  # checks have a signature field
    assert groups["BANK_STATEMENT"]["SplitDocuments"] == [{"Index": 1, "Pages": [3]}, {"Index": 2, "Pages": [5]}]
    assert groups["UNCLASSIFIED"]["SplitDocuments"] == [{"Index": 1, "Pages": [4]}]


@pytest.mark.parametrize("requested, notified", [("FAILED", "FAILED"), ("ERROR", "ERROR")])
def test_a_fixture_line_makes_the_job_end_failed_or_in_error(textract, s3, bucket, lending_channel, requested, notified):
    key = f"applications/app-1/uploads/{requested}.pdf"
    s3.put_object(Bucket=bucket, Key=key, Body=make_pdf([["Bank Statement", f"JOB_STATUS: {requested}"]]))
    job_id = start_job(textract, bucket, lending_channel, key)
    assert lending_channel.receive()["message"]["Status"] == notified
    res = textract.get_lending_analysis(JobId=job_id)
    assert res["JobStatus"] == "FAILED" and res["StatusMessage"] and "Results" not in res
    assert "Summary" not in textract.get_lending_analysis_summary(JobId=job_id)


def test_lending_non_pdf_fails(textract, s3, bucket, lending_channel):
    key = "applications/app-1/uploads/photo.png"
    s3.put_object(Bucket=bucket, Key=key, Body=make_png(face="alice"))
    job_id = start_job(textract, bucket, lending_channel, key, JobTag="t")
    msg = lending_channel.receive()["message"]
    assert msg["JobId"] == job_id and msg["Status"] == "FAILED"
    res = textract.get_lending_analysis(JobId=job_id)
    assert res["JobStatus"] == "FAILED" and res["StatusMessage"] == "UNSUPPORTED_DOCUMENT" and "Results" not in res
    assert textract.get_lending_analysis_summary(JobId=job_id)["JobStatus"] == "FAILED"


def test_lending_errors(textract, bucket, lending_channel):
    with pytest.raises(ClientError) as exc:
        textract.get_lending_analysis(JobId="0" * 64)
    assert error_code(exc) == "InvalidJobIdException"
    with pytest.raises(ClientError) as exc:
        textract.get_lending_analysis_summary(JobId="0" * 64)
    assert error_code(exc) == "InvalidJobIdException"
    with pytest.raises(ClientError) as exc:
        start_job(textract, bucket, lending_channel, "missing.pdf")
    assert error_code(exc) == "InvalidS3ObjectException"


# ------------------------------------------------------------------------ faults and counters


def test_faults_calls_and_reset(client_factory, emu_url, emulator):
    alice = {"Bytes": make_png(face="alice")}
    no_retry = client_factory("rekognition")
    assert http("GET", emu_url + "/_emulator/calls")[2]["CompareFaces"] == 0

    status, _, _ = http("POST", emu_url + "/_emulator/faults", {"operation": "CompareFaces", "error": "ThrottlingException", "count": 2})
    assert status == 200
    with pytest.raises(ClientError) as exc:
        no_retry.compare_faces(SourceImage=alice, TargetImage=alice)
    assert error_code(exc) == "ThrottlingException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # a retrying client rides out the remaining throttle
    retrying = client_factory("rekognition", retries={"total_max_attempts": 3, "mode": "standard"})
    assert retrying.compare_faces(SourceImage=alice, TargetImage=alice)["FaceMatches"]
    assert http("GET", emu_url + "/_emulator/calls")[2]["CompareFaces"] == 3

    http("POST", emu_url + "/_emulator/faults", {"operation": "AnalyzeID", "error": "InternalServerError", "count": 10})
    textract = client_factory("textract")
    with pytest.raises(ClientError) as exc:
        textract.analyze_id(DocumentPages=[alice])
    assert error_code(exc) == "InternalServerError"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    http("POST", emu_url + "/_emulator/faults", {"operation": "GetLendingAnalysis", "error": "ProvisionedThroughputExceededException"})
    assert set(http("GET", emu_url + "/_emulator/faults")[2]) == {"AnalyzeID", "GetLendingAnalysis"}
    assert http("DELETE", emu_url + "/_emulator/faults")[0] == 200
    assert textract.analyze_id(DocumentPages=[alice])["DocumentMetadata"]["Pages"] == 1

    calls = http("GET", emu_url + "/_emulator/calls")[2]
    assert calls["AnalyzeID"] == 2 and calls["StartLendingAnalysis"] == 0
    assert http("POST", emu_url + "/_emulator/faults", {"operation": "Nope", "error": "X"})[0] == 400

    http("POST", emu_url + "/_emulator/faults", {"operation": "CompareFaces", "error": "ThrottlingException"})
    assert http("POST", emu_url + "/_emulator/reset")[0] == 200
    assert set(http("GET", emu_url + "/_emulator/calls")[2].values()) == {0}
    assert http("GET", emu_url + "/_emulator/faults")[2] == {}
    assert no_retry.compare_faces(SourceImage=alice, TargetImage=alice)["FaceMatches"]


def test_keep_alive_connection_serves_errors_and_chunked_bodies(emu_url):
    import http.client
    from urllib.parse import urlsplit

    u = urlsplit(emu_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    headers = {"content-type": "application/x-amz-json-1.1", "x-amz-target": "Textract.GetLendingAnalysis"}
    conn.request("POST", "/", body=json.dumps({"JobId": "nope"}), headers=headers)
    resp = conn.getresponse()
    assert resp.status == 400 and json.loads(resp.read())["__type"] == "InvalidJobIdException"
    # same connection, chunked request body (SDKs may stream)
    conn.request("POST", "/", body=iter([b'{"JobId"', b': "nope2"}']), headers=headers, encode_chunked=True)
    resp = conn.getresponse()
    assert resp.status == 400 and "nope2" in json.loads(resp.read())["message"]
    conn.close()


def test_analyze_id_answers_the_recorded_licence_exactly_given_its_values(textract):
    """The emulator's AnalyzeID shape is the real one: fed the recorded licence's values and
    confidences, it answers the recorded document member for member."""
    from support import RECORDED_ANALYZE_ID, recorded

    expected = recorded(RECORDED_ANALYZE_ID)["IdentityDocuments"][0]
    values, confidences = {}, {}
    for f in expected["IdentityDocumentFields"]:
        name, detection = f["Type"]["Text"], f["ValueDetection"]
        values[name], confidences[name] = detection["Text"], detection["Confidence"]
    png = make_png(id_document={"face": "jorge", "fields": values, "confidence": confidences})
    [document] = textract.analyze_id(DocumentPages=[{"Bytes": png}])["IdentityDocuments"]
    assert document == expected


def test_a_lending_identity_page_has_the_recorded_identity_shape(textract, s3, bucket, lending_channel):
    from support import RECORDED_LENDING, recorded

    expected = recorded(RECORDED_LENDING)["Results"][2]["Extractions"]  # page 3: IDENTITY_DOCUMENT
    fields = expected[0]["IdentityDocument"]["IdentityDocumentFields"]
    lines = ["Driver License"]
    for f in fields:
        name, detection = f["Type"]["Text"], f["ValueDetection"]
        lines += [f"{name}: {detection['Text']}", f"CONFIDENCE_{name}: {detection['Confidence']!r}"]
    s3.put_object(Bucket=bucket, Key="licence.pdf", Body=make_pdf([lines]))
    job_id = start_job(textract, bucket, lending_channel, "licence.pdf")
    assert lending_channel.receive()["message"]["Status"] == "SUCCEEDED"
    [result] = textract.get_lending_analysis(JobId=job_id)["Results"]
    assert result["Extractions"] == expected


def _without_geometry(value):
    if isinstance(value, dict):
        return {k: _without_geometry(v) for k, v in value.items() if k != "Geometry"}
    if isinstance(value, list):
        return [_without_geometry(v) for v in value]
    return value


@pytest.mark.parametrize("recorded_page", [1, 5, 6], ids=["PAYSLIPS", "BANK_STATEMENT", "W_2"])
def test_a_lending_page_printing_the_recorded_values_answers_the_recorded_page(textract, s3, bucket, lending_channel, recorded_page):
    """Page for page, the emulator's LendingDocument is the real one (geometry aside): same field
    types in the same order, values as printed, empty ValueDetections, no KeyDetection."""
    from support import RECORDED_LENDING, recorded

    expected = recorded(RECORDED_LENDING)["Results"][recorded_page - 1]
    page_type = expected["PageClassification"]["PageType"][0]["Value"]
    lines = [f"PAGE_TYPE: {page_type}"]
    for f in expected["Extractions"][0]["LendingDocument"]["LendingFields"]:
        [detection] = f["ValueDetections"] or [None]
        lines.append(f"{f['Type']}: {detection['Text'] if detection else ''}")
        if detection:
            lines.append(f"CONFIDENCE_{f['Type']}: {detection['Confidence']!r}")
    s3.put_object(Bucket=bucket, Key="page.pdf", Body=make_pdf([lines]))
    job_id = start_job(textract, bucket, lending_channel, "page.pdf")
    assert lending_channel.receive()["message"]["Status"] == "SUCCEEDED"
    [result] = textract.get_lending_analysis(JobId=job_id)["Results"]
    assert _without_geometry(result["Extractions"]) == _without_geometry(expected["Extractions"])
    assert result["PageClassification"]["PageNumber"][0]["Value"] == expected["PageClassification"]["PageNumber"][0]["Value"]
