"""The version-behaviour table (`specs/behaviours.yaml`), loaded and resolved per Square-Version.

Both the emulator and the suites ask this module what a behaviour looks like under a version;
neither compares version strings itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, TypedDict, cast, get_args

import yaml

from squarecheck.paths import specs_dir

#: How a row knows what it says, strongest first (specs/README.md).
Basis = Literal["documented", "inferred", "assumed"]
BASES: tuple[Basis, ...] = get_args(Basis)


class Expect(TypedDict, total=False):
    """What a behaviour looks like under one version: every key a row of the table may use.

    A test keeps this list and the table in step, so a suite or the emulator that reads a key
    reads one the table can hold.
    """

    outcome: str
    status: int
    code: str
    category: str
    field: str
    detail: str
    detail_pattern: str
    body: dict[str, Any]
    schema: str
    # variants of one behaviour (status and code per kind of request)
    code_low: str
    code_high: str
    code_missing: str
    code_empty: str
    code_invalid_json: str
    code_not_object: str
    code_wrong_type_string: str
    code_content_type: str
    code_too_large: str
    status_too_large: int
    max_body_bytes: int
    status_path: int
    code_path: str
    status_method: int
    code_method: str
    # pagination
    min_limit: int
    max_limit: int
    default_limit: int
    # unrecognized-field position
    anchor: str
    order: str
    errors: int
    # membership, search, versioning
    absent_when_empty: bool
    increments: bool
    converges: bool
    echo: bool
    # generated requests (schema-conformance)
    server_errors: bool
    declared_status: bool
    response_schema: bool
    invalid_rejected: bool
    # group discounts: who a rule applies to, how an order shows it, what it takes
    applies: str
    applies_to: str
    echoed: bool
    release: str
    scope: str
    entries: str
    per: str
    gross: int
    percentage: str
    applied: int
    stack: bool
    inclusive: bool
    blocked: bool
    discounted: bool
    id: str
    atomic: bool
    page_size: int
    unknown_status: int
    unknown_code: str


EXPECT_KEYS = frozenset(Expect.__annotations__)

VERSION_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def is_well_formed(version: str) -> bool:
    """True for a `YYYY-MM-DD` Square-Version value (the only format Square documents)."""
    return bool(VERSION_RE.match(version))


@dataclass(frozen=True)
class Change:
    """One version cutover of a behaviour: from `since` on, `expect` applies."""

    since: str
    basis: Basis
    source: str
    summary: str
    expect: Expect


@dataclass(frozen=True)
class Behaviour:
    """One row of the table: a behaviour, its provenance, and its expectation over time."""

    id: str
    title: str
    family: str
    operations: tuple[str, ...]
    basis: Basis
    source: str
    initial_summary: str
    initial_expect: Expect
    changes: tuple[Change, ...] = ()
    note: str = ""

    def change_at(self, version: str) -> Change | None:
        """The last change in force at `version`, or None before the first cutover."""
        current = None
        for change in self.changes:
            if change.since <= version:
                current = change
        return current

    def expect(self, version: str) -> Expect:
        """What the behaviour looks like under `version` (a copy)."""
        change = self.change_at(version)
        return Expect(**(change.expect if change else self.initial_expect))

    def summary(self, version: str) -> str:
        change = self.change_at(version)
        return change.summary if change else self.initial_summary

    def basis_at(self, version: str) -> Basis:
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


def _basis(value: str) -> Basis:
    for basis in BASES:
        if value == basis:
            return basis
    raise ValueError(f"unknown basis {value!r} in specs/behaviours.yaml")


def _expect(value: dict[str, Any]) -> Expect:
    unknown = sorted(set(value) - EXPECT_KEYS)
    if unknown:
        raise ValueError(f"unknown expectation key(s) {unknown} in specs/behaviours.yaml")
    return cast(Expect, dict(value))


def _behaviour(row: dict[str, Any]) -> Behaviour:
    return Behaviour(
        id=row["id"],
        title=row["title"],
        family=row["family"],
        operations=tuple(row.get("operations", [])),
        basis=_basis(row["basis"]),
        source=row["source"],
        initial_summary=row["initial"]["summary"],
        initial_expect=_expect(row["initial"].get("expect", {})),
        changes=tuple(
            Change(
                since=c["since"],
                basis=_basis(c["basis"]),
                source=c["source"],
                summary=c["summary"],
                expect=_expect(c.get("expect", {})),
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
    )
