"""The Starlette application: authenticate, resolve the version, read the body, dispatch.

Every failure leaves as a Square error envelope: `SquareError`s from the pipeline and handlers,
routing misses (404 NOT_FOUND / 405 METHOD_NOT_ALLOWED, behaviour unknown-route), and a
catch-all that turns any unexpected exception into 500 INTERNAL_SERVER_ERROR (no traceback).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from squarecheck.emulator import bodyparse, faults
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.errors import (
    BadRequest,
    ExpectedJsonBody,
    InternalServerError,
    InvalidContentType,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
    SquareError,
    Unauthorized,
)
from squarecheck.emulator.faults import AuthNotEnforced
from squarecheck.emulator.handlers import Call
from squarecheck.emulator.routes import Operation, by_path
from squarecheck.emulator.store import Store
from squarecheck.emulator.versioning import HEADER, VersionContext, context_for

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # behaviour bad-request-body: max_body_bytes
_DRAIN_LIMIT = 64 * MAX_BODY_BYTES
UNAUTHORIZED_DETAIL = "This request could not be authorized."  # handling-errors example


def render(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """A JSON response; non-ASCII stays readable unless the text cannot be encoded."""
    try:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from \ud800-style escapes in the request
        payload = json.dumps(body).encode("ascii")
    return Response(payload, status_code=status, headers=headers, media_type="application/json")


def error_response(
    error: SquareError,
    config: EmulatorConfig,
    operation: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    status, body, out = faults.transform(
        config, operation, error.status, error.to_body(), dict(headers or {})
    )
    return render(status, body, out)


def authenticate(request: Request, config: EmulatorConfig) -> str:
    """The bearer token (one token = one seller); behaviour auth-required."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token and " " not in token:
        return token
    if AuthNotEnforced.on(config):
        return "anonymous"
    raise Unauthorized(UNAUTHORIZED_DETAIL)


async def read_json(request: Request) -> bodyparse.ParsedBody:
    """Read and parse a JSON body: content type, size cap, UTF-8, syntax with position."""
    declared = request.headers.get("content-length", "")
    too_large = declared.isdigit() and int(declared) > MAX_BODY_BYTES
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():  # drained fully so the client is not cut off
        size += len(chunk)
        if size > _DRAIN_LIMIT:
            break
        if size <= MAX_BODY_BYTES:
            chunks.append(chunk)
    if too_large or size > MAX_BODY_BYTES:
        raise RequestEntityTooLarge(f"The request body must not exceed {MAX_BODY_BYTES} bytes.")
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise InvalidContentType("Content-Type must be application/json.")
    try:
        text = b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"The request body is not valid UTF-8 (byte {exc.start}).") from None
    if not text.strip():
        raise ExpectedJsonBody("The request body is empty; expected a JSON object.")
    try:
        return bodyparse.parse(text)
    except bodyparse.JsonSyntaxError as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}") from None


def _endpoint(operations: dict[str, Operation], store: Store, config: EmulatorConfig) -> Any:
    async def endpoint(request: Request) -> Response:
        operation = operations["GET" if request.method == "HEAD" else request.method]
        version: VersionContext | None = None
        try:
            token = authenticate(request, config)
            version = context_for(
                faults.version_header(config, request.headers.get(HEADER)),
                config,
                faults.version_overrides(config),
            )
            body = await read_json(request) if operation.has_body else None
            call = Call(
                store=store,
                token=token,
                version=version,
                path=request.path_params,
                query=request.query_params,
                body=body,
            )
            result = operation.handler(call)
        except SquareError as error:
            return error_response(error, config, operation.name)
        headers = {HEADER: version.version}  # versioning-overview: success echoes the version
        status, result, headers = faults.transform(config, operation.name, 200, result, headers)
        return render(status, result, headers)

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
    """The emulator as an ASGI app; one Store per app, so each app starts empty."""
    config = config or EmulatorConfig()
    store = Store(config)

    async def routing_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        error: SquareError
        if status == 404:
            error = NotFound(f"Unknown path: {request.url.path}")
        elif status == 405:
            error = MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}.")
        else:
            error = InternalServerError("An internal error occurred.")
        allow = (getattr(exc, "headers", None) or {}).get("Allow")
        return error_response(error, config, headers={"Allow": allow} if allow else None)

    routes = [
        Route(path, endpoint=_endpoint(ops, store, config), methods=list(ops))
        for path, ops in by_path().items()
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: routing_error},
        middleware=[Middleware(CatchAll, config=config)],
    )
    app.router.redirect_slashes = False
    app.state.store = store
    app.state.config = config
    return app
