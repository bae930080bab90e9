"""Shared fixtures: moto_server in a subprocess (S3, SNS, SQS), the emulator in-process on a free
port, boto3 clients pointed at them, and an SNS → SQS lending channel."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config
from support import REGION

from lendverify_emulator.app import Emulator
from lendverify_emulator.aws import AwsSettings
from lendverify_emulator.server import make_server

for var, value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}.items():
    os.environ[var] = value
os.environ.pop("AWS_SESSION_TOKEN", None)
os.environ.pop("AWS_PROFILE", None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture(scope="session")
def moto_url():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/moto-api/")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def emulator_server(moto_url):
    emulator = Emulator(AwsSettings(endpoint_url=moto_url, region=REGION), lending_delay=0.3)
    server = make_server(emulator, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def emulator(emulator_server):
    emulator_server.RequestHandlerClass.emulator.control_reset()
    return emulator_server.RequestHandlerClass.emulator


@pytest.fixture()
def emu_url(emulator_server, emulator):
    return emulator_server.url


def _client(service: str, endpoint: str, **config):
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(s3={"addressing_style": "path"}, **config),
    )


@pytest.fixture()
def client_factory(emu_url, moto_url):
    def make(service: str, **config):
        endpoint = emu_url if service in ("rekognition", "textract") else moto_url
        config.setdefault("retries", {"total_max_attempts": 1, "mode": "standard"})
        return _client(service, endpoint, **config)

    return make


@pytest.fixture()
def rekognition(client_factory):
    return client_factory("rekognition")


@pytest.fixture()
def textract(client_factory):
    return client_factory("textract")


@pytest.fixture()
def s3(client_factory):
    return client_factory("s3")


@pytest.fixture()
def bucket(s3):
    name = f"lv-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture()
def lending_channel(client_factory):
    """SNS topic → SQS queue, as the stack wires Textract's completion notifications."""
    sns = client_factory("sns")
    sqs = client_factory("sqs")
    suffix = uuid.uuid4().hex[:8]
    topic_arn = sns.create_topic(Name=f"lending-{suffix}")["TopicArn"]
    queue_url = sqs.create_queue(QueueName=f"lending-{suffix}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)

    class Channel:
        topic = topic_arn
        role = "arn:aws:iam::123456789012:role/textract-publish"
        queue = queue_url

        @staticmethod
        def receive(timeout: float = 10.0) -> dict:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                msgs = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
                for m in msgs.get("Messages", []):
                    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
                    envelope = json.loads(m["Body"])
                    return {"envelope": envelope, "message": json.loads(envelope["Message"])}
            raise AssertionError("no completion message arrived")

        @staticmethod
        def pending() -> int:
            attrs = sqs.get_queue_attributes(
                QueueUrl=queue_url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])

    return Channel


