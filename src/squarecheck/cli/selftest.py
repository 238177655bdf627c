"""`squarecheck selftest`: the suites against the clean emulator and against every injected fault.

Exit 0 when the clean emulator passes every check and every fault makes at least one check
fail; 1 when the clean emulator fails a check or a fault survives; 3 when a run could not
be judged (a child crashed, a check errored on the clean emulator).
"""

from __future__ import annotations

import argparse
import sys

from squarecheck import exitcodes
from squarecheck.cli.common import declare, usage
from squarecheck.errors import UsageError
from squarecheck.options import resolve


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options from the one options table."""
    declare(parser, "selftest")


def execute(args: argparse.Namespace) -> int:
    from squarecheck.selftest import html, orchestrate

    try:
        settings = resolve("selftest", vars(args))
    except UsageError as exc:
        return usage("selftest", str(exc))
    known = orchestrate.catalogue()
    if settings.list_faults:
        for name, fault in known.items():
            print(f"{name}: {fault.description} [{', '.join(fault.behaviours)}]")
        return exitcodes.OK
    unknown = [n for n in settings.fault or [] if n not in known]
    if unknown:
        return usage("selftest", f"unknown fault {unknown[0]!r} (see --list)")
    chosen = {n: known[n] for n in settings.fault} if settings.fault else dict(known)
    try:
        doc, run_dir = orchestrate.run_selftest(
            settings.report_dir,
            faults=chosen,
            workers=settings.parallel,
            keyword=settings.keyword,
            fuzz_examples=settings.selftest_examples,
            all_checks=settings.all_checks,
        )
    except OSError as exc:
        print(f"squarecheck selftest: {exc}", file=sys.stderr)
        return exitcodes.TOOL_ERROR
    if doc["clean"]["error"] is None and not any(doc["clean"]["counts"].values()):
        return usage("selftest", f"no check matches -k {settings.keyword!r}")
    print(html.terminal_table(doc))
    print(f"kill matrix: {run_dir / 'selftest.html'} and selftest.json")
    code: int = doc["exit_code"]
    return code
