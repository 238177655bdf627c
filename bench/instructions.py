"""User-space instructions per request, counted by valgrind: a figure a busy machine cannot move.

Requests per second on a shared machine swing with everyone else's load; the number of
instructions a server executes to answer one request does not. Each server runs twice under
`valgrind --tool=cachegrind`, answering FEW and then MANY identical requests (after the same
set-up and warm-up); the difference divided by MANY - FEW is the cost of one request. Kernel
time (socket reads and writes, the same for both servers) is not counted.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from httpload import Connection
from scaleload import started, stop

FEW, MANY = 200, 2200


def per_request(command: list[str], prepare: Callable[[Connection], bytes]) -> float:
    """Instructions per request of the server `command` for the request `prepare` returns."""
    totals = []
    with tempfile.TemporaryDirectory(prefix="sqc-cachegrind-") as workdir:
        for count in (FEW, MANY):
            out = Path(workdir) / f"out.{count}"
            process, url = started(
                [
                    "valgrind",
                    "-q",
                    "--tool=cachegrind",
                    "--cache-sim=no",
                    f"--cachegrind-out-file={out}",
                    *command,
                ]
            )
            connection = Connection(url)
            raw = prepare(connection)
            for _ in range(20 + count):
                connection.send(raw)
            connection.close()
            stop(process, timeout=120)
            match = re.search(r"^summary: (\d+)", out.read_text(), re.MULTILINE)
            if match is None:
                raise RuntimeError(f"no cachegrind summary in {out}")
            totals.append(int(match.group(1)))
    return (totals[1] - totals[0]) / (MANY - FEW)
