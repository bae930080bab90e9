#!/usr/bin/env python3
"""make cost: the AWS cost of one LendVerify application, and of 10,000 and 1,000,000 a month.

One complete application is: sign-in, create, consent, a Face Liveness check, three presigned
uploads (ID front and back, the lending package), identity verification (AnalyzeID on both sides,
CompareFaces), a lending package of PAGES pages through Analyze Lending and the SNS -> SQS ->
consumer path, the applicant's status polls, and storage for the retention periods. Each line is a
quantity per application (below, with where it comes from) times a unit price from the dated price
file (pricing/us-east-1.json), so a lender can update prices without touching the model.

Standard-library Python only. `python3 scripts/cost.py --help`.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRICES = ROOT / "pricing" / "us-east-1.json"
TERRAFORM = ROOT / "terraform" / "main.tf"
# CloudWatch alarms of a staging or prod stack (dev has none): the count in their offline plans, which
# the plan checks compare with this (scripts/lendverify_terraform/plan_checks.py).
CLOUDWATCH_ALARMS = 29

ML = "ML calls"
INFRA = "infrastructure"
SIGN_IN = "sign-in (Cognito)"

# Memory per function when terraform/main.tf cannot be read (the values set there).
DEFAULT_MEMORY_MB = {
    "applications": 256,
    "create-liveness-session": 256,
    "get-liveness-results": 256,
    "create-upload-url": 256,
    "verify-identity": 256,
    "start-lending-analysis": 256,
    "get-lending-analysis-results": 256,
    "lending-analysis-completed": 128,
    "review": 256,
    "deliver-decision-events": 128,
    "erase-application": 256,
    "sweep-erasures": 128,
}


@dataclass(frozen=True)
class Assumptions:
    """What one application does. Defaults are the flow of README "How it works"."""

    pages: int = 20  # pages in the lending package
    id_images: int = 2  # ID front and back: AnalyzeID bills each image as a page
    status_polls: int = 6  # GET /applications/{id} while the applicant waits
    liveness_polls: int = 2  # GET .../liveness-sessions/{id} until decided
    document_polls: int = 4  # GET .../documents/{id} until the consumer has recorded the result
    id_image_mb: float = 1.0  # each ID photo
    package_mb_per_page: float = 0.2  # scanned PDF
    liveness_images_mb: float = 0.3  # reference + 4 audit images written by Rekognition
    textract_output_mb_per_page: float = 0.25  # detailedResponse + summary + split documents
    uploads_retention_days: int = 365  # modules/storage defaults
    biometrics_retention_days: int = 30
    textract_output_retention_days: int = 365
    dynamodb_kb: float = 15.0  # every item of one application, the document's extraction included
    dynamodb_retention_days: int = 365  # items stay until erasure; a year is assumed
    log_kb_per_invocation: float = 1.0  # START/END/REPORT + the handler's JSON lines
    access_log_kb_per_request: float = 0.6  # API Gateway access log line
    log_retention_days: int = 365  # terraform log_retention_days default (prod keeps 2557)
    log_compression: float = 0.15  # archived size / ingested size
    web_mb: float = 6.0  # web app + self-hosted liveness model/WASM served by Amplify
    kms_requests: int = 10  # bucket keys make per-object KMS calls rare; conservative
    xray_sampled: float = 1.0  # share of requests traced (the 1/s reservoir catches all at low volume)
    cold_start_share: float = 0.05  # invocations that pay init
    init_billed_ms: float = 40.0  # init at 256 MB (README: CPU-bound init scaled to memory)


@dataclass(frozen=True)
class Line:
    group: str
    service: str
    item: str
    quantity: float
    unit_price: float
    price_key: str

    @property
    def cost(self) -> float:
        return self.quantity * self.unit_price


def load_prices(path: Path = PRICES) -> dict:
    data = json.loads(path.read_text())
    for key, entry in data["prices"].items():
        for field in ("price", "unit", "source", "verified"):
            if field not in entry:
                raise ValueError(f"{path}: price {key} has no {field}")
        if not entry["source"].startswith("https://aws.amazon.com/"):
            raise ValueError(f"{path}: price {key} must cite an aws.amazon.com pricing page")
    return data


def terraform_memory(path: Path = TERRAFORM) -> dict[str, int]:
    """The per-function memory map of terraform/main.tf (local.function_memory_mb)."""
    try:
        text = path.read_text()
    except OSError:
        return dict(DEFAULT_MEMORY_MB)
    block = re.search(r"function_memory_mb\s*=\s*\{(.*?)\}", text, re.S)
    if not block:
        return dict(DEFAULT_MEMORY_MB)
    found = {k: int(v) for k, v in re.findall(r'"([a-z-]+)"\s*=\s*(\d+)', block.group(1))}
    return {**DEFAULT_MEMORY_MB, **found}


# Invocations per application, and the billed duration assumed for each (ms): the CPU time measured
# by `make bench` at the function's memory, plus the AWS calls' own latency, which dominates.
def invocations(a: Assumptions) -> list[tuple[str, str, int, float]]:
    return [
        ("applications", "POST /applications", 1, 30),
        ("applications", "PUT .../consent", 1, 25),
        ("applications", "GET /applications/{id} (status polls)", a.status_polls, 20),
        ("applications", "GET /applications", 1, 20),
        ("create-liveness-session", "POST .../liveness-sessions", 1, 150),
        ("get-liveness-results", "GET .../liveness-sessions/{id}", a.liveness_polls, 120),
        ("create-upload-url", "POST .../uploads", 3, 25),
        ("verify-identity", "POST .../identity-verifications (AnalyzeID + CompareFaces)", 1, 2000),
        ("start-lending-analysis", "POST .../documents", 1, 250),
        ("get-lending-analysis-results", "GET .../documents/{id}", a.document_polls, 20),
        ("lending-analysis-completed", "SQS completion (GetLendingAnalysis + summary)", 1, 150 + 10 * a.pages),
    ]


def months(days: float) -> float:
    return days / 30.0


def lines_for(a: Assumptions, prices: dict, memory: dict[str, int]) -> list[Line]:
    p = {k: v["price"] for k, v in prices["prices"].items()}
    out: list[Line] = []

    def add(group: str, service: str, item: str, quantity: float, key: str) -> None:
        out.append(Line(group, service, item, quantity, p[key], key))

    # --- ML calls ------------------------------------------------------------------------------
    add(ML, "Rekognition", "Face Liveness check", 1, "rekognition_face_liveness_check")
    add(ML, "Rekognition", "CompareFaces (1 image)", 1, "rekognition_compare_faces_image")
    add(ML, "Textract", f"AnalyzeID ({a.id_images} pages)", a.id_images, "textract_analyze_id_page")
    add(ML, "Textract", f"Analyze Lending ({a.pages} pages)", a.pages, "textract_analyze_lending_page")

    # --- Lambda --------------------------------------------------------------------------------
    calls = invocations(a)
    count = sum(n for _, _, n, _ in calls)
    add(INFRA, "Lambda", f"requests ({count} invocations)", count, "lambda_request")
    gb_s = sum(n * memory[f] / 1024 * ms / 1000 for f, _, n, ms in calls)
    gb_s += sum(n * a.cold_start_share * memory[f] / 1024 * a.init_billed_ms / 1000 for f, _, n, _ in calls)
    add(INFRA, "Lambda", "duration (arm64, per-function memory; cold starts included)", gb_s, "lambda_gb_second_arm64")

    # --- API Gateway (+ WAF, which sees every request) -----------------------------------------
    api_requests = count - 1  # every invocation but the SQS consumer's
    add(INFRA, "API Gateway", f"REST requests ({api_requests})", api_requests, "apigw_rest_request")
    add(INFRA, "WAF", f"requests ({api_requests})", api_requests, "waf_request")

    # --- DynamoDB (handlers/README.md "IAM actions per function": every call below) ------------
    # Writes: POST /applications is a two-item transaction (2 WRU each); consent, liveness session
    # and decision, three uploads, verification and document are 1 KB puts; the consumer writes
    # the document with its extraction (~8 KB). GSI copies: the application item twice into
    # owner-index, the document (projection ALL) twice into job-index.
    wru = 4 + 1 + 1 + 1 + 3 + 1 + 1 + 8 + (2 + 1 + 8)
    # Reads: every handler queries the application's partition (strongly consistent, 1-3 RRU as it
    # grows); list and the consumer query GSIs (eventually consistent, 0.5 RRU).
    rru = 1 + a.status_polls * 2 + 0.5 + 1 + a.liveness_polls + 3 + 1 + 1 + 0.5 + a.document_polls * 3
    add(INFRA, "DynamoDB", f"write request units ({wru})", wru, "dynamodb_write_request_unit")
    add(INFRA, "DynamoDB", f"read request units ({rru:g})", rru, "dynamodb_read_request_unit")
    add(INFRA, "DynamoDB", "storage (items for the retention period)",
        a.dynamodb_kb / 1024 / 1024 * months(a.dynamodb_retention_days), "dynamodb_storage_gb_month")

    # --- S3 ------------------------------------------------------------------------------------
    uploads_gb = (a.id_images * a.id_image_mb + a.pages * a.package_mb_per_page) / 1024
    output_gb = a.pages * a.textract_output_mb_per_page / 1024
    storage = (uploads_gb * months(a.uploads_retention_days)
               + a.liveness_images_mb / 1024 * months(a.biometrics_retention_days)
               + output_gb * months(a.textract_output_retention_days))
    add(INFRA, "S3", "storage (uploads, biometrics, Textract output, for their retention)", storage, "s3_standard_gb_month")
    puts = 3 + 5 + 10  # browser uploads; liveness reference + audit images; Textract output objects
    gets = 2 + 2 + 1 + 2  # AnalyzeID and CompareFaces read the images, Textract the package; 2 HEADs
    add(INFRA, "S3", f"PUT requests ({puts})", puts, "s3_put_request")
    add(INFRA, "S3", f"GET/HEAD requests ({gets})", gets, "s3_get_request")

    # --- Messaging -----------------------------------------------------------------------------
    add(INFRA, "SNS", "Textract completion publish", 1, "sns_publish")
    add(INFRA, "SQS", "send (from SNS), receive, delete", 3, "sqs_request")

    # --- KMS, logs, traces, web ----------------------------------------------------------------
    add(INFRA, "KMS", f"requests ({a.kms_requests})", a.kms_requests, "kms_request")
    ingest_gb = (count * a.log_kb_per_invocation + api_requests * a.access_log_kb_per_request) / 1024 / 1024
    add(INFRA, "CloudWatch Logs", "ingestion (function and access logs)", ingest_gb, "logs_ingest_gb")
    add(INFRA, "CloudWatch Logs", "storage for the log retention",
        ingest_gb * a.log_compression * months(a.log_retention_days), "logs_storage_gb_month")
    add(INFRA, "X-Ray", "traces recorded", api_requests * a.xray_sampled, "xray_trace_recorded")
    add(INFRA, "Amplify", "web app and liveness assets served", a.web_mb / 1024, "amplify_data_out_gb")

    # --- Sign-in -------------------------------------------------------------------------------
    add(SIGN_IN, "Cognito", "monthly active user (Plus tier)", 1, "cognito_plus_mau")
    return out


def fixed_monthly(prices: dict) -> list[tuple[str, float]]:
    """Costs that do not grow with applications (per environment and month)."""
    p = {k: v["price"] for k, v in prices["prices"].items()}
    # Lambda's SQS event source long-polls with 5 pollers, 20 s waits: ~648,000 receives a month.
    sqs_polls = 5 * 3 * 60 * 24 * 30
    # sweep-erasures on its schedule (every 15 minutes), 128 MB, ~50 ms when nothing is due: the
    # sweeps that find work are priced with the erasures, which the model leaves out.
    sweeps = 4 * 24 * 30
    sweep_gb_s = sweeps * 128 / 1024 * 50 / 1000
    return [
        ("KMS customer managed key", p["kms_key_month"]),
        ("WAF web ACL and its 5 rules", p["waf_web_acl_month"] + 5 * p["waf_rule_month"]),
        (f"CloudWatch alarms ({CLOUDWATCH_ALARMS})", CLOUDWATCH_ALARMS * p["cloudwatch_alarm_month"]),
        ("SQS event source polling", sqs_polls * p["sqs_request"]),
        (
            f"erasure sweep schedule ({sweeps:,} invocations)",
            sweeps * p["lambda_request"] + sweep_gb_s * p["lambda_gb_second_arm64"],
        ),
    ]


def totals(lines: list[Line]) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in lines:
        out[line.group] = out.get(line.group, 0.0) + line.cost
    return out


def money(value: float) -> str:
    if value == 0:
        return "$0"
    if abs(value) >= 1:
        return f"${value:,.2f}"
    digits = max(2, -int(math.floor(math.log10(abs(value)))) + 2)
    return f"${value:.{digits}f}"


def report(a: Assumptions, prices: dict, memory: dict[str, int], volumes: list[int]) -> str:
    lines = lines_for(a, prices, memory)
    group_totals = totals(lines)
    per_app = sum(group_totals.values())
    ml = group_totals.get(ML, 0.0)
    infra = group_totals.get(INFRA, 0.0)
    sign_in = group_totals.get(SIGN_IN, 0.0)
    out = [
        f"LendVerify: AWS cost of one application ({prices['region']}, prices as of {prices['as_of']}, "
        f"first-tier list prices, no free tiers)",
        f"  a {a.pages}-page lending package, {a.id_images} ID images, one liveness check; per-function memory "
        + ", ".join(f"{k} {v} MB" for k, v in sorted(memory.items())),
        "",
        f"  {'group':18} {'service':16} {'item':66} {'quantity':>12} {'unit price':>14} {'cost':>12}",
    ]
    for line in sorted(lines, key=lambda l: (l.group != ML, l.group, -l.cost)):
        out.append(
            f"  {line.group:18} {line.service:16} {line.item:66} {line.quantity:12.6g} "
            f"{money(line.unit_price):>14} {money(line.cost):>12}"
        )
    out += [
        "",
        f"  per application: {money(per_app)}",
        f"    ML calls        {money(ml):>14}  ({100 * ml / per_app:.2f} %)",
        f"    infrastructure  {money(infra):>14}  ({100 * infra / per_app:.3f} %; {100 * infra / ml:.3f} % of the ML calls)",
        f"    sign-in         {money(sign_in):>14}  ({100 * sign_in / per_app:.2f} %)",
        "",
        "  a month:",
    ]
    fixed = fixed_monthly(prices)
    fixed_total = sum(v for _, v in fixed)
    for volume in volumes:
        total = per_app * volume + fixed_total
        infra_month = infra * volume + fixed_total
        out.append(
            f"    {volume:>11,} applications: {money(total):>16}  (ML {money(ml * volume)}, infrastructure "
            f"{money(infra_month)} incl. {money(fixed_total)} fixed = {100 * infra_month / (ml * volume):.3f} % of ML, "
            f"sign-in {money(sign_in * volume)})"
        )
    out += ["", "  fixed a month: " + "; ".join(f"{k} {money(v)}" for k, v in fixed)]
    unverified = sorted(k for k, v in prices["prices"].items() if not v.get("verified"))
    out += [
        "",
        f"  unverified prices ({len(unverified)} of {len(prices['prices'])}; read them off their pages, see "
        f"pricing/us-east-1.json): {', '.join(unverified)}",
        "  left out: free tiers, volume tiers and savings plans; data transfer out of API responses; NAT/VPC (none);",
        "  CI/CD, the artifact and state buckets, Terraform state locking; human review of NEEDS_REVIEW cases;",
        "  retries, failed and abandoned applications; erasure requests; CloudWatch Logs Insights queries; taxes.",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=Assumptions.pages, help="pages in the lending package")
    parser.add_argument("--volumes", default="10000,1000000", help="applications a month, comma-separated")
    parser.add_argument("--prices", type=Path, default=PRICES, help="price file")
    args = parser.parse_args(argv)
    prices = load_prices(args.prices)
    volumes = [int(v) for v in args.volumes.split(",") if v]
    print(report(Assumptions(pages=args.pages), prices, terraform_memory(), volumes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
