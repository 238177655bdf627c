"""One request and its answer as evidence (redacted and cut to size by the client), with a
curl command reproducing it."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

TOKEN_VARIABLE = "$SQUARE_TOKEN"


@dataclass
class Exchange:
    """One request and its response, token redacted, with a curl command reproducing it."""

    request: dict[str, Any]
    response: dict[str, Any]
    curl: str

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
