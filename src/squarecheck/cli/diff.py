"""`squarecheck diff OLD NEW`: what changed between two runs (folders or results.json files).

Exit 1 when a check that passed (or warned) in OLD fails in NEW, else 0; exit 2 with one line
when an input is missing or not a results file.
"""

from __future__ import annotations

import argparse
import json
import sys

from squarecheck import exitcodes
from squarecheck.cli.common import declare, usage
from squarecheck.errors import ResultsError, UsageError
from squarecheck.options import resolve
from squarecheck.reports.compare import diff
from squarecheck.results import load


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options from the one options table."""
    declare(parser, "diff")


def execute(args: argparse.Namespace) -> int:
    try:
        settings = resolve("diff", vars(args))
        assert settings.old is not None and settings.new is not None  # positional: required
        old, new = load(settings.old), load(settings.new)
    except (UsageError, ResultsError) as exc:
        return usage("diff", str(exc))
    result = diff.compare(old, new)
    sys.stdout.write(diff.render_text(result))
    try:
        if settings.html_out:
            settings.html_out.write_text(diff.render_html(result), encoding="utf-8")
        if settings.json_out:
            data = {
                name: [c.as_dict() for c in result.section(name)] for name, _ in result.SECTIONS
            }
            settings.json_out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"squarecheck diff: cannot write report: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    return exitcodes.CONFORMANCE_FAILURE if result.failing else exitcodes.OK
