"""`squarecheck sweep --prefix P`: delete what a crashed run left behind.

Only groups whose name starts with P and customers whose given or company name starts with P
are deleted, and each is printed. P must be one run's whole prefix as the run printed it (e.g.
`sqc-20260101t000000-ab12-`), so that no other run's resources, nor anything a person
created, can match.
"""

from __future__ import annotations

import argparse
import sys

from squarecheck import exitcodes
from squarecheck.cli.common import declare, usage
from squarecheck.errors import ToolError, UsageError
from squarecheck.options import require_target_access, resolve
from squarecheck.target.bounds import clip, printable
from squarecheck.target.client import Client, Connection
from squarecheck.target.ledger import Ledger, check_prefix, sweep_prefix
from squarecheck.target.redaction import Redactor


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options from the one options table."""
    declare(parser, "sweep")


def execute(args: argparse.Namespace) -> int:
    try:
        settings = resolve("sweep", vars(args))
        prefix = settings.prefix or ""
        check_prefix(prefix)
        target = settings.target
        if target is None:
            raise UsageError("--target is needed (the embedded emulator keeps nothing to sweep)")
        require_target_access(settings)
        token = settings.token
    except UsageError as exc:
        return usage("sweep", str(exc))
    conn = Connection(target.url, Redactor([token]), Ledger(prefix), limits=settings.limits)
    client = Client(conn, token, None, guard=False, validate=False)
    try:
        deleted = sweep_prefix(client, prefix)
    except ToolError as exc:
        print(f"squarecheck sweep: {printable(conn.redactor.text(str(exc)))}", file=sys.stderr)
        return exitcodes.TOOL_ERROR
    finally:
        conn.close()
    for kind, rid, name in deleted:  # ids and names come from the target: shown escaped
        print(printable(f"deleted {kind} {clip(rid, 100)} {clip(name, 300)}"))
    print(f"{len(deleted)} resources with prefix {prefix!r} deleted from {target.display}")
    return exitcodes.OK
