"""Driving report pages in a real headless Chromium (the session's `browser`): a watched page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Request


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("SQUARECHECK_TEST_ARTIFACTS", "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watched:
    """A page plus every request it made to anywhere other than the report server."""

    def __init__(self, context: BrowserContext, origin: str) -> None:
        self.external: list[str] = []
        self.page: Page = context.new_page()
        self.page.on("request", self._seen)
        context.route("**/*", self._route)
        self.origin = origin

    def _seen(self, request: Request) -> None:
        if not request.url.startswith(self.origin):
            self.external.append(request.url)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.origin):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()
