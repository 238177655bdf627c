"""`squarecheck evidence`: a run against a server that made other choices becomes observations
and a table diff; applying the diff makes the next run pass.

The server is the emulator under a table that chooses otherwise on a few assumed rows whose
answers say it all (a status, an error code and category). A `--strict` run fails on them;
the evidence command writes the observation file and a diff that makes those rows `observed`
with the answers seen; `git apply` takes the diff, and the same run under the patched table
(SQUARECHECK_TABLE) passes.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from squarecheck.emulator.server import EmulatorServer
from squarecheck.paths import specs_dir
from squarecheck.spec.table import load_table, table_from
from squarecheck.target.resolve import SANDBOX_URL
from tests.support.suites import RunResult, clean_env

INVALID = "INVALID_REQUEST_ERROR"
#: (row, since or None) -> what the other server answers instead
OTHER = {
    ("membership-unknown-ids", None): {"status": 400, "code": "INVALID_VALUE", "category": INVALID},
    ("invalid-cursor", None): {"status": 400, "code": "BAD_REQUEST", "category": INVALID},
    ("update-customer-unrecognized-field", None): {
        "outcome": "rejected", "status": 400, "code": "BAD_REQUEST", "category": INVALID,
    },
}  # fmt: skip
SELECTION = "membership-unknown-ids or invalid-cursor or update-customer-unrecognized-field"


def _other_table() -> Any:
    raw = copy.deepcopy(load_table().raw)
    for row in raw["behaviours"]:
        if (row["id"], None) in OTHER:
            row["initial"]["expect"] = OTHER[(row["id"], None)]
    return table_from(raw)


@pytest.fixture(scope="module")
def other() -> Iterator[EmulatorServer]:
    """The emulator answering otherwise on the rows of OTHER."""
    server = EmulatorServer(port=0)
    server.config = dataclasses.replace(server.config, table=_other_table())
    with server:
        yield server


def _run(run_cli: Callable[..., RunResult], url: str, env: dict[str, str]) -> RunResult:
    args = ("--target", url, "--token", "sqc-ev-1", "--strict", "-m", "not fuzz")
    return run_cli(*args, "-k", SELECTION, env=env)


def test_evidence_turns_a_run_into_a_diff_that_makes_the_next_run_pass(
    other: EmulatorServer, run_cli: Callable[..., RunResult], tmp_path: Path
) -> None:
    """The first run fails on the other choices; the proposed diff, applied, makes them
    observed expectations and the second run passes."""
    specs = tmp_path / "specs"
    shutil.copytree(specs_dir(), specs, ignore=shutil.ignore_patterns("observations"))
    first = _run(run_cli, other.url, clean_env())
    assert first.code == 1, first.stdout[-2000:] + first.stderr
    assert {c["behaviour"] for c in first.outcomes("failed")} == {r for r, _ in OTHER}

    argv = [sys.executable, "-m", "squarecheck", "evidence", str(first.run_dir)]
    argv += ["--table", "specs/behaviours.yaml", "--diff", "proposal.diff"]
    done = subprocess.run(argv, cwd=tmp_path, env=clean_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "note: the run's target (127.0.0.1) is not Square's" in done.stderr
    as_sandbox = tmp_path / "sandbox-results.json"  # the same answers, from Square's sandbox
    as_sandbox.write_text(
        json.dumps({**first.results, "run": {**first.results["run"], "target": SANDBOX_URL}})
    )
    argv_sandbox = [*argv[:4], str(as_sandbox), *argv[5:-1], "sandbox.diff"]
    quiet = subprocess.run(
        argv_sandbox, cwd=tmp_path, env=clean_env(), capture_output=True, text=True
    )
    assert quiet.returncode == 0 and "not Square's" not in quiet.stderr, quiet.stderr
    diff = (tmp_path / "proposal.diff").read_text()
    run_id = first.results["run"]["id"]
    assert diff.startswith("--- a/specs/behaviours.yaml\n+++ b/specs/behaviours.yaml\n")
    assert f"+      - observation: {run_id}.json" in diff
    new_expect = "{status: 400, code: INVALID_VALUE, category: INVALID_REQUEST_ERROR}"
    assert f"+      expect: {new_expect}" in diff
    observations = json.loads((specs / "observations" / f"{run_id}.json").read_text())
    assert observations["target_kind"] == "url"
    assert "sqc-ev-1" not in json.dumps(observations)  # the token never reaches the evidence

    applied = subprocess.run(
        ["git", "apply", "proposal.diff"], cwd=tmp_path, capture_output=True, text=True
    )
    assert applied.returncode == 0, applied.stderr
    patched = table_from(yaml.safe_load((specs / "behaviours.yaml").read_text()))
    for row, _ in OTHER:
        assert patched[row].basis == "observed"
        assert patched[row].expect(load_table().oldest_version) == OTHER[(row, None)]
        assert patched[row].evidence[-1].observation == f"{run_id}.json"

    env = clean_env(SQUARECHECK_TABLE=str(specs / "behaviours.yaml"))
    second = _run(run_cli, other.url, env)
    assert second.code == 0, second.stdout[-2000:] + second.stderr
    rows = {row for row, _ in OTHER}
    judged = [c for c in second.results["checks"] if c["behaviour"] in rows]
    assert {c["behaviour"] for c in judged} == rows
    assert {(c["basis"], c["outcome"]) for c in judged} == {("observed", "passed")}


def test_evidence_refuses_a_run_against_the_emulator(
    run_cli: Callable[..., RunResult], tmp_path: Path
) -> None:
    """A run that judged the embedded emulator is no evidence: exit 2 with one line."""
    run = run_cli("-k", "invalid-cursor", "-m", "not fuzz", "--square-version", "2022-03-16")
    assert run.code == 0, run.stdout[-2000:] + run.stderr
    done = subprocess.run(
        [sys.executable, "-m", "squarecheck", "evidence", str(run.run_dir)],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "embedded emulator" in done.stderr


def test_evidence_needs_a_run(tmp_path: Path) -> None:
    """A missing run folder is exit 2 with one line."""
    done = subprocess.run(
        [sys.executable, "-m", "squarecheck", "evidence", str(tmp_path / "nowhere")],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1
