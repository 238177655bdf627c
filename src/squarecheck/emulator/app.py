"""The Starlette application: route, authenticate, resolve the version, read the body, dispatch.

Every failure leaves as a Square error envelope: `SquareError`s from the pipeline and handlers,
routing misses (404 NOT_FOUND naming path and method, behaviours unknown-route and
unsupported-method), and a catch-all that turns any unexpected exception into 500
INTERNAL_SERVER_ERROR (no traceback). Routing is the emulator's own (`routes.route`), on the
raw path; Starlette only carries requests to it.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from squarecheck.emulator import routes
from squarecheck.emulator.call import Call
from squarecheck.emulator.commerce.store import CommerceStore
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.core import bodyparse
from squarecheck.emulator.core.errors import (
    BadRequest,
    InternalServerError,
    NotFound,
    SquareError,
    Unauthorized,
    by_code,
)
from squarecheck.emulator.core.responses import JsonResponse, json_bytes
from squarecheck.emulator.core.versioning import HEADER, VersionContext, context_for
from squarecheck.emulator.customers.store import CustomerStore
from squarecheck.emulator.faults import catalogue as faults
from squarecheck.emulator.faults.customers import AuthNotEnforced

log = logging.getLogger(__name__)

DRAIN_FACTOR = 64  # a body this many times over the limit is no longer read to its end
_B64TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")  # RFC 6750 b64token
UNAUTHORIZED_DETAIL = "This request could not be authorized."  # handling-errors example
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]


def render(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """A JSON response; non-ASCII stays readable unless the text cannot be encoded."""
    return JsonResponse(json_bytes(body), status, headers)


def error_response(
    error: SquareError,
    config: EmulatorConfig,
    operation: str = "",
    version: VersionContext | None = None,
) -> Response:
    """The error envelope; with the Square-Version header when behaviour square-version-on-errors says so."""  # noqa: E501
    headers = {}
    if version is not None and version.expect("square-version-on-errors").get("echo"):
        headers[HEADER] = version.version
    status, body, out = faults.transform(config, operation, error.status, error.to_body(), headers)
    return render(status, body, out)


def authenticate(request: Request, config: EmulatorConfig) -> str:
    """The bearer token (one token = one seller); behaviour auth-required.

    A token is well-formed when it follows RFC 6750's b64token grammar (ASCII letters, digits,
    `-._~+/`, trailing `=`); a tab, a control character or a non-ASCII byte is malformed.
    """
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip(" \t")
    if scheme.lower() == "bearer" and _B64TOKEN.fullmatch(token):
        return token
    if AuthNotEnforced.on(config):
        return "anonymous"
    raise Unauthorized(UNAUTHORIZED_DETAIL)


async def read_json(request: Request, version: VersionContext) -> bodyparse.ParsedBody:
    """Read and parse the body as JSON, whatever its Content-Type (behaviour content-type-ignored).

    Size cap: behaviour body-too-large; an empty body: body-not-object; broken JSON:
    invalid-json-body, worded like Go's decoder with the line and character.
    """
    too_large = version.expect("body-too-large")
    limit = int(too_large["max_body_bytes"])
    declared = request.headers.get("content-length", "")
    oversized = declared.isascii() and declared.isdigit() and int(declared) > limit
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():  # drained fully so the client is not cut off
        size += len(chunk)
        if size > DRAIN_FACTOR * limit:
            break
        if size <= limit:
            chunks.append(chunk)
    if oversized or size > limit:
        raise by_code(too_large["code"])(f"The request body must not exceed {limit} bytes.")
    try:
        text = b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"The request body is not valid UTF-8 (byte {exc.start}).") from None
    if not text.strip():
        code = version.expect("body-not-object")["code"]
        raise by_code(code)("The request body is empty; expected a JSON object.")
    try:
        return bodyparse.parse(text)
    except bodyparse.JsonSyntaxError as exc:
        raise BadRequest(str(exc)) from None


def not_found_detail(method: str, raw_path: str) -> str:
    """Square's routing 404 detail (behaviour unknown-route)."""
    return f"API endpoint for URL path `{raw_path}` and HTTP method `{method}` is not found."


def _endpoint(customers: CustomerStore, commerce: CommerceStore, config: EmulatorConfig) -> Any:
    @functools.lru_cache(maxsize=256)  # per app: a VersionContext is immutable
    def resolve_version(header: str | None) -> VersionContext:
        overrides = faults.version_overrides(config)
        return context_for(faults.version_header(config, header), config, overrides)

    bent = bool(config.faults)  # a clean emulator skips the faults altogether

    async def endpoint(request: Request) -> Response:
        raw = request.scope.get("raw_path") or request.scope["path"].encode("utf-8")
        raw_path = raw.decode("latin-1")
        found = routes.route(request.method, raw_path)
        if found is None:
            return error_response(NotFound(not_found_detail(request.method, raw_path)), config)
        operation, params = found
        version: VersionContext | None = None
        try:
            token = authenticate(request, config)
            version = resolve_version(request.headers.get(HEADER))
            body = await read_json(request, version) if operation.has_body else None
            call = Call(
                customers=customers,
                commerce=commerce,
                token=token,
                version=version,
                path=params,
                query=request.query_params if request.scope["query_string"] else {},
                body=body,
                headers=request.headers,
            )
            if operation.threaded:  # a large order is priced while other sellers are served
                result = await run_in_threadpool(operation.handler, call)
            else:
                result = operation.handler(call)
        except SquareError as error:
            return error_response(error, config, operation.name, version)
        headers = {HEADER: version.version}  # versioning-overview: success echoes the version
        if bent:
            return render(*faults.transform(config, operation.name, 200, result, headers))
        return render(200, result, headers)

    return endpoint


class CatchAll:
    """Outermost guard: an unexpected exception becomes a Square-shaped 500, never a traceback."""

    def __init__(self, app: ASGIApp, config: EmulatorConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.debug("internal error while serving %s", scope.get("path"), exc_info=True)
            if not started:
                error = InternalServerError("An internal error occurred.")
                await render(error.status, error.to_body())(scope, receive, send)


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    """The emulator as an ASGI app; one store per domain per app, so each app starts empty."""
    config = config or EmulatorConfig()
    store = CustomerStore(config)
    commerce = CommerceStore(store)

    async def unroutable(request: Request, exc: Exception) -> Response:
        """A method no route takes at all (e.g. an unknown verb): the routing 404 as well."""
        raw = request.scope.get("raw_path") or request.url.path.encode("utf-8")
        detail = not_found_detail(request.method, raw.decode("latin-1"))
        return error_response(NotFound(detail), config)

    app = Starlette(
        routes=[
            Route("/{path:path}", endpoint=_endpoint(store, commerce, config), methods=METHODS)
        ],
        exception_handlers={HTTPException: unroutable},
        middleware=[Middleware(CatchAll, config=config)],
    )
    app.router.redirect_slashes = False
    app.state.store = store
    app.state.commerce = commerce
    app.state.config = config
    return app
