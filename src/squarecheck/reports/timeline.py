"""`reports/<run-id>/timeline.html`: the behaviour table on a time axis of Square-Versions.

One row per behaviour, the axis from the oldest to the newest known release. Each change of the
table is a mark at its `since` (before and after in the mark's SVG <title>, shown on hover),
linking to its entry in the plain-text list below, which gives the same facts, the change's
evidence and links to the matrix cells the run observed on either side of it. Each version the
run checked is a cell on the row, coloured by the behaviour's worst outcome there and linking
to that check's evidence in index.html. Inline SVG, no script: it reads without JavaScript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from squarecheck.reports import runs
from squarecheck.reports.page import anchor, document, esc, link
from squarecheck.spec.table import Behaviour, Change, Table

LEFT, RIGHT, TOP, ROW = 260, 1180, 48, 22  # px: label column, axis end, axis, row height
SEVERITY = ("failed", "error", "warned", "passed", "skipped")  # worst first
TIMELINE_CSS = """
svg.timeline{font:12px system-ui,sans-serif;max-width:100%;height:auto}
svg .axis{stroke:#57606a}svg .year{stroke:#d5dbe1}svg .run{stroke:#8c959f;stroke-dasharray:3 3}
svg .lane{stroke:#d5dbe1}svg .mark{stroke:#1d2329;stroke-width:1}
svg .b-documented{fill:#0969da}svg .b-observed{fill:#1a7f37}svg .b-inferred{fill:#9a6700}
svg .b-assumed{fill:#fff}svg .cell{stroke:#fff}svg .o-passed{fill:#1a7f37}
svg .o-failed{fill:#c62828}svg .o-warned{fill:#d4a72c}svg .o-error{fill:#6f42c1}
svg .o-skipped{fill:#8c959f}svg a:hover .mark,svg a:focus .mark{stroke-width:3}
li.change:target{background:#fffbe6}
"""
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


def _ticks(axis: Axis, versions: list[str], height: float) -> str:
    parts = [f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{RIGHT}" y2="{TOP}"/>']
    for year in range(axis.first.year + 1, axis.last.year + 1):
        x = axis.x(f"{year}-01-01")
        parts.append(
            f'<line class="year" x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height}"/>'
            f'<text x="{x:.1f}" y="{TOP - 10}" text-anchor="middle">{year}</text>'
        )
    for version in versions:
        x = axis.x(version)
        parts.append(
            f'<line class="run" x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{height}">'
            f"<title>run version {esc(version)}</title></line>"
        )
    return "".join(parts)


def _mark(behaviour: Behaviour, change: Change, axis: Axis, y: float) -> str:
    before, _ = _before(behaviour, change)
    title = (
        f"{change.since} {behaviour.id} ({change.basis}): before: {' '.join(before.split())} "
        f"→ after: {' '.join(change.summary.split())}"
    )
    x = axis.x(change.since)
    return (
        f'<a href="#{change_anchor(behaviour.id, change.since)}" class="change-mark">'
        f'<path class="mark b-{esc(change.basis)}" d="M{x:.1f} {y - 7:.1f} l6 7 l-6 7 l-6 -7 z">'
        f"<title>{esc(title)}</title></path></a>"
    )


def _cells(checks: list[dict[str, Any]], axis: Axis, y: float) -> str:
    by_version: dict[str, list[dict[str, Any]]] = {}
    for check in checks:
        by_version.setdefault(check["version"], []).append(check)
    parts = []
    for version, found in sorted(by_version.items()):
        worst = _worst(found)
        facts = runs.describe(runs.observed(worst))
        title = f"{version}: {worst['outcome']} ({len(found)} checks); {worst['key']}: {facts}"
        parts.append(
            f'<a href="index.html#{anchor(worst["id"])}" class="cell-link">'
            f'<rect class="cell o-{esc(worst["outcome"])}" x="{axis.x(version) - 4:.1f}" '
            f'y="{y + 2:.1f}" width="8" height="8"><title>{esc(title)}</title></rect></a>'
        )
    return "".join(parts)


def _svg(results: dict[str, Any], table: Table, axis: Axis, versions: list[str]) -> str:
    checks = _checks_by_behaviour(results)
    rows = sorted(table.behaviours.values(), key=lambda b: (b.family, b.id))
    height = TOP + ROW * len(rows) + 10
    parts = [_ticks(axis, versions, height)]
    for number, behaviour in enumerate(rows):
        y = TOP + ROW * number + ROW / 2
        parts.append(
            f'<g class="row" id="row-{esc(behaviour.id)}">'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{esc(behaviour.id)}'
            f"<title>{esc(behaviour.title)} ({esc(behaviour.family)})</title></text>"
            f'<line class="lane" x1="{LEFT}" y1="{y:.1f}" x2="{RIGHT}" y2="{y:.1f}"/>'
        )
        parts.append(_cells(checks.get(behaviour.id, []), axis, y))
        parts += [_mark(behaviour, change, axis, y) for change in behaviour.changes]
        parts.append("</g>")
    return (
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="timeline-title" viewBox="0 0 {RIGHT + 20} {height}" '
        f'width="{RIGHT + 20}" height="{height}">'
        f'<title id="timeline-title">Behaviours of specs/behaviours.yaml over Square-Versions '
        f"{esc(axis.first.isoformat())} to {esc(axis.last.isoformat())}</title>"
        f"{''.join(parts)}</svg>"
    )


def _observed_links(checks: list[dict[str, Any]], versions: list[str], since: str) -> str:
    """Links to the matrix cells of the run versions on either side of a change."""
    before = [v for v in versions if v < since]
    after = [v for v in versions if v >= since]
    around = ([before[-1]] if before else []) + ([after[0]] if after else [])
    items = [
        f'<a href="index.html#{anchor(c["id"])}">{esc(c["id"])}</a>: {esc(c["outcome"])}, '
        f"{esc(runs.describe(runs.observed(c)))}"
        for c in sorted(checks, key=lambda c: (c["key"], c["version"]))
        if c["version"] in around
    ]
    if not items:
        return '<span class="muted">no version of this run on either side</span>'
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _change_list(results: dict[str, Any], table: Table, versions: list[str]) -> str:
    checks = _checks_by_behaviour(results)
    changes = sorted(
        ((c, b) for b in table.behaviours.values() for c in b.changes),
        key=lambda pair: (pair[0].since, pair[1].id),
    )
    parts, current = [], ""
    for change, behaviour in changes:
        if change.since != current:
            parts.append(("</ul>" if current else "") + f"<h3>{esc(change.since)}</h3><ul>")
            current = change.since
        before, basis = _before(behaviour, change)
        evidence = "".join(
            f"<li>{link(e.href, e.label)}: {esc(e.shows)}</li>" for e in change.evidence
        )
        unobservable = "" if change.observable else " (no run can observe this change)"
        parts.append(
            f'<li class="change" id="{change_anchor(behaviour.id, change.since)}">'
            f"<strong>{esc(behaviour.id)}</strong>: {esc(behaviour.title)}"
            f"<div><em>before</em> ({esc(basis)}): {esc(before)}</div>"
            f"<div><em>after</em> ({esc(change.basis)}): {esc(change.summary)}"
            f"{esc(unobservable)}</div><div>Evidence:<ul>{evidence}</ul></div>"
            f"<div>Observed:{_observed_links(checks.get(behaviour.id, []), versions, change.since)}"
            "</div></li>"
        )
    return "".join(parts) + ("</ul>" if current else "")


def render(results: dict[str, Any], table: Table) -> str:
    """The whole timeline page for one run."""
    versions = sorted(runs.versions_of(results))
    axis = Axis(date.fromisoformat(table.oldest_version), date.fromisoformat(table.newest_version))
    run_id = str(results["run"]["id"])
    legend = (
        "Marks are the table's changes, filled by basis (documented blue, observed green, "
        "inferred amber, assumed white); squares are the versions this run checked, coloured by "
        "the behaviour's worst outcome there; dashed lines are the run's versions."
    )
    body = (
        f"<h1>Behaviour timeline of run {esc(run_id)}</h1>"
        '<nav><a href="index.html">run summary and matrix</a></nav>'
        f'<p class="muted">{esc(legend)}</p>{_svg(results, table, axis, versions)}'
        f'<h2>Changes by version</h2><section id="changes">'
        f"{_change_list(results, table, versions)}</section>"
    )
    return document(f"squarecheck timeline {run_id}", f"<style>{TIMELINE_CSS}</style>{body}")


def write(results: dict[str, Any], table: Table, run_dir: Path) -> Path:
    path = run_dir / "timeline.html"
    path.write_text(render(results, table), encoding="utf-8")
    return path
