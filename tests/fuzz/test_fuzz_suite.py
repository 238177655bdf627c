"""The fuzz suite through `squarecheck run`: records, evidence and version awareness."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from squarecheck import results
from squarecheck.emulator.server import EmulatorServer
from squarecheck.spec.table import load_table
from tests.support.suites import clean_env

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses


def _run(target: str, tmp_path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    argv = [sys.executable, "-m", "squarecheck", "run", "--target", target, "--token", "t"]
    argv += ["--report-dir", str(tmp_path / "reports")]
    argv += ["-m", "fuzz", "-k", "CreateCustomerGroup and generated_requests", *args]
    done = subprocess.run(
        argv, cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=300
    )
    found = list((tmp_path / "reports").glob("*/results.json"))
    assert found, done.stdout[-2000:] + done.stderr
    return done.returncode, json.loads(found[0].read_text())


def test_fault_in_old_version_fails_only_that_version(tmp_path: Path) -> None:
    """Rejecting unknown fields under an old version fails its fuzz check, with a curl to replay."""
    table = load_table()
    old, new = min(table.known_versions), table["unrecognized-field"].changes[0].since
    with EmulatorServer(port=0, faults=("old-rejects-unknown-fields",)) as server:
        code, doc = _run(server.url, tmp_path, "--square-version", old, "--square-version", new)
    assert code == 1
    results.validate(doc)
    checks = {c["version"]: c for c in doc["checks"]}
    assert set(checks) == {old, new}
    assert checks[new]["outcome"] == "passed"
    failed = checks[old]
    assert failed["outcome"] == "failed"
    assert failed["behaviour"] in table.behaviours
    assert "unrecognized_field_conformance" in failed["message"]
    assert "reproduce: curl" in failed["message"]
    assert failed["evidence"] and all(e["curl"].startswith("curl ") for e in failed["evidence"])
    assert all(e["response"]["status"] == 400 for e in failed["evidence"])
    assert doc["run"]["leftovers"] == 0


def test_fuzz_examples_option_is_checked(tmp_path: Path) -> None:
    """--fuzz-examples must be a positive number: anything else is exit 2."""
    argv = [sys.executable, "-m", "squarecheck", "run", "--fuzz-examples", "0"]
    done = subprocess.run(
        argv, cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2 and "--fuzz-examples" in done.stderr
