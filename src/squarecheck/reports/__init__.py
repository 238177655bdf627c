"""Report builders that run after the suites: landing page and matrix, baseline, summaries.

`post_run` is the single entry point `squarecheck run` calls once pytest has written
`results.json`; it returns how many checks fail the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from squarecheck import exitcodes
from squarecheck.behaviours import is_well_formed, load_table
from squarecheck.reports import baseline as bl
from squarecheck.reports import index, runs, summary
from squarecheck.reports import matrix as mx
from squarecheck.reports import upgrade as up
from squarecheck.reports.runs import ReportError

__all__ = ["PostRunResult", "ReportError", "post_run"]


@dataclass
class PostRunResult:
    """What the report stage decided: checks that fail the run, and lines to print."""

    failing: int
    messages: list[str] = field(default_factory=list)


def post_run(
    run_dir: Path,
    *,
    baseline: Path | None = None,
    summary_md: Path | None = None,
    upgrade: tuple[str, str] | None = None,
) -> PostRunResult:
    """Apply the baseline, write index.html (and the optional reports), rewrite results.json.

    A check fails the run when it failed and is not a known failure, or when it is a stale
    baseline entry (listed, but passes now). Raises `ReportError` (one line, no traceback
    needed) for a missing or malformed results.json or an unreadable baseline file.
    """
    results_file = run_dir / "results.json"
    results = runs.load(results_file)
    table = load_table()
    messages: list[str] = []

    # Marks of an earlier report stage on this folder never carry over: this call decides.
    results["run"].pop("baseline", None)
    for check in results["checks"]:
        check.pop("baseline", None)
    stale = 0
    if baseline is not None:
        applied = bl.apply(results, bl.parse(baseline), str(baseline))
        stale = len(applied.stale)
        messages += applied.messages()
    failing = stale + sum(
        1
        for c in results["checks"]
        if c["outcome"] == "failed" and c.get("baseline", {}).get("status") != bl.KNOWN
    )

    run = results["run"]
    run["counts"] = runs.count_outcomes(results["checks"])
    run["failing"] = failing
    prior = run.get("exit_code", exitcodes.OK)
    # Same order as the run command: a conformance failure, else a tool error, else OK.
    if failing:
        run["exit_code"] = exitcodes.CONFORMANCE_FAILURE
    elif run["counts"]["error"]:
        run["exit_code"] = exitcodes.TOOL_ERROR
    elif prior in (exitcodes.USAGE, exitcodes.TOOL_ERROR):
        run["exit_code"] = prior
    else:
        run["exit_code"] = exitcodes.OK

    if upgrade is not None:
        old, new = upgrade
        bad = [v for v in (old, new) if not is_well_formed(v)]
        if bad:
            messages.append(f"upgrade report skipped: {bad[0]!r} is not a YYYY-MM-DD version")
        else:
            run["upgrade"] = [old, new]
            report = up.write(results, table, run_dir, old, new)
            messages.append(
                f"upgrade {old} -> {new}: {len(report['documented'])} documented changes, "
                f"{len(report['undocumented'])} undocumented differences "
                f"({run_dir / 'upgrade.html'})"
            )

    runs.validate(results)
    runs.write(results_file, results)
    page = index.write(results, table, run_dir)
    matrix = mx.build(results, table)
    for row in matrix.rows:
        for flag in row.flags:
            messages.append(f"{flag}: {row.key} ({row.behaviour_id})")
    messages.append(f"report: {page}")
    if summary_md is not None:
        summary_md.parent.mkdir(parents=True, exist_ok=True)
        summary_md.write_text(summary.render(results, table, failing), encoding="utf-8")
        messages.append(f"summary: {summary_md}")
    return PostRunResult(failing=failing, messages=messages)
