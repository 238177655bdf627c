"""Misconfigured runs as a new user makes them: each ends at once with the right exit code and
at most three lines that name the fix, never a page of failures.

Lines pytest itself prints at the end (its closing line, pytest-html's report path) are not
squarecheck's diagnosis and are not counted.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from squarecheck.emulator.server import EmulatorServer
from squarecheck.spec.table import load_table
from tests.support.interpreter import run_python
from tests.support.suites import RunResult, clean_env, closed_port

MAX_SECONDS = 15.0
PYTEST_OWN = ("no tests ran", "- Generated html report", "deselected in")


def diagnosis(run: RunResult) -> list[str]:
    """squarecheck's lines of a finished run: stdout and stderr, without pytest's own."""
    lines = (run.stdout + run.stderr).splitlines()
    return [x for x in lines if x.strip() and not any(own in x for own in PYTEST_OWN)]


def _timed(run: Callable[[], RunResult]) -> RunResult:
    started = time.monotonic()
    result = run()
    assert time.monotonic() - started < MAX_SECONDS
    return result


REMOTE_CASES = [
    # (what is wrong, target suffix or scheme change, token, exit code, words of the fix)
    ("token pasted with Bearer", "", "Bearer abc", 3, "without it"),
    ("base URL ending in /v2", "/v2", "abc", 3, "use --target http://127.0.0.1:"),
    ("https to a plain-HTTP server", "https", "abc", 3, "use --target http://127.0.0.1:"),
]


@pytest.mark.parametrize(("case", "change", "token", "code", "fix"), REMOTE_CASES)
def test_setup_mistake_against_a_server(
    run_cli: Callable[..., RunResult],
    emulator: EmulatorServer,
    case: str,
    change: str,
    token: str,
    code: int,
    fix: str,
) -> None:
    """A setup mistake ends the run before any check, in at most 3 lines naming the fix."""
    url = emulator.url.replace("http://", "https://") if change == "https" else emulator.url
    url += change if change.startswith("/") else ""
    run = _timed(lambda: run_cli("--target", url, "--token", token, "-k", "unrecognized"))
    lines = diagnosis(run)
    assert run.code == code, case
    assert len(lines) <= 3, lines
    assert fix in "\n".join(lines)
    assert run.results["checks"] == [] and "preflight" in run.results["run"]["stopped"]


def test_wrong_port(run_cli: Callable[..., RunResult]) -> None:
    """Nothing listening on the port: exit 3, one line asking whether the server runs there."""
    url = f"http://127.0.0.1:{closed_port()}"
    run = _timed(lambda: run_cli("--target", url, "--token", "abc"))
    lines = diagnosis(run)
    assert run.code == 3 and len(lines) <= 3, lines
    assert "is the server running, and on that port?" in "\n".join(lines)


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        ("latest", "or one of the keywords cutovers, all"),
        ("2022-02-30", "is not a calendar date"),
    ],
)
def test_version_mistake(run_cli: Callable[..., RunResult], value: str, fix: str) -> None:
    """`latest` and 2022-02-30: exit 2, one line naming the newest release and the keywords."""
    run = _timed(lambda: run_cli("--square-version", value))
    lines = diagnosis(run)
    assert run.code == 2 and len(lines) == 1, lines
    assert fix in lines[0] and load_table().newest_version in lines[0]


def test_unknown_selection_keyword(run_cli: Callable[..., RunResult]) -> None:
    """A -k keyword that names no check: exit 2, and the line says what to change."""
    run = _timed(lambda: run_cli("-k", "no_such_check_anywhere"))
    lines = diagnosis(run)
    assert run.code == 2 and len(lines) <= 3, lines
    assert "no check matches the -k/-m selection" in lines[-1]


BROKEN_TABLE = textwrap.dedent(
    """
    import shutil, sys
    from pathlib import Path
    import squarecheck.paths as paths
    copy = Path(sys.argv[1]) / "specs"
    shutil.copytree(paths.specs_dir(), copy)
    table = copy / "behaviours.yaml"
    table.write_text(table.read_text().replace("basis: documented", "basis: documnted", 1))
    paths.specs_dir = lambda: copy
    from squarecheck.cli import main
    sys.exit(main(["run", "--report-dir", sys.argv[1]]))
    """
)


def test_broken_table_file(tmp_path: Path) -> None:
    """A typo in behaviours.yaml: exit 2, one line naming the file, the line and the value."""
    started = time.monotonic()
    done = run_python(BROKEN_TABLE, str(tmp_path), check=False, env=clean_env())
    assert time.monotonic() - started < MAX_SECONDS
    lines = [x for x in (done.stdout + done.stderr).splitlines() if x.strip()]
    assert done.returncode == 2 and len(lines) == 1, lines
    table = tmp_path / "specs" / "behaviours.yaml"
    line = next(
        n for n, text in enumerate(table.read_text().splitlines(), 1) if "documnted" in text
    )
    assert f"{table}:{line}: " in lines[0] and "'documnted'" in lines[0]
