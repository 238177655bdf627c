"""Fixtures of the report tests: run folders built by `report_fixtures`, a loopback file server."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.support.browser import Watched
from tests.support.reports import build_run, write_run


@pytest.fixture
def emulator_run(tmp_path: Path) -> Path:
    return write_run(tmp_path / "emulator", build_run("emulator"))


@pytest.fixture
def ignoring_run(tmp_path: Path) -> Path:
    return write_run(tmp_path / "ignoring", build_run("ignores-version"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Keep test output clean."""


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server (port 0) over a folder that tests fill with report folders."""
    root = tmp_path_factory.mktemp("served")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def watched(browser: Browser, served: tuple[str, Path]) -> Iterator[Watched]:
    """A fresh page whose requests beyond the report server are recorded (and refused)."""
    context = browser.new_context()
    try:
        yield Watched(context, served[0])
    finally:
        context.close()
