"""make redrive: the by-hand move on moto (as on the local stage) and the move task on AWS."""

import json

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

import redrive

REGION = "us-east-1"


@pytest.fixture
def queues(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        dlq = sqs.create_queue(QueueName="lendverify-test-lending-analysis-completed-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        source = sqs.create_queue(
            QueueName="lendverify-test-lending-analysis-completed",
            Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})},
        )["QueueUrl"]
        sqs.create_queue(QueueName="unrelated")
        yield sqs, dlq, dlq_arn, source


def test_by_hand_moves_every_message_back_to_the_queue_that_redrives_to_the_dlq(queues):
    sqs, dlq, dlq_arn, source = queues
    bodies = {f"completion {i}" for i in range(13)}  # more than one receive batch
    for body in bodies:
        sqs.send_message(QueueUrl=dlq, MessageBody=body)

    assert redrive.source_queue_of(sqs, dlq_arn) == source
    assert redrive.redrive_by_hand(sqs, dlq, source) == 13

    moved = set()
    while messages := sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10).get("Messages", []):
        for m in messages:
            moved.add(m["Body"])
            sqs.delete_message(QueueUrl=source, ReceiptHandle=m["ReceiptHandle"])
    assert moved == bodies
    assert sqs.receive_message(QueueUrl=dlq).get("Messages", []) == []


def test_on_aws_starts_a_move_task_and_waits_for_it():
    sqs = boto3.client("sqs", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    arn = "arn:aws:sqs:us-east-1:123456789012:lendverify-dev-lending-analysis-completed-dlq"
    with Stubber(sqs) as stub:
        stub.add_response("start_message_move_task", {"TaskHandle": "task-1"}, {"SourceArn": arn})
        running = {"Results": [{"Status": "RUNNING", "SourceArn": arn, "ApproximateNumberOfMessagesMoved": 1}]}
        done = {"Results": [{"Status": "COMPLETED", "SourceArn": arn, "ApproximateNumberOfMessagesMoved": 3}]}
        stub.add_response("list_message_move_tasks", running, {"SourceArn": arn, "MaxResults": 1})
        stub.add_response("list_message_move_tasks", done, {"SourceArn": arn, "MaxResults": 1})
        assert redrive.redrive_on_aws(sqs, arn, poll_seconds=0) == 3


def test_on_aws_a_failed_move_task_fails_the_command():
    sqs = boto3.client("sqs", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    arn = "arn:aws:sqs:us-east-1:123456789012:lendverify-dev-lending-analysis-completed-dlq"
    with Stubber(sqs) as stub:
        stub.add_response("start_message_move_task", {"TaskHandle": "task-1"}, {"SourceArn": arn})
        failed = {"Results": [{"Status": "FAILED", "SourceArn": arn, "FailureReason": "AccessDenied"}]}
        stub.add_response("list_message_move_tasks", failed, {"SourceArn": arn, "MaxResults": 1})
        with pytest.raises(SystemExit, match="AccessDenied"):
            redrive.redrive_on_aws(sqs, arn, poll_seconds=0)
