"""The landing page (index.html) in a real headless Chromium, served over loopback HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from squarecheck.reports.stage import post_run
from tests.support.browser import Watched, artifacts_dir
from tests.support.reports import NEW, OLD, build_run, write_run

SEED_KEYS = (
    "CreateCustomerGroup > unrecognized top-level field",
    "UpdateCustomerGroup > unrecognized field inside group",
    "CreateCustomerGroup > reused idempotency key",
)


@pytest.fixture(scope="session")
def pages(served: tuple[str, Path]) -> dict[str, str]:
    """URLs of index.html for an emulator run and a version-ignoring run, both post-processed."""
    base, root = served
    urls = {}
    for mode in ("emulator", "ignores-version"):
        folder = write_run(root / mode, build_run(mode))
        post_run(folder, upgrade=(OLD, NEW))
        urls[mode] = f"{base}/{mode}/index.html"
    return urls


def visible_keys(page: Page) -> list[str]:
    keys: list[str] = page.eval_on_selector_all(
        "#matrix tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.key)"
    )
    return keys


def test_matrix_has_a_column_per_version(watched: Watched, pages: dict[str, str]) -> None:
    """The matrix shows one column per selected version and one row per check key."""
    page = watched.page
    page.goto(pages["emulator"])
    headers = page.locator("#matrix thead th").all_inner_texts()
    assert headers[1:3] == [OLD, NEW]
    assert page.locator("#matrix tbody tr").count() == 5
    page.screenshot(path=str(artifacts_dir() / "index-emulator.png"), full_page=True)


def test_seed_rows_are_highlighted_with_documented_change(
    watched: Watched, pages: dict[str, str]
) -> None:
    """The emulator's seed-behaviour rows are highlighted next to the table's change."""
    page = watched.page
    page.goto(pages["emulator"])
    highlighted = page.eval_on_selector_all(
        "#matrix tbody tr.differs", "rows => rows.map(r => r.dataset.key)"
    )
    assert sorted(highlighted) == sorted(SEED_KEYS)
    row = page.locator("#matrix tbody tr", has_text="reused idempotency key")
    text = row.inner_text()
    assert "Changes in 2022-03-16" in text
    assert "documented change observed" in text
    assert "INVALID_VALUE" in text and "replay" in text
    background = row.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor")
    plain = page.locator("#matrix tbody tr", has_text="unknown group id").locator("td").first
    assert background != plain.evaluate("td => getComputedStyle(td).backgroundColor")


def test_version_ignoring_target_is_flagged(watched: Watched, pages: dict[str, str]) -> None:
    """A version-ignoring target shows the seed rows as documented change not observed."""
    page = watched.page
    page.goto(pages["ignores-version"])
    flagged = page.eval_on_selector_all(
        "#matrix tbody tr.flagged", "rows => rows.map(r => r.dataset.key)"
    )
    assert sorted(flagged) == sorted(SEED_KEYS)
    assert page.locator("#matrix tbody tr.differs").count() == 0
    assert page.locator("#flags li").count() == 3
    assert "documented change not observed" in page.locator("#flags").inner_text()
    assert "secret" not in page.content()
    page.screenshot(path=str(artifacts_dir() / "index-ignores-version.png"), full_page=True)


def test_filters_hide_rows(watched: Watched, pages: dict[str, str]) -> None:
    """Outcome, behaviour and notable-row filters hide the rows they exclude."""
    page = watched.page
    page.goto(pages["ignores-version"])
    assert len(visible_keys(page)) == 5
    page.get_by_label("passed", exact=True).uncheck()
    assert sorted(visible_keys(page)) == sorted(SEED_KEYS)
    page.get_by_label("failed", exact=True).uncheck()
    assert visible_keys(page) == []
    page.get_by_label("passed", exact=True).check()
    page.get_by_label("failed", exact=True).check()
    page.select_option("select[name=behaviour]", "idempotency-key-reuse")
    assert visible_keys(page) == ["CreateCustomerGroup > reused idempotency key"]
    assert page.locator("#shown").inner_text() == "1"
    page.select_option("select[name=behaviour]", "")
    page.get_by_label("only rows that differ or are flagged").check()
    assert sorted(visible_keys(page)) == sorted(SEED_KEYS)


def test_page_reads_without_javascript(
    browser: Browser, pages: dict[str, str], served: tuple[str, Path]
) -> None:
    """Without JavaScript every row and the evidence show, and the filter form stays hidden."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(pages["ignores-version"])
        assert page.locator("#matrix tbody tr:visible").count() == 5
        assert not page.locator("#filters").is_visible()
        assert page.locator("section.evidence").count() == 10
    finally:
        context.close()


def test_page_makes_no_network_requests(watched: Watched, pages: dict[str, str]) -> None:
    """Loading the page and following evidence links requests nothing beyond the page itself."""
    page = watched.page
    page.goto(pages["emulator"])
    page.wait_for_load_state("networkidle")
    page.locator("#matrix tbody tr").first.get_by_role("link", name="evidence").first.click()
    target = page.evaluate("location.hash")
    section = page.locator(f"section{target}")
    assert section.is_visible()
    assert "curl -X POST" in section.inner_text()
    assert watched.external == []


def test_evidence_and_upgrade_links_resolve(watched: Watched, pages: dict[str, str]) -> None:
    """The nav links to report.html and upgrade.html, and upgrade evidence links land on anchors."""
    page = watched.page
    page.goto(pages["emulator"])
    page.get_by_role("link", name="upgrade report").click()
    assert "Upgrading from Square-Version 2022-02-16 to 2022-03-16" in page.inner_text("h1")
    page.locator("#b-idempotency-key-reuse").get_by_role("link", name="evidence").first.click()
    target = page.evaluate("location.hash")
    assert page.locator(f"section{target}").is_visible()
    page.goto(pages["emulator"])
    page.get_by_role("link", name="pytest report").click()
    assert page.title() == "pytest"
    assert watched.external == []
