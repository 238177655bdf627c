"""`squarecheck diff OLD NEW`: what changed between two runs (folders or results.json files).

Exit 1 when a check that passed (or warned) in OLD fails in NEW, else 0; exit 2 with one line
when an input is missing or not a results file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from squarecheck import exitcodes
from squarecheck.errors import ResultsError
from squarecheck.reports import diff
from squarecheck.results import load


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("old", type=Path, metavar="OLD", help="run folder or results.json")
    parser.add_argument("new", type=Path, metavar="NEW", help="run folder or results.json")
    parser.add_argument("--html", type=Path, metavar="FILE", help="also write the diff as HTML")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the diff as JSON")


def execute(args: argparse.Namespace) -> int:
    try:
        old, new = load(args.old), load(args.new)
    except ResultsError as exc:
        print(f"squarecheck diff: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    result = diff.compare(old, new)
    sys.stdout.write(diff.render_text(result))
    try:
        if args.html:
            args.html.write_text(diff.render_html(result), encoding="utf-8")
        if args.json:
            data = {
                name: [c.as_dict() for c in result.section(name)] for name, _ in result.SECTIONS
            }
            args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"squarecheck diff: cannot write report: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    return exitcodes.CONFORMANCE_FAILURE if result.failing else exitcodes.OK
