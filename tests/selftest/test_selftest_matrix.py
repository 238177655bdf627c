"""The kill matrix: verdicts and exit codes, the page, and a fault that breaks nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from squarecheck.selftest import html, orchestrate


@dataclass(frozen=True)
class FakeFault:
    """A catalogue entry for tests: a description and intended behaviours."""

    description: str
    behaviours: tuple[str, ...]


def _record(outcome: str, behaviour: str = "group-lifecycle") -> dict[str, Any]:
    return {"id": f"2022-03-16 > Op > {behaviour}", "behaviour": behaviour, "outcome": outcome}


def test_verdicts_and_exit_codes() -> None:
    """0 when all faults die on a clean control; 1 for a survivor or dirty control; 3 on errors."""
    fault = {"f": FakeFault("breaks lifecycle", ("group-lifecycle",))}
    clean = orchestrate.TargetRun(None, [_record("passed")])
    killed = orchestrate.TargetRun("f", [_record("failed")])
    survived = orchestrate.TargetRun("f", [_record("passed")])
    doc = orchestrate.build_matrix(clean, fault, {"f": killed})
    assert doc["exit_code"] == 0
    assert doc["faults"][0]["killed"] and doc["faults"][0]["intended_caught"]
    assert orchestrate.build_matrix(clean, fault, {"f": survived})["exit_code"] == 1
    dirty = orchestrate.TargetRun(None, [_record("failed")])
    assert orchestrate.build_matrix(dirty, fault, {"f": killed})["exit_code"] == 1
    crashed = orchestrate.TargetRun("f", error="exit 4 without results")
    assert orchestrate.build_matrix(clean, fault, {"f": crashed})["exit_code"] == 3


def test_caught_by_another_behaviour_is_not_intended() -> None:
    """A fault killed only by checks of other behaviours is killed but not intended-caught."""
    fault = {"f": FakeFault("x", ("seller-isolation",))}
    clean = orchestrate.TargetRun(None, [_record("passed")])
    run = orchestrate.TargetRun("f", [_record("failed", "group-lifecycle")])
    row = orchestrate.build_matrix(clean, fault, {"f": run})["faults"][0]
    assert row["killed"] and not row["intended_caught"]
    assert row["caught_by"][0]["behaviour"] == "group-lifecycle"


def test_page_escapes_everything_and_needs_no_script() -> None:
    """selftest.html escapes names and descriptions and carries no script."""
    fault = {"<b>f</b>": FakeFault("<script>alert(1)</script>", ("group-lifecycle",))}
    clean = orchestrate.TargetRun(None, [_record("passed")])
    doc = orchestrate.build_matrix(clean, fault, {"<b>f</b>": orchestrate.TargetRun("<b>f</b>")})
    doc["run"] = {"id": "r", "finished_at": "now", "duration": 1.0, "keyword": None}
    page = html.render_html(doc)
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;f&lt;/b&gt;" in page and "survived" in page


@pytest.mark.e2e
def test_fault_that_breaks_nothing_survives(tmp_path: Path) -> None:
    """A catalogue entry whose emulator is the clean one is reported as surviving: exit 1."""

    def runner(
        fault: str | None, workdir: Path, keyword: str | None, n: int
    ) -> orchestrate.TargetRun:
        folder = workdir / (fault or "clean")
        folder.mkdir()
        run = orchestrate.run_target(None, folder, keyword, n)  # the inert fault changes nothing
        run.fault = fault
        return run

    inert = {"inert": FakeFault("changes nothing", ("square-version-echo",))}
    doc, run_dir = orchestrate.run_selftest(
        tmp_path,
        faults=inert,
        workers=2,
        keyword="test_versioning",
        fuzz_examples=2,
        runner=runner,
    )
    assert doc["exit_code"] == 1
    assert doc["clean"]["passed"] and doc["clean"]["counts"]["passed"] > 0
    assert doc["summary"]["survived"] == ["inert"]
    row = doc["faults"][0]
    assert not row["killed"] and row["caught_by"] == [] and row["counts"]["passed"] > 0
    saved = json.loads((run_dir / "selftest.json").read_text())
    assert saved["summary"]["survived"] == ["inert"]
    assert "survived" in (run_dir / "selftest.html").read_text()
    assert "SURVIVED" in html.terminal_table(doc)
