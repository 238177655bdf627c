"""The command line's last word on an exception: a one-line message and an exit code.

A broken behaviour table or schema is a configuration error (exit 2, the line names the file
and line). Anything unexpected is squarecheck's own failure (exit 3): one line naming it and a
log file holding the traceback, so a bug in squarecheck never reads as a verdict (exit 1) and
never floods the terminal. Output that cannot be written (stdout on a full disk or a closed
pipe) is such a failure too: the caller flushes stdout inside the boundary, and what stdout
still holds is dropped, so Python's own flush at exit cannot fail again with its exit 120.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from squarecheck import exitcodes
from squarecheck.target.bounds import clip, printable


def configuration_error(prog: str, exc: BaseException) -> int:
    print(f"{prog}: {clip(printable(' '.join(str(exc).split())), 500)}", file=sys.stderr)
    return exitcodes.USAGE


def crash_log(exc: BaseException) -> Path:
    """Write the traceback to a fresh file in the temporary folder; its path."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    fd, name = tempfile.mkstemp(prefix=f"squarecheck-crash-{stamp}-", suffix=".log")
    with open(fd, "w", encoding="utf-8") as log:
        log.write("".join(traceback.format_exception(exc)))
    return Path(name)


def unexpected(prog: str, exc: BaseException) -> int:
    """One line naming the exception and the log with its traceback; exit 3."""
    what = clip(printable(" ".join(f"{type(exc).__name__}: {exc}".split())), 300)
    try:
        where = f"traceback in {crash_log(exc)}"
    except OSError as log_error:
        where = f"no log written: {log_error.strerror}"
    print(f"{prog}: internal error, not a verdict: {what} ({where})", file=sys.stderr)
    _drop_unwritable_output()
    return exitcodes.TOOL_ERROR


def _drop_unwritable_output() -> None:
    """When stdout cannot take what it holds, point it at the null device (the remedy Python's
    documentation gives for a closed pipe) so that the flush at exit succeeds."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())
            os.close(null)
        except (OSError, ValueError):
            pass  # no file descriptor to point elsewhere: nothing more to do
