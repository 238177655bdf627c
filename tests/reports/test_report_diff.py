"""`squarecheck diff OLD NEW`: regressions, fixes, changed observations, added and removed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from squarecheck.cli import main
from tests.support.reports import NEW, OLD, build_run, check_id, write_run

REGRESSED = sorted(
    check_id(OLD, k)
    for k in (
        "CreateCustomerGroup > unrecognized top-level field",
        "UpdateCustomerGroup > unrecognized field inside group",
        "CreateCustomerGroup > reused idempotency key",
    )
)


def diff_json(tmp_path: Path, old: Path, new: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "diff.json"
    code = main(["diff", str(old), str(new), "--json", str(out), *extra])
    return code, json.loads(out.read_text(encoding="utf-8"))


def test_regressions_fail_the_diff(
    tmp_path: Path, emulator_run: Path, ignoring_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A version-ignoring target regresses exactly the old-version seed checks; diff exits 1."""
    code, data = diff_json(tmp_path, emulator_run, ignoring_run)
    assert code == 1
    assert sorted(c["id"] for c in data["regressions"]) == REGRESSED
    assert data["fixes"] == [] and data["added"] == [] and data["removed"] == []
    assert sorted(c["id"] for c in data["observation_changes"]) == REGRESSED
    out = capsys.readouterr().out
    assert "New failures: 3" in out and "Result: 3 regressions" in out
    assert "CreateCustomerGroup > reused idempotency key: new failures 2022-02-16" in out


def test_fixes_do_not_fail_the_diff(tmp_path: Path, emulator_run: Path, ignoring_run: Path) -> None:
    """Going from the version-ignoring target to the emulator lists fixes and exits 0."""
    code, data = diff_json(tmp_path, ignoring_run / "results.json", emulator_run)
    assert code == 0
    assert sorted(c["id"] for c in data["fixes"]) == REGRESSED
    assert data["regressions"] == []


def test_volatile_values_are_ignored(tmp_path: Path) -> None:
    """Ids, timestamps and cursors in observations never count as a change."""
    first, second = build_run("emulator", "a"), build_run("emulator", "b")
    for results, group_id, stamp, cursor in (
        (first, "2TAT3CMH4Q0A9M87XJZED0WMR3", "2026-11-28T23:00:00Z", "CAASEgoQ1"),
        (second, "9XQ2B7K4M1N6P3R8S5T0V2W4YZ", "2026-11-29T01:02:03.456+00:00", "CAASEgoQ2"),
    ):
        for check in results["checks"]:
            check["observed"]["detail"] = f"group {group_id} created at {stamp}"
            check["observed"]["name"] = f"sqc-{stamp[:10].replace('-', '')}t230010-b307-g1"
            check["observed"]["cursor"] = cursor
            check["observed"]["page"] = {"next_cursor": cursor, "count": 1}
    code, data = diff_json(
        tmp_path, write_run(tmp_path / "a", first), write_run(tmp_path / "b", second)
    )
    assert code == 0
    assert data["observation_changes"] == []


def test_changed_observation_without_outcome_change(tmp_path: Path) -> None:
    """A check that passes in both runs but observed something else is listed, exit 0."""
    first, second = build_run("emulator", "a"), build_run("emulator", "b")
    changed = next(c for c in second["checks"] if c["behaviour"] == "group-not-found")
    changed["observed"]["code"] = "GROUP_NOT_FOUND"
    code, data = diff_json(
        tmp_path, write_run(tmp_path / "a", first), write_run(tmp_path / "b", second)
    )
    assert code == 0
    assert [c["id"] for c in data["observation_changes"]] == [changed["id"]]
    assert data["regressions"] == [] and data["outcome_changes"] == []


def test_added_and_removed_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Checks only in NEW are added, checks only in OLD are removed; neither fails the diff."""
    first, second = build_run("emulator", "a"), build_run("emulator", "b")
    removed = first["checks"][0]["id"]
    second["checks"] = [c for c in second["checks"] if c["id"] != removed]
    extra = dict(second["checks"][-1], id=f"{NEW} > ListCustomerGroups > new check")
    extra["key"] = "ListCustomerGroups > new check"
    second["checks"].append(extra)
    html = tmp_path / "diff.html"
    code, data = diff_json(
        tmp_path,
        write_run(tmp_path / "a", first),
        write_run(tmp_path / "b", second),
        "--html",
        str(html),
    )
    assert code == 0
    assert [c["id"] for c in data["removed"]] == [removed]
    assert [c["id"] for c in data["added"]] == [extra["id"]]
    page = html.read_text(encoding="utf-8")
    assert "Checks added: 1" in page and "Checks removed: 1" in page
    assert "ListCustomerGroups &gt; new check" in page


def test_missing_input_is_a_usage_error(
    tmp_path: Path, emulator_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing run folder exits 2 with one line on stderr."""
    assert main(["diff", str(emulator_run), str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nowhere" in err


@pytest.mark.parametrize(
    "content",
    ["{not json", json.dumps({"format": 1, "run": {}, "checks": []}), "[]"],
    ids=["not-json", "schema-invalid", "not-an-object"],
)
def test_invalid_input_is_a_usage_error(
    tmp_path: Path, emulator_run: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not a results.json exits 2 with one line on stderr."""
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert main(["diff", str(bad), str(emulator_run)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.json" in err


def test_cursor_fact_words_still_compare(tmp_path: Path) -> None:
    """A cursor that was present and is now absent is a changed observation."""
    first, second = build_run("emulator", "a"), build_run("emulator", "b")
    first["checks"][0]["observed"]["cursor"] = "present"
    second["checks"][0]["observed"]["cursor"] = "absent"
    code, data = diff_json(
        tmp_path, write_run(tmp_path / "a", first), write_run(tmp_path / "b", second)
    )
    assert code == 0
    assert [c["id"] for c in data["observation_changes"]] == [first["checks"][0]["id"]]
