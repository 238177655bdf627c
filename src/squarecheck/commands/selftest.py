"""`squarecheck selftest`: the suites against the clean emulator and against every injected fault.

Exit 0 when the clean emulator passes every check and every fault makes at least one check
fail; 1 when the clean emulator fails a check or a fault survives; 3 when a run could not
be judged (a child crashed, a check errored on the clean emulator).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from squarecheck import exitcodes


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options; each has an env-var twin SQUARECHECK_<NAME>."""
    add = parser.add_argument
    add("--report-dir", help="where run folders go (default: reports) [REPORT_DIR]")
    add("--workers", type=int, metavar="N", help="targets run in parallel (default: CPU count)")
    add("--fault", action="append", metavar="NAME", help="only these faults (repeatable)")
    add("-k", "--keyword", dest="keyword", help="pytest -k expression selecting checks")
    add("--fuzz-examples", type=int, metavar="N", help="generated cases per operation and mode "
        "in the fuzz suite (default 5 here)")  # fmt: skip
    add("--list", action="store_true", help="list the faults and exit")


def _fail(message: str) -> int:
    print(f"squarecheck selftest: {message}", file=sys.stderr)
    return exitcodes.USAGE


def execute(args: argparse.Namespace) -> int:
    from squarecheck import selftest

    try:
        known = selftest.catalogue()
    except ImportError as exc:  # pragma: no cover - the emulator ships with the package
        print(f"squarecheck selftest: no fault catalogue: {exc}", file=sys.stderr)
        return exitcodes.TOOL_ERROR
    if args.list:
        for name, fault in known.items():
            print(f"{name}: {fault.description} [{', '.join(fault.behaviours)}]")
        return exitcodes.OK
    unknown = [n for n in args.fault or [] if n not in known]
    if unknown:
        return _fail(f"unknown fault {unknown[0]!r} (see --list)")
    workers = args.workers if args.workers is not None else (os.cpu_count() or 2)
    if workers < 1:
        return _fail("--workers must be at least 1")
    examples = args.fuzz_examples or selftest.SELFTEST_FUZZ_EXAMPLES
    if examples < 1:
        return _fail("--fuzz-examples must be at least 1")
    chosen = {n: known[n] for n in args.fault} if args.fault else dict(known)
    report_dir = Path(args.report_dir or os.environ.get("SQUARECHECK_REPORT_DIR") or "reports")
    try:
        doc, run_dir = selftest.run_selftest(
            report_dir,
            faults=chosen,
            workers=workers,
            keyword=args.keyword,
            fuzz_examples=examples,
        )
    except OSError as exc:
        print(f"squarecheck selftest: {exc}", file=sys.stderr)
        return exitcodes.TOOL_ERROR
    if doc["clean"]["error"] is None and not any(doc["clean"]["counts"].values()):
        return _fail(f"no check matches -k {args.keyword!r}")
    print(selftest.terminal_table(doc))
    print(f"kill matrix: {run_dir / 'selftest.html'} and selftest.json")
    code: int = doc["exit_code"]
    return code
