"""`--baseline FILE`: known failures pass the run, stale entries fail it, unknown ids are named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from squarecheck.errors import ReportError
from squarecheck.reports.compare.baseline import parse_text
from squarecheck.reports.stage import post_run
from squarecheck.results import load
from tests.support.reports import NEW, OLD, build_run, check_id, write_run

REUSE = "CreateCustomerGroup > reused idempotency key"
TOP = "CreateCustomerGroup > unrecognized top-level field"
INSIDE = "UpdateCustomerGroup > unrecognized field inside group"


def test_parse_accepts_both_reason_styles() -> None:
    """Lines read as `id  # reason` or `id<TAB>reason`; blanks and comments are skipped."""
    entries = parse_text(
        "# known failures\n\n"
        f"{check_id(OLD, TOP)}  # proxy drops the header\n"
        f"{check_id(OLD, REUSE)}\tupstream bug 12\n"
        f"{check_id(NEW, INSIDE)}\n"
    )
    assert [(e.id, e.reason, e.line) for e in entries] == [
        (check_id(OLD, TOP), "proxy drops the header", 3),
        (check_id(OLD, REUSE), "upstream bug 12", 4),
        (check_id(NEW, INSIDE), "", 5),
    ]


def test_known_failures_do_not_fail_the_run(tmp_path: Path, ignoring_run: Path) -> None:
    """Every listed failure is marked known and the run no longer fails."""
    baseline = tmp_path / "baseline.txt"
    baseline.write_text(
        "".join(
            f"{check_id(OLD, k)}  # target ignores the version\n" for k in (TOP, INSIDE, REUSE)
        ),
        encoding="utf-8",
    )
    result = post_run(ignoring_run, baseline=baseline)
    assert result.failing == 0
    saved = load(ignoring_run)
    marked = {c["id"]: c["baseline"] for c in saved["checks"] if "baseline" in c}
    assert set(marked) == {check_id(OLD, k) for k in (TOP, INSIDE, REUSE)}
    assert {m["status"] for m in marked.values()} == {"known-failure"}
    assert saved["run"]["failing"] == 0 and saved["run"]["exit_code"] == 0
    assert saved["run"]["baseline"]["known_failures"] == 3


def test_unlisted_failures_still_fail(tmp_path: Path, ignoring_run: Path) -> None:
    """Failures missing from the baseline keep failing the run."""
    baseline = tmp_path / "baseline.txt"
    baseline.write_text(f"{check_id(OLD, REUSE)}\tknown\n", encoding="utf-8")
    result = post_run(ignoring_run, baseline=baseline)
    assert result.failing == 2
    saved = json.loads((ignoring_run / "results.json").read_text(encoding="utf-8"))
    assert saved["run"]["exit_code"] == 1 and saved["run"]["failing"] == 2


def test_stale_entry_fails_the_run(tmp_path: Path, emulator_run: Path) -> None:
    """A listed check that now passes is a stale entry: it fails the run and is named."""
    baseline = tmp_path / "baseline.txt"
    baseline.write_text(f"{check_id(NEW, REUSE)}  # was broken\n", encoding="utf-8")
    result = post_run(emulator_run, baseline=baseline)
    assert result.failing == 1
    assert any("stale" in m and check_id(NEW, REUSE) in m for m in result.messages)
    saved = load(emulator_run)
    stale = [c for c in saved["checks"] if c.get("baseline", {}).get("status") == "stale"]
    assert [c["id"] for c in stale] == [check_id(NEW, REUSE)]
    assert saved["run"]["exit_code"] == 1


def test_unknown_id_is_reported_not_fatal(tmp_path: Path, emulator_run: Path) -> None:
    """An id no check has is named in the messages and does not fail the run."""
    baseline = tmp_path / "baseline.txt"
    baseline.write_text("\n2099-01-01 > Nothing > here  # gone\n", encoding="utf-8")
    result = post_run(emulator_run, baseline=baseline)
    assert result.failing == 0
    assert any("line 2" in m and "2099-01-01 > Nothing > here" in m for m in result.messages)
    assert load(emulator_run)["run"]["baseline"]["unknown_ids"] == ["2099-01-01 > Nothing > here"]


def test_unreadable_baseline_is_a_report_error(tmp_path: Path, emulator_run: Path) -> None:
    """A baseline path that cannot be read is a ReportError."""
    with pytest.raises(ReportError, match="cannot read baseline"):
        post_run(emulator_run, baseline=tmp_path)


def test_warned_entry_is_not_stale(tmp_path: Path) -> None:
    """A listed check that warned (assumed behaviour, not --strict) stays a known failure."""
    results = build_run("emulator")
    results["checks"][0]["outcome"] = "warned"
    folder = write_run(tmp_path / "run", results)
    baseline = tmp_path / "baseline.txt"
    baseline.write_text(results["checks"][0]["id"] + "\tassumed position\n", encoding="utf-8")
    assert post_run(folder, baseline=baseline).failing == 0
    listed = results["checks"][0]["id"]
    saved = next(c for c in load(folder)["checks"] if c["id"] == listed)
    assert saved["baseline"] == {"status": "known-failure", "reason": "assumed position", "line": 1}


def test_a_later_report_stage_without_baseline_drops_the_marks(
    tmp_path: Path, ignoring_run: Path
) -> None:
    """Known-failure marks of an earlier report stage do not excuse failures later."""
    baseline = tmp_path / "baseline.txt"
    baseline.write_text(f"{check_id(OLD, REUSE)}\tknown\n", encoding="utf-8")
    assert post_run(ignoring_run, baseline=baseline).failing == 2
    assert post_run(ignoring_run).failing == 3
    saved = load(ignoring_run)
    assert "baseline" not in saved["run"]
    assert not any("baseline" in c for c in saved["checks"])
