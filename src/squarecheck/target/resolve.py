"""Which server a run talks to, and the refusal to touch production.

Base URLs: https://square-openapi info.x-server-configuration and the official SDK's
`SquareEnvironment` (square-facts [S1], [S14]).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from squarecheck.errors import UsageError
from squarecheck.target.bounds import clip, printable

SANDBOX_URL = "https://connect.squareupsandbox.com"
PRODUCTION_URL = "https://connect.squareup.com"
PRODUCTION_HOST = "connect.squareup.com"

ALIASES = {"sandbox": SANDBOX_URL, "production": PRODUCTION_URL}

_USERINFO = re.compile(r"(?<=//)[^/?#]*@")

TargetKind = Literal["emulator", "url", "sandbox", "production"]
TARGET_KINDS: tuple[TargetKind, ...] = ("emulator", "url", "sandbox", "production")


@dataclass(frozen=True)
class Target:
    """A resolved target: the base URL requests go to and what kind of server it is."""

    url: str
    kind: TargetKind

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


def _masked(value: str) -> str:
    """`value` fit for a one-line message: user info hidden, control characters escaped, cut."""
    return clip(printable(_USERINFO.sub("***@", value)), 200)


def resolve_target(value: str, *, kind: str | None = None) -> Target:
    """Turn `--target` (a base URL or `sandbox`) into a Target; bad values are a UsageError.

    Credentials in the URL (`user:password@`) are refused rather than used: httpx would send
    them as Basic auth instead of the bearer token, and every evidence URL would carry them.
    """
    raw = value.strip()
    url = ALIASES.get(raw.lower(), raw).rstrip("/")
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise UsageError(f"--target is not a URL: {_masked(value)!r}") from None
    if "@" in parts.netloc:
        raise UsageError(
            "--target must not carry credentials (user:password@); "
            "pass the access token with --token or SQUARECHECK_TOKEN"
        )
    if parts.scheme not in ("http", "https") or not hostname:
        raise UsageError(
            f"--target must be an http(s) base URL or 'sandbox', not {_masked(value)!r}"
        )
    return Target(url=url, kind=target_kind(kind) if kind else _kind_of(hostname))


def target_kind(value: str) -> TargetKind:
    """A `--target-kind` value, checked against the closed vocabulary."""
    for kind in TARGET_KINDS:
        if value == kind:
            return kind
    raise UsageError(f"--target-kind must be one of {', '.join(TARGET_KINDS)}, not {value!r}")


def _kind_of(hostname: str) -> TargetKind:
    host = hostname.lower()
    if host == PRODUCTION_HOST:
        return "production"
    if host == urlsplit(SANDBOX_URL).hostname:
        return "sandbox"
    return "url"


def refuse_production(target: Target, allow_production: bool) -> None:
    """Refuse Square's production host before any request, unless explicitly allowed."""
    if target.kind == "production" and not allow_production:
        raise UsageError(
            f"refusing to run against production ({PRODUCTION_HOST}); "
            "pass --allow-production if you really mean it"
        )
