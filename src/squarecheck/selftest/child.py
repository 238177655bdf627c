"""One selftest child: an emulator (clean or with one fault) and the suites run in-process.

`python -m squarecheck.selftest.child --results-json F [--fault NAME] [-k EXPR]`; the parent
(`orchestrate`) runs one per target so that a crash of one cannot take the others down.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from squarecheck.paths import suites_dir

SELFTEST_SEARCH_TIMEOUT = 1.0  # seconds


def _child(argv: Sequence[str]) -> int:
    import argparse
    import secrets

    import pytest

    from squarecheck.emulator.server import EmulatorServer

    parser = argparse.ArgumentParser(prog="python -m squarecheck.selftest")
    parser.add_argument("--results-json", required=True)
    parser.add_argument("--fault", action="append", default=[])
    parser.add_argument("-k", dest="keyword")
    parser.add_argument("--fuzz-examples", type=int, required=True)
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
