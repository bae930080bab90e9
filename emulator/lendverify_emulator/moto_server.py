"""``moto_server`` with DynamoDB requests served one at a time.

moto's ``TransactWriteItems`` is not atomic under its threaded server: it snapshots every table
it touches, applies the items, and on a failed condition puts the *snapshots* back, which throws
away whatever another request wrote in between (a racing transaction's committed decision, say).
DynamoDB itself serialises conflicting transactions, so the local stage serialises DynamoDB
requests the same way; every other service is served as ``moto_server`` serves it.

    python -m lendverify_emulator.moto_server -H 127.0.0.1 -p 5000
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from moto.dynamodb.responses import DynamoHandler
from moto.server import main

_DYNAMODB = threading.Lock()
_call_action = DynamoHandler.call_action


def _serialised(self: DynamoHandler) -> Any:
    with _DYNAMODB:
        return _call_action(self)


DynamoHandler.call_action = _serialised  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main())
