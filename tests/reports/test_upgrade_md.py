"""upgrade.md, the upgrade report for a pull request, and counts that agree everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser

from squarecheck.reports.stage import post_run
from tests.support.reports import NEW, OLD, build_run, write_run


def _counts(report: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in report["counts"].items() if k != "by_status"}


def _numbers(sentence: str) -> list[int]:
    return [int(n) for n in re.findall(r"\b(\d+) (?:documented|behaviours|undocumented)", sentence)]


def test_every_rendering_gives_the_same_counts(tmp_path: Path, browser: Browser) -> None:
    """The terminal line, upgrade.json, upgrade.html and upgrade.md count alike, and each
    lists as many changes as it counts."""
    results = build_run("emulator")
    for check in results["checks"]:  # one difference the table does not predict
        if check["behaviour"] == "group-not-found" and check["version"] == NEW:
            check["observed"] = {"status": 410, "code": "GONE"}
    folder = write_run(tmp_path / "run", results)
    outcome = post_run(folder, upgrade=(OLD, NEW))
    report = json.loads((folder / "upgrade.json").read_text(encoding="utf-8"))
    counts = _counts(report)
    assert counts["changes"] == len(report["changes"]) >= counts["behaviours"] > 0
    assert counts["undocumented"] == len(report["undocumented"]) == 1
    expected = [counts["changes"], counts["behaviours"], counts["undocumented"]]

    line = next(m for m in outcome.messages if m.startswith("upgrade "))
    assert _numbers(line) == expected

    markdown = (folder / "upgrade.md").read_text(encoding="utf-8")
    assert _numbers(markdown.split("\n\n")[1]) == expected
    assert markdown.count("\n- **") == counts["changes"]
    assert markdown.count("\n| RetrieveCustomerGroup") == counts["undocumented"]

    page = browser.new_page()
    try:
        page.goto((folder / "upgrade.html").as_uri())
        assert _numbers(page.inner_text("#counts")) == expected
        assert page.locator("#by-version li").count() == counts["changes"]
        assert page.locator("#overview li").count() == counts["behaviours"]
    finally:
        page.close()


def test_changes_are_grouped_by_cutover_with_before_after_and_evidence(
    emulator_run: Path,
) -> None:
    """Each cutover crossed is a heading, each change says before, after and its evidence."""
    post_run(emulator_run, upgrade=(OLD, NEW))
    report = json.loads((emulator_run / "upgrade.json").read_text(encoding="utf-8"))
    markdown = (emulator_run / "upgrade.md").read_text(encoding="utf-8")
    assert markdown.startswith(f"## Upgrading Square-Version {OLD} → {NEW}")
    for since in {c["since"] for c in report["changes"]}:
        assert f"### Changes at {since}" in markdown
    reuse = next(c for c in report["changes"] if c["behaviour"] == "idempotency-key-reuse")
    block = markdown.split("**idempotency-key-reuse**", 1)[1].split("\n- **", 1)[0]
    assert "before:" in block and "after, what a client must handle:" in block
    href = reuse["evidence"][0]["href"]
    assert f"(<{href}>)" in block
    assert "observed" in block


def test_a_target_text_cannot_become_markup(tmp_path: Path) -> None:
    """Observations of an undocumented difference are text: no link, image, tag or cell."""
    results = build_run("emulator")
    for check in results["checks"]:
        if check["behaviour"] == "group-not-found" and check["version"] == NEW:
            check["observed"] = {"status": 404, "code": "![x](http://evil/) <b>|</b>"}
    folder = write_run(tmp_path / "run", results)
    post_run(folder, upgrade=(OLD, NEW))
    row = next(
        line
        for line in (folder / "upgrade.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| RetrieveCustomerGroup")
    )
    assert "![x](http" not in row and "<b>" not in row
    assert row.count(" | ") == 2  # the target's `|` is no cell
