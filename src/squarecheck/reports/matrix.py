"""The version matrix: one row per check key, one cell per version, set against the table.

For each pair of versions a row is judged by two independent facts: did the observations
differ, and does `specs/behaviours.yaml` have a cutover between the two versions (each resolved
with `Table.resolve`)? Their four combinations are the findings the reports show. A row's
difference is also explained by a cutover of a row it `depends_on`; and a change one check
cannot see (a member gets the discount whether or not membership counts) is not flagged when
another check of the behaviour, or of one depending on it, saw it between the same versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from squarecheck.reports import runs
from squarecheck.spec.table import Behaviour, Change, Table

DOC_OBSERVED = "documented change observed"
DOC_NOT_OBSERVED = "documented change not observed"
UNDOCUMENTED = "undocumented change"
UNOBSERVABLE = "documented change no run can observe"
SEEN_ELSEWHERE = "documented change seen by another check"
SAME = "no change"
UNKNOWN = "not comparable"

# Findings that deserve a reader's attention, in the order reports list them.
FLAGS = (UNDOCUMENTED, DOC_NOT_OBSERVED)


@dataclass(frozen=True)
class Transition:
    """One row between two versions: the documented cutovers crossed and what was seen."""

    old: str
    new: str
    changes: tuple[Change, ...]
    differs: bool | None  # None: one side did not judge the target or recorded nothing
    #: cutovers crossed by the rows this row's behaviour depends on
    related: tuple[Change, ...] = ()
    #: every observable change crossed was seen by another check (see the module docstring)
    seen_elsewhere: bool = False

    @property
    def finding(self) -> str:
        if self.differs is None:
            return UNKNOWN
        if self.changes:
            if self.differs:
                return DOC_OBSERVED
            if not any(c.observable for c in self.changes):
                return UNOBSERVABLE  # `observable: false`: not expected to show
            return SEEN_ELSEWHERE if self.seen_elsewhere else DOC_NOT_OBSERVED
        if self.related:
            return DOC_OBSERVED if self.differs else SAME
        return UNDOCUMENTED if self.differs else SAME


@dataclass
class Row:
    """One check key across the run's versions."""

    key: str
    behaviour_id: str
    operation: str
    behaviour: Behaviour | None
    cells: dict[str, dict[str, Any]] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        """True when the observations differ between some two versions."""
        return any(t.differs for t in self.transitions)

    @property
    def findings(self) -> list[str]:
        return [t.finding for t in self.transitions]

    @property
    def flags(self) -> list[str]:
        return [f for f in FLAGS if f in self.findings]

    @property
    def outcomes(self) -> list[str]:
        return sorted({c["outcome"] for c in self.cells.values()})

    def spans(self, versions: list[str]) -> list[tuple[list[str], dict[str, Any] | None]]:
        """Adjacent versions whose cells read the same (outcome, baseline mark, observations),
        merged: (versions, the first one's check, or None where the check did not run). Keeps
        a matrix of many versions readable; each version's own evidence stays linked."""
        merged: list[tuple[list[str], dict[str, Any] | None]] = []
        for version in versions:
            check = self.cells.get(version)
            if merged and _reads_the_same(merged[-1][1], check):
                merged[-1][0].append(version)
            else:
                merged.append(([version], check))
        return merged


def _reads_the_same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if a is None or b is None:
        return a is b
    mark = (a.get("baseline") or {}).get("status"), (b.get("baseline") or {}).get("status")
    same_facts = runs.observed(a) == runs.observed(b)
    return a["outcome"] == b["outcome"] and mark[0] == mark[1] and same_facts


@dataclass
class Matrix:
    versions: list[str]
    rows: list[Row]

    def behaviours(self) -> list[str]:
        return sorted({r.behaviour_id for r in self.rows})


def documented_changes(
    behaviour: Behaviour | None, table: Table, old: str, new: str
) -> tuple[Change, ...]:
    """Cutovers of `behaviour` between two versions, each resolved with the table first."""
    if behaviour is None:
        return ()
    return tuple(behaviour.changes_between(table.resolve(old), table.resolve(new)))


def related_changes(
    behaviour: Behaviour | None, table: Table, old: str, new: str
) -> tuple[Change, ...]:
    """Cutovers between two versions of the rows `behaviour` depends on."""
    if behaviour is None:
        return ()
    return tuple(
        c
        for other in behaviour.depends_on
        if other in table.behaviours
        for c in documented_changes(table[other], table, old, new)
    )


def transition(row: Row, table: Table, old: str, new: str) -> Transition:
    """Compare the row's cells under `old` and `new` (cells looked up by exact version)."""
    a, b = row.cells.get(old), row.cells.get(new)
    differs = None
    if a is not None and b is not None and runs.comparable(a) and runs.comparable(b):
        differs = runs.differ(a, b)
    own = documented_changes(row.behaviour, table, old, new)
    return Transition(old, new, own, differs, related_changes(row.behaviour, table, old, new))


def _mark_seen_elsewhere(rows: list[Row], table: Table) -> None:
    """A change not seen by one check but seen by another of its behaviour, or of a behaviour
    depending on it, between the same versions is no flag."""
    seen: set[tuple[str, str, str, str]] = set()
    for row in rows:
        for t in row.transitions:
            if not t.differs or row.behaviour is None:
                continue
            for behaviour in (row.behaviour.id, *row.behaviour.depends_on):
                if behaviour in table.behaviours:
                    crossed = documented_changes(table[behaviour], table, t.old, t.new)
                    seen |= {(behaviour, c.since, t.old, t.new) for c in crossed}
    for row in rows:
        row.transitions = [
            replace(t, seen_elsewhere=True)
            if t.finding == DOC_NOT_OBSERVED
            and all(
                (row.behaviour_id, c.since, t.old, t.new) in seen for c in t.changes if c.observable
            )
            else t
            for t in row.transitions
        ]


def build(results: dict[str, Any], table: Table) -> Matrix:
    """Group the run's checks into rows and judge each pair of adjacent versions."""
    versions = runs.versions_of(results)
    rows: dict[str, Row] = {}
    for check in results["checks"]:
        row = rows.get(check["key"])
        if row is None:
            row = Row(
                key=check["key"],
                behaviour_id=check["behaviour"],
                operation=check.get("operation", ""),
                behaviour=table.behaviours.get(check["behaviour"]),
            )
            rows[check["key"]] = row
        row.cells[check["version"]] = check
    for row in rows.values():
        present = [v for v in versions if v in row.cells]
        row.transitions = [
            transition(row, table, old, new) for old, new in zip(present, present[1:], strict=False)
        ]
    _mark_seen_elsewhere(list(rows.values()), table)
    return Matrix(versions=versions, rows=list(rows.values()))
