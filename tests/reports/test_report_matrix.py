"""The version matrix's findings, the landing page's content, and the end-to-end acceptance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from squarecheck.cli import main
from squarecheck.errors import ReportError
from squarecheck.reports import matrix as mx
from squarecheck.reports.stage import post_run
from squarecheck.results import load
from squarecheck.spec.table import load_table
from tests.support.reports import NEW, OLD, build_run, check_id, write_run

SEEDS = {"unrecognized-field", "idempotency-key-reuse"}


def findings(results: dict[str, Any]) -> dict[str, list[str]]:
    built = mx.build(results, load_table())
    return {row.key: row.findings for row in built.rows}


def test_emulator_shows_documented_changes_observed() -> None:
    """Under the emulator the seed rows differ as the table documents; the others match."""
    results = build_run("emulator")
    built = mx.build(results, load_table())
    for row in built.rows:
        expected = mx.DOC_OBSERVED if row.behaviour_id in SEEDS else mx.SAME
        assert row.findings == [expected], row.key
        assert row.differs == (row.behaviour_id in SEEDS)


def test_version_ignoring_target_shows_documented_change_not_observed() -> None:
    """A target answering every version alike leaves the seed changes unobserved."""
    built = mx.build(build_run("ignores-version"), load_table())
    flagged = {row.key: row.flags for row in built.rows if row.flags}
    assert set(flagged) == {r.key for r in built.rows if r.behaviour_id in SEEDS}
    assert all(flags == [mx.DOC_NOT_OBSERVED] for flags in flagged.values())


def test_undocumented_change_is_flagged() -> None:
    """Observations that differ where the table has no cutover are an undocumented change."""
    results = build_run("emulator")
    for check in results["checks"]:
        if check["behaviour"] == "group-not-found" and check["version"] == NEW:
            check["observed"] = {"status": 410, "code": "GONE"}
    got = findings(results)
    assert got["RetrieveCustomerGroup > unknown group id"] == [mx.UNDOCUMENTED]


def test_versions_resolve_against_the_table() -> None:
    """Two versions on the same side of every cutover predict no change; across one they do."""
    table = load_table()
    behaviour = table["unrecognized-field"]
    assert mx.documented_changes(behaviour, table, "2021-01-21", OLD) == ()
    crossed = mx.documented_changes(behaviour, table, OLD, "2022-04-20")
    assert [c.since for c in crossed] == [NEW]


def _discount_run(seen: dict[tuple[str, str], bool]) -> dict[str, Any]:
    """Checks of CalculateOrder rows before and on auto-apply-discounts' cutover (2020-07-22):
    `seen` maps (behaviour, version) to whether the order came back discounted."""
    template = build_run("emulator")["checks"][0]
    checks = []
    for (behaviour, version), discounted in seen.items():
        key = f"CalculateOrder > {behaviour}"
        checks.append(
            {
                **template,
                "id": check_id(version, key),
                "key": key,
                "behaviour": behaviour,
                "version": version,
                "observed": {"status": 200, "discounted": discounted},
            }
        )
    return {"format": 1, "run": {"versions": ["2020-06-25", "2020-07-22"]}, "checks": checks}


def test_a_difference_a_dependency_documents_is_no_undocumented_change() -> None:
    """No discount applies automatically before 2020-07-22 (auto-apply-discounts), so a fixed
    amount discount (which depends on it) differing there is documented, not undocumented."""
    assert "auto-apply-discounts" in load_table()["discount-fixed-amount"].depends_on
    run = _discount_run(
        {
            ("discount-fixed-amount", "2020-06-25"): False,
            ("discount-fixed-amount", "2020-07-22"): True,
        }
    )
    assert findings(run)["CalculateOrder > discount-fixed-amount"] == [mx.DOC_OBSERVED]
    same = _discount_run(
        {
            ("discount-fixed-amount", "2020-06-25"): True,
            ("discount-fixed-amount", "2020-07-22"): True,
        }
    )
    assert findings(same)["CalculateOrder > discount-fixed-amount"] == [mx.SAME]


def test_a_change_another_check_saw_is_not_flagged() -> None:
    """auto_apply_discounts off sees no change at 2020-07-22; when a check depending on the
    behaviour saw one between the same versions, the row is not flagged; alone, it is."""
    alone = {
        ("auto-apply-discounts", "2020-06-25"): False,
        ("auto-apply-discounts", "2020-07-22"): False,
    }
    assert findings(_discount_run(alone))["CalculateOrder > auto-apply-discounts"] == [
        mx.DOC_NOT_OBSERVED
    ]
    seen = {
        **alone,
        ("discount-fixed-amount", "2020-06-25"): False,
        ("discount-fixed-amount", "2020-07-22"): True,
    }
    built = mx.build(_discount_run(seen), load_table())
    row = next(r for r in built.rows if r.behaviour_id == "auto-apply-discounts")
    assert row.findings == [mx.SEEN_ELSEWHERE]
    assert row.flags == []


def test_errored_cells_are_not_compared() -> None:
    """A check that errored under one version gives no finding for that pair."""
    results = build_run("emulator")
    for check in results["checks"]:
        if check["behaviour"] == "idempotency-key-reuse" and check["version"] == OLD:
            check["outcome"] = "error"
    assert findings(results)["CreateCustomerGroup > reused idempotency key"] == [mx.UNKNOWN]


def test_page_escapes_run_values(tmp_path: Path) -> None:
    """Keys, messages and evidence from the target appear as text, never as markup."""
    results = build_run("emulator")
    check = results["checks"][0]
    check["key"] = check["key"] + " <script>alert(1)</script>"
    check["id"] = f"{check['version']} > {check['key']}"
    check["message"] = '"><img src=x onerror=alert(2)>'
    check["evidence"][0]["response"]["body"] = {"detail": "</pre><b>bold</b>"}
    folder = write_run(tmp_path / "run", results)
    post_run(folder)
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "</pre><b>" not in page
    assert page.count("<script>") == 1


def test_post_run_rewrites_valid_results(emulator_run: Path) -> None:
    """post_run leaves a schema-valid results.json with recomputed counts and exit code."""
    results = json.loads((emulator_run / "results.json").read_text(encoding="utf-8"))
    results["run"]["counts"] = {"passed": 999}
    (emulator_run / "results.json").write_text(json.dumps(results), encoding="utf-8")
    assert post_run(emulator_run).failing == 0
    saved = load(emulator_run)
    assert saved["run"]["counts"] == {
        "passed": 10,
        "failed": 0,
        "warned": 0,
        "error": 0,
        "skipped": 0,
    }
    assert saved["run"]["exit_code"] == 0
    assert (emulator_run / "index.html").is_file()


def test_acceptance_emulator_vs_version_ignoring_target(
    tmp_path: Path, emulator_run: Path, ignoring_run: Path
) -> None:
    """Emulator: seeds observed; version-ignoring target: seeds not observed; diff lists them."""
    good, bad = post_run(emulator_run), post_run(ignoring_run)
    assert good.failing == 0 and bad.failing == 3
    good_page = (emulator_run / "index.html").read_text(encoding="utf-8")
    bad_page = (ignoring_run / "index.html").read_text(encoding="utf-8")
    assert good_page.count(f"{OLD} → {NEW}: {mx.DOC_OBSERVED}") == 3
    assert mx.DOC_NOT_OBSERVED + "</span>" not in good_page
    assert bad_page.count(f"{OLD} → {NEW}: {mx.DOC_NOT_OBSERVED}") == 3
    out = tmp_path / "diff.json"
    assert main(["diff", str(emulator_run), str(ignoring_run), "--json", str(out)]) == 1
    regressions = json.loads(out.read_text(encoding="utf-8"))["regressions"]
    assert sorted(c["id"] for c in regressions) == sorted(
        check_id(OLD, k)
        for k in (
            "CreateCustomerGroup > unrecognized top-level field",
            "UpdateCustomerGroup > unrecognized field inside group",
            "CreateCustomerGroup > reused idempotency key",
        )
    )


def test_post_run_rejects_a_malformed_results_file(tmp_path: Path) -> None:
    """A results.json that breaks the schema is a ReportError naming where, not a traceback."""
    results = build_run("emulator")
    del results["checks"][0]["key"]
    folder = write_run(tmp_path / "run", results)
    with pytest.raises(ReportError, match="checks/0"):
        post_run(folder)
    assert not (folder / "index.html").exists()
