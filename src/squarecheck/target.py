"""Which server a run talks to, with which token, and the refusal to touch production.

Base URLs: https://square-openapi info.x-server-configuration and the official SDK's
`SquareEnvironment` (square-facts [S1], [S14]).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from squarecheck.checks import UsageError

SANDBOX_URL = "https://connect.squareupsandbox.com"
PRODUCTION_URL = "https://connect.squareup.com"
PRODUCTION_HOST = "connect.squareup.com"

ALIASES = {"sandbox": SANDBOX_URL, "production": PRODUCTION_URL}


@dataclass(frozen=True)
class Target:
    """A resolved target: the base URL requests go to and what kind of server it is."""

    url: str
    kind: str  # emulator | url | sandbox | production

    @property
    def display(self) -> str:
        """The URL with any user:password part removed, safe for reports."""
        return strip_credentials(self.url)


def strip_credentials(url: str) -> str:
    """Remove `user:pass@` from a URL."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def resolve_target(value: str, *, kind: str | None = None) -> Target:
    """Turn `--target` (a base URL or `sandbox`) into a Target; bad values are a UsageError."""
    raw = value.strip()
    url = ALIASES.get(raw.lower(), raw).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--target must be an http(s) base URL or 'sandbox', not {value!r}")
    host = parts.hostname.lower()
    if kind is None:
        if host == PRODUCTION_HOST:
            kind = "production"
        elif host == urlsplit(SANDBOX_URL).hostname:
            kind = "sandbox"
        else:
            kind = "url"
    return Target(url=url, kind=kind)


def refuse_production(target: Target, allow_production: bool) -> None:
    """Refuse Square's production host before any request, unless explicitly allowed."""
    if target.kind == "production" and not allow_production:
        raise UsageError(
            f"refusing to run against production ({PRODUCTION_HOST}); "
            "pass --allow-production if you really mean it"
        )


def resolve_token(explicit: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """`--token`, else SQUARECHECK_TOKEN, else SQUARE_TOKEN (the official SDK's variable)."""
    env = os.environ if environ is None else environ
    for candidate in (explicit, env.get("SQUARECHECK_TOKEN"), env.get("SQUARE_TOKEN")):
        if candidate:
            return candidate
    return None
