"""One selftest child: an emulator (clean or with one fault) and the suites run in-process.

`python -m squarecheck.selftest.child --results-json F [--fault NAME] [-k EXPR]
[--fuzz-examples N]`; the parent (`orchestrate`) runs one per target so that a crash of one
cannot take the others down. Its options come from the one options table (command `child`);
the suites' command line is generated from it like `squarecheck run`'s.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from squarecheck import exitcodes
from squarecheck.emulator.embedded import embedded_emulator
from squarecheck.errors import UsageError
from squarecheck.options import argparse_kwargs, names_for, options_for, resolve
from squarecheck.options.pytest_args import pytest_args
from squarecheck.target.resolve import Target

SELFTEST_SEARCH_TIMEOUT = 1.0  # seconds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m squarecheck.selftest.child")
    for option in options_for("child"):
        parser.add_argument(*names_for(option, "child"), **argparse_kwargs(option, "child"))
    return parser


def _child(argv: Sequence[str]) -> int:
    import pytest

    try:
        settings = resolve("child", vars(_parser().parse_args(argv)), environ={})
    except UsageError as exc:
        print(f"squarecheck selftest child: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    if settings.results_json is None:
        print("squarecheck selftest child: --results-json is needed", file=sys.stderr)
        return exitcodes.USAGE
    # checks of assumed behaviours fail here: the emulator implements the table's choices
    settings.strict = True
    # the emulator here has no search lag: a consistent search shows at once, so a short
    # poll judges a never-consistent search as surely as the remote default would
    settings.search_timeout = SELFTEST_SEARCH_TIMEOUT
    settings.run_id = f"selftest-{settings.run_id}"
    settings.report_dir = settings.results_json.parent / f"{settings.results_json.stem}-reports"
    with embedded_emulator(faults=settings.inject or ()) as embedded:
        os.environ.pop("SQUARE_TOKEN", None)
        os.environ["SQUARECHECK_TOKEN"] = embedded.token
        os.environ["SQUARECHECK_SECOND_TOKEN"] = embedded.second_token
        target = Target(url=embedded.url, kind="emulator")
        return int(pytest.main(pytest_args(settings, target)))


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
