"""timeline.html and the diff page from their templates: what a reader sees first, the drawing's
layout in a real Chromium, target text kept as text, and the link rule every page shares."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from squarecheck.reports import timeline
from squarecheck.reports.compare import diff
from squarecheck.reports.templating import environment
from squarecheck.results import load
from squarecheck.spec.table import load_table
from tests.support.browser import artifacts_dir
from tests.support.reports import NEW, OLD, build_run, check_id, write_run

MARKUP = "<img src=x onerror=alert(1)><script>alert(2)</script>"
SEED = "CreateCustomerGroup > reused idempotency key"


class _Tags(HTMLParser):
    """The start tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def tags(page: str) -> list[str]:
    parsed = _Tags()
    parsed.feed(page)
    return parsed.tags


@pytest.fixture
def chromium(browser: Browser) -> Iterator[Page]:
    """A fresh page of the session's Chromium, 1400 px wide."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def ignoring_timeline(tmp_path: Path) -> Path:
    """timeline.html of the version-ignoring run (its seed checks fail under 2022-02-16)."""
    folder = write_run(tmp_path / "ignoring", build_run("ignores-version"))
    return timeline.write(load(folder), load_table(), folder)


@pytest.mark.parametrize(
    ("href", "is_link"),
    [
        ("https://developer.squareup.com/docs", True),
        ("http://127.0.0.1:8080/v2", True),
        ("index.html#ev-x", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
    ],
)
def test_only_http_and_relative_targets_become_links(href: str, is_link: bool) -> None:
    """The pages' link filter makes a link of http(s) and relative targets, text of others."""
    shown = environment().from_string("{{ href | link('label') }}").render(href=href)
    assert (shown.startswith("<a href=") and shown.endswith(">label</a>")) is is_link
    assert shown == "label" or is_link


def test_timeline_names_the_failing_behaviours_before_the_drawing(
    ignoring_timeline: Path,
) -> None:
    """The first paragraph links each behaviour with a failing check to its row, in red."""
    page = ignoring_timeline.read_text(encoding="utf-8")
    opening = page[: page.index('<svg class="timeline"')]
    assert "Failing in 2 behaviours" in opening
    for behaviour in ("unrecognized-field", "idempotency-key-reuse"):
        assert f'<a href="#row-{behaviour}">{behaviour}</a>' in opening
    assert page.count('class="failing"') == 2


def test_timeline_marks_stand_clear_of_the_run_squares(
    chromium: Page, ignoring_timeline: Path
) -> None:
    """On a row with a change at a run version, the mark and that version's square do not
    overlap, and the axis stays in view when the rows scroll."""
    chromium.goto(ignoring_timeline.as_uri())
    row = chromium.locator("#row-idempotency-key-reuse")
    geometry = "e => { const b = e.getBBox(); return [b.x, b.y, b.width, b.height]; }"
    mx, my, mw, mh = row.locator("a.change-mark path").evaluate(geometry)
    squares = [cell.evaluate(geometry) for cell in row.locator("a.cell-link rect").all()]
    assert len(squares) == 2
    sx, sy, sw, _ = max(squares)  # the 2022-03-16 one, under the 2022-03-16 change
    assert sx < mx + mw / 2 < sx + sw
    assert my + mh < sy
    drawing = chromium.locator("svg.timeline").bounding_box()
    assert drawing is not None
    chromium.evaluate(f"window.scrollTo(0, {drawing['y'] + drawing['height'] / 2})")
    axis = chromium.locator("div.axis-head").bounding_box()
    assert axis is not None and axis["y"] == 0
    chromium.screenshot(path=str(artifacts_dir() / "timeline-scrolled.png"))


def test_diff_page_opens_with_its_verdict_and_every_count(tmp_path: Path) -> None:
    """The verdict and the six counts come first; empty sections have no table of their own."""
    old = write_run(tmp_path / "old", build_run("emulator"))
    new = write_run(tmp_path / "new", build_run("ignores-version"))
    page = diff.render_html(diff.compare(load(old), load(new)))
    verdict = page.index('<p class="verdict exit-1"><strong>3 new failures</strong>')
    counts = [page.index(text) for text in ("New failures: 3", "Fixes: 0", "Checks removed: 0")]
    assert verdict < min(counts) and max(counts) < page.index('<h2 id="regressions">')
    assert '<h2 id="fixes">' not in page and '<h2 id="added">' not in page
    assert page.count("<table") == 2  # new failures, changed observations
    back = diff.render_html(diff.compare(load(new), load(old)))
    assert '<p class="verdict exit-0"><strong>No new failures</strong>' in back


def test_target_text_stays_text_in_the_timeline_and_the_diff(tmp_path: Path) -> None:
    """Markup in check ids, keys and observations reaches both pages escaped, never as tags."""
    old = build_run("emulator")
    new = copy.deepcopy(build_run("ignores-version"))
    for check in new["checks"]:
        check["observed"]["code"] = MARKUP
    added: dict[str, Any] = dict(new["checks"][0], key=f"{MARKUP} > key")
    added["id"] = check_id(NEW, added["key"])
    new["checks"].append(added)
    old_dir, new_dir = write_run(tmp_path / "a", old), write_run(tmp_path / "b", new)
    pages = [
        diff.render_html(diff.compare(load(old_dir), load(new_dir))),
        timeline.render(load(new_dir), load_table()),
    ]
    for page in pages:
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        assert "img" not in tags(page) and "script" not in tags(page)
    assert OLD in pages[0]
