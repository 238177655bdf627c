"""Against a target with five planted faults (`squarecheck serve --fault ...`), the verdict is
readable in ten seconds: short blocks in the terminal, the five first in index.html, and the
same counts in every output.

One run serves every test of the module: a separate `squarecheck serve` with the faults, and
`squarecheck run` against it as a user would start them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.support.browser import artifacts_dir
from tests.support.suites import clean_env

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses

#: fault -> the behaviour it breaks (each caught by checks that run against any target)
FAULTS = {
    "remove-group-keeps-membership": "group-ids-field",
    "cursor-on-last-page": "list-groups-pagination",
    "position-off-by-one": "unrecognized-field-position",
    "malformed-json-500": "invalid-json-body",
    "delete-no-cascade": "catalog-delete-cascade",
}
MAX_BLOCK, MAX_TOTAL = 15, 200
BLOCK_START = ("FAILED", "ERROR", "CAUSE")


@dataclass
class FaultyRun:
    code: int
    lines: list[str]
    run_dir: Path
    summary_md: Path


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultyRun]:
    """`squarecheck serve` with the five faults, and one `squarecheck run` against it."""
    tmp = tmp_path_factory.mktemp("five-faults")
    faults = [arg for name in FAULTS for arg in ("--fault", name)]
    serve = subprocess.Popen(
        [sys.executable, "-m", "squarecheck", "serve", "--port", "0", *faults],
        stdout=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    try:
        assert serve.stdout is not None
        url = serve.stdout.readline().strip().rsplit(" ", 1)[-1]
        summary = tmp / "summary.md"
        done = subprocess.run(
            [sys.executable, "-m", "squarecheck", "run", "--target", url, "--token", "abc"]
            + ["-m", "not fuzz", "--search-timeout", "2", "--summary-md", str(summary)]
            + ["--report-dir", str(tmp / "reports")],
            cwd=tmp,
            capture_output=True,
            text=True,
            env=clean_env(),
            timeout=600,
        )
    finally:
        serve.terminate()
        serve.wait(10)
    lines = (done.stdout + done.stderr).splitlines()
    found = re.search(r"^reports: (.+)/ \(", done.stdout, re.MULTILINE)
    assert found, done.stdout[-3000:] + done.stderr[-3000:]
    yield FaultyRun(done.returncode, lines, Path(found.group(1)), summary)


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    for line in lines:
        if line.startswith(BLOCK_START):
            blocks.append([line])
        elif blocks and line.startswith("  "):
            blocks[-1].append(line)
        elif blocks and blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def test_terminal_shows_each_failure_briefly(faulty_run: FaultyRun) -> None:
    """Each failure is a block of at most 15 lines, the whole output at most 200, and every
    planted fault's behaviour is named; exit 1."""
    assert faulty_run.code == 1
    assert len(faulty_run.lines) <= MAX_TOTAL
    blocks = _blocks(faulty_run.lines)
    assert blocks and all(len(b) <= MAX_BLOCK for b in blocks)
    text = "\n".join(faulty_run.lines)
    for behaviour in FAULTS.values():
        assert behaviour in text, behaviour
    assert "Traceback" not in text and "site-packages" not in text


def test_index_lists_the_five_first(faulty_run: FaultyRun, browser: Browser) -> None:
    """index.html opens with the Failures section: each fault's behaviour with what was
    expected and what was observed (seen in Chromium; a screenshot is kept)."""
    page = browser.new_page(viewport={"width": 1280, "height": 2000})
    try:
        page.goto((faulty_run.run_dir / "index.html").resolve().as_uri())
        assert page.locator("h2").first.inner_text().startswith("Failures (")
        section = page.locator("#failures")
        text = section.inner_text()
        for behaviour in FAULTS.values():
            assert behaviour in text, behaviour
        assert section.locator(".expected").count() >= len(FAULTS)
        assert section.locator(".observed").count() >= len(FAULTS)
        assert section.locator(".request pre").count() >= 1
        page.screenshot(path=str(artifacts_dir() / "index-five-faults.png"))
    finally:
        page.close()


def _terminal_counts(lines: list[str]) -> dict[str, int]:
    line = next(x for x in lines if x.startswith("squarecheck: ") and "; exit " in x)
    return {o: int(n) for n, o in re.findall(r"(\d+) (passed|failed|warned|error|skipped)", line)}


def test_every_output_counts_the_same(faulty_run: FaultyRun, browser: Browser) -> None:
    """Terminal, index.html, the Markdown summary, results.json and junit.xml agree."""
    doc = json.loads((faulty_run.run_dir / "results.json").read_text())
    counts = doc["run"]["counts"]
    shown = {k: v for k, v in counts.items() if v}
    assert _terminal_counts(faulty_run.lines) == shown
    page = browser.new_page()
    try:
        page.goto((faulty_run.run_dir / "index.html").resolve().as_uri())
        checks = page.locator("#summary dd").nth(5).inner_text()
    finally:
        page.close()
    assert checks.startswith(f"{sum(counts.values())}:")
    assert [int(n) for n in re.findall(r"\b(\d+)\b", checks.split(":", 1)[1])] == list(
        counts.values()
    )
    table = [x for x in faulty_run.summary_md.read_text().splitlines() if x.startswith("| ")]
    header = [c.strip() for c in table[0].strip("|").split("|")]
    values = [int(c) for c in table[1].strip("|").split("|")]
    assert dict(zip(header, values, strict=True)) == {
        **counts,
        "failing the run": doc["run"]["failing"],
    }
    suite = ET.parse(faulty_run.run_dir / "junit.xml").getroot()  # <testsuites>: the totals
    assert suite.tag == "testsuites"
    assert int(suite.get("failures", -1)) == counts["failed"]
    assert int(suite.get("errors", -1)) == counts["error"]
    skipped = sum(int(one.get("skipped", 0)) for one in suite.iter("testsuite"))
    assert skipped == counts["skipped"]
    assert int(suite.get("tests", -1)) == sum(counts.values())
