"""Another worker: ``python -m tests.core.worker`` builds the core app anew
and posts one form, given as JSON on stdin, without ever rendering its page.

It prints what the action did, as JSON: the status, the Location and the
store. The cross-worker and ``python -OO`` tests run it in a fresh process.
"""

from __future__ import annotations

import json
import sys

from ..html import ORIGIN
from ..store import STORE
from .core_app import create_app


def main() -> None:
    request = json.load(sys.stdin)
    client = create_app().test_client()
    client.set_cookie("session", request["cookie"])
    response = client.post(request["url"], data=request["data"], headers={"Origin": ORIGIN})
    print(json.dumps({"status": response.status_code,
                      "location": response.headers.get("Location"),
                      "store": STORE}, default=repr))


if __name__ == "__main__":
    main()
