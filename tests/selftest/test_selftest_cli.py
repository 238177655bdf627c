"""`squarecheck selftest` end to end: every fault dies, the clean emulator passes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from squarecheck.emulator.faults.catalogue import CATALOGUE
from squarecheck.selftest.orchestrate import focus
from tests.support.selftest import Cli


@pytest.mark.verify
@pytest.mark.xdist_group("kill-matrix")  # never on the worker of the alternative tables
def test_every_fault_is_killed(selftest_cli: Callable[..., Cli], tmp_path: Path) -> None:
    """Each fault fails a check of a behaviour it targets; the clean emulator passes; exit 0."""
    reports = str(tmp_path / "reports")
    done = selftest_cli("--report-dir", reports, "--workers", "2", "--fuzz-examples", "2")
    assert done.code == 0, done.stdout[-3000:] + done.stderr
    match = re.search(r"^kill matrix: (.+)/selftest\.html", done.stdout, re.MULTILINE)
    assert match, done.stdout
    doc = json.loads((Path(match.group(1)) / "selftest.json").read_text())
    assert doc["clean"]["passed"] and doc["clean"]["failing"] == []
    assert [row["name"] for row in doc["faults"]] == list(CATALOGUE)
    for row in doc["faults"]:
        assert row["killed"] and row["intended_caught"], row["name"]
        assert row["description"] == CATALOGUE[row["name"]].description
        assert row["behaviours"] == list(CATALOGUE[row["name"]].behaviours)
        assert any(c["intended"] for c in row["caught_by"])
    total = len(CATALOGUE)
    assert doc["summary"] == {
        "faults": total,
        "killed": total,
        "intended_caught": total,
        "survived": [],
        "tool_errors": [],
    }
    for name in CATALOGUE:
        assert re.search(rf"^{re.escape(name)}\s+killed\s+yes", done.stdout, re.MULTILINE)


def test_unknown_fault_is_a_usage_error(selftest_cli: Callable[..., Cli]) -> None:
    """An unknown --fault name is one line on stderr and exit 2."""
    done = selftest_cli("--fault", "no-such-fault")
    assert done.code == 2
    assert done.stderr.strip().count("\n") == 0 and "no-such-fault" in done.stderr


def test_list_names_every_fault(selftest_cli: Callable[..., Cli]) -> None:
    """--list prints every fault of the catalogue with its description."""
    done = selftest_cli("--list")
    assert done.code == 0
    for name, fault in CATALOGUE.items():
        assert f"{name}: {fault.description}" in done.stdout


def test_selection_of_no_check_is_a_usage_error(
    selftest_cli: Callable[..., Cli], tmp_path: Path
) -> None:
    """A -k expression that selects no check is one line on stderr and exit 2."""
    done = selftest_cli(
        "--fault",
        next(iter(CATALOGUE)),
        "-k",
        "no_such_check_anywhere",
        "--report-dir",
        str(tmp_path / "reports"),
    )
    assert done.code == 2, done.stdout + done.stderr
    assert "no check matches" in done.stderr and done.stderr.strip().count("\n") == 0


def _caught_behaviours(done: Cli) -> set[str]:
    match = re.search(r"^kill matrix: (.+)/selftest\.html", done.stdout, re.MULTILINE)
    assert match, done.stdout + done.stderr
    doc = json.loads((Path(match.group(1)) / "selftest.json").read_text())
    return {c["behaviour"] for row in doc["faults"] for c in row["caught_by"]}


def test_a_fault_runs_only_its_behaviours_unless_all_checks(
    selftest_cli: Callable[..., Cli], tmp_path: Path
) -> None:
    """A fault's child runs the checks of its own behaviours (and of ids containing one, as -k
    matches substrings); --all-checks runs every check."""
    common: tuple[str, ...] = ("--fault", "old-rejects-unknown-fields", "--fuzz-examples", "2")
    common += ("-k", "unrecognized-field or group-lifecycle", "--report-dir", str(tmp_path))
    focused = selftest_cli(*common)
    assert focused.code == 0, focused.stdout[-3000:] + focused.stderr
    intended = CATALOGUE["old-rejects-unknown-fields"].behaviours
    assert "group-lifecycle" not in intended
    assert all(any(i in b for i in intended) for b in _caught_behaviours(focused))
    everything = selftest_cli(*common, "--all-checks")
    assert everything.code == 0, everything.stdout[-3000:] + everything.stderr
    assert "group-lifecycle" in _caught_behaviours(everything)


def test_focus_narrows_the_keyword_to_the_faults_behaviours() -> None:
    """The -k of a fault's child is its behaviour ids, and the user's -k when one is given."""
    fault = CATALOGUE["old-rejects-unknown-fields"]
    own = " or ".join(fault.behaviours)
    assert focus(None, None) is None and focus("auth", None) == "auth"
    assert focus(None, fault) == own
    assert focus("auth", fault) == f"(auth) and ({own})"
