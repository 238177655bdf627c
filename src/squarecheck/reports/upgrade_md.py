"""`upgrade.md`: the upgrade report as Markdown a team pastes into a pull request.

Rendered from the same model as upgrade.html and upgrade.json (`upgrade.build`): a headline
with the counts (`headline`, which the HTML page and the terminal line print too), then the
changes a client crosses, grouped by the cutover they start in, each with what a client sees
before and after and its evidence, then the differences the run observed that the table does
not predict. Every value is written with `summary.md_text`, so nothing in it (a target's text, a
table entry) becomes a link, an image or markup; evidence links are written only for http(s)
addresses, and no link points into the run folder, which a pull request cannot reach.
"""

from __future__ import annotations

import re
from typing import Any

from squarecheck.reports import runs
from squarecheck.reports.summary import md_text

MAX_UNDOCUMENTED = 50  # rows of the undocumented-differences table
_SAFE_URL = re.compile(r"^https?://[^\s<>()\\]+$", re.IGNORECASE)


def headline(report: dict[str, Any]) -> str:
    """The counts in one sentence, the same in every rendering."""
    counts = report["counts"]
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(counts["by_status"].items()))
    return (
        f"{counts['changes']} documented changes in {counts['behaviours']} behaviours"
        + (f" (behaviours: {statuses})" if statuses else "")
        + f", {counts['undocumented']} undocumented differences observed"
    )


def _link(href: str, label: str) -> str:
    text = md_text(label or href, 120)
    return f"[{text}](<{href}>)" if _SAFE_URL.match(href) else text


def _change(change: dict[str, Any]) -> list[str]:
    evidence = "; ".join(_link(e["href"], e["label"]) for e in change["evidence"])
    return [
        f"- **{md_text(change['behaviour'])}**: {md_text(change['title'])} "
        f"({md_text(change['basis'])}; this run: {md_text(change['status'])})",
        f"  - before: {md_text(change['before'], 400)}",
        f"  - after, what a client must handle: {md_text(change['after'], 400)}",
        f"  - evidence: {evidence or 'none recorded'}",
    ]


def _side(side: dict[str, Any] | None) -> str:
    if side is None:
        return "not run"
    return md_text(f"{side['outcome']}: {runs.describe(side['observed'])}")


def render_md(report: dict[str, Any]) -> str:
    old, new = md_text(report["from"]), md_text(report["to"])
    lines = [
        f"## Upgrading Square-Version {old} → {new}",
        "",
        f"{old} behaves as {md_text(report['resolved']['from'])}, {new} as "
        f"{md_text(report['resolved']['to'])}. **{md_text(headline(report))}** "
        f"(run {md_text(str(report['run']))} against {md_text(report.get('target', ''))}).",
        "",
    ]
    current = None
    for change in report["changes"]:
        if change["since"] != current:
            current = change["since"]
            lines += ["", f"### Changes at {md_text(current)}", ""]
        lines += _change(change)
    if not report["changes"]:
        lines.append("The behaviour table documents no change between these versions.")
    lines += ["", "### Undocumented differences", ""]
    rows = report["undocumented"]
    if not rows:
        lines.append("No check observed a difference the table does not predict.")
    else:
        lines += [f"| check | {old} | {new} |", "|---|---|---|"]
        for row in rows[:MAX_UNDOCUMENTED]:
            lines.append(f"| {md_text(row['key'])} | {_side(row['from'])} | {_side(row['to'])} |")
        if len(rows) > MAX_UNDOCUMENTED:
            lines += ["", f"and {len(rows) - MAX_UNDOCUMENTED} more (see upgrade.html)."]
    lines += ["", "Details with each check's evidence: `upgrade.html` in the run folder.", ""]
    return "\n".join(lines)
