"""The suites proving themselves: the clean emulator must pass, every injected fault must fail.

Each target (the clean emulator, then `EmulatorServer(faults=(name,))` for each fault of the
catalogue) runs in its own process: the child starts its emulator and runs the suites in-process
with pytest and the squarecheck plugin, writing results.json. A small pool runs children in
parallel. The kill matrix says, per fault, which checks failed ("caught it") and whether one of
them belongs to a behaviour the fault is meant to break.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from squarecheck import exitcodes, results
from squarecheck.paths import suites_dir

SELFTEST_FUZZ_EXAMPLES = 5  # per operation and mode: a fault run stays a few seconds
SELFTEST_SEARCH_TIMEOUT = 1.0  # seconds
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
    from squarecheck.emulator.faults import CATALOGUE

    return CATALOGUE


def _child_command(fault: str | None, out: Path, keyword: str | None, examples: int) -> list[str]:
    argv = [sys.executable, "-m", "squarecheck.selftest", "--results-json", str(out)]
    argv += ["--fuzz-examples", str(examples)]
    if fault is not None:
        argv += ["--fault", fault]
    if keyword:
        argv += ["-k", keyword]
    return argv


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
        "counts": results.counts(run.records),
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
            "counts": results.counts(clean.records),
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
    fuzz_examples: int = SELFTEST_FUZZ_EXAMPLES,
    runner: Callable[[str | None, Path, str | None, int], TargetRun] = run_target,
) -> tuple[dict[str, Any], Path]:
    """Run the clean control and every fault; write selftest.json/.html; (document, run dir)."""
    chosen = dict(catalogue() if faults is None else faults)
    run_id = results.new_run_id()
    run_dir = report_dir / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    started_at, started = results.now_iso(), time.monotonic()
    targets: list[str | None] = [None, *chosen]
    with tempfile.TemporaryDirectory(prefix="squarecheck-selftest-") as tmp:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            done = list(pool.map(lambda f: runner(f, Path(tmp), keyword, fuzz_examples), targets))
    clean, by_fault = done[0], {run.fault: run for run in done[1:] if run.fault}
    doc: dict[str, Any] = {
        "format": 1,
        "run": {
            "id": run_id,
            "started_at": started_at,
            "finished_at": results.now_iso(),
            "duration": round(time.monotonic() - started, 2),
            "keyword": keyword,
            "fuzz_examples": fuzz_examples,
            "workers": workers,
        },
        **build_matrix(clean, chosen, by_fault),
    }
    (run_dir / "selftest.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    (run_dir / "selftest.html").write_text(render_html(doc), encoding="utf-8")
    return doc, run_dir


def terminal_table(doc: dict[str, Any]) -> str:
    """A short plain-text kill matrix."""
    rows = [("fault", "verdict", "intended", "checks that caught it")]
    clean = doc["clean"]
    failing = len(clean["failing"]) + len(clean["errors"])
    verdict = "passed" if clean["passed"] else f"{failing} failing" if failing else "error"
    rows.append(("(clean emulator)", verdict, "-", "-"))
    for row in doc["faults"]:
        caught = row["caught_by"]
        shown = ", ".join(sorted({c["behaviour"] for c in caught}))
        verdict = "error" if row["error"] else "killed" if row["killed"] else "SURVIVED"
        intended = "yes" if row["intended_caught"] else "no"
        rows.append((row["name"], verdict, intended, f"{len(caught)}: {shown}"[:70]))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3]
        for r in rows
    ]
    s = doc["summary"]
    lines.append(
        f"{s['killed']}/{s['faults']} faults killed, {s['intended_caught']} by a check of an "
        f"intended behaviour; survived: {', '.join(s['survived']) or 'none'}"
    )
    return "\n".join(lines)


STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#f2f2f2}.killed{color:#0a6b0a;font-weight:600}
.survived,.error{color:#b00020;font-weight:600}ul{margin:0;padding-left:1.1rem}
code{font-size:.9em}.muted{color:#666}
"""


def render_html(doc: dict[str, Any]) -> str:
    """selftest.html: self-contained, every value escaped, readable without scripts."""
    e = html.escape
    run, clean, summary = doc["run"], doc["clean"], doc["summary"]
    verdict = "passed" if clean["passed"] else "FAILED"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>squarecheck selftest {e(run['id'])}</title><style>{STYLE}</style></head><body>",
        f"<h1>squarecheck selftest <code>{e(run['id'])}</code></h1>",
        f"<p>{summary['killed']} of {summary['faults']} injected faults killed; "
        f"{summary['intended_caught']} caught by a check of a behaviour the fault targets. "
        f"Exit code {doc['exit_code']}. Finished {e(run['finished_at'])} in {run['duration']}s"
        f"{'; -k ' + e(run['keyword']) if run.get('keyword') else ''}.</p>",
        f"<h2>Positive control: the clean emulator {verdict}</h2>",
        "<p>" + e(", ".join(f"{n} {o}" for o, n in clean["counts"].items() if n)) + "</p>",
    ]
    if clean["failing"] or clean["errors"] or clean["error"]:
        items = [f"{c['id']} ({c['behaviour']})" for c in clean["failing"]] + clean["errors"]
        items += [clean["error"]] if clean["error"] else []
        parts.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in items) + "</ul>")
    parts.append(
        "<h2>Kill matrix</h2><table><thead><tr><th>fault</th><th>what it breaks</th>"
        "<th>intended behaviours</th><th>verdict</th><th>intended caught</th>"
        "<th>checks that caught it</th></tr></thead><tbody>"
    )
    for row in doc["faults"]:
        status = "error" if row["error"] else "killed" if row["killed"] else "survived"
        caught = "".join(
            f"<li>{'&#9733; ' if c['intended'] else ''}<code>{e(c['id'])}</code> "
            f"<span class='muted'>({e(c['behaviour'])})</span></li>"
            for c in row["caught_by"]
        )
        parts.append(
            f"<tr id='{e(row['name'])}'><td><code>{e(row['name'])}</code></td>"
            f"<td>{e(row['description'])}</td><td>{e(', '.join(row['behaviours']))}</td>"
            f"<td class='{status}'>{status}{': ' + e(row['error']) if row['error'] else ''}</td>"
            f"<td>{'yes' if row['intended_caught'] else 'no'}</td>"
            f"<td><ul>{caught}</ul></td></tr>"
        )
    parts.append(
        "</tbody></table><p class='muted'>&#9733; marks a check of a behaviour the fault "
        "is meant to break.</p></body></html>"
    )
    return "\n".join(parts) + "\n"


# -- the child process: one emulator, the suites in-process ---------------------------------------
def _child(argv: Sequence[str]) -> int:
    import argparse
    import secrets

    import pytest

    from squarecheck.emulator.server import EmulatorServer

    parser = argparse.ArgumentParser(prog="python -m squarecheck.selftest")
    parser.add_argument("--results-json", required=True)
    parser.add_argument("--fault", action="append", default=[])
    parser.add_argument("-k", dest="keyword")
    parser.add_argument("--fuzz-examples", type=int, default=SELFTEST_FUZZ_EXAMPLES)
    args = parser.parse_args(argv)
    suites = suites_dir()
    with EmulatorServer(host="127.0.0.1", port=0, faults=tuple(args.fault)) as server:
        pytest_args = [str(suites), "-c", str(suites / "pytest.ini"), "--rootdir", str(suites)]
        pytest_args += ["-q", "--target", server.url]
        pytest_args += ["--target-kind", "emulator", "--strict-assumed"]
        pytest_args += ["--results-json", args.results_json]
        pytest_args += ["--fuzz-examples", str(args.fuzz_examples)]
        # the emulator here has no search lag: a consistent search shows at once, so a short
        # poll judges a never-consistent search as surely as the remote default would
        pytest_args += ["--search-timeout", str(SELFTEST_SEARCH_TIMEOUT)]
        pytest_args += ["--run-id", f"selftest-{secrets.token_hex(3)}"]
        if args.keyword:
            pytest_args += ["-k", args.keyword]
        for name in ("SQUARECHECK_TOKEN", "SQUARE_TOKEN", "SQUARECHECK_SECOND_TOKEN"):
            os.environ.pop(name, None)  # the emulator gets two generated sellers
        return int(pytest.main(pytest_args))


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
