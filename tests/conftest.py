"""Fixtures every test folder shares: one headless Chromium for the whole session.

Playwright's sync API cannot be entered twice in one process, so the report page tests and the
hostile-output tests, which may run in the same worker, open their pages in this one browser.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A headless Chromium for the whole session (Debian's /usr/bin/chromium)."""
    executable = shutil.which("chromium")
    assert executable, "chromium is missing: run scripts/ensure-chromium"
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield launched
        launched.close()
