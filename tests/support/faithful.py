"""A server that follows Square's own schema and documented changes, and chooses otherwise
wherever squarecheck had to choose.

It is the emulator under the alternative table (every `assumed` expectation the other
plausible choice, `alternative_table.py`) behind a front that answers as Square's evidence
allows where the emulator makes squarecheck's own choices:

- `text/plain`: a JSON body declared as text is refused with 415 (a Square API did so in 2023,
  square/square-php-sdk#105), where the emulator processes it;
- `empty-ids`: BatchDelete/BatchRetrieveCatalogObjects take an empty string in `object_ids`
  (Square's schema has plain strings) and match nothing with it;
- `no-error-field`: an invalid email or phone is refused without naming the field (no source
  says which field Square names);
- `z-birthdays`: a birthday of before 2022-10-19 comes back at midnight `Z`, not `-00:00`.

Each choice can be switched on alone, so a test shows that the check it concerns accepts it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from squarecheck.emulator.server import EmulatorServer
from tests.support.alternative_table import alternative_table
from tests.support.suites import LocalServer

CHOICES = ("text/plain", "empty-ids", "no-error-field", "z-birthdays")
BATCH_IDS = ("/v2/catalog/batch-delete", "/v2/catalog/batch-retrieve")
CONTACT_CODES = ("INVALID_EMAIL_ADDRESS", "INVALID_PHONE_NUMBER", "INVALID_VALUE")


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


@dataclass
class Front:
    """The faithful front of one upstream emulator, with the `choices` it makes."""

    upstream: str
    choices: frozenset[str] = frozenset(CHOICES)
    client: httpx.AsyncClient | None = field(default=None, repr=False)
    empty_ids: int = 0  # requests whose object_ids held an empty string

    def _refused(self, request: Request) -> Response | None:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if "text/plain" in self.choices and request.method == "POST" and kind == "text/plain":
            error = {"code": "UNSUPPORTED_MEDIA_TYPE", "category": "INVALID_REQUEST_ERROR",
                     "detail": "Unsupported content type text/plain."}  # fmt: skip
            return Response(json.dumps({"errors": [error]}), 415, media_type="application/json")
        return None

    def _body(self, path: str, body: bytes) -> tuple[bytes, bool]:
        """The body sent on, and whether nothing is left to ask the upstream."""
        doc = _json(body)
        if "empty-ids" in self.choices and path in BATCH_IDS and isinstance(doc, dict):
            ids = doc.get("object_ids")
            if isinstance(ids, list) and "" in ids:
                self.empty_ids += 1
                doc["object_ids"] = [i for i in ids if i != ""]
                return json.dumps(doc).encode(), not doc["object_ids"]
        return body, False

    def _answer(self, content: bytes) -> bytes:
        doc = _json(content)
        if not isinstance(doc, dict):
            return content
        if "no-error-field" in self.choices:
            for error in doc.get("errors") or []:
                if isinstance(error, dict) and error.get("code") in CONTACT_CODES:
                    if error.get("field") in ("email_address", "phone_number"):
                        error.pop("field", None)
        text = json.dumps(doc)
        if "z-birthdays" in self.choices:
            text = text.replace('T00:00:00-00:00"', 'T00:00:00Z"')
        return text.encode()

    def app(self) -> Starlette:
        async def forward(request: Request) -> Response:
            early = self._refused(request)
            if early is not None:
                return early
            raw = request.scope.get("raw_path") or request.url.path.encode()
            path = raw.decode("latin-1")
            body, nothing_left = self._body(path, await request.body())
            if nothing_left:
                version = request.headers.get("square-version")
                echo = {"Square-Version": version} if version else {}
                return Response("{}", 200, media_type="application/json", headers=echo)
            if self.client is None:
                limits = httpx.Limits(keepalive_expiry=2.0)
                self.client = httpx.AsyncClient(base_url=self.upstream, limits=limits)
            query = request.scope.get("query_string") or b""
            target = path + ("?" + query.decode("latin-1") if query else "")
            headers = {
                k: v
                for k, v in request.headers.items()
                if k.lower() not in ("host", "content-length")
            }
            upstream = await self.client.request(
                request.method, target, headers=headers, content=body
            )
            out = {
                k: v
                for k, v in upstream.headers.items()
                if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")
            }
            return Response(self._answer(upstream.content), upstream.status_code, headers=out)

        async def unroutable(request: Request, exc: Exception) -> Response:
            return await forward(request)  # a path no route pattern takes (a newline in it)

        methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
        app = Starlette(
            routes=[Route("/{path:path}", forward, methods=methods)],
            exception_handlers={HTTPException: unroutable},
        )
        app.router.redirect_slashes = False  # every path goes on as it came
        app.state.front = self
        return app


@contextmanager
def faithful_server(
    choices: tuple[str, ...] = CHOICES, alternative: bool = True
) -> Iterator[LocalServer]:
    """The faithful server on a free port: the emulator (under the alternative table unless
    `alternative` is false) behind a `Front` making `choices`."""
    emulator = EmulatorServer(port=0)
    if alternative:
        emulator.config = dataclasses.replace(emulator.config, table=alternative_table())
    with emulator, LocalServer(Front(emulator.url, frozenset(choices)).app()) as front:
        yield front
