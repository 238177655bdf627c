"""Helpers shared by the fuzzing and selftest tests (a uniquely named module, not conftest)."""

from __future__ import annotations

from dataclasses import dataclass

from squarecheck.target.client import Client, Connection
from squarecheck.target.ledger import Ledger


@dataclass
class Seller:
    """A fresh seller on an emulator: its connection, ledger and token."""

    conn: Connection
    ledger: Ledger
    token: str

    def client(self, version: str) -> Client:
        return Client(self.conn, self.token, version, [])


@dataclass
class Cli:
    """A finished `squarecheck selftest` subprocess."""

    code: int
    stdout: str
    stderr: str
