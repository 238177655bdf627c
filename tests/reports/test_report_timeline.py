"""timeline.html, the matrix of many versions and the upgrade list, in a real headless Chromium."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from squarecheck.reports.page import anchor
from squarecheck.reports.stage import post_run
from squarecheck.spec.table import load_table
from tests.support.browser import Watched, artifacts_dir
from tests.support.reports import ROWS, build_run, check_id, write_run

SEED_CUTOVER = "2022-03-16"


def cutover_run() -> dict[str, Any]:
    """A run of the hand-built checks under every version of the cutover selection, observed
    as the table says (the seed rows change at 2022-03-16, the others never)."""
    results = build_run("emulator", run_id="20261129T050000-cuts")
    template = {c["key"]: c for c in results["checks"] if c["version"] == SEED_CUTOVER}
    versions = load_table().select("cutovers")
    checks = []
    for version in versions:
        for key, _behaviour, _operation, before, after in ROWS:
            check = copy.deepcopy(template[key])
            seen = after if version >= SEED_CUTOVER else before
            check.update(id=check_id(version, key), version=version, observed=dict(seen))
            check.update(status=seen["status"], error_code=seen.get("code"))
            check["resolved_version"] = load_table().resolve(version)
            checks.append(check)
    results["checks"] = checks
    results["run"]["versions"] = versions
    return results


@pytest.fixture(scope="module")
def cutover_pages(served: tuple[str, Path]) -> dict[str, str]:
    """index.html, timeline.html and upgrade.html of the cutover run, post-processed and served."""
    base, root = served
    folder = write_run(root / "cutovers", cutover_run())
    post_run(folder, upgrade=("2021-03-17", "2022-10-19"))
    return {name: f"{base}/cutovers/{name}.html" for name in ("index", "timeline", "upgrade")}


def test_every_change_is_a_mark_with_before_and_after(
    watched: Watched, cutover_pages: dict[str, str]
) -> None:
    """Each change of the table is one mark on its behaviour's row, titled with before/after."""
    page = watched.page
    page.goto(cutover_pages["timeline"])
    table = load_table()
    changes = [(b, c) for b in table.behaviours.values() for c in b.changes]
    assert page.locator("svg.timeline a.change-mark").count() == len(changes)
    assert page.locator("svg.timeline g.row").count() == len(table.behaviours)
    title = page.locator("#row-update-customer-empty-body a.change-mark title").text_content() or ""
    assert title.startswith("2021-10-20 update-customer-empty-body (documented)")
    assert "before: 200 with the profile" in title and "after: 400 BAD_REQUEST" in title
    page.screenshot(path=str(artifacts_dir() / "timeline-cutovers.png"), full_page=True)
    assert watched.external == []


def test_mark_leads_to_evidence_and_observed_cells(
    watched: Watched, cutover_pages: dict[str, str]
) -> None:
    """A mark leads to its plain-text entry: evidence links and the matrix cells around it."""
    page = watched.page
    page.goto(cutover_pages["timeline"])
    page.locator("#row-idempotency-key-reuse a.change-mark").click()
    target = page.evaluate("location.hash")
    assert target == f"#c-idempotency-key-reuse-{SEED_CUTOVER}"
    entry = page.locator(f"li{target}")
    text = entry.inner_text()
    assert "INVALID_VALUE" in text and "replay" in text.lower()
    evidence = entry.locator("a[href^='https://developer.squareup.com']")
    assert evidence.count() >= 1
    observed = entry.locator("a[href^='index.html#']")
    hrefs = observed.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    key = "CreateCustomerGroup > reused idempotency key"
    assert f"index.html#{anchor(check_id('2022-02-16', key))}" in hrefs
    assert f"index.html#{anchor(check_id(SEED_CUTOVER, key))}" in hrefs
    observed.first.click()
    landed = page.evaluate("location.hash")
    assert page.locator(f"section{landed}").is_visible()


def test_run_versions_are_cells_linking_to_their_evidence(
    watched: Watched, cutover_pages: dict[str, str]
) -> None:
    """Every run version of a checked behaviour is a coloured cell linking into index.html."""
    page = watched.page
    page.goto(cutover_pages["timeline"])
    cells = page.locator("#row-group-not-found a.cell-link")
    assert cells.count() == len(load_table().select("cutovers"))
    assert page.locator("#row-group-not-found rect.o-passed").count() == cells.count()
    assert page.locator("#row-unknown-route a.cell-link").count() == 0  # not in this run


def test_timeline_reads_without_javascript(browser: Browser, cutover_pages: dict[str, str]) -> None:
    """Without JavaScript the SVG and the plain-text list of changes both show."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(cutover_pages["timeline"])
        assert page.locator("svg.timeline").is_visible()
        changes = sum(len(b.changes) for b in load_table().behaviours.values())
        assert page.locator("#changes li.change").count() == changes
        assert page.locator("#changes h3").first.inner_text() == load_table().cutovers()[0]
    finally:
        context.close()


def test_matrix_of_many_versions_merges_equal_cells(
    watched: Watched, cutover_pages: dict[str, str]
) -> None:
    """Adjacent versions that read alike share one cell; headers stand upright; it scrolls."""
    page = watched.page
    page.goto(cutover_pages["index"])
    versions = load_table().select("cutovers")
    assert page.locator("#matrix thead th.v").count() == len(versions)
    assert page.locator("#matrix").get_attribute("class") == "many"
    plain = page.locator("#matrix tbody tr", has_text="unknown group id")
    assert plain.locator("td[colspan]").count() == 1
    assert plain.locator("td[colspan]").get_attribute("colspan") == str(len(versions))
    seed = page.locator("#matrix tbody tr", has_text="reused idempotency key")
    spans = seed.locator("td[colspan]").evaluate_all("tds => tds.map(t => t.colSpan)")
    assert sum(spans) == len(versions) and len(spans) == 2
    assert seed.get_by_role("link", name="evidence 2022-02-16").count() == 1
    assert (
        page.locator("#matrix td.key").first.evaluate("td => getComputedStyle(td).position")
        == "sticky"
    )
    page.screenshot(path=str(artifacts_dir() / "index-cutovers.png"), full_page=True)


def test_upgrade_lists_each_change_by_version(cutover_pages: dict[str, str], served: Any) -> None:
    """--upgrade 2021-03-17 2022-10-19 names every change from 2021-04-21 to 2022-10-19."""
    folder = served[1] / "cutovers"
    report = json.loads((folder / "upgrade.json").read_text(encoding="utf-8"))
    dates = {c["since"] for c in report["changes"]}
    cutovers = (
        "2021-04-21", "2021-06-16", "2021-08-18", "2021-10-20", "2021-12-15", "2022-01-20",
        "2022-03-16", "2022-10-19",
    )  # fmt: skip
    assert dates == set(cutovers)
    assert [c["since"] for c in report["changes"]] == sorted(c["since"] for c in report["changes"])
    assert all(c["evidence"] for c in report["changes"])
    html = (folder / "upgrade.html").read_text(encoding="utf-8")
    for since in dates:
        assert f"<h3>{since}</h3>" in html
    assert 'href="timeline.html#c-update-customer-empty-body-2021-10-20"' in html
