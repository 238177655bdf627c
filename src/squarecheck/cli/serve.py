"""`squarecheck serve`: run the embedded Square emulator until SIGINT or SIGTERM.

Prints exactly one line, `squarecheck emulator listening on http://HOST:PORT`, once the socket
accepts connections (with `--port 0` the real port), then serves until told to stop.
With `--data FILE` the state is kept in that file: a file another process has open is a tool
error (exit 3); a file that is not a squarecheck data file, or cannot be read and written, is
a usage error (exit 2). Either way the file is left as it was.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from squarecheck import exitcodes
from squarecheck.spec.table import load_table


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (0 picks a free one)")
    parser.add_argument(
        "--default-version",
        metavar="YYYY-MM-DD",
        help="Square-Version used when a request has none (default: the newest known)",
    )
    parser.add_argument(
        "--search-lag",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="delay before SearchCustomers sees a write (default 0)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="inject a named bug (repeatable; see --list-faults)",
    )
    parser.add_argument(
        "--data",
        metavar="FILE",
        help="keep sellers, groups, customers, idempotency keys and cursors in this SQLite file"
        " across restarts (created if missing; default: in memory, lost on exit)",
    )
    parser.add_argument(
        "--list-faults", action="store_true", help="print the injectable faults and exit"
    )


def _usage(message: str) -> int:
    print(f"squarecheck serve: error: {message}", file=sys.stderr)
    return exitcodes.USAGE


def execute(args: argparse.Namespace) -> int:
    from squarecheck.emulator.db.database import DataFileInUse, DataFileUnusable
    from squarecheck.emulator.faults.catalogue import CATALOGUE
    from squarecheck.emulator.server import EmulatorServer

    if args.list_faults:
        for name, fault in CATALOGUE.items():
            print(f"{name}: {fault.description} [{', '.join(fault.behaviours)}]")
        return exitcodes.OK
    problem = load_table().version_problem(args.default_version) if args.default_version else None
    if problem:
        return _usage(f"--default-version {problem}")
    if not args.search_lag >= 0:
        return _usage(f"--search-lag must be zero or more seconds, not {args.search_lag}")
    if not 0 <= args.port <= 65535:
        return _usage(f"--port must be between 0 and 65535, not {args.port}")
    unknown = [name for name in args.fault if name not in CATALOGUE]
    if unknown:
        return _usage(f"unknown fault {unknown[0]!r} (see --list-faults)")

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    server = EmulatorServer(
        host=args.host,
        port=args.port,
        default_version=args.default_version,
        search_lag=args.search_lag,
        faults=tuple(args.fault),
        data=args.data,
    )
    try:
        try:
            server.start()
        except DataFileInUse as exc:
            print(f"squarecheck serve: error: --data {exc}", file=sys.stderr)
            return exitcodes.TOOL_ERROR
        except DataFileUnusable as exc:
            return _usage(f"--data {exc}")
        except OSError as exc:
            print(
                f"squarecheck serve: cannot listen on {args.host}:{args.port}: {exc.strerror}",
                file=sys.stderr,
            )
            return exitcodes.TOOL_ERROR
        print(f"squarecheck emulator listening on {server.url}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return exitcodes.OK
