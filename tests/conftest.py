"""Fixtures every test folder shares (one headless Chromium for the session, and those of
`tests/support/fixtures.py`), and the test tiers.

Tiers: `fast` (unit and in-process tests, the default), `e2e` (squarecheck end to end in a
subprocess: every test asking for `run_cli` or `selftest_cli`, or marked `e2e`) and `verify`
(the product verifications: the fault kill matrix and the alternative tables, marked `verify`).
tox runs each tier as an environment of its own (`tox -e fast`, `tox -e e2e`, `tox -e verify`).

Playwright's sync API cannot be entered twice in one process, so the report page tests and the
hostile-output tests, which may run in the same worker, open their pages in this one browser.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.support.fixtures import emulator, proxy, run_cli, selftest_cli, seller_on

__all__ = ["browser", "emulator", "proxy", "run_cli", "seller_on", "selftest_cli"]
#: Fixtures that start squarecheck in a subprocess: a test asking for one is end to end.
END_TO_END_FIXTURES = frozenset({"run_cli", "selftest_cli"})
#: The command line's tests run its commands as a user would: every one is end to end.
END_TO_END_FOLDER = Path(__file__).resolve().parent / "cli"

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs squarecheck in a subprocess `e2e` (unless it is `verify`)."""
    for item in items:
        if item.get_closest_marker("verify") or item.get_closest_marker("e2e"):
            continue
        in_cli = END_TO_END_FOLDER in Path(str(item.path)).parents
        if in_cli or END_TO_END_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
