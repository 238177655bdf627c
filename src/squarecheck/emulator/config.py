"""How one emulator instance behaves: default Square-Version, search lag, faults, its table."""

from __future__ import annotations

from dataclasses import dataclass, field

from squarecheck.spec.table import Table, load_table


@dataclass(frozen=True)
class EmulatorConfig:
    """Immutable settings shared by the app, the store and the version resolver.

    `default_version` stands in for the application's pinned version (used when a request has no
    Square-Version header); None means the newest version of the behaviour table.
    `search_lag` is how many seconds a write takes to become visible to SearchCustomers.
    `faults` names injected bugs from `squarecheck.emulator.faults.catalogue.CATALOGUE`.
    `data` is a file that keeps the store's state across restarts (None: in memory).
    `table` is the behaviour table the emulator follows (None: `specs/behaviours.yaml`); another
    table makes it a server that chose differently where the table's rows allow it.
    """

    default_version: str | None = None
    search_lag: float = 0.0
    faults: frozenset[str] = field(default_factory=frozenset)
    data: str | None = None
    table: Table | None = None

    def behaviours(self) -> Table:
        """The behaviour table this emulator follows."""
        return self.table or load_table()
