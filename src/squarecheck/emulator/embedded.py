"""The embedded emulator of a run: one way to start it, for the CLI, the plugin and selftest.

A run against the embedded emulator needs the server on a free loopback port and two sellers'
tokens (the second for the seller-isolation checks). The emulator accepts any token, so each
run mints its own: nothing a person set (SQUARECHECK_TOKEN) is sent to a server that lives
only for this run.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Embedded:
    """A running embedded emulator: its base URL and the run's two sellers' tokens."""

    url: str
    token: str
    second_token: str
    #: asks the server to shut down without waiting: once no check can reach it any more, it
    #: shuts down while the run writes its reports (the block's end waits for the rest)
    stop_soon: Callable[[], None]
    #: returns once the server answers (RuntimeError if it could not start): a forked one
    #: starts while the run does, and is waited for only before the first check
    wait_ready: Callable[[], object] = lambda: None


def mint_tokens() -> tuple[str, str]:
    """Two fresh tokens, one per seller, recognisable in a report as the emulator's."""
    return f"sqc-emu-{secrets.token_hex(8)}", f"sqc-emu2-{secrets.token_hex(8)}"


@contextmanager
def embedded_emulator(
    faults: Iterable[str] = (), *, own_process: bool = False
) -> Iterator[Embedded]:
    """Start the emulator (with `faults` injected) on 127.0.0.1 and a free port; stop it on
    exit, whatever ends the block. `own_process`: in a forked child where that is possible
    (`emulator.forked`: a run with several workers), else in a thread of this process."""
    # imported here: a process that only mints tokens (a pytest-xdist worker) never loads the
    # HTTP server (uvicorn, starlette, the emulator's app), nor one whose emulator is forked
    from squarecheck.emulator.forked import ForkedEmulator, fork_possible

    token, second = mint_tokens()
    if own_process and fork_possible():
        forked = ForkedEmulator(faults).launch()
        try:
            yield Embedded(forked.url, token, second, forked.stop_soon, forked.wait_ready)
        finally:
            forked.stop()
        return
    from squarecheck.emulator.server import EmulatorServer

    with EmulatorServer(host="127.0.0.1", port=0, faults=tuple(faults)) as server:
        yield Embedded(server.url, token, second, stop_soon=server.stop_soon)
