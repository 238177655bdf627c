"""The run's requests go straight to httpx's transport (`transport.Pipe`): on the wire they
are what an `httpx.Client` on the same base URL sends, cookies aside, and their answers are
decoded as that client decodes them."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from squarecheck.target import transport
from tests.support.suites import LocalServer

SEEN: list[dict[str, Any]] = []


async def _echo(request: Request) -> Response:
    """Answers with what it received, gzipped, and asks for a cookie to be kept."""
    SEEN.append(
        {
            "method": request.method,
            "target": request.url.path + ("?" + request.url.query if request.url.query else ""),
            "headers": sorted((k, v) for k, v in request.headers.items()),
            "body": (await request.body()).decode(),
        }
    )
    body = gzip.compress(json.dumps({"ok": True}).encode())
    headers = {"content-encoding": "gzip", "set-cookie": "sticky=1; Path=/"}
    return Response(body, media_type="application/json", headers=headers)


APP = Starlette(routes=[Route("/{path:path}", _echo, methods=["GET", "POST"])])


def test_the_wire_is_an_httpx_clients_without_its_cookie_jar() -> None:
    """Same method, path, query, body and headers as httpx.Client's requests (a repeated query
    parameter included); an answer's cookie is not sent back; the gzipped answer is decoded."""
    headers = {"Authorization": "Bearer t", "Square-Version": "2025-01-23"}
    params = {"limit": ["2"], "cursor": ["a b", "c"]}
    with LocalServer(APP) as server:
        SEEN.clear()
        with httpx.Client(base_url=server.url, timeout=5) as client:
            for _ in range(2):
                client.request(
                    "POST", "/v2/customers/search", params=params, headers=headers, content="{}"
                )
        pipe = transport.Pipe(server.url, 5)
        try:
            answers = []
            for _ in range(2):
                request, response = pipe.send("POST", "/v2/customers/search", headers, "{}", params)
                answers.append(b"".join(response.iter_bytes()))
                response.close()
        finally:
            pipe.close()
    by_client, by_pipe = SEEN[:2], SEEN[2:]
    assert by_pipe[0] == by_client[0]
    assert by_pipe[1] == by_pipe[0]  # no cookie sent back
    assert ("cookie", "sticky=1") in by_client[1]["headers"]
    assert str(request.url) == f"{server.url}/v2/customers/search?limit=2&cursor=a+b&cursor=c"
    assert [json.loads(a) for a in answers] == [{"ok": True}, {"ok": True}]
