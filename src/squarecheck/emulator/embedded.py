"""The embedded emulator: one way to start it, for the plugin (in each process that runs
checks without --target) and the selftest's child.

Checks against the embedded emulator need the server on a free loopback port and two sellers'
tokens (the second for the seller-isolation checks). The emulator accepts any token, so a run
given none mints its own, recognisable in a report as the emulator's.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

#: how reports and the terminal name the target of checks that started the embedded emulator
EMBEDDED_TARGET = "the embedded emulator"


@dataclass(frozen=True)
class Embedded:
    """A running embedded emulator: its base URL and the run's two sellers' tokens."""

    url: str
    token: str
    second_token: str


def mint_tokens() -> tuple[str, str]:
    """Two fresh tokens, one per seller, recognisable in a report as the emulator's."""
    return f"sqc-emu-{secrets.token_hex(8)}", f"sqc-emu2-{secrets.token_hex(8)}"


@contextmanager
def embedded_emulator(faults: Iterable[str] = ()) -> Iterator[Embedded]:
    """Start the emulator (with `faults` injected) on 127.0.0.1 and a free port, in a thread of
    this process; stop it on exit, whatever ends the block."""
    # imported here: a process that only mints tokens never loads the HTTP server (uvicorn,
    # starlette, the emulator's app)
    from squarecheck.emulator.server import EmulatorServer

    token, second = mint_tokens()
    with EmulatorServer(host="127.0.0.1", port=0, faults=tuple(faults)) as server:
        yield Embedded(server.url, token, second)
