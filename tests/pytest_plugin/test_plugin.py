"""The pytest plugin: inert for other test runs, usable directly as `pytest suites ...`."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from squarecheck import results
from squarecheck.paths import suites_dir
from tests.support.suites import clean_env, closed_port

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses


def _pytest(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        # hypothesis' and schemathesis' plugins only slow these runs down
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:hypothesispytest",
            "-p",
            "no:schemathesis",
            *args,
        ],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_plugin_is_inert_for_other_test_runs(tmp_path: Path) -> None:
    """An unrelated test run starts no server, writes no report and checks no option."""
    (tmp_path / "test_other.py").write_text(
        "def test_other():\n    '''Adds.'''\n    assert 1 + 1 == 2\n"
    )
    done = _pytest(
        tmp_path,
        "-q",
        "-p",
        "no:cacheprovider",
        "test_other.py",
        SQUARECHECK_TARGET="https://connect.squareup.com",
        SQUARECHECK_RESULTS_JSON=str(tmp_path / "results.json"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    assert "squarecheck" not in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["test_other.py"]


def test_options_have_their_own_group(tmp_path: Path) -> None:
    """`pytest --help` lists the squarecheck options in their own group with env twins."""
    done = _pytest(tmp_path, "--help")
    assert "squarecheck conformance suites:" in done.stdout
    for option in ("--target", "--square-version", "--token", "--search-timeout"):
        assert option in done.stdout
    assert "SQUARECHECK_SEARCH_TIMEOUT" in done.stdout


def test_suites_run_directly_against_their_own_emulator(tmp_path: Path) -> None:
    """`pytest <suites> --square-version V` from any folder starts the emulator itself."""
    out = tmp_path / "results.json"
    done = _pytest(
        tmp_path,
        str(suites_dir()),
        "-q",
        "--square-version",
        "2022-03-16",
        "-m",
        "idempotency and not fuzz",
        "--results-json",
        str(out),
    )
    assert done.returncode == 0, done.stdout[-2000:]
    doc = json.loads(out.read_text())
    results.validate(doc)
    assert doc["run"]["target_kind"] == "emulator"
    assert {c["version"] for c in doc["checks"]} == {"2022-03-16"}
    assert {c["family"] for c in doc["checks"]} == {"idempotency"}
    replayed = [c for c in doc["checks"] if c["behaviour"] == "idempotency-key-reuse"]
    assert replayed and {c["observed"]["outcome"] for c in replayed} == {"replayed"}


def test_unreachable_target_is_stopped_by_the_preflight(tmp_path: Path) -> None:
    """Against a closed port no check runs: results.json says why, junit has no case, exit 3."""
    out, junit = tmp_path / "results.json", tmp_path / "junit.xml"
    done = _pytest(
        tmp_path,
        str(suites_dir()),
        "-q",
        "-k",
        "echo",
        "--target",
        f"http://127.0.0.1:{closed_port()}",
        "--token",
        "sqc-test-token",
        "--results-json",
        str(out),
        "--junitxml",
        str(junit),
    )
    assert done.returncode == 3
    doc = json.loads(out.read_text())
    assert doc["checks"] == [] and "connection refused" in doc["run"]["stopped"]
    assert doc["run"]["exit_code"] == 3
    tree = ET.parse(junit)
    assert not tree.findall(".//testcase")


def test_bad_option_is_a_usage_error(tmp_path: Path) -> None:
    """A malformed --square-version stops pytest before any check with squarecheck's exit 2
    and one line, as from the CLI."""
    done = _pytest(tmp_path, str(suites_dir()), "--square-version", "16/03/2022")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "16/03/2022" in done.stderr


def test_pyargs_runs_the_suites_from_an_unrelated_folder(tmp_path: Path) -> None:
    """`pytest --pyargs squarecheck.suites` from a folder of its own writes the same reports
    as `squarecheck run` into reports/<run-id>/ and exits 0 against the emulator."""
    done = _pytest(
        tmp_path,
        "--pyargs",
        "squarecheck.suites",
        "-q",
        "-k",
        "echo",
        "--square-version",
        "2022-03-16",
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (run_dir,) = [p for p in (tmp_path / "reports").iterdir() if p.name != "latest"]
    for name in ("index.html", "report.html", "junit.xml", "results.json", "timeline.html"):
        assert (run_dir / name).is_file(), name
    assert "squarecheck: " in done.stdout and "exit 0 (conforms)" in done.stdout


def test_plugin_stops_at_the_preflight_like_the_cli(tmp_path: Path) -> None:
    """A closed port under plain pytest: exit 3 and one diagnosis line, as from the CLI."""
    done = _pytest(
        tmp_path,
        "--pyargs",
        "squarecheck.suites",
        "-q",
        "--target",
        f"http://127.0.0.1:{closed_port()}",
        "--token",
        "sqc-test-token",
    )
    assert done.returncode == 3
    lines = [x for x in done.stdout.splitlines() if x.startswith("STOPPED")]
    assert len(lines) == 1 and "connection refused" in lines[0]
    assert len([x for x in done.stdout.splitlines() if x.strip()]) <= 5


def test_unraisable_here_finds_gc_callbacks_and_finalizers_only() -> None:
    """The signal handler raises nowhere Python would drop the exception: inside a
    garbage-collector callback or a finalizer; everywhere else it may."""
    import gc
    import sys

    from squarecheck.pytest_plugin.interrupts import unraisable_here

    seen: list[bool] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(unraisable_here(sys._getframe()))

    class Finalized:
        def __del__(self) -> None:
            seen.append(unraisable_here(sys._getframe()))

    gc.callbacks.append(callback)
    try:
        gc.collect()
    finally:
        gc.callbacks.remove(callback)
    Finalized()
    assert seen[:1] == [True] and seen[-1] is True
    assert unraisable_here(sys._getframe()) is False
    assert unraisable_here(None) is False
