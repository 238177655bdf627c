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
from squarecheck.cli.common import declare, usage
from squarecheck.errors import UsageError
from squarecheck.options import resolve


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options from the one options table."""
    declare(parser, "serve")


def execute(args: argparse.Namespace) -> int:
    from squarecheck.emulator.db.database import DataFileInUse, DataFileUnusable
    from squarecheck.emulator.faults.catalogue import CATALOGUE
    from squarecheck.emulator.server import EmulatorServer

    try:
        settings = resolve("serve", vars(args))
    except UsageError as exc:
        return usage("serve", f"error: {exc}")
    if settings.serve_list_faults:
        for name, fault in CATALOGUE.items():
            print(f"{name}: {fault.description} [{', '.join(fault.behaviours)}]")
        return exitcodes.OK
    unknown = [name for name in settings.inject or [] if name not in CATALOGUE]
    if unknown:
        known = ", ".join(CATALOGUE)
        return usage("serve", f"error: unknown fault {unknown[0]!r}; the faults are: {known}")

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    server = EmulatorServer(
        host=settings.host,
        port=settings.port,
        default_version=settings.default_version,
        search_lag=settings.search_lag,
        faults=tuple(settings.inject or ()),
        data=settings.data,
    )
    try:
        try:
            server.start()
        except DataFileInUse as exc:
            print(f"squarecheck serve: error: --data {exc}", file=sys.stderr)
            return exitcodes.TOOL_ERROR
        except DataFileUnusable as exc:
            return usage("serve", f"error: --data {exc}")
        except OSError as exc:
            where = f"{settings.host}:{settings.port}"
            print(f"squarecheck serve: cannot listen on {where}: {exc.strerror}", file=sys.stderr)
            return exitcodes.TOOL_ERROR
        print(f"squarecheck emulator listening on {server.url}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return exitcodes.OK
