"""The suites proving themselves: the clean emulator must pass, every injected fault must fail.

Each target (the clean emulator, then `EmulatorServer(faults=(name,))` for each fault of the
catalogue) runs in its own process: the child starts its emulator and runs the suites in-process
with pytest and the squarecheck plugin, writing results.json. A small pool runs children in
parallel. The kill matrix says, per fault, which checks failed ("caught it") and whether one of
them belongs to a behaviour the fault is meant to break.

A fault's child runs only the checks of the behaviours it targets (`-k` on their ids, which the
plugin adds to every check's keywords; -k matches substrings, so an id containing one runs too):
that is what decides "killed by an intended check", at a fraction of the cost. `all_checks`
runs every check against every fault, to see collateral catches.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from squarecheck import exitcodes
from squarecheck.results import count, new_run_id, now_iso
from squarecheck.selftest.html import render_html

CHILD_TIMEOUT = 600.0


class FaultLike(Protocol):
    """What the kill matrix needs from a catalogue entry."""

    @property
    def description(self) -> str: ...

    @property
    def behaviours(self) -> tuple[str, ...]: ...


@dataclass
class TargetRun:
    """One target's run of the suites: its records, or why there are none."""

    fault: str | None
    records: list[dict[str, Any]] = field(default_factory=list)
    duration: float = 0.0
    error: str | None = None

    def with_outcome(self, *outcomes: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["outcome"] in outcomes]


def catalogue() -> Mapping[str, FaultLike]:
    """The emulator's fault catalogue."""
    from squarecheck.emulator.faults.catalogue import CATALOGUE

    return CATALOGUE


def _child_command(fault: str | None, out: Path, keyword: str | None, examples: int) -> list[str]:
    argv = [sys.executable, "-m", "squarecheck.selftest.child", "--results-json", str(out)]
    argv += ["--fuzz-examples", str(examples)]
    if fault is not None:
        argv += ["--fault", fault]
    if keyword:
        argv += ["-k", keyword]
    return argv


def focus(keyword: str | None, fault: FaultLike | None) -> str | None:
    """The -k expression for one target: the user's, narrowed to the fault's behaviours."""
    if fault is None or not fault.behaviours:
        return keyword
    own = " or ".join(fault.behaviours)
    return f"({keyword}) and ({own})" if keyword else own


def run_target(fault: str | None, workdir: Path, keyword: str | None, examples: int) -> TargetRun:
    """Run the suites against one emulator (clean when `fault` is None) in a child process."""
    label = fault or "clean"
    out = workdir / f"{label}.json"
    log = workdir / f"{label}.log"
    started = time.monotonic()
    run = TargetRun(fault)
    try:
        with open(log, "w", encoding="utf-8") as sink:
            proc = subprocess.run(
                _child_command(fault, out, keyword, examples),
                stdout=sink,
                stderr=subprocess.STDOUT,
                timeout=CHILD_TIMEOUT,
                check=False,
            )
    except subprocess.TimeoutExpired:
        run.error = f"the suites did not finish within {CHILD_TIMEOUT:g}s"
    else:
        if out.is_file():
            run.records = json.loads(out.read_text(encoding="utf-8"))["checks"]
        else:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            run.error = f"exit {proc.returncode} without results: {' | '.join(tail)}"
    run.duration = round(time.monotonic() - started, 2)
    return run


def _kill_row(name: str, fault: FaultLike, run: TargetRun) -> dict[str, Any]:
    caught = run.with_outcome("failed", "warned")
    intended = set(fault.behaviours)
    return {
        "name": name,
        "description": fault.description,
        "behaviours": list(fault.behaviours),
        "killed": bool(caught),
        "intended_caught": any(r["behaviour"] in intended for r in caught),
        "caught_by": [
            {
                "id": r["id"],
                "behaviour": r["behaviour"],
                "intended": r["behaviour"] in intended,
                "message": (r.get("message") or "").split("\n", 1)[0][:300],
            }
            for r in caught
        ],
        "counts": count(run.records),
        "duration": run.duration,
        "error": run.error,
    }


def build_matrix(
    clean: TargetRun, faults: Mapping[str, FaultLike], runs: Mapping[str, TargetRun]
) -> dict[str, Any]:
    """The kill matrix: the clean control, then one row per fault."""
    rows = [_kill_row(name, fault, runs[name]) for name, fault in faults.items()]
    survived = [r["name"] for r in rows if not r["killed"] and r["error"] is None]
    tool_errors = [r["name"] for r in rows if r["error"] is not None]
    clean_bad = clean.with_outcome("failed", "warned")
    clean_errors = clean.with_outcome("error")
    if clean.error is not None or tool_errors or clean_errors:
        code = exitcodes.TOOL_ERROR
    elif clean_bad or survived:
        code = exitcodes.CONFORMANCE_FAILURE
    else:
        code = exitcodes.OK
    return {
        "clean": {
            "passed": clean.error is None and not clean_bad and not clean_errors,
            "counts": count(clean.records),
            "failing": [{"id": r["id"], "behaviour": r["behaviour"]} for r in clean_bad],
            "errors": [r["id"] for r in clean_errors],
            "duration": clean.duration,
            "error": clean.error,
        },
        "faults": rows,
        "summary": {
            "faults": len(rows),
            "killed": sum(1 for r in rows if r["killed"]),
            "intended_caught": sum(1 for r in rows if r["intended_caught"]),
            "survived": survived,
            "tool_errors": tool_errors,
        },
        "exit_code": code,
    }


def run_selftest(
    report_dir: Path,
    *,
    faults: Mapping[str, FaultLike] | None = None,
    workers: int = 2,
    keyword: str | None = None,
    fuzz_examples: int,
    all_checks: bool = False,
    runner: Callable[[str | None, Path, str | None, int], TargetRun] = run_target,
) -> tuple[dict[str, Any], Path]:
    """Run the clean control and every fault; write selftest.json/.html; (document, run dir)."""
    chosen = dict(catalogue() if faults is None else faults)
    run_id = new_run_id()
    run_dir = report_dir / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    started_at, started = now_iso(), time.monotonic()
    targets: list[str | None] = [None, *chosen]
    with tempfile.TemporaryDirectory(prefix="squarecheck-selftest-") as tmp:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:

            def one(name: str | None) -> TargetRun:
                fault = chosen.get(name) if name and not all_checks else None
                return runner(name, Path(tmp), focus(keyword, fault), fuzz_examples)

            done = list(pool.map(one, targets))
    clean, by_fault = done[0], {run.fault: run for run in done[1:] if run.fault}
    doc: dict[str, Any] = {
        "format": 1,
        "run": {
            "id": run_id,
            "started_at": started_at,
            "finished_at": now_iso(),
            "duration": round(time.monotonic() - started, 2),
            "keyword": keyword,
            "all_checks": all_checks,
            "fuzz_examples": fuzz_examples,
            "workers": workers,
        },
        **build_matrix(clean, chosen, by_fault),
    }
    (run_dir / "selftest.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    (run_dir / "selftest.html").write_text(render_html(doc), encoding="utf-8")
    return doc, run_dir
