"""One request and its answer as evidence (redacted and cut to size by the client), with a
curl command reproducing it.

Most exchanges are never shown: a fuzz case's is dropped unless it fails, and a check keeps
only its last few. Redacting a body (decoding it layer by layer) costs more than sending it,
so the client hands over a `Parts` builder and the parts are built, redacted, the first time
any of them is read; an exchange nobody reads costs nothing to redact.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

TOKEN_VARIABLE = "$SQUARE_TOKEN"

#: request, response, curl: what an exchange shows, already redacted and cut to size.
Parts = tuple[dict[str, Any], dict[str, Any], str]


class Exchange:
    """One request and its response, token redacted, with a curl command reproducing it."""

    __slots__ = ("_build", "_parts")

    def __init__(self, request: dict[str, Any], response: dict[str, Any], curl: str) -> None:
        self._parts: Parts | None = (request, response, curl)
        self._build: Callable[[], Parts] | None = None

    @classmethod
    def later(cls, build: Callable[[], Parts]) -> Exchange:
        """An exchange whose parts `build()` makes (redacting them) when first read."""
        exchange = cls.__new__(cls)
        exchange._parts, exchange._build = None, build
        return exchange

    def _got(self) -> Parts:
        if self._parts is None:
            assert self._build is not None
            self._parts, self._build = self._build(), None  # the raw texts go with the builder
        return self._parts

    @property
    def request(self) -> dict[str, Any]:
        return self._got()[0]

    @property
    def response(self) -> dict[str, Any]:
        return self._got()[1]

    @property
    def curl(self) -> str:
        return self._got()[2]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Exchange) and self._got() == other._got()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Exchange(request={self.request!r}, response={self.response!r}, curl={self.curl!r})"

    def to_json(self) -> dict[str, Any]:
        return {"request": self.request, "response": self.response, "curl": self.curl}

    def render(self) -> str:
        """Request and response as text for a failure message."""
        req, resp = self.request, self.response
        lines = [f"> {req['method']} {req['url']}"]
        lines += [f"> {k}: {v}" for k, v in req["headers"].items()]
        if req.get("body"):
            lines.append(f"> {req['body']}")
        lines.append(f"< {resp.get('status')}")
        lines += [f"< {k}: {v}" for k, v in resp.get("headers", {}).items()]
        if resp.get("body"):
            lines.append(f"< {resp['body']}")
        lines.append(f"reproduce: {self.curl}")
        return "\n".join(lines)


def curl_command(method: str, url: str, headers: dict[str, str], body: str | None) -> str:
    """A shell command reproducing the request, the token taken from $SQUARE_TOKEN."""
    parts = ["curl", "-sS", "-X", method, shlex.quote(url)]
    for key, value in headers.items():
        if key.lower() == "authorization":
            parts += ["-H", f'"Authorization: Bearer {TOKEN_VARIABLE}"']
        elif key.lower() in ("square-version", "content-type"):
            parts += ["-H", shlex.quote(f"{key}: {value}")]
    if body is not None:
        parts += ["--data-raw", shlex.quote(body)]
    return " ".join(parts)
