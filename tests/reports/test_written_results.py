"""The run's own report stage takes results.json as `results.write` returned it, not read back
from disk: the document and every report are the same as from the file, which validates."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from squarecheck import results
from squarecheck.errors import ResultsError
from squarecheck.reports.stage import post_run
from tests.support.reports import build_run, write_run

REPORTS = ("results.json", "junit.xml", "index.html", "timeline.html", "summary.md")


def _with_hostile_text(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with a lone surrogate, a NUL, a tuple and a non-ASCII letter in one record."""
    hostile = copy.deepcopy(doc)
    check = hostile["checks"][0]
    check["message"] = "lone \ud800 nul \x00 é"
    check["observed"]["pair"] = ("a", 1)
    return hostile


@pytest.mark.parametrize("hostile", [False, True], ids=["plain", "hostile"])
def test_write_returns_what_load_reads_back(tmp_path: Path, hostile: bool) -> None:
    """`results.write` returns the document `results.load` reads from the file it wrote."""
    doc = build_run("ignores-version")
    doc = _with_hostile_text(doc) if hostile else doc
    file = tmp_path / "results.json"
    written = results.write(file, doc)
    assert written == results.load(file)
    results.validate(written)


def test_the_stage_on_the_written_document_writes_what_it_writes_from_disk(
    tmp_path: Path,
) -> None:
    """post_run with `written` leaves byte-identical reports to post_run reading results.json."""
    doc = _with_hostile_text(build_run("ignores-version"))
    from_disk = write_run(tmp_path / "disk", {"run": {}, "checks": []})
    in_memory = write_run(tmp_path / "memory", {"run": {}, "checks": []})
    results.write(from_disk / "results.json", doc)
    written = results.write(in_memory / "results.json", doc)
    a = post_run(from_disk, summary_md=from_disk / "summary.md")
    b = post_run(in_memory, summary_md=in_memory / "summary.md", written=written)
    assert (a.exit_code, a.counts, a.failing) == (b.exit_code, b.counts, b.failing)
    for name in REPORTS:
        assert (from_disk / name).read_bytes() == (in_memory / name).read_bytes(), name
    results.load(in_memory / "results.json")  # the stage's rewrite validates from disk


def test_a_file_changed_on_disk_is_still_validated_when_read(tmp_path: Path) -> None:
    """Without `written`, the stage reads results.json and refuses one that does not validate."""
    folder = write_run(tmp_path / "run", build_run("emulator"))
    doc = results.load(folder / "results.json")
    doc["checks"][0]["outcome"] = "splendid"
    (folder / "results.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ResultsError, match="outcome"):
        post_run(folder)
