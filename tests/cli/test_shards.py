"""`--shard K/N` and `squarecheck merge`: parts of one selection, put back together."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xmlschema

from squarecheck.reports import matrix as mx
from squarecheck.reports import runs
from squarecheck.spec.table import load_table
from tests.support.suites import RunResult

SELECTION = ("-m", "versioning or unrecognized_fields or idempotency")
UPGRADE = ("--upgrade", "2022-02-16", "2022-03-16")
SCHEMA = Path(__file__).parents[1] / "reports" / "data" / "junit-10.xsd"
_PORT = re.compile(r"127\.0\.0\.1:\d+")
_RUN_ID = re.compile(r"\b\d{8}T\d{6}-[0-9a-f]{4}\b")


def _norm(value: Any) -> Any:
    """Ids, timestamps, name prefixes (runs.stable), ports and run ids masked."""
    text = json.dumps(runs.stable(value), sort_keys=True)
    return json.loads(_RUN_ID.sub("<run>", _PORT.sub("127.0.0.1:<port>", text)))


def _checks(folder: Path) -> list[dict[str, Any]]:
    """Every record without its timing and evidence, normalized, in id order."""
    doc = json.loads((folder / "results.json").read_text())
    kept = [
        {k: v for k, v in c.items() if k not in ("duration", "evidence")} for c in doc["checks"]
    ]
    return sorted(_norm(kept), key=lambda c: c["id"])


def _junit(folder: Path) -> list[tuple[str, str, str, str]]:
    """(suite, case, classname, outcome) of every JUnit case."""
    out = []
    for suite in ET.parse(folder / "junit.xml").getroot().iter("testsuite"):
        for case in suite.iter("testcase"):
            kinds = [c.tag for c in case if c.tag in ("failure", "error", "skipped")]
            outcome = kinds[0] if kinds else "passed"
            name, classname = case.attrib["name"], case.attrib["classname"]
            out.append((suite.attrib["name"], name, classname, outcome))
    return sorted(out)


def _flags(folder: Path) -> list[tuple[str, str, str, str]]:
    """Every documented or undocumented change the version matrix finds, row by row."""
    doc = json.loads((folder / "results.json").read_text())
    matrix = mx.build(doc, load_table())
    return sorted(
        (row.key, t.old, t.new, str(t.finding)) for row in matrix.rows for t in row.transitions
    )


def _upgrade(folder: Path) -> Any:
    doc = json.loads((folder / "upgrade.json").read_text())
    doc.pop("run")
    return _norm(doc)


def test_merged_shards_equal_the_whole_run(run_cli: Callable[..., RunResult]) -> None:
    """Four shards merged give the unsharded run's checks, JUnit, matrix and upgrade report."""
    whole = run_cli(*SELECTION, *UPGRADE, "--run-name", "whole")
    assert whole.code == 0, whole.stdout[-2000:] + whole.stderr
    parts = [run_cli(*SELECTION, *UPGRADE, "--shard", f"{k}/4") for k in (1, 2, 3, 4)]
    sizes = []
    for part in parts:
        assert part.code == 0, part.stdout[-2000:] + part.stderr
        assert part.results["run"]["shard"].endswith("/4")
        sizes.append(len(part.results["checks"]))
    assert max(sizes) - min(sizes) <= max(sizes) // 2  # balanced, not one part with it all
    folders = [str(p.run_dir) for p in parts]
    merged = run_cli(
        *folders,
        "--report-dir",
        str(whole.report_dir),
        "--run-name",
        "merged",
        command="merge",
    )
    assert merged.code == 0, merged.stdout[-2000:] + merged.stderr
    out = whole.report_dir / "merged"
    assert _checks(out) == _checks(whole.run_dir)
    assert _junit(out) == _junit(whole.run_dir)
    assert _flags(out) == _flags(whole.run_dir)
    assert any(f[3] == mx.DOC_OBSERVED for f in _flags(out))  # a finding across versions
    assert _upgrade(out) == _upgrade(whole.run_dir)
    xmlschema.XMLSchema(str(SCHEMA)).validate(str(out / "junit.xml"))
    info = json.loads((out / "results.json").read_text())["run"]
    assert sorted(s["shard"] for s in info["merged_from"]) == ["1/4", "2/4", "3/4", "4/4"]
    assert (whole.report_dir / "latest").resolve() == out.resolve()


def test_a_missing_shard_is_merged_but_stops_the_verdict(
    run_cli: Callable[..., RunResult],
) -> None:
    """Merging three of four shards writes the reports and exits 3 naming the missing part."""
    parts = [run_cli("-m", "versioning", "--shard", f"{k}/4") for k in (1, 2, 3)]
    folders = [str(p.run_dir) for p in parts]
    merged = run_cli(*folders, "--report-dir", str(parts[0].report_dir), command="merge")
    assert merged.code == 3, merged.stdout[-2000:] + merged.stderr
    info = merged.results["run"]
    assert "merged without shard 4/4" in info["stopped"]
    assert (merged.run_dir / "index.html").is_file()


def test_overlapping_runs_are_refused(run_cli: Callable[..., RunResult]) -> None:
    """A check in two of the runs is a usage error: one line, exit 2."""
    first = run_cli("-k", "echo", "--run-name", "a")
    second = run_cli("-k", "echo", "--run-name", "b")
    merged = run_cli(
        str(first.run_dir),
        str(second.run_dir),
        "--report-dir",
        str(first.report_dir),
        command="merge",
    )
    assert merged.code == 2
    assert len(merged.stderr.strip().splitlines()) == 1 and "in both" in merged.stderr


def test_a_bad_shard_is_a_usage_error(run_cli: Callable[..., RunResult]) -> None:
    """--shard 5/4 is refused with one line and exit 2."""
    run = run_cli("--shard", "5/4")
    assert run.code == 2 and "--shard" in run.stderr


def test_a_part_the_split_leaves_empty_runs_no_check(run_cli: Callable[..., RunResult]) -> None:
    """With fewer checks than parts an empty part exits 0; an empty selection still exits 2."""
    parts = [run_cli("-k", "echo", "--shard", f"{k}/4") for k in (1, 2, 3, 4)]
    assert [p.code for p in parts] == [0, 0, 0, 0]
    sizes = sorted(len(p.results["checks"]) for p in parts)
    assert sizes[0] == 0 and sum(sizes) == 2
    nothing = run_cli("-k", "no_such_check_anywhere", "--shard", "1/4")
    assert nothing.code == 2
