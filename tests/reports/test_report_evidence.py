"""Observations and the table change they propose (`reports.evidence`)."""

from __future__ import annotations

from typing import Any

import yaml

from squarecheck.paths import specs_dir
from squarecheck.reports.evidence.observations import Observation, observe
from squarecheck.reports.evidence.proposal import derive, proposals, proposed_text, unified_diff
from squarecheck.spec.table import load_table, table_from

ERROR = '{"errors": [{"code": "INVALID_VALUE", "category": "INVALID_REQUEST_ERROR"}]}'


def _record(behaviour: str, version: str, outcome: str, **extra: Any) -> dict[str, Any]:
    record = {
        "id": f"{version} > X > y",
        "behaviour": behaviour,
        "version": version,
        "outcome": outcome,
        "status": 200,
        "error_code": None,
        "observed": {},
        "message": None,
        "evidence": [],
    }
    record.update(extra)
    return record


def _refused(behaviour: str, version: str, **observed: Any) -> dict[str, Any]:
    exchange = {"request": {}, "response": {"status": 400, "body": ERROR}, "curl": "curl"}
    return _record(
        behaviour, version, "warned", status=400, error_code="INVALID_VALUE",
        observed=observed, evidence=[exchange],
    )  # fmt: skip


def test_only_judged_checks_of_unsure_rows_are_observed() -> None:
    """Documented rows, errors and skips are left out; periods are told apart."""
    results = {
        "checks": [
            _record("invalid-cursor", "2022-03-16", "passed"),
            _record("group-lifecycle", "2022-03-16", "passed"),  # documented
            _record("membership-unknown-ids", "2022-03-16", "error"),
            _record("limit-out-of-range", "2022-02-16", "passed"),
            _record("limit-out-of-range", "2022-03-16", "passed"),
        ]
    }
    found = observe(results, load_table())
    assert [(o.behaviour, o.since) for o in found] == [
        ("invalid-cursor", None),
        ("limit-out-of-range", None),
        ("limit-out-of-range", "2022-03-16"),
    ]
    assert all(o.agrees for o in found)


def test_an_error_answer_becomes_the_expectation() -> None:
    """Status, code and category come from the answer; keys the row had are kept."""
    expect = {"status": 404, "code": "NOT_FOUND", "category": "INVALID_REQUEST_ERROR"}
    seen = Observation("membership-unknown-ids", None, "assumed")
    seen.records.append(_refused("membership-unknown-ids", "2022-03-16"))
    assert derive(expect, seen) == {
        "status": 400,
        "code": "INVALID_VALUE",
        "category": "INVALID_REQUEST_ERROR",
    }


def test_an_outcome_follows_the_rows_words() -> None:
    """An accepted request reads as the row's own word for it; a refusal gains its code."""
    accepted = Observation("update-customer-empty-body", None, "documented")
    accepted.records.append(_record("x", "2021-03-17", "failed", observed={"outcome": "ignored"}))
    assert derive({"outcome": "rejected", "status": 400}, accepted) == {
        "outcome": "accepted",
        "status": 200,
    }
    refused = Observation("update-customer-unrecognized-field", None, "assumed")
    refused.records.append(_refused("x", "2022-03-16", outcome="rejected"))
    assert derive({"outcome": "ignored", "status": 200}, refused) == {
        "outcome": "rejected",
        "status": 400,
        "code": "INVALID_VALUE",
        "category": "INVALID_REQUEST_ERROR",
    }


def test_a_key_only_the_check_reads_is_left_for_a_person() -> None:
    """`prunes` cannot be read from an answer: no expectation is proposed, a comment is."""
    seen = Observation("delete-group-removes-membership", None, "assumed")
    seen.records.append(_record("delete-group-removes-membership", "2022-03-16", "warned"))
    assert derive({"status": 200, "prunes": True}, seen) is None
    text = (specs_dir() / "behaviours.yaml").read_text(encoding="utf-8")
    new = proposed_text(text, proposals(load_table(), [seen], "run.json"))
    assert "# observed otherwise in specs/observations/run.json" in new
    assert table_from(yaml.safe_load(new))["delete-group-removes-membership"].basis == "assumed"


def test_the_diff_changes_only_the_observed_period() -> None:
    """An agreeing change becomes observed with the observation as evidence; nothing else."""
    seen = Observation("limit-out-of-range", "2022-03-16", "inferred")
    seen.records.append(_record("limit-out-of-range", "2022-03-16", "passed"))
    text = (specs_dir() / "behaviours.yaml").read_text(encoding="utf-8")
    new = proposed_text(text, proposals(load_table(), [seen], "run.json"))
    table = table_from(yaml.safe_load(new))
    row = table["limit-out-of-range"]
    assert row.basis == "inferred"  # the initial period was not observed
    assert row.changes[0].basis == "observed"
    assert row.changes[0].evidence[-1].observation == "run.json"
    assert row.changes[0].expect == load_table()["limit-out-of-range"].changes[0].expect
    lines = unified_diff(text, new, "specs/behaviours.yaml").splitlines()[2:]
    added = [line for line in lines if line.startswith("+")]
    removed = [line for line in lines if line.startswith("-")]
    assert removed == ["-        basis: inferred"]
    assert added[0] == "+        basis: observed" and len(added) == 3
