"""`squarecheck run` end to end: the emulator conforms; reports and exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from squarecheck import results
from squarecheck.cli.run import embedded_workers
from squarecheck.emulator.server import EmulatorServer
from squarecheck.spec.table import load_table
from tests.support.suites import RunResult, clean_env, closed_port

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses


def test_emulator_passes_every_suite(run_cli: Callable[..., RunResult]) -> None:
    """The emulator conforms under both default versions and the run writes the three reports."""
    # every hand-written suite; the generated-request suite has tests of its own
    run = run_cli("-m", "not fuzz")
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    for name in ("report.html", "junit.xml", "results.json"):
        assert (run.run_dir / name).is_file()
    assert str(run.run_dir) in run.stdout
    doc = run.results
    results.validate(doc)
    table = load_table()
    assert doc["run"]["versions"] == list(table.default_selection)
    assert doc["run"]["leftovers"] == 0
    assert doc["run"]["prefix"].startswith("sqc-")
    assert doc["run"]["exit_code"] == 0
    assert {c["outcome"] for c in doc["checks"]} <= {"passed"}
    assert {c["version"] for c in doc["checks"]} == set(table.default_selection)
    behaviours = {c["behaviour"] for c in doc["checks"]}
    generated = {"schema-conformance"}  # the row only the generated-request suite judges
    assert behaviours == set(table.behaviours) - generated  # every other row is checked
    for check in doc["checks"]:
        assert check["id"] == f"{check['version']} > {check['key']}"
        assert check["source"].startswith(("https://", "square/", "no public source"))
    html = (run.run_dir / "report.html").read_text()
    assert "<script" in html and 'src="assets' not in html  # self-contained
    tree = ET.parse(run.run_dir / "junit.xml")
    assert len(tree.findall(".//testcase")) == len(doc["checks"])


def test_version_option_selects_versions(run_cli: Callable[..., RunResult]) -> None:
    """--square-version takes any known release and the table decides what it expects."""
    run = run_cli("--square-version", "2022-05-12", "-k", "unrecognized and top_level")
    assert run.code == 0, run.stdout[-3000:]
    checks = run.results["checks"]
    assert {c["version"] for c in checks} == {"2022-05-12"}
    assert {c["resolved_version"] for c in checks} == {"2022-03-16"}
    assert {c["observed"]["outcome"] for c in checks} == {"rejected"}


def test_unreleased_version_is_a_usage_error(run_cli: Callable[..., RunResult]) -> None:
    """A well-formed date that is no known release exits 2 naming the newest known version."""
    for bad in ("2023-01-01", "2022-02-30"):
        run = run_cli("--square-version", bad, "-k", "echo")
        assert run.code == 2, run.stdout[-2000:]
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and bad in lines[0]
    assert load_table().newest_version in run_cli("--square-version", "2023-01-01").stderr


def test_bad_version_is_a_usage_error(run_cli: Callable[..., RunResult]) -> None:
    """A malformed --square-version exits 2 with one line on stderr."""
    run = run_cli("--square-version", "2022-13-01")
    assert run.code == 2
    assert len(run.stderr.strip().splitlines()) == 1
    assert "2022-13-01" in run.stderr


def test_bad_target_is_a_usage_error(run_cli: Callable[..., RunResult]) -> None:
    """A --target that is no http(s) URL exits 2."""
    run = run_cli("--target", "ftp://example.invalid", "--token", "t")
    assert run.code == 2
    assert len(run.stderr.strip().splitlines()) == 1


def test_unreachable_target_is_a_tool_error(run_cli: Callable[..., RunResult]) -> None:
    """A closed port exits 3 and says nothing listens there."""
    run = run_cli("--target", f"http://127.0.0.1:{closed_port()}", "--token", "t")
    assert run.code == 3
    assert "connection refused" in run.stdout


def test_selection_matching_nothing_is_a_usage_error(run_cli: Callable[..., RunResult]) -> None:
    """A -k expression that selects no check exits 2."""
    run = run_cli("-k", "no_such_check_anywhere")
    assert run.code == 2


def test_workers_run_in_parallel(run_cli: Callable[..., RunResult]) -> None:
    """--workers 2 runs the checks in two processes and still records every one; without
    --target each worker serves its checks from an emulator of its own (two base URLs)."""
    run = run_cli("--workers", "2", "-m", "lifecycle and not fuzz")
    assert run.code == 0, run.stdout[-3000:]
    doc = run.results
    results.validate(doc)
    assert doc["checks"] and {c["family"] for c in doc["checks"]} == {"lifecycle"}
    assert doc["run"]["leftovers"] == 0
    urls = {
        exchange["request"]["url"].split("/v2/")[0]
        for check in doc["checks"]
        for exchange in check["evidence"]
    }
    assert len(urls) == 2, urls


def test_default_workers_follow_the_free_cpus() -> None:
    """Without --workers a run on the embedded emulator takes two processes where two or more
    CPUs are free to it, and one on a single CPU."""
    assert embedded_workers(cpus=1) is None
    assert embedded_workers(cpus=2) == embedded_workers(cpus=64) == 2


def test_a_default_run_takes_the_default_workers(
    run_cli: Callable[..., RunResult], emulator: EmulatorServer
) -> None:
    """A run without --workers on the embedded emulator says how many processes it took, as
    many as the free CPUs allow (at most two); against a URL it takes one."""
    env = {k: v for k, v in clean_env().items() if k != "SQUARECHECK_WORKERS"}
    expected = embedded_workers() or 1
    run = run_cli("-k", "echo", env=env)
    assert run.code == 0, run.stdout[-2000:]
    assert f"; {expected} worker{'s' if expected > 1 else ''};" in run.stdout
    assert run.results["run"]["counts"]["passed"] == 2
    remote = run_cli("--target", emulator.url, "--token", "sqc-test-token", "-k", "echo", env=env)
    assert remote.code == 0 and "; 1 worker;" in remote.stdout, remote.stdout[-2000:]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_emulator_that_cannot_start_ends_the_run_in_one_line(
    run_cli: Callable[..., RunResult], tmp_path: Path, workers: str
) -> None:
    """Each process that runs checks starts its own emulator; one that cannot (here a plugin
    every process loads breaks the server's start, as no run can) is exit 3 whose verdict
    names it, with no traceback and no check judged."""
    (tmp_path / "broken_emulator.py").write_text(
        "from squarecheck.emulator import server\n"
        "def broken(self, app):\n"
        "    raise RuntimeError(f'the emulator could not start on {self.url}')\n"
        "server.EmulatorServer._serve = broken\n",
        encoding="utf-8",
    )
    env = clean_env(PYTHONPATH=str(tmp_path), PYTEST_ADDOPTS="-p broken_emulator")
    run = run_cli("--workers", workers, "-k", "echo", env=env)
    assert run.code == 3, run.stdout[-2000:]
    assert "the emulator could not start on http://127.0.0.1:" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    assert run.results["run"]["counts"]["error"] == 2


def test_environment_twins_configure_the_run(run_cli: Callable[..., RunResult]) -> None:
    """SQUARECHECK_SQUARE_VERSION and SQUARECHECK_KEYWORD stand in for their options."""
    env = clean_env(SQUARECHECK_SQUARE_VERSION="2022-02-16", SQUARECHECK_KEYWORD="echo")
    run = run_cli(env=env)
    assert run.code == 0, run.stdout[-2000:]
    checks = run.results["checks"]
    assert [c["id"] for c in checks] == [
        "2022-02-16 > ListCustomerGroups > response echoes the version"
    ]


def test_baseline_entry_that_now_passes_fails_the_run(
    run_cli: Callable[..., RunResult], tmp_path: Path
) -> None:
    """A baseline entry whose check passes is stale: the run exits 1 and names the entry."""
    key = "ListCustomerGroups > response echoes the version"
    baseline = tmp_path / "known-failures.txt"
    baseline.write_text(f"# known failures\n2022-03-16 > {key}  # was broken once\n")
    run = run_cli("-k", "echo", "--square-version", "2022-03-16", "--baseline", str(baseline))
    assert run.code == 1, run.stdout[-2000:] + run.stderr
    stale = [c for c in run.results["checks"] if c.get("baseline", {}).get("status") == "stale"]
    assert [c["id"] for c in stale] == [f"2022-03-16 > {key}"]


def test_unreadable_baseline_is_a_usage_error(
    run_cli: Callable[..., RunResult], tmp_path: Path
) -> None:
    """A baseline file that is not text stops the run with one line and exit 2."""
    baseline = tmp_path / "known-failures.txt"
    baseline.write_bytes(b"\xff\xfe\x00bad")
    run = run_cli("-k", "echo", "--square-version", "2022-03-16", "--baseline", str(baseline))
    assert run.code == 2
    assert len(run.stderr.strip().splitlines()) == 1
    assert "baseline" in run.stderr


def test_cutovers_selects_one_version_per_cutover(run_cli: Callable[..., RunResult]) -> None:
    """--square-version cutovers runs every check on each cutover day and, on the release
    before one, the checks of the behaviours that change there; it writes timeline.html."""
    table = load_table()
    run = run_cli("--square-version", "cutovers", "-k", "echo or update-customer-empty-body")
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    chosen = table.select("cutovers")
    assert len(chosen) >= 8
    assert run.results["run"]["versions"] == chosen
    narrowed = {v: sorted(ids) for v, ids in table.narrowed(["cutovers"]).items()}
    assert run.results["run"]["narrowed"] == narrowed
    checked = {(c["behaviour"], c["version"]) for c in run.results["checks"]}
    full = [v for v in chosen if v not in narrowed]
    assert {v for b, v in checked if b == "square-version-echo"} == set(full)
    assert {v for b, v in checked if b == "update-customer-empty-body"} == {*full, "2021-09-15"}
    assert (run.run_dir / "timeline.html").is_file()
    page = (run.run_dir / "index.html").read_text()
    assert 'href="timeline.html"' in page
    assert f"Checked in part</dt><dd>{min(narrowed)}, " in page


def test_all_selects_every_known_release(run_cli: Callable[..., RunResult]) -> None:
    """--square-version all (here through its environment twin) runs every known release."""
    env = {**clean_env(), "SQUARECHECK_SQUARE_VERSION": "all"}
    run = run_cli("-k", "echo", env=env)
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    assert run.results["run"]["versions"] == list(load_table().known_versions)


def test_upgrade_names_every_cutover_between(run_cli: Callable[..., RunResult]) -> None:
    """--upgrade 2021-03-17 2022-10-19 names the changes of each cutover in between: the line
    the run prints starts with them, upgrade.json holds each."""
    run = run_cli("--upgrade", "2021-03-17", "2022-10-19", "-k", "echo")
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    line = next(x for x in run.stdout.splitlines() if x.startswith("upgrade 2021-03-17"))
    between = [v for v in load_table().cutovers() if "2021-03-17" < v <= "2022-10-19"]
    assert f"crossed: {between[0]}, {between[1]}" in line
    report = json.loads((run.run_dir / "upgrade.json").read_text())
    assert sorted({c["since"] for c in report["changes"]}) == between
