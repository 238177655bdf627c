"""`--upgrade FROM TO`: what changes for a client moving between two Square-Versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from squarecheck.reports.stage import post_run
from squarecheck.spec.table import load_table
from tests.support.reports import NEW, OLD, build_run, write_run


def upgrade_json(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "upgrade.json").read_text(encoding="utf-8"))
    return data


def test_documented_changes_observed_on_the_emulator(emulator_run: Path) -> None:
    """Every behaviour the table changes between the versions is listed; the seeds are observed."""
    post_run(emulator_run, upgrade=(OLD, NEW))
    data = upgrade_json(emulator_run)
    table = load_table()
    expected = {b.id for b in table.behaviours.values() if b.changes_between(OLD, NEW)}
    status = {d["behaviour"]: d["status"] for d in data["documented"]}
    assert set(status) == expected
    assert status["unrecognized-field"] == "observed"
    assert status["idempotency-key-reuse"] == "observed"
    assert status["limit-out-of-range"] == "not checked"
    assert data["undocumented"] == []
    page = (emulator_run / "upgrade.html").read_text(encoding="utf-8")
    assert 'href="index.html#ev-2022-02-16-createcustomergroup-reused-idempotency-key' in page
    reuse = next(d for d in data["documented"] if d["behaviour"] == "idempotency-key-reuse")
    assert "INVALID_VALUE" in reuse["before"] and "200" in reuse["after"]
    assert json.loads((emulator_run / "results.json").read_text())["run"]["upgrade"] == [OLD, NEW]


def test_documented_changes_not_observed_on_version_ignoring_target(ignoring_run: Path) -> None:
    """A target that ignores the version leaves the documented changes not observed."""
    post_run(ignoring_run, upgrade=(OLD, NEW))
    status = {d["behaviour"]: d["status"] for d in upgrade_json(ignoring_run)["documented"]}
    assert status["unrecognized-field"] == "not observed"
    assert status["idempotency-key-reuse"] == "not observed"


def test_undocumented_difference_is_listed(tmp_path: Path) -> None:
    """A difference the table does not predict is listed with both sides' evidence."""
    results = build_run("emulator")
    for check in results["checks"]:
        if check["behaviour"] == "group-not-found" and check["version"] == NEW:
            check["observed"] = {"status": 410, "code": "GONE"}
    folder = write_run(tmp_path / "run", results)
    post_run(folder, upgrade=(OLD, NEW))
    undocumented = upgrade_json(folder)["undocumented"]
    assert [u["key"] for u in undocumented] == ["RetrieveCustomerGroup > unknown group id"]
    assert undocumented[0]["to"]["observed"] == {"status": 410, "code": "GONE"}


def test_versions_outside_the_run_resolve_to_run_versions(emulator_run: Path) -> None:
    """Upgrade versions the run did not select use a run version that behaves the same."""
    post_run(emulator_run, upgrade=("2022-01-20", "2022-05-12"))
    data = upgrade_json(emulator_run)
    status = {d["behaviour"]: d["status"] for d in data["documented"]}
    assert status["unrecognized-field"] == "observed"
    reuse = next(d for d in data["documented"] if d["behaviour"] == "idempotency-key-reuse")
    assert reuse["checks"][0]["from"]["version"] == OLD
    assert reuse["checks"][0]["to"]["version"] == NEW


def test_same_version_upgrade_lists_nothing(emulator_run: Path) -> None:
    """Moving between versions with no cutover between them documents no change."""
    post_run(emulator_run, upgrade=(NEW, "2022-04-20"))
    data = upgrade_json(emulator_run)
    assert data["documented"] == [] and data["undocumented"] == []
    assert "documents no change" in (emulator_run / "upgrade.html").read_text(encoding="utf-8")
