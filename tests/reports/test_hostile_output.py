"""Target-controlled text in every output: capped in size, control characters and markup
escaped in the terminal and Markdown, escaped by construction in every HTML page."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from squarecheck.cli import main
from tests.support.hostile import Bounded, run_bounded
from tests.support.suites import LocalServer

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses

TOKEN = "sqcMarkupToken5Hs2"
CONTROL = "\x1b[2J\x1b[H\x1b[32mALL CHECKS PASSED\x1b[0m\u202e\x07\r"
MARKUP = (
    "<script>alert('s')</script><img src=x onerror=alert('i')> [click](http://evil.example/) "
    "![pixel](http://evil.example/p.png) | cell | **bold** `code` <!-- c --> &amp;"
)
HUGE = 800_000  # characters of a detail, under the 1 MiB body cap
SELECTION = "(unrecognized_fields or errors) and not fuzz"


ANSWERS = itertools.count()


def markup_errors(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Every error carries escape sequences and markup in its code, detail and field; the code
    is numbered, so observations differ between versions and reach the upgrade report too."""
    if status < 400:
        return status, headers, body
    error = {
        "code": f"<img src=x onerror=alert('c')>{CONTROL}{next(ANSWERS)}",
        "detail": f"{CONTROL}{MARKUP}\n" * 3 + "x" * 20_000,
        "field": f"</pre></td><script>alert('f')</script>{CONTROL}",
        "category": "INVALID_REQUEST_ERROR",
    }
    return status, headers, json.dumps({"errors": [error]}).encode()


@pytest.fixture(scope="module")
def marked_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Bounded, Bounded]]:
    """A run against the markup target (with summary and upgrade report), a clean run, a diff."""
    from squarecheck.emulator.server import EmulatorServer
    from tests.support.suites import Proxy

    with EmulatorServer(host="127.0.0.1", port=0) as emulator:
        runs = []
        for name, hook in (("marked", markup_errors), ("clean", None)):
            tmp = tmp_path_factory.mktemp(name)
            with LocalServer(Proxy(emulator.url, on_response=hook).app()) as server:
                runs.append(
                    run_bounded(
                        tmp,
                        *("--target", server.url, "-m", SELECTION, "--summary-md"),
                        str(tmp / "reports" / "summary.md"),
                        *("--upgrade", "2022-02-16", "2022-03-16"),
                        env={"SQUARECHECK_TOKEN": TOKEN},
                    )
                )
    marked, clean = runs
    assert marked.code == 1 and clean.code == 0, marked.stdout[-2000:] + clean.stdout[-2000:]
    yield marked, clean


def _diff_text(marked: Bounded, clean: Bounded, capsys: pytest.CaptureFixture[str]) -> str:
    html_out = str(marked.run_dir / "d.html")
    main(["diff", str(clean.run_dir), str(marked.run_dir), "--html", html_out])
    return capsys.readouterr().out


def test_terminal_outputs_carry_no_control_characters(
    marked_runs: tuple[Bounded, Bounded], capsys: pytest.CaptureFixture[str]
) -> None:
    """stdout and stderr of run and the diff text show escapes, never raw control characters."""
    marked, clean = marked_runs
    diff_text = _diff_text(marked, clean, capsys)
    assert "ALL CHECKS PASSED" in diff_text and "\\x1b" in diff_text
    for text in (marked.stdout, marked.stderr, diff_text):
        assert not any(c in text for c in "\x1b\x07\r\u202e"), repr(text[-500:])


def test_markdown_summary_is_escaped_and_bounded(marked_runs: tuple[Bounded, Bounded]) -> None:
    """The CI summary escapes markup, links and images and stays short."""
    marked, _ = marked_runs
    summary = (marked.report_dir / "summary.md").read_text()
    assert "Failing checks" in summary
    assert len(summary) < 20_000 and max(len(line) for line in summary.splitlines()) < 1_000
    for raw in ("<script", "<img", "![", "<!--", "\x1b", "\u202e", "**bold**", "`code`"):
        assert raw not in summary, raw
    assert not re.search(r"(?<!\\)\]\(http|(?<!\\)\|\s*cell", summary)


def test_messages_and_evidence_are_capped(marked_runs: tuple[Bounded, Bounded]) -> None:
    """A 20,000-character detail reaches results.json cut, and says so."""
    marked, _ = marked_runs
    failed = [c for c in marked.results["checks"] if c["outcome"] == "failed"]
    assert failed
    for check in failed:
        assert len(check["message"]) <= 4 * 2000 + 200
        assert "more characters]" in check["message"]
        for exchange in check["evidence"]:
            assert len(str(exchange["response"].get("body") or "")) <= 2000 + 100


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each script."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _pages(marked: Bounded) -> list[Path]:
    run_dir = marked.run_dir
    names = ("index.html", "report.html", "upgrade.html", "timeline.html", "d.html")
    return [run_dir / n for n in names]


def test_html_pages_keep_target_markup_as_text(
    marked_runs: tuple[Bounded, Bounded], capsys: pytest.CaptureFixture[str]
) -> None:
    """No target tag, attribute or script survives into any HTML page's markup."""
    marked, clean = marked_runs
    _diff_text(marked, clean, capsys)
    for page in _pages(marked):
        text = page.read_text()
        assert "onerror" in text, page  # the payload is there, as text
        parsed = _Elements()
        parsed.feed(text)
        assert not [t for t, attrs in parsed.tags if t == "img" and ("src", "x") in attrs], page
        attributes = [(a, v or "") for _, attrs in parsed.tags for a, v in attrs]
        # pytest-html keeps its data as JSON in an attribute and writes logs with innerHTML:
        # inside that JSON, target markup must still be escaped
        blobs = [v for a, v in attributes if a == "data-jsonblob"]
        assert all("<img" not in b and "<script" not in b for b in blobs), page
        plain = [(a, v) for a, v in attributes if a != "data-jsonblob"]
        assert not [a for a, v in plain if a == "onerror" or "alert(" in v], page
        assert not [s for s in parsed.scripts if "alert(" in s], page


def test_html_pages_run_no_target_script_in_a_browser(
    marked_runs: tuple[Bounded, Bounded],
    browser: Browser,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Opened in Chromium, with every detail expanded, no page raises a target's alert."""
    marked, clean = marked_runs
    _diff_text(marked, clean, capsys)
    for page_file in _pages(marked):
        page = browser.new_page()
        dialogs: list[str] = []

        def on_dialog(dialog: Any, seen: list[str] = dialogs) -> None:
            seen.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(page_file.as_uri())
        page.evaluate("document.querySelectorAll('.collapsed').forEach(e => e.click())")
        page.wait_for_timeout(300)
        assert dialogs == [], page_file
        hostile = "[onerror], img[src='x'], a[href^='http://evil'], img[src^='http://evil']"
        found = page.evaluate(f"document.querySelectorAll({json.dumps(hostile)}).length")
        assert found == 0, page_file
        page.close()


def huge_detail_app() -> Starlette:
    """Every request: 400 BAD_REQUEST whose detail is HUGE characters long."""
    detail = ("A target detail that goes on. " * (HUGE // 30 + 1))[:HUGE]
    payload = json.dumps(
        {"errors": [{"code": "BAD_REQUEST", "detail": detail, "category": "INVALID_REQUEST_ERROR"}]}
    ).encode()

    async def answer(request: Request) -> Response:
        return Response(payload, status_code=400, media_type="application/json")

    methods = ["GET", "POST", "PUT", "DELETE"]
    return Starlette(routes=[Route("/{path:path}", answer, methods=methods)])


def test_huge_error_detail_is_capped_in_every_output(tmp_path: Path) -> None:
    """An 800,000-character detail on every answer: every report file stays small."""
    with LocalServer(huge_detail_app()) as server:
        run = run_bounded(
            tmp_path,
            *("--target", server.url, "-m", "lifecycle and not fuzz"),
            env={"SQUARECHECK_TOKEN": TOKEN},
        )
    assert run.code == 1, run.stdout[-2000:] + run.stderr[-2000:]
    checks: list[dict[str, Any]] = run.results["checks"]
    assert len(checks) >= 8
    bound = 200_000 + 60_000 * len(checks)
    sizes = {Path(name).name: len(text) for name, text in run.outputs()}
    assert {"results.json", "junit.xml", "report.html", "index.html"} <= set(sizes)
    assert all(size < bound for size in sizes.values()), sizes
    assert run.peak_rss < 700 * 1024**2
