"""`squarecheck sweep --prefix P`: delete what a crashed run left behind.

Only groups whose name starts with P and customers whose given or company name starts with P
are deleted, and each is printed. The prefix must be long enough not to match anything a person
created (a run prints its prefix, e.g. `sqc-20260101t000000-ab12-`).
"""

from __future__ import annotations

import argparse
import os
import sys

from squarecheck import exitcodes
from squarecheck.checks import ToolError, UsageError
from squarecheck.client import Client, Connection, Redactor
from squarecheck.ledger import Ledger, check_prefix, sweep_prefix
from squarecheck.target import refuse_production, resolve_target, resolve_token


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options (env twins SQUARECHECK_<NAME>)."""
    parser.add_argument("--prefix", help="name prefix of the resources to delete [PREFIX]")
    parser.add_argument("--target", help="base URL or 'sandbox' [TARGET]")
    parser.add_argument("--token", help="access token (else SQUARECHECK_TOKEN, then SQUARE_TOKEN)")
    parser.add_argument(
        "--allow-production", action="store_true", help="allow connect.squareup.com"
    )


def execute(args: argparse.Namespace) -> int:
    prefix = args.prefix or os.environ.get("SQUARECHECK_PREFIX") or ""
    target_value = args.target or os.environ.get("SQUARECHECK_TARGET")
    token = resolve_token(args.token)
    allow = args.allow_production or os.environ.get("SQUARECHECK_ALLOW_PRODUCTION", "") in (
        "1", "true", "yes", "on",
    )  # fmt: skip
    try:
        check_prefix(prefix)
        if not target_value:
            raise UsageError("--target is needed (the embedded emulator keeps nothing to sweep)")
        target = resolve_target(target_value)
        refuse_production(target, allow)
        if not token:
            raise UsageError("a token is needed: --token, SQUARECHECK_TOKEN or SQUARE_TOKEN")
    except UsageError as exc:
        print(f"squarecheck sweep: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    conn = Connection(target.url, Redactor([token]), Ledger(prefix))
    client = Client(conn, token, None, guard=False, validate=False)
    try:
        deleted = sweep_prefix(client, prefix)
    except ToolError as exc:
        print(f"squarecheck sweep: {conn.redactor.text(str(exc))}", file=sys.stderr)
        return exitcodes.TOOL_ERROR
    finally:
        conn.close()
    for kind, rid, name in deleted:
        print(f"deleted {kind} {rid} {name}")
    print(f"{len(deleted)} resources with prefix {prefix!r} deleted from {target.display}")
    return exitcodes.OK
