"""The version-behaviour table (`specs/behaviours.yaml`), loaded and resolved per Square-Version.

Both the emulator and the suites ask this module what a behaviour looks like under a version;
neither compares version strings itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from squarecheck.paths import specs_dir

VERSION_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def is_well_formed(version: str) -> bool:
    """True for a `YYYY-MM-DD` Square-Version value (the only format Square documents)."""
    return bool(VERSION_RE.match(version))


@dataclass(frozen=True)
class Change:
    """One version cutover of a behaviour: from `since` on, `expect` applies."""

    since: str
    basis: str
    source: str
    summary: str
    expect: dict[str, Any]


@dataclass(frozen=True)
class Behaviour:
    """One row of the table: a behaviour, its provenance, and its expectation over time."""

    id: str
    title: str
    family: str
    operations: tuple[str, ...]
    basis: str
    source: str
    initial_summary: str
    initial_expect: dict[str, Any]
    changes: tuple[Change, ...] = ()
    note: str = ""

    def change_at(self, version: str) -> Change | None:
        """The last change in force at `version`, or None before the first cutover."""
        current = None
        for change in self.changes:
            if change.since <= version:
                current = change
        return current

    def expect(self, version: str) -> dict[str, Any]:
        """What the behaviour looks like under `version`."""
        change = self.change_at(version)
        return dict(change.expect if change else self.initial_expect)

    def summary(self, version: str) -> str:
        change = self.change_at(version)
        return change.summary if change else self.initial_summary

    def basis_at(self, version: str) -> str:
        change = self.change_at(version)
        return change.basis if change else self.basis

    def source_at(self, version: str) -> str:
        change = self.change_at(version)
        return change.source if change else self.source

    def changes_between(self, old: str, new: str) -> list[Change]:
        """Cutovers crossed when moving from version `old` to `new` (either direction)."""
        low, high = sorted((old, new))
        return [c for c in self.changes if low < c.since <= high]


@dataclass(frozen=True)
class Table:
    """The whole behaviour table."""

    behaviours: dict[str, Behaviour]
    sources: dict[str, str]
    known_versions: tuple[str, ...]
    default_selection: tuple[str, ...]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    def __getitem__(self, behaviour_id: str) -> Behaviour:
        return self.behaviours[behaviour_id]

    @property
    def newest_version(self) -> str:
        return max(self.known_versions)

    def cutovers(self) -> list[str]:
        """Every version at which some behaviour changes, oldest first."""
        return sorted({c.since for b in self.behaviours.values() for c in b.changes})

    def resolve(self, version: str) -> str:
        """The cutover `version` behaves like (a version between two cutovers is the earlier)."""
        earlier = [c for c in self.cutovers() if c <= version]
        return earlier[-1] if earlier else min(self.known_versions)

    def source_url(self, key: str) -> str:
        return self.sources.get(key, key)


def _behaviour(row: dict[str, Any]) -> Behaviour:
    return Behaviour(
        id=row["id"],
        title=row["title"],
        family=row["family"],
        operations=tuple(row.get("operations", [])),
        basis=row["basis"],
        source=row["source"],
        initial_summary=row["initial"]["summary"],
        initial_expect=row["initial"].get("expect", {}),
        changes=tuple(
            Change(
                since=c["since"],
                basis=c["basis"],
                source=c["source"],
                summary=c["summary"],
                expect=c.get("expect", {}),
            )
            for c in sorted(row.get("changes", []), key=lambda c: c["since"])
        ),
        note=row.get("note", ""),
    )


@lru_cache(maxsize=1)
def load_table() -> Table:
    """Load and index `specs/behaviours.yaml` (cached: it is read-only data)."""
    with open(specs_dir() / "behaviours.yaml", encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    behaviours = {row["id"]: _behaviour(row) for row in raw["behaviours"]}
    versions = raw["versions"]
    return Table(
        behaviours=behaviours,
        sources=dict(raw.get("sources", {})),
        known_versions=tuple(versions["known"]),
        default_selection=tuple(versions["default_selection"]),
        raw=raw,
    )
