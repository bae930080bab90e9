"""The cost model (scripts/cost.py) against a hand-worked example, and its price file's rules."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cost  # noqa: E402

# Round prices, so the expected figures below can be worked out by hand.
ROUND_PRICES = {
    "region": "test-region",
    "as_of": "2026-01-01",
    "prices": {
        key: {"price": 0.0, "unit": "u", "source": "https://aws.amazon.com/x/pricing/", "verified": True}
        for key in json.loads(cost.PRICES.read_text())["prices"]
    },
}
for key, price in {
    "textract_analyze_lending_page": 0.10,
    "textract_analyze_id_page": 0.02,
    "rekognition_face_liveness_check": 0.01,
    "rekognition_compare_faces_image": 0.001,
    "lambda_request": 0.000001,
    "lambda_gb_second_arm64": 0.00001,
    "apigw_rest_request": 0.000004,
    "s3_standard_gb_month": 0.03,
    "cognito_plus_mau": 0.05,
    "kms_key_month": 2.0,
}.items():
    ROUND_PRICES["prices"][key]["price"] = price

MEMORY = {name: 512 for name in cost.DEFAULT_MEMORY_MB}


def line(lines, service, starts):
    (found,) = [l for l in lines if l.service == service and l.item.startswith(starts)]
    return found


def test_hand_worked_example():
    """A 10-page package, no cold starts, all memory 512 MB:

    ML: 10 pages x $0.10 + 2 ID pages x $0.02 + 1 liveness x $0.01 + 1 image x $0.001 = $1.051.
    Lambda requests: 1 + 1 + 6 + 1 (applications) + 1 + 2 + 3 + 1 + 1 + 4 + 1 (consumer) = 22
      x $0.000001 = $0.000022.
    Lambda GB-s at 0.5 GB: ms = 30 + 25 + 6x20 + 20 + 150 + 2x120 + 3x25 + 2000 + 250 + 4x20
      + (150 + 10x10) = 3,240 ms -> 0.5 x 3.24 = 1.62 GB-s x $0.00001 = $0.0000162.
    API Gateway: 21 requests x $0.000004 = $0.000084.
    S3 storage: uploads (2 x 1 MB + 10 x 0.2 MB = 4 MB) for 12.1667 months + liveness 0.3 MB for
      1 month + output (10 x 0.25 = 2.5 MB) for 12.1667 months = (4 x 12.1667 + 0.3 + 2.5 x 12.1667)
      / 1024 GB-months = 79.3833 / 1024 = 0.0775228 GB-months x $0.03 = $0.00232568.
    Sign-in: 1 MAU x $0.05.
    Every other price is 0 here.
    """
    a = cost.Assumptions(pages=10, cold_start_share=0.0)
    lines = cost.lines_for(a, ROUND_PRICES, MEMORY)
    totals = cost.totals(lines)

    assert totals[cost.ML] == pytest.approx(1.051)
    assert line(lines, "Lambda", "requests").quantity == 22
    assert line(lines, "Lambda", "duration").quantity == pytest.approx(1.62)
    assert line(lines, "API Gateway", "REST").cost == pytest.approx(0.000084)
    storage = line(lines, "S3", "storage")
    assert storage.quantity == pytest.approx((4 * 365 / 30 + 0.3 + 2.5 * 365 / 30) / 1024)
    assert storage.cost == pytest.approx(0.00232568, rel=1e-5)
    assert totals[cost.INFRA] == pytest.approx(0.000022 + 0.0000162 + 0.000084 + 0.00232568, rel=1e-5)
    assert totals[cost.SIGN_IN] == pytest.approx(0.05)


def test_cold_starts_add_init_duration():
    """5 % of the 22 invocations pay 40 ms of init at 0.5 GB: 22 x 0.05 x 0.5 x 0.04 = 0.022 GB-s."""
    warm = cost.lines_for(cost.Assumptions(pages=10, cold_start_share=0.0), ROUND_PRICES, MEMORY)
    cold = cost.lines_for(cost.Assumptions(pages=10), ROUND_PRICES, MEMORY)
    extra = line(cold, "Lambda", "duration").quantity - line(warm, "Lambda", "duration").quantity
    assert extra == pytest.approx(0.022)


def test_monthly_figures_add_fixed_costs():
    text = cost.report(cost.Assumptions(pages=10, cold_start_share=0.0), ROUND_PRICES, MEMORY, [1000])
    storage = (4 * 365 / 30 + 0.3 + 2.5 * 365 / 30) / 1024 * 0.03
    per_app = 1.051 + 0.000022 + 0.0000162 + 0.000084 + storage + 0.05
    # Fixed: the KMS key ($2) is the only non-zero fixed price here.
    assert f"{1000 * per_app + 2.0:,.2f}" in text
    assert "1,000 applications" in text


def test_the_real_prices_keep_infrastructure_far_below_one_percent_of_ml():
    prices = cost.load_prices()
    totals = cost.totals(cost.lines_for(cost.Assumptions(), prices, cost.terraform_memory()))
    assert totals[cost.INFRA] < 0.01 * totals[cost.ML]


def test_price_file_is_dated_and_cites_aws_pages(tmp_path):
    prices = cost.load_prices()
    assert prices["region"] == "us-east-1" and prices["as_of"]
    broken = json.loads(cost.PRICES.read_text())
    broken["prices"]["lambda_request"]["source"] = "https://example.com/"
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(ValueError, match="aws.amazon.com"):
        cost.load_prices(path)


def test_memory_comes_from_terraform(tmp_path):
    main = tmp_path / "main.tf"
    main.write_text('locals {\n  function_memory_mb = {\n    "applications" = 1024\n  }\n}\n')
    memory = cost.terraform_memory(main)
    assert memory["applications"] == 1024
    assert memory["verify-identity"] == cost.DEFAULT_MEMORY_MB["verify-identity"]
    assert cost.terraform_memory(tmp_path / "missing.tf") == cost.DEFAULT_MEMORY_MB


def test_terraform_sets_every_function():
    """The model prices the memory Terraform deploys: the map in terraform/main.tf names every function."""
    import re

    block = re.search(r"function_memory_mb\s*=\s*\{(.*?)\}", cost.TERRAFORM.read_text(), re.S)
    assert block, "terraform/main.tf has no local.function_memory_mb"
    found = {k: int(v) for k, v in re.findall(r'"([a-z-]+)"\s*=\s*(\d+)', block.group(1))}
    assert set(found) == set(cost.DEFAULT_MEMORY_MB)
    assert found == cost.terraform_memory()
    assert found == cost.DEFAULT_MEMORY_MB, "keep the fallback in scripts/cost.py in step with Terraform"
