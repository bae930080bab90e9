"""make redrive ENV=<env>: moves the lending completion DLQ's messages back to the completion queue.

Run it once the cause is fixed (a consumer bug deployed, a dependency back): the consumer then
records the completions it could not before. Messages that still fail return to the DLQ after
maxReceiveCount receives, and the DLQ alarm fires again.

- ENV=dev|staging|prod: SQS StartMessageMoveTask from the DLQ (its ARN from the environment's
  Terraform outputs) back to its source queue, polled with ListMessageMoveTasks until it ends.
- ENV=local: the running `make local` stage (.tools/local-stage/stage.json, or LOCAL_STAGE_JSON).
  moto 5 does not implement StartMessageMoveTask, so here the same move is done by hand:
  receive from the DLQ, send to the queue whose RedrivePolicy names it, then delete.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

import boto3

ROOT = pathlib.Path(__file__).resolve().parent.parent
DLQ_SUFFIX = "-lending-analysis-completed-dlq"


def terraform_output(env: str, name: str) -> str:
    out = subprocess.run(
        ["terraform", f"-chdir={ROOT / 'environments' / env}", "output", "-json"],
        check=True, capture_output=True, text=True,
    )
    outputs = {k: v["value"] for k, v in json.loads(out.stdout).items()}
    # The environment roots expose the stack's outputs under one `stack` object.
    value = outputs.get(name, (outputs.get("stack") or {}).get(name))
    if not value:
        raise SystemExit(f"redrive: environments/{env} has no output {name} (is it deployed?)")
    return value


def redrive_on_aws(sqs, dlq_arn: str, poll_seconds: float = 5.0) -> int:
    task = sqs.start_message_move_task(SourceArn=dlq_arn)
    print(f"redrive: move task {task['TaskHandle']} started from {dlq_arn}")
    while True:
        tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=1)["Results"]
        current = tasks[0] if tasks else {}
        status = current.get("Status", "UNKNOWN")
        moved = current.get("ApproximateNumberOfMessagesMoved", 0)
        if status in ("COMPLETED", "FAILED", "CANCELLED"):
            print(f"redrive: {status}, {moved} message(s) moved")
            if status != "COMPLETED":
                raise SystemExit(f"redrive: {current.get('FailureReason', status)}")
            return moved
        time.sleep(poll_seconds)


def source_queue_of(sqs, dlq_arn: str) -> str:
    for url in sqs.list_queues().get("QueueUrls", []):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"]).get("Attributes", {})
        policy = json.loads(attributes.get("RedrivePolicy", "{}"))
        if policy.get("deadLetterTargetArn") == dlq_arn:
            return url
    raise SystemExit(f"redrive: no queue redrives to {dlq_arn}")


def redrive_by_hand(sqs, dlq_url: str, source_url: str) -> int:
    moved = 0
    while True:
        messages = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            print(f"redrive: {moved} message(s) moved to {source_url}")
            return moved
        for message in messages:
            sqs.send_message(QueueUrl=source_url, MessageBody=message["Body"])
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", required=True, help="local, dev, staging or prod")
    args = parser.parse_args(argv)
    if args.env == "local":
        stage_file = os.environ.get("LOCAL_STAGE_JSON") or ROOT / ".tools/local-stage/stage.json"
        stage = json.loads(pathlib.Path(stage_file).read_text())
        sqs = boto3.client("sqs", endpoint_url=stage["motoUrl"], region_name=stage["region"],
                           aws_access_key_id="test", aws_secret_access_key="test")
        dlqs = [u for u in sqs.list_queues().get("QueueUrls", []) if u.endswith(DLQ_SUFFIX)]
        if len(dlqs) != 1:
            raise SystemExit(f"redrive: expected one *{DLQ_SUFFIX} queue on the local stage, found {dlqs}")
        dlq_url = dlqs[0]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        redrive_by_hand(sqs, dlq_url, source_queue_of(sqs, dlq_arn))
        return 0
    dlq_arn = terraform_output(args.env, "lending_dlq_arn")
    sqs = boto3.client("sqs", region_name=dlq_arn.split(":")[3])
    redrive_on_aws(sqs, dlq_arn)
    return 0


if __name__ == "__main__":
    sys.exit(main())
