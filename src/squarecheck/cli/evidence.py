"""`squarecheck evidence RUN`: a run against a real target as evidence for the table.

It writes what the target did on every `assumed` or `inferred` row the run checked to
`specs/observations/<run id>.json` (redacted exchanges included, as the run recorded them) and
prints a unified diff of `specs/behaviours.yaml` for a maintainer to review: those rows become
`observed`, citing that file, with the target's answer as the expectation where it differed.
`git apply` takes the diff. Exit 0 with a proposal (or nothing to propose), 2 with one line
when the run is missing, judged the embedded emulator, or a path is unusable, 3 when the table
cannot take the proposal.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from squarecheck import exitcodes
from squarecheck.errors import ReportError, ResultsError
from squarecheck.reports.evidence.observations import observation_name, observe, write_observations
from squarecheck.reports.evidence.proposal import proposals, proposed_text, unified_diff
from squarecheck.results import load
from squarecheck.spec.table import TableError, load_table_file, table_path
from squarecheck.target.resolve import PRODUCTION_HOST, SANDBOX_URL

#: The hosts whose answers are Square's own; any other target's are observations of that target.
SQUARE_HOSTS = frozenset({PRODUCTION_HOST, urlsplit(SANDBOX_URL).hostname})


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("run", type=Path, metavar="RUN", help="run folder or results.json")
    parser.add_argument(
        "--table",
        type=Path,
        metavar="FILE",
        help="the behaviour table to propose a change of [SQUARECHECK_TABLE] "
        "(default specs/behaviours.yaml)",
    )
    parser.add_argument(
        "--observations",
        type=Path,
        metavar="DIR",
        help="where the observation file goes (default: observations/ beside the table)",
    )
    parser.add_argument(
        "--diff", type=Path, metavar="FILE", help="write the diff here instead of stdout"
    )


def _fail(message: str, code: int = exitcodes.USAGE) -> int:
    print(f"squarecheck evidence: {message}", file=sys.stderr)
    return code


def _label(path: Path) -> str:
    """The table's path as a diff names it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix().lstrip("/")


def execute(args: argparse.Namespace) -> int:
    try:
        results = load(args.run)
    except ResultsError as exc:
        return _fail(str(exc))
    if results["run"]["target_kind"] == "emulator":
        return _fail("the run judged the embedded emulator; evidence comes from a real target")
    host = urlsplit(str(results["run"].get("target") or "")).hostname
    if host not in SQUARE_HOSTS:
        print(
            f"squarecheck evidence: note: the run's target ({host}) is not Square's; review the "
            "proposal as what that target does, not as what Square does",
            file=sys.stderr,
        )
    table_file = args.table or table_path()
    try:
        table = load_table_file(table_file)
        text = table_file.read_text(encoding="utf-8")
    except (TableError, OSError) as exc:
        return _fail(" ".join(str(exc).split()))
    folder = args.observations or table_file.parent / "observations"
    observations = observe(results, table)
    name = observation_name(results)
    changes = proposals(table, observations, name)
    try:
        new = proposed_text(text, changes)
    except ReportError as exc:
        return _fail(str(exc), exitcodes.TOOL_ERROR)
    try:
        written = write_observations(results, observations, folder)
        diff = unified_diff(text, new, _label(table_file))
        if args.diff:
            args.diff.write_text(diff, encoding="utf-8")
        else:
            sys.stdout.write(diff)
    except OSError as exc:
        return _fail(f"cannot write: {exc}")
    derived = sum(1 for c in changes if c.derived)
    print(
        f"squarecheck evidence: {len(changes)} rows and periods observed, {derived} proposed as "
        f"observed, {len(changes) - derived} left for a person; observations in "
        f"{os.path.relpath(written)}",
        file=sys.stderr,
    )
    return exitcodes.OK
