#!/usr/bin/env python3
"""Renders modules/api/openapi.yaml.tftpl as Terraform's templatefile would, for readers and test
tools that are not API Gateway: the integration and user pool ARNs become placeholders and the web
origin is the one given (the document's behaviour does not depend on them).

    python3 scripts/render_openapi.py [--origin URL] [--out FILE]

Standard-library Python only (make docs needs no venv).
"""
from __future__ import annotations

import argparse
import pathlib
import re
import sys

TEMPLATE = pathlib.Path(__file__).resolve().parents[1] / "modules/api/openapi.yaml.tftpl"
PLACEHOLDER_ACCOUNT = "123456789012"


def render(allowed_origin: str) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "allowed_origin":
            return allowed_origin
        if name == "cognito_user_pool_arn":
            return f"arn:aws:cognito-idp:us-east-1:{PLACEHOLDER_ACCOUNT}:userpool/us-east-1_example"
        return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{name}/invocations"

    text = TEMPLATE.read_text()
    rendered = re.sub(r"\$\{([a-z_]+)\}", value, text)
    leftover = re.search(r"[$%]\{", rendered)
    if leftover:
        raise ValueError(f"template syntax this renderer does not handle near: {rendered[leftover.start():leftover.start() + 40]!r}")
    return rendered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--origin", default="https://app.example.com")
    parser.add_argument("--out")
    args = parser.parse_args()
    text = render(args.origin)
    if args.out:
        pathlib.Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
