"""The report stage: what runs after the suites, once pytest has written results.json.

`post_run` applies the baseline, decides the run's exit code (through `results.exit_code`),
writes junit.xml, the landing page and the optional reports, and rewrites results.json once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from squarecheck import results as res
from squarecheck.reports import index, junit, summary, timeline
from squarecheck.reports import upgrade as up
from squarecheck.reports.compare import baseline as bl
from squarecheck.reports.upgrade_md import headline
from squarecheck.spec.table import Table, is_well_formed, load_table


@dataclass
class PostRunResult:
    """What the report stage decided: checks that fail the run, the exit code, lines to print."""

    failing: int
    exit_code: int
    counts: dict[str, int]
    leftovers: int
    messages: list[str] = field(default_factory=list)
    #: the results as written (baseline marks, counts and exit code included)
    results: dict[str, Any] = field(default_factory=dict)


def _apply_baseline(results: dict[str, Any], baseline: Path | None, messages: list[str]) -> int:
    """Mark known failures and stale entries; returns how many checks fail the run."""
    # Marks of an earlier report stage on this folder never carry over: this call decides.
    results["run"].pop("baseline", None)
    for check in results["checks"]:
        check.pop("baseline", None)
    stale = 0
    if baseline is not None:
        applied = bl.apply(results, bl.parse(baseline), str(baseline))
        stale = len(applied.stale)
        messages += applied.messages()
    return stale + sum(
        1
        for c in results["checks"]
        if c["outcome"] == "failed" and c.get("baseline", {}).get("status") != bl.KNOWN
    )


def _upgrade_report(
    results: dict[str, Any], table: Table, run_dir: Path, upgrade: tuple[str, str]
) -> str:
    """Write upgrade.html / upgrade.json / upgrade.md; returns the line to print."""
    old, new = upgrade
    bad = [v for v in (old, new) if not is_well_formed(v)]
    if bad:
        return f"upgrade report skipped: {bad[0]!r} is not a YYYY-MM-DD version"
    results["run"]["upgrade"] = [old, new]
    report = up.write(results, table, run_dir, old, new)
    dates = sorted({c["since"] for c in report["changes"]})
    at = f"; cutovers crossed: {', '.join(dates)}" if dates else ""
    return f"upgrade {old} -> {new}: {headline(report)}{at} ({run_dir / 'upgrade.html'})"


def post_run(
    run_dir: Path,
    *,
    baseline: Path | None = None,
    summary_md: Path | None = None,
    upgrade: tuple[str, str] | None = None,
    stopped: bool = False,
    name: str | None = None,
    written: dict[str, Any] | None = None,
) -> PostRunResult:
    """Apply the baseline, write index.html (and the optional reports), rewrite results.json.

    A check fails the run when it failed and is not a known failure, or when it is a stale
    baseline entry (listed, but passes now). Raises `ReportError` (one line, no traceback
    needed) for a missing or malformed results.json or an unreadable baseline file.
    `written`: the document `results.write` just wrote to the folder's results.json (the run's
    own, validated as it was written); without it results.json is read and validated.
    """
    results_file = run_dir / "results.json"
    results = written if written is not None else res.load(results_file)
    table = load_table()
    messages: list[str] = []

    failing = _apply_baseline(results, baseline, messages)
    run = results["run"]
    if name:
        run["name"] = name  # the folder's name (--run-name)
    stopped = stopped or bool(run.get("stopped"))
    run["failing"] = failing
    run["exit_code"] = res.exit_code(res.count(results["checks"]), failing=failing, stopped=stopped)
    tally = res.tally(results)
    run["counts"] = tally.counts
    if upgrade is not None:
        messages.append(_upgrade_report(results, table, run_dir, upgrade))
    # read back validated; only a baseline's marks change the checks
    res.write(results_file, results, checks_valid=baseline is None)
    junit.write(results, run_dir)
    timeline.write(results, table, run_dir)
    index.write(results, table, run_dir)
    if summary_md is not None:
        summary_md.parent.mkdir(parents=True, exist_ok=True)
        summary_md.write_text(summary.render(results, table, failing), encoding="utf-8")
        messages.append(f"summary: {summary_md}")
    return PostRunResult(
        failing=tally.failing,
        exit_code=tally.exit_code,
        counts=tally.counts,
        leftovers=int(run.get("leftovers", 0)),
        messages=messages,
        results=results,
    )
