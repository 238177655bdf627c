"""`--summary-md FILE`: a short Markdown summary for a CI job page (no absolute links).

Check messages and observations carry a target's text, and a CI page renders Markdown and
inline HTML: every value is written with `md_text`, which shows control characters as escapes,
cuts it to a length, writes `<` and `&` as entities and backslash-escapes every character
that opens inline markup, so no link, image, tag, emphasis or table cell comes from a target.
The list of failing checks is capped too.
"""

from __future__ import annotations

import re
from typing import Any

from squarecheck.reports import matrix as mx
from squarecheck.reports import runs
from squarecheck.results import count
from squarecheck.spec.table import Table
from squarecheck.target.bounds import clip, printable

MAX_KEYS = 5
MAX_FAILING = 50  # rows of the failing-checks table
MAX_CELL = 200  # characters of one value
# What starts inline markup mid-line: code, emphasis, links and images, table cells,
# strikethrough, math, autolinks (`http:`, `user@host`, `www.`); `<` and `&` become entities (a
# `>` mid-line is plain text).
_PUNCTUATION = re.compile(r"([\\`*_\[\]!|~$:@])|(?<=www)(\.)", re.IGNORECASE)
_ENTITIES = {"&": "&amp;", "<": "&lt;"}


def md_text(text: str, limit: int = MAX_CELL) -> str:
    """`text` as literal Markdown text on one line: no markup, link, image or HTML survives."""
    flat = clip(printable(" ".join(text.split())), limit)
    escaped = _PUNCTUATION.sub(lambda m: "\\" + m.group(), flat)
    return re.sub("[&<]", lambda m: _ENTITIES[m.group()], escaped)


_cell = md_text


def render(results: dict[str, Any], table: Table, failing: int) -> str:
    """The whole summary: verdict, counts, failing checks, version behaviour."""
    run = results["run"]
    matrix = mx.build(results, table)
    counts = count(results["checks"])
    verdict = "FAIL" if failing else "PASS"
    lines = [
        f"## squarecheck {verdict}: run {md_text(str(run['id']))}",
        "",
        f"Target {md_text(runs.clean_target(str(run['target'])))}, versions "
        + ", ".join(md_text(v) for v in matrix.versions)
        + f", {float(run.get('duration', 0)):.1f} s.",
        "",
        "| " + " | ".join(md_text(k) for k in counts) + " | failing the run |",
        "|" + "---|" * (len(counts) + 1),
        "| " + " | ".join(str(n) for n in counts.values()) + f" | {failing} |",
        "",
    ]
    lines += _failing(results["checks"])
    lines += _version_behaviour(matrix)
    lines += ["", "Details: `index.html` in the run's report folder.", ""]
    return "\n".join(lines)


def _failing(checks: list[dict[str, Any]]) -> list[str]:
    """The checks that fail the run, then how many known failures the baseline lists."""
    lines: list[str] = []
    failed = [
        c
        for c in checks
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
        for c in failed[:MAX_FAILING]:
            why = (
                "stale baseline entry"
                if c.get("baseline", {}).get("status") == "stale"
                else (c.get("message") or "")
            )
            lines.append(
                f"| {_cell(c['key'])} | {_cell(c['behaviour'])} | {_cell(c['version'])} "
                f"| {_cell(why.splitlines()[0] if why else '')} |"
            )
        if len(failed) > MAX_FAILING:
            lines += ["", f"and {len(failed) - MAX_FAILING} more failing checks (see index.html)."]
        lines.append("")
    known = [c["id"] for c in checks if c.get("baseline", {}).get("status") == "known-failure"]
    if known:
        lines += [f"{len(known)} known failures listed in the baseline.", ""]
    return lines


def _version_behaviour(matrix: mx.Matrix) -> list[str]:
    """Observed changes counted per behaviour; the two flags name their checks (capped)."""
    findings: dict[str, dict[str, list[str]]] = {}
    for row in matrix.rows:
        for t in row.transitions:
            if t.finding in (mx.DOC_OBSERVED, mx.DOC_NOT_OBSERVED, mx.UNDOCUMENTED):
                group = md_text(f"{row.behaviour_id} ({t.old} → {t.new})")
                findings.setdefault(t.finding, {}).setdefault(group, []).append(row.key)
    lines = ["### Version behaviour", ""]
    for name in (mx.DOC_OBSERVED, mx.DOC_NOT_OBSERVED, mx.UNDOCUMENTED):
        groups = findings.get(name, {})
        total = sum(len(keys) for keys in groups.values())
        lines.append(f"- {name[0].upper() + name[1:]}: {total}")
        for group, keys in sorted(groups.items()):
            if name == mx.DOC_OBSERVED:
                lines.append(f"  - {group}: {len(keys)} checks")
                continue
            shown = ", ".join(md_text(k) for k in sorted(keys)[:MAX_KEYS])
            more = f" and {len(keys) - MAX_KEYS} more" if len(keys) > MAX_KEYS else ""
            lines.append(f"  - {group}: {shown}{more}")
    return lines
