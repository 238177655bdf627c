"""The version-behaviour table (`specs/behaviours.yaml`), loaded and resolved per Square-Version.

Both the emulator and the suites ask this module what a behaviour looks like under a version;
neither compares version strings itself. The table is validated against
`specs/behaviours.schema.json` when it is loaded, so a broken table is one clear error.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast, get_args

import yaml

from squarecheck.paths import specs_dir
from squarecheck.spec.expect import EXPECT_KEYS as EXPECT_KEYS  # read here with the rows
from squarecheck.spec.expect import Expect as Expect
from squarecheck.spec.table_problems import VERSION_SHAPE
from squarecheck.spec.table_problems import is_well_formed as is_well_formed
from squarecheck.spec.table_problems import problems as problems

#: How a row knows what it says, surest first (specs/README.md); `observed` is a real response
#: of Square's that a third party published.
Basis = Literal["documented", "observed", "inferred", "assumed"]
BASES: tuple[Basis, ...] = get_args(Basis)
#: The version keywords a run accepts besides dates (see `Table.select`).
Selection = Literal["cutovers", "all"]
SELECTIONS: tuple[Selection, ...] = ("cutovers", "all")


class TableError(ValueError):
    """The behaviour table file is missing, not YAML, or breaks behaviours.schema.json."""


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: a URL, a repository file (at a ref), or an observation file
    (specs/observations: what a real target answered), and what it shows."""

    shows: str
    url: str = ""
    repo: str = ""
    path: str = ""
    ref: str = ""
    observation: str = ""

    @property
    def href(self) -> str:
        """Where to read it: the URL, the file on GitHub (at `ref`, else the default branch),
        or the observation file, relative to the checkout."""
        if self.url:
            return self.url
        if self.observation:
            return f"specs/observations/{self.observation}"
        return f"https://github.com/{self.repo}/blob/{self.ref or 'HEAD'}/{self.path}"

    @property
    def label(self) -> str:
        """A short name for the source: the URL, `owner/repo:path@ref` or the observation."""
        if self.url:
            return self.url
        if self.observation:
            return f"specs/observations/{self.observation}"
        return f"{self.repo}:{self.path}" + (f"@{self.ref[:7]}" if self.ref else "")


@dataclass(frozen=True)
class Change:
    """One version cutover of a behaviour: from `since` on, `expect` applies."""

    since: str
    basis: Basis
    source: str
    summary: str
    expect: Expect
    evidence: tuple[Evidence, ...] = ()
    observable: bool = True


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
    evidence: tuple[Evidence, ...] = ()
    #: rows whose changes also change what this row's checks observe (`depends_on`)
    depends_on: tuple[str, ...] = ()

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

    def newest_expect(self) -> Expect:
        """The expectation of the newest version (e.g. a format the row documents only later)."""
        return Expect(**(self.changes[-1].expect if self.changes else self.initial_expect))

    def summary(self, version: str) -> str:
        change = self.change_at(version)
        return change.summary if change else self.initial_summary

    def basis_at(self, version: str) -> Basis:
        change = self.change_at(version)
        return change.basis if change else self.basis

    def source_at(self, version: str) -> str:
        change = self.change_at(version)
        return change.source if change else self.source

    def evidence_at(self, version: str) -> tuple[Evidence, ...]:
        change = self.change_at(version)
        return change.evidence if change else self.evidence

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

    @property
    def oldest_version(self) -> str:
        return min(self.known_versions)

    def is_known(self, version: str) -> bool:
        """True for a version Square released (one of `versions.known`)."""
        return version in self.known_versions

    def cutovers(self) -> list[str]:
        """Every version at which some behaviour changes, oldest first."""
        return sorted({c.since for b in self.behaviours.values() for c in b.changes})

    def resolve(self, version: str) -> str:
        """The cutover `version` behaves like (a version between two cutovers is the earlier)."""
        earlier = [c for c in self.cutovers() if c <= version]
        return earlier[-1] if earlier else self.oldest_version

    def release_before(self, version: str) -> str | None:
        """The newest known release older than `version`, if any."""
        older = [v for v in self.known_versions if v < version]
        return max(older) if older else None

    def cutover_selection(self) -> list[str]:
        """One version per cutover, oldest first: each cutover day, and the release just
        before it when the cutover has an observable change (so a run sees the change start
        exactly there)."""
        return sorted(self.cutover_plan())

    def cutover_plan(self) -> dict[str, frozenset[str] | None]:
        """The versions of `cutover_selection`, each with the behaviours worth checking there.

        None (every behaviour) on a cutover day where an observable change starts, and on the
        newest cutover. Elsewhere only the ids of the behaviours that change there (and of
        those that depend on them): on the release just before a cutover, and on a cutover
        day whose changes no run can observe, every other behaviour reads the same as on the
        cutover day before, which checks them all.
        """
        plan: dict[str, frozenset[str] | None] = {}
        cutovers = self.cutovers()
        changes = [(b.id, c) for b in self.behaviours.values() for c in b.changes]
        for since in cutovers:
            changing = frozenset(i for i, c in changes if c.since == since)
            changing |= {b.id for b in self.behaviours.values() if changing & set(b.depends_on)}
            observable = any(c.observable for _, c in changes if c.since == since)
            plan[since] = None if observable or since == cutovers[-1] else changing
            before = self.release_before(since)
            if before is not None and observable and plan.get(before, frozenset()) is not None:
                plan[before] = (plan.get(before) or frozenset()) | changing
        return plan

    def narrowed(self, selection: list[str]) -> dict[str, frozenset[str]]:
        """For a --square-version list (keywords unexpanded): the versions the `cutovers`
        keyword brings in to check only some behaviours, with those behaviours
        (`cutover_plan`). A version also named on its own, or by `all`, runs every behaviour."""
        if "cutovers" not in selection or "all" in selection:
            return {}
        return {
            version: ids
            for version, ids in self.cutover_plan().items()
            if ids is not None and version not in selection
        }

    def version_problem(self, version: str) -> str | None:
        """Why `version` cannot be run under (one line), or None for a known release."""
        newest = f"the newest known release is {self.newest_version}"
        if VERSION_SHAPE.match(version) and not is_well_formed(version):
            return f"{version} is not a calendar date ({newest})"
        if not is_well_formed(version):
            return f"{version!r} is not a YYYY-MM-DD date ({newest})"
        if not self.is_known(version):
            return (
                f"{version} is not a Square-Version the behaviour table knows "
                f"(the newest known is {self.newest_version})"
            )
        return None

    def select(self, name: Selection) -> list[str]:
        """The versions a keyword stands for: `cutovers` or `all` (every known release)."""
        return self.cutover_selection() if name == "cutovers" else list(self.known_versions)

    def expand(self, values: list[str]) -> list[str]:
        """Versions with `cutovers` and `all` replaced by what they stand for (`select`), in
        order, each version once."""
        expanded: list[str] = []
        for value in values:
            if value == "cutovers":
                expanded += self.select("cutovers")
            elif value == "all":
                expanded += self.select("all")
            else:
                expanded.append(value)
        return list(dict.fromkeys(expanded))

    def source_url(self, key: str) -> str:
        return self.sources.get(key, key)


def _evidence(items: list[dict[str, Any]] | None) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(
            shows=str(item["shows"]).strip(),
            url=item.get("url", ""),
            repo=item.get("repo", ""),
            path=item.get("path", ""),
            ref=item.get("ref", ""),
            observation=item.get("observation", ""),
        )
        for item in items or []
    )


def _behaviour(row: dict[str, Any]) -> Behaviour:
    return Behaviour(
        id=row["id"],
        title=row["title"],
        family=row["family"],
        operations=tuple(row.get("operations", [])),
        basis=cast(Basis, row["basis"]),
        source=row["source"],
        initial_summary=row["initial"]["summary"],
        initial_expect=cast(Expect, dict(row["initial"].get("expect", {}))),
        changes=tuple(
            Change(
                since=c["since"],
                basis=cast(Basis, c["basis"]),
                source=c["source"],
                summary=c["summary"],
                expect=cast(Expect, dict(c.get("expect", {}))),
                evidence=_evidence(c.get("evidence")),
                observable=bool(c.get("observable", True)),
            )
            for c in sorted(row.get("changes", []), key=lambda c: c["since"])
        ),
        note=row.get("note", ""),
        evidence=_evidence(row.get("evidence")),
        depends_on=tuple(row.get("depends_on", [])),
    )


def table_from(raw: dict[str, Any], *, checked: bool = False) -> Table:
    """A Table from already-parsed YAML (validated first unless `checked`); raises TableError."""
    found = [] if checked else problems(raw)
    if found:
        raise TableError(f"behaviour table: {found[0]}")
    behaviours = {row["id"]: _behaviour(row) for row in raw["behaviours"]}
    versions = raw["versions"]
    return Table(
        behaviours=behaviours,
        sources=dict(raw.get("sources", {})),
        known_versions=tuple(versions["known"]),
        default_selection=tuple(versions["default_selection"]),
        raw=raw,
    )


def load_table_file(path: Path) -> Table:
    """Load and validate a behaviour table file; raises TableError (one line) if it is broken."""
    from squarecheck.spec import located

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise TableError(f"{path}: cannot read the behaviour table: {exc}") from None
    try:
        # the C loader when PyYAML has it: the table is read by every process of a run
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(text, Loader=loader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise TableError(located.yaml_problem(path, exc)) from None
    if not isinstance(raw, dict):
        raise TableError(f"{path}:1: not a behaviour table (a mapping of versions and behaviours)")
    key = _digest(text)
    if key not in _VALID:
        found = problems(raw)
        if found:
            raise TableError(located.schema_problem(path, text, found[0]))
        _VALID.add(key)
    return table_from(raw, checked=True)


#: sha256 of every table text found valid in this process, or vouched for by the process that
#: started it (a pytest-xdist controller for its workers): the same text is not checked twice
_VALID: set[str] = set()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def valid_texts() -> list[str]:
    """The digests of the table texts this process found valid, to vouch for in another."""
    return sorted(_VALID)


def vouch(digests: Iterable[str]) -> None:
    """Table texts with these digests were found valid by the process that started this one;
    a text that differs in any byte is still checked in full."""
    _VALID.update(str(d) for d in digests)


#: The environment setting naming another behaviour table file (a proposal to try).
TABLE_ENV = "SQUARECHECK_TABLE"


def table_path() -> Path:
    """The table file in use: `$SQUARECHECK_TABLE` when set, else specs/behaviours.yaml."""
    chosen = os.environ.get(TABLE_ENV)
    return Path(chosen) if chosen else specs_dir() / "behaviours.yaml"


@lru_cache(maxsize=1)
def load_table() -> Table:
    """Load and index the behaviour table (`table_path`; cached: it is read-only data)."""
    return load_table_file(table_path())
