"""The verdict in the terminal: readable in ten seconds, the same under `squarecheck run` and
plain pytest (the plugin prints it).

Root causes first (one line and a few names each), then one block per failure (at most
BLOCK_LINES lines: the check, what the table expects with its basis and evidence, what was
observed, the first difference, the request and a curl line), skip reasons, flags as one line,
and the tallies from `results.tally`. Blocks past MAX_BLOCKS are counted, not shown: index.html
lists them all. Every line is escaped (`printable`) and cut (`clip`): a target wrote most of it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from squarecheck import exitcodes
from squarecheck.reports import failures as fl
from squarecheck.reports import matrix as mx
from squarecheck.results import tally
from squarecheck.spec.table import Table
from squarecheck.target.bounds import clip, printable

_BREAKS = re.compile(r"\s*[\r\n\t]+\s*")
MAX_BLOCKS = 12
MAX_NAMES = 3  # checks named under a root cause
MAX_SKIP_REASONS = 5
LINE = 240  # characters of one line (a curl line gets CURL)
CURL = 600
BLOCK_LINES = 8
MEANING = {
    exitcodes.OK: "conforms",
    exitcodes.CONFORMANCE_FAILURE: "conformance failure",
    exitcodes.USAGE: "usage or configuration error",
    exitcodes.TOOL_ERROR: "tool error: no verdict",
}


def _line(text: str, limit: int = LINE) -> str:
    """One terminal line: its indent kept, the rest on one line, escaped and cut."""
    return clip(printable(_BREAKS.sub(" ", text.rstrip())), limit)


def cause_lines(cause: fl.Cause) -> list[str]:
    names = [c["id"] for c in cause.checks[:MAX_NAMES]]
    more = len(cause.checks) - len(names)
    tail = f" and {more} more" if more else ""
    example = cause.example
    return [
        _line(f"CAUSE   {cause.headline}"),
        _line(f"  behaviour {', '.join(cause.behaviours)}"),
        _line(f"  checks    {'; '.join(names)}{tail}"),
        _line(f"  expected  {example.expected} ({example.basis}; {example.checks[0]['id']})"),
        _line(f"  observed  {example.observed}"),
    ]


def block(failure: fl.Failure) -> list[str]:
    """One failure in at most BLOCK_LINES lines."""
    label = "FAILED" if failure.outcome == "failed" else "ERROR "
    source = f"; {failure.source}" if failure.source else ""
    lines = [
        _line(f"{label}  {failure.title} [{failure.behaviour}, {failure.basis}]"),
        _line(f"  expected  {failure.expected} ({failure.basis}{source})"),
        _line(f"  observed  {failure.observed}"),
        _line(f"  differs   {failure.why}"),
    ]
    exchange = failure.exchange
    if exchange.request:
        first = exchange.request.splitlines()[0]
        answer = f" -> {exchange.status}" if exchange.status else ""
        lines.append(_line(f"  request   {first}{answer}"))
    if exchange.curl:
        lines.append(_line(f"  curl      {exchange.curl}", CURL))
    return lines[:BLOCK_LINES]


def _skips(checks: list[dict[str, Any]]) -> list[str]:
    reasons = Counter(
        " ".join((c.get("message") or "no reason given").split())
        for c in checks
        if c["outcome"] == "skipped"
    )
    lines = [
        _line(f"SKIPPED {n} {'check' if n == 1 else 'checks'}: {reason}")
        for reason, n in reasons.most_common(MAX_SKIP_REASONS)
    ]
    rest = sum(reasons.values()) - sum(n for _, n in reasons.most_common(MAX_SKIP_REASONS))
    return lines + ([f"SKIPPED {rest} more checks for other reasons"] if rest else [])


def _flags(results: dict[str, Any], table: Table) -> list[str]:
    found = Counter(flag for row in mx.build(results, table).rows for flag in row.flags)
    if not found:
        return []
    shown = ", ".join(f"{n} {flag}" for flag, n in found.items())
    return [_line(f"FLAGS   {shown} (version matrix in index.html#flags)")]


def render(
    results: dict[str, Any], table: Table, run_dir: Path, messages: list[str], leftovers: str
) -> list[str]:
    """Every line of the verdict, after the progress dots."""
    found = fl.collect(results)
    run = results["run"]
    lines: list[str] = [_line(f"STOPPED {run['stopped']}")] if run.get("stopped") else []
    for cause in found.causes:
        lines += cause_lines(cause)
    for failure in found.failures[:MAX_BLOCKS]:
        lines += block(failure)
    hidden = found.failures[MAX_BLOCKS:]
    if hidden:
        more = sum(len(f.checks) for f in hidden)
        lines.append(f"... and {more} more failing checks: {run_dir / 'index.html'}#failures")
    lines += _skips(results["checks"])
    lines += _flags(results, table)
    lines += [_line(m) for m in messages]
    if leftovers:
        lines.append(_line(leftovers))
    counts = tally(results)
    target = run.get("target", "")
    lines.append(
        _line(
            f"squarecheck: {counts.line()} against {target} under {', '.join(run['versions'])}; "
            f"exit {counts.exit_code} ({MEANING.get(counts.exit_code, '')})"
        )
    )
    lines.append(f"reports: {run_dir}/ (index.html, report.html, junit.xml, results.json)")
    return lines
