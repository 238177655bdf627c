"""What one pytest process knows about the run: settings, connection, ledger, records."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from squarecheck.checks import Check
from squarecheck.options import Settings
from squarecheck.results import CheckRecord, now_iso
from squarecheck.target.client import Connection
from squarecheck.target.ledger import Ledger
from squarecheck.target.resolve import Target


@dataclass
class RunState:
    """Per-process state: the connection, the ledger, the emulator's tokens, collected records."""

    settings: Settings
    records: list[CheckRecord] = field(default_factory=list)
    leftovers: int = 0
    target: Target | None = None
    conn: Connection | None = None
    ledger: Ledger | None = None
    token: str | None = None
    second_token: str | None = None
    search_timeout: float = 0.0
    started_at: str = field(default_factory=now_iso)
    started: float = field(default_factory=time.monotonic)


STATE = pytest.StashKey[RunState]()
ACTIVE = pytest.StashKey[bool]()
CHECK = pytest.StashKey[Check]()
