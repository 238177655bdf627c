"""`upgrade.html` / `upgrade.json` / `upgrade.md`: what changes for a client moving from
Square-Version FROM to TO.

Documented changes come from the behaviour table (each version resolved to its cutover first),
each with whether the run observed it; undocumented ones are rows whose observations differ
between the two versions although the table predicts no change. `build` makes the one model
(written as upgrade.json); its `counts` are what every rendering says (`headline`: the HTML
page, the Markdown for a pull request in `upgrade_md`, the terminal line), so they agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from squarecheck.reports import matrix as mx
from squarecheck.reports import runs, templating
from squarecheck.reports.page import anchor
from squarecheck.reports.timeline import change_anchor
from squarecheck.reports.upgrade_md import headline, render_md
from squarecheck.spec.table import Change, Table

OBSERVED = "observed"
NOT_OBSERVED = "not observed"
PARTLY = "partly observed"
NOT_CHECKED = "not checked"
NOT_OBSERVABLE = "not observable in a run"


def _cell_for(row: mx.Row, table: Table, version: str) -> dict[str, Any] | None:
    """The row's check under `version`, else under a run version that behaves the same."""
    if version in row.cells:
        return row.cells[version]
    target = table.resolve(version)
    for v, check in row.cells.items():
        if table.resolve(v) == target:
            return check
    return None


def _side(check: dict[str, Any] | None) -> dict[str, Any] | None:
    if check is None:
        return None
    return {
        "id": check["id"],
        "version": check["version"],
        "outcome": check["outcome"],
        "observed": runs.observed(check),
        "anchor": anchor(check["id"]),
    }


def _compare(row: mx.Row, table: Table, old: str, new: str) -> dict[str, Any]:
    a, b = _cell_for(row, table, old), _cell_for(row, table, new)
    differs = None
    if a is not None and b is not None and runs.comparable(a) and runs.comparable(b):
        differs = runs.differ(a, b)
    return {"key": row.key, "from": _side(a), "to": _side(b), "differs": differs}


def _status(checks: list[dict[str, Any]], changes: tuple[Change, ...]) -> str:
    seen = [c["differs"] for c in checks if c["differs"] is not None]
    if not seen:
        return NOT_CHECKED
    if all(seen):
        return OBSERVED
    if not any(seen) and not any(c.observable for c in changes):
        return NOT_OBSERVABLE
    return PARTLY if any(seen) else NOT_OBSERVED


def _by_version(table: Table, old: str, new: str, status: dict[str, str]) -> list[dict[str, Any]]:
    """Every change crossed between the two versions, oldest first, with its before and after
    and its evidence: the list a client upgrading reads top to bottom."""
    crossed = []
    for behaviour in table.behaviours.values():
        for change in mx.documented_changes(behaviour, table, old, new):
            earlier = [c for c in behaviour.changes if c.since < change.since]
            crossed.append(
                {
                    "since": change.since,
                    "behaviour": behaviour.id,
                    "title": behaviour.title,
                    "before": earlier[-1].summary if earlier else behaviour.initial_summary,
                    "after": change.summary,
                    "basis": change.basis,
                    "evidence": [
                        {"href": e.href, "label": e.label, "shows": e.shows}
                        for e in change.evidence
                    ],
                    "status": status.get(behaviour.id, NOT_CHECKED),
                }
            )
    return sorted(crossed, key=lambda c: (c["since"], c["behaviour"]))


def build(results: dict[str, Any], table: Table, old: str, new: str) -> dict[str, Any]:
    """The upgrade report as data (also written as upgrade.json)."""
    matrix = mx.build(results, table)
    rows_by_behaviour: dict[str, list[mx.Row]] = {}
    for row in matrix.rows:
        rows_by_behaviour.setdefault(row.behaviour_id, []).append(row)
    documented: list[dict[str, Any]] = []
    for behaviour in table.behaviours.values():
        changes = mx.documented_changes(behaviour, table, old, new)
        if not changes:
            continue
        checks = [_compare(r, table, old, new) for r in rows_by_behaviour.get(behaviour.id, [])]
        documented.append(
            {
                "behaviour": behaviour.id,
                "title": behaviour.title,
                "before": behaviour.summary(table.resolve(old)),
                "after": behaviour.summary(table.resolve(new)),
                "changes": [
                    {
                        "since": c.since,
                        "basis": c.basis,
                        "source": table.source_url(c.source),
                        "summary": c.summary,
                    }
                    for c in changes
                ],
                "status": _status(checks, changes),
                "checks": checks,
            }
        )
    undocumented = []
    for row in matrix.rows:
        explained = mx.documented_changes(row.behaviour, table, old, new)
        if explained or mx.related_changes(row.behaviour, table, old, new):
            continue
        compared = _compare(row, table, old, new)
        if compared["differs"]:
            undocumented.append({"behaviour": row.behaviour_id, **compared})
    status = {str(d["behaviour"]): str(d["status"]) for d in documented}
    crossed = _by_version(table, old, new, status)
    by_status: dict[str, int] = {}
    for item in documented:
        by_status[item["status"]] = by_status.get(item["status"], 0) + 1
    return {
        "from": old,
        "to": new,
        "resolved": {"from": table.resolve(old), "to": table.resolve(new)},
        "run": results["run"]["id"],
        "target": runs.clean_target(str(results["run"].get("target", ""))),
        "counts": {
            "changes": len(crossed),
            "behaviours": len(documented),
            "undocumented": len(undocumented),
            "by_status": by_status,
        },
        "changes": crossed,
        "documented": documented,
        "undocumented": undocumented,
    }


_DIFFERS = {True: "differs", False: "same", None: "not comparable"}


def _side_view(side: dict[str, Any] | None) -> dict[str, Any] | None:
    if side is None:
        return None
    return {**side, "facts": runs.describe(side["observed"])}


def _checks_view(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "key": c["key"],
            "from": _side_view(c["from"]),
            "to": _side_view(c["to"]),
            "differs": _DIFFERS[c["differs"]],
        }
        for c in checks
    ]


def render(report: dict[str, Any]) -> str:
    """upgrade.html (`templates/upgrade.html.j2`): the changes crossed by version, each
    documented behaviour with its checks on both sides, then the undocumented differences."""
    changes = [
        {**c, "timeline": change_anchor(c["behaviour"], c["since"])}
        for c in report.get("changes", [])
    ]
    documented = [{**d, "checks": _checks_view(d["checks"])} for d in report["documented"]]
    return templating.render(
        "upgrade.html.j2",
        old=report["from"],
        new=report["to"],
        resolved=report["resolved"],
        headline=headline(report),
        changes=changes,
        documented=documented,
        undocumented=_checks_view(report["undocumented"]),
    )


def write(
    results: dict[str, Any], table: Table, run_dir: Path, old: str, new: str
) -> dict[str, Any]:
    report = build(results, table, old, new)
    (run_dir / "upgrade.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (run_dir / "upgrade.html").write_text(render(report), encoding="utf-8")
    (run_dir / "upgrade.md").write_text(render_md(report), encoding="utf-8")
    return report
