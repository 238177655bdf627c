"""`reports/<run-id>/timeline.html`: the behaviour table on a time axis of Square-Versions.

One row per behaviour, the axis from the oldest to the newest known release. Each change of the
table is a mark at its `since` (before and after in the mark's SVG <title>, shown on hover),
linking to its entry in the plain-text list below, which gives the same facts, the change's
evidence and links to the matrix cells the run observed on either side of it. Each version the
run checked is a cell on the row, coloured by the behaviour's worst outcome there and linking
to that check's evidence in index.html. Inline SVG, no script: it reads without JavaScript.

Rendered from `templates/timeline.html.j2` (Jinja2, autoescape); this module only computes what
the page shows and where (the geometry of the drawing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from squarecheck.reports import runs
from squarecheck.reports.page import anchor
from squarecheck.reports.templating import render as render_template
from squarecheck.spec.table import Behaviour, Change, Evidence, Table

LEFT, RIGHT, ROW = 260, 1180, 22  # px: label column, axis end, row height
HEAD = 34  # px: the axis strip above the rows (it stays in view while the rows scroll)
SEVERITY = ("failed", "error", "warned", "passed", "skipped")  # worst first
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Axis:
    """Maps a version (a date) to an x coordinate between LEFT and RIGHT."""

    first: date
    last: date

    def x(self, version: str) -> float:
        span = max((self.last - self.first).days, 1)
        days = (date.fromisoformat(version) - self.first).days
        return LEFT + (RIGHT - LEFT) * min(max(days / span, 0.0), 1.0)


@dataclass(frozen=True)
class Cell:
    """A version the run checked, on a behaviour's row: its worst check there."""

    x: float
    outcome: str
    href: str
    title: str


@dataclass(frozen=True)
class Mark:
    """A change of the table on its behaviour's row, leading to its entry in the list."""

    x: float
    basis: str
    href: str
    title: str


@dataclass(frozen=True)
class Lane:
    """One behaviour's row of the drawing."""

    behaviour: Behaviour
    y: float
    cells: list[Cell]
    marks: list[Mark]
    failing: bool


@dataclass(frozen=True)
class Seen:
    """A check of the run on either side of a change, as the entry links it."""

    check_id: str
    href: str
    outcome: str
    facts: str


@dataclass(frozen=True)
class Entry:
    """One change in the plain-text list: before, after, evidence, what the run saw."""

    anchor: str
    behaviour: Behaviour
    change: Change
    before: str
    before_basis: str
    evidence: tuple[Evidence, ...]
    seen: list[Seen]
    checked: bool


def change_anchor(behaviour_id: str, since: str) -> str:
    return f"c-{_SLUG.sub('-', behaviour_id.lower())}-{since}"


def _before(behaviour: Behaviour, change: Change) -> tuple[str, str]:
    """Summary and basis in force just before `change`."""
    previous = [c for c in behaviour.changes if c.since < change.since]
    if previous:
        return previous[-1].summary, previous[-1].basis
    return behaviour.initial_summary, behaviour.basis


def _checks_by_behaviour(results: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for check in results["checks"]:
        found.setdefault(check["behaviour"], []).append(check)
    return found


def _worst(checks: list[dict[str, Any]]) -> dict[str, Any]:
    return min(checks, key=lambda c: SEVERITY.index(c["outcome"]))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cells(checks: list[dict[str, Any]], axis: Axis) -> list[Cell]:
    by_version: dict[str, list[dict[str, Any]]] = {}
    for check in checks:
        by_version.setdefault(check["version"], []).append(check)
    cells = []
    for version, found in sorted(by_version.items()):
        worst = _worst(found)
        facts = runs.describe(runs.observed(worst))
        title = f"{version}: {worst['outcome']} ({len(found)} checks); {worst['key']}: {facts}"
        cells.append(Cell(axis.x(version), worst["outcome"], anchor(worst["id"]), title))
    return cells


def _mark(behaviour: Behaviour, change: Change, axis: Axis) -> Mark:
    before, _ = _before(behaviour, change)
    title = (
        f"{change.since} {behaviour.id} ({change.basis}): before: {_one_line(before)} "
        f"→ after: {_one_line(change.summary)}"
    )
    href = change_anchor(behaviour.id, change.since)
    return Mark(axis.x(change.since), change.basis, href, title)


def _lanes(results: dict[str, Any], table: Table, axis: Axis) -> list[Lane]:
    checks = _checks_by_behaviour(results)
    behaviours = sorted(table.behaviours.values(), key=lambda b: (b.family, b.id))
    lanes = []
    for number, behaviour in enumerate(behaviours):
        mine = checks.get(behaviour.id, [])
        lanes.append(
            Lane(
                behaviour=behaviour,
                y=ROW * number + ROW / 2,
                cells=_cells(mine, axis),
                marks=[_mark(behaviour, change, axis) for change in behaviour.changes],
                failing=any(c["outcome"] in ("failed", "error") for c in mine),
            )
        )
    return lanes


def _seen(checks: list[dict[str, Any]], versions: list[str], since: str) -> list[Seen]:
    """The run's checks under the versions on either side of a change."""
    before = [v for v in versions if v < since]
    after = [v for v in versions if v >= since]
    around = ([before[-1]] if before else []) + ([after[0]] if after else [])
    return [
        Seen(c["id"], anchor(c["id"]), c["outcome"], runs.describe(runs.observed(c)))
        for c in sorted(checks, key=lambda c: (c["key"], c["version"]))
        if c["version"] in around
    ]


def _entries(results: dict[str, Any], table: Table, versions: list[str]) -> list[Entry]:
    """Every change of the table, oldest first."""
    checks = _checks_by_behaviour(results)
    changes = sorted(
        ((c, b) for b in table.behaviours.values() for c in b.changes),
        key=lambda pair: (pair[0].since, pair[1].id),
    )
    entries = []
    for change, behaviour in changes:
        before, basis = _before(behaviour, change)
        mine = checks.get(behaviour.id, [])
        entries.append(
            Entry(
                anchor=change_anchor(behaviour.id, change.since),
                behaviour=behaviour,
                change=change,
                before=before,
                before_basis=basis,
                evidence=change.evidence,
                seen=_seen(mine, versions, change.since),
                checked=bool(mine),
            )
        )
    return entries


def render(results: dict[str, Any], table: Table) -> str:
    """The whole timeline page for one run."""
    versions = sorted(runs.versions_of(results))
    axis = Axis(date.fromisoformat(table.oldest_version), date.fromisoformat(table.newest_version))
    lanes = _lanes(results, table, axis)
    return render_template(
        "timeline.html.j2",
        run_id=str(results["run"]["id"]),
        first=axis.first.isoformat(),
        last=axis.last.isoformat(),
        width=RIGHT + 20,
        left=LEFT,
        right=RIGHT,
        head=HEAD,
        height=ROW * len(lanes) + 6,
        row=ROW,
        years=[
            (axis.x(f"{year}-01-01"), year)
            for year in range(axis.first.year + 1, axis.last.year + 1)
        ],
        versions=[(axis.x(v), v) for v in versions],
        lanes=lanes,
        failing=[lane for lane in lanes if lane.failing],
        entries=entries_by_version(_entries(results, table, versions)),
    )


def entries_by_version(entries: list[Entry]) -> list[tuple[str, list[Entry]]]:
    """The entries grouped under the version their change starts in, in order."""
    groups: list[tuple[str, list[Entry]]] = []
    for entry in entries:
        if not groups or groups[-1][0] != entry.change.since:
            groups.append((entry.change.since, []))
        groups[-1][1].append(entry)
    return groups


def write(results: dict[str, Any], table: Table, run_dir: Path) -> Path:
    path = run_dir / "timeline.html"
    path.write_text(render(results, table), encoding="utf-8")
    return path
