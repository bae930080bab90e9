"""make load: a bounded load test of the local stage (release build), loopback only.

Run inside scripts/with-local-stage.sh (LOCAL_STAGE_JSON names the stage). Signs a user in,
creates one application, then has autocannon send a fixed number of requests at a fixed
concurrency and stop by itself:

1. GET /applications/{id}   the API: gateway, JWT check, handler, one DynamoDB GetItem on moto;
2. DynamoDB GetItem on moto the same read straight to moto (Python threads), to say how much
                            of (1) is moto's.

Prints throughput, p50, p99 and the error rate of each, and fails if any request failed.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
AUTOCANNON = ROOT / ".tools/autocannon/node_modules/.bin/autocannon"
PYTHON = ROOT / ".tools/venv/bin/python"

REQUESTS = int(os.environ.get("LOAD_REQUESTS", "2000"))
CONCURRENCY = int(os.environ.get("LOAD_CONCURRENCY", "16"))


def loopback(url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"load: refusing a non-loopback target {url}")
    return url


def autocannon(url: str, headers: dict[str, str]) -> dict:
    command = [str(AUTOCANNON), "--json", "-a", str(REQUESTS), "-c", str(CONCURRENCY), "-t", "30"]
    for name, value in headers.items():
        command += ["-H", f"{name}={value}"]
    command.append(loopback(url))
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def summary(name: str, result: dict) -> dict:
    total = result["2xx"] + result["non2xx"] + result["errors"] + result["timeouts"]
    failed = result["non2xx"] + result["errors"] + result["timeouts"]
    return {
        "name": name,
        "requests": total,
        "throughput": total / result["duration"],
        "p50": result["latency"]["p50"],
        "p99": result["latency"]["p99"],
        "failed": failed,
        "error_rate": failed / total if total else 1.0,
    }


def main() -> int:
    stage = json.loads(pathlib.Path(os.environ["LOCAL_STAGE_JSON"]).read_text())
    api, moto = loopback(stage["apiUrl"]), loopback(stage["motoUrl"])
    token = subprocess.run(
        [str(PYTHON), str(ROOT / "scripts/local_token.py"), "--user", "load@example.com", "--moto", moto,
         "--pool", stage["userPoolId"], "--client", stage["userPoolClientId"]],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    request = urllib.request.Request(
        f"{api}/applications", method="POST",
        data=json.dumps({"applicant": {"givenName": "Ana", "familyName": "Silva", "dateOfBirth": "1990-04-12"}}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        application = json.load(response)["applicationId"]

    table = table_name(moto)
    results = [
        summary("API  GET /applications/{id}", autocannon(
            f"{api}/applications/{application}", {"Authorization": f"Bearer {token}"})),
        moto_get_item(moto, table, application),
    ]
    print(f"\nload: {REQUESTS} requests per run, {CONCURRENCY} concurrent, loopback, release build")
    print(f"{'target':30}  {'requests':>8}  {'req/s':>8}  {'p50 ms':>7}  {'p99 ms':>7}  {'errors':>7}")
    for r in results:
        print(f"{r['name']:30}  {r['requests']:8d}  {r['throughput']:8.0f}  {r['p50']:7.1f}  {r['p99']:7.1f}  "
              f"{r['error_rate']:7.2%}")
    api_result, moto_result = results
    share = moto_result["p50"] / api_result["p50"] if api_result["p50"] else 0.0
    print(f"moto's share of the API's p50: {share:.0%} (one GetItem of {moto_result['p50']:.1f} ms "
          f"in {api_result['p50']:.1f} ms)")
    failed = [r["name"] for r in results if r["failed"]]
    if failed:
        print(f"load: requests failed in {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def moto_get_item(moto: str, table: str, application: str) -> dict:
    """The API's one DynamoDB read, straight to moto, at the same count and concurrency.

    Python threads on fresh connections rather than autocannon: moto's werkzeug server answers
    autocannon's kept-alive connections only once a second each. The client's own share (about
    a millisecond) makes this an upper bound of moto's time.
    """
    body = json.dumps({"TableName": table, "Key": {"pk": {"S": f"APP#{application}"}, "sk": {"S": "APPLICATION"}}}).encode()

    def one(_: int) -> tuple[float, bool]:
        request = urllib.request.Request(f"{moto}/", method="POST", data=body, headers=MOTO_HEADERS | {
            "X-Amz-Target": "DynamoDB_20120810.GetItem"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                ok = response.status == 200 and "Item" in json.load(response)
        except OSError:
            ok = False
        return (time.perf_counter() - started) * 1000, ok

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        results = list(pool.map(one, range(REQUESTS)))
    duration = time.perf_counter() - started
    latencies = sorted(ms for ms, _ in results)
    failed = sum(1 for _, ok in results if not ok)
    return {
        "name": "moto DynamoDB GetItem",
        "requests": len(results),
        "throughput": len(results) / duration,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "failed": failed,
        "error_rate": failed / len(results),
    }


MOTO_HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
}


def table_name(moto: str) -> str:
    """The one DynamoDB table environments/local created."""
    request = urllib.request.Request(
        f"{moto}/", method="POST", data=b"{}",
        headers=MOTO_HEADERS | {"X-Amz-Target": "DynamoDB_20120810.ListTables"},
    )
    with urllib.request.urlopen(request) as response:
        tables = json.load(response)["TableNames"]
    if len(tables) != 1:
        raise SystemExit(f"load: expected one table on moto, found {tables}")
    return tables[0]


if __name__ == "__main__":
    sys.exit(main())
