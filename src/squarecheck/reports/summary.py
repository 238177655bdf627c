"""`--summary-md FILE`: a short Markdown summary for a CI job page (no absolute links)."""

from __future__ import annotations

from typing import Any

from squarecheck.behaviours import Table
from squarecheck.reports import matrix as mx
from squarecheck.reports import runs

MAX_KEYS = 5


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render(results: dict[str, Any], table: Table, failing: int) -> str:
    run = results["run"]
    matrix = mx.build(results, table)
    counts = runs.count_outcomes(results["checks"])
    verdict = "FAIL" if failing else "PASS"
    lines = [
        f"## squarecheck {verdict}: run {run['id']}",
        "",
        f"Target `{runs.clean_target(str(run['target']))}`, versions "
        + ", ".join(f"`{v}`" for v in matrix.versions)
        + f", {float(run.get('duration', 0)):.1f} s.",
        "",
        "| " + " | ".join(counts) + " | failing the run |",
        "|" + "---|" * (len(counts) + 1),
        "| " + " | ".join(str(n) for n in counts.values()) + f" | {failing} |",
        "",
    ]
    failed = [
        c
        for c in results["checks"]
        if (c["outcome"] == "failed" and c.get("baseline", {}).get("status") != "known-failure")
        or c.get("baseline", {}).get("status") == "stale"
    ]
    if failed:
        lines += [
            "### Failing checks",
            "",
            "| check | behaviour | version | why |",
            "|---|---|---|---|",
        ]
        for c in failed:
            why = (
                "stale baseline entry"
                if c.get("baseline", {}).get("status") == "stale"
                else (c.get("message") or "")
            )
            lines.append(
                f"| {_cell(c['key'])} | {_cell(c['behaviour'])} | {_cell(c['version'])} "
                f"| {_cell(why.splitlines()[0] if why else '')} |"
            )
        lines.append("")
    known = [
        c["id"] for c in results["checks"] if c.get("baseline", {}).get("status") == "known-failure"
    ]
    if known:
        lines += [f"{len(known)} known failures listed in the baseline.", ""]
    # finding -> behaviour and versions -> keys; observed changes are counted per behaviour,
    # the two flags name their checks (capped, the page has the rest).
    findings: dict[str, dict[str, list[str]]] = {}
    for row in matrix.rows:
        for t in row.transitions:
            if t.finding in (mx.DOC_OBSERVED, mx.DOC_NOT_OBSERVED, mx.UNDOCUMENTED):
                group = f"{row.behaviour_id} ({t.old} → {t.new})"
                findings.setdefault(t.finding, {}).setdefault(group, []).append(row.key)
    lines += ["### Version behaviour", ""]
    for name in (mx.DOC_OBSERVED, mx.DOC_NOT_OBSERVED, mx.UNDOCUMENTED):
        groups = findings.get(name, {})
        total = sum(len(keys) for keys in groups.values())
        lines.append(f"- {name[0].upper() + name[1:]}: {total}")
        for group, keys in sorted(groups.items()):
            if name == mx.DOC_OBSERVED:
                lines.append(f"  - {group}: {len(keys)} checks")
                continue
            shown = ", ".join(sorted(keys)[:MAX_KEYS])
            more = f" and {len(keys) - MAX_KEYS} more" if len(keys) > MAX_KEYS else ""
            lines.append(f"  - {group}: {_cell(shown)}{more}")
    lines += ["", "Details: `index.html` in the run's report folder.", ""]
    return "\n".join(lines)
