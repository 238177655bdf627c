"""Preflight: before any check, is the run set up to judge this target at all?

A setup mistake must not read as a broken implementation. One harmless read
(`GET /v2/customers/groups?limit=1`, ListCustomerGroups) tells most of them apart:

- nothing answers: the port is wrong or the server is down; an `https://` URL whose server
  speaks plain HTTP is named as such (the same address is tried once over `http://`);
- 401: the token is wrong, and a token pasted with its `Bearer ` prefix is recognised (the
  client adds the prefix itself);
- 404 with a path after the host: the base URL carries a path (`/v2`) the client adds again;
- the answer's `Square-Version` differs from the one sent: a proxy may rewrite the header, so
  it is a note, not a stop (the version checks judge it).

Each diagnosis is one line that names the fix and holds no secret. A failed preflight stops the
run (exit 3) before any check; a note is printed and the run goes on.
"""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpx

from squarecheck.target import transport
from squarecheck.target.bounds import clip, printable
from squarecheck.target.redaction import Redactor
from squarecheck.target.resolve import Target

PROBE_PATH = "/v2/customers/groups"
#: bytes of the probe's answer read at most (an error envelope is far smaller)
PROBE_BODY = 65536
#: seconds the probe may take (the run's --request-deadline when shorter)
PROBE_DEADLINE = 10.0
BEARER = "bearer "


@dataclass
class Preflight:
    """What the probe found: a diagnosis that stops the run, or notes to print."""

    diagnosis: str | None = None
    notes: list[str] = field(default_factory=list)
    #: False when nothing answered HTTP at all (worth waiting for, with --wait-for-target)
    answered: bool = True

    @property
    def ok(self) -> bool:
        return self.diagnosis is None


@dataclass(frozen=True)
class _Answer:
    status: int
    code: str | None
    version: str | None


def _first_error_code(content: bytes) -> str | None:
    try:
        errors = json.loads(content).get("errors")
        code = errors[0].get("code") if isinstance(errors, list) and errors else None
    except (ValueError, AttributeError, TypeError):
        return None
    return code if isinstance(code, str) else None


def _probe(url: str, headers: dict[str, str], seconds: float) -> _Answer:
    """One bounded GET of the probe path; httpx errors propagate."""
    with transport.client(url, seconds) as http, transport.deadline(seconds):
        with http.stream("GET", PROBE_PATH, params={"limit": 1}, headers=headers) as response:
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > PROBE_BODY:
                    break
            version = response.headers.get("square-version")
            return _Answer(response.status_code, _first_error_code(body), version)


def _host(target: Target) -> str:
    parts = urlsplit(target.display)
    return parts.netloc


def _is_tls_mismatch(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "SSL" in type(seen).__name__:
            return True
        if "SSL" in str(seen) or "WRONG_VERSION_NUMBER" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _unreachable(target: Target, exc: httpx.HTTPError, seconds: float, why: str) -> str:
    """One line for a probe that got no HTTP answer at all."""
    host = _host(target)
    scheme = urlsplit(target.url).scheme
    if scheme == "https" and _is_tls_mismatch(exc):
        plain = urlunsplit(("http", *urlsplit(target.display)[1:]))
        try:
            _probe(plain, {}, min(seconds, 3.0))
        except httpx.HTTPError:
            return f"the TLS handshake with {host} failed ({why}): is --target's https right?"
        return f"{host} answers plain HTTP, not HTTPS: use --target {plain}"
    if isinstance(exc, httpx.ConnectError) and "refused" in str(exc).lower():
        refused = f"nothing listens at {host} (connection refused)"
        return f"{refused}: is the server running, and on that port?"
    if isinstance(exc, httpx.TimeoutException):
        return f"{host} did not answer within {seconds:g}s: is --target's host and port right?"
    return f"cannot reach {host} ({why}): is --target right?"


def _judge(target: Target, token: str | None, sent: str, answer: _Answer) -> Preflight:
    """A diagnosis from the probe's answer (see the module docstring)."""
    found = Preflight()
    code = f" {answer.code}" if answer.code else ""
    path = urlsplit(target.url).path.rstrip("/")
    if answer.status == 401 and token and token.lower().startswith(BEARER):
        found.diagnosis = (
            f"every request would be answered 401{code}: the token starts with 'Bearer ', which "
            "squarecheck adds itself; pass the token without it"
        )
    elif answer.status == 401:
        found.diagnosis = (
            f"the target answered 401{code} to a harmless read (ListCustomerGroups): "
            "is the token right for this target? (--token, SQUARECHECK_TOKEN or SQUARE_TOKEN)"
        )
    elif answer.status == 404 and path:
        base = urlunsplit((*urlsplit(target.display)[:2], "", "", ""))
        found.diagnosis = (
            f"the target answered 404: --target has a path ({path}) and squarecheck adds "
            f"/v2/... itself; use --target {base}"
        )
    elif answer.status == 404:
        found.diagnosis = (
            "the target answered 404 to GET /v2/customers/groups: is --target the base URL of "
            "a Square API (or the emulator)?"
        )
    if answer.version and answer.version != sent:
        found.notes.append(
            f"preflight: asked for Square-Version {sent}, the target answered {answer.version} "
            "(does a proxy rewrite the header?)"
        )
    return found


def preflight(target: Target, token: str | None, version: str, deadline: float) -> Preflight:
    """Probe `target` once with `token` under `version`; never raises for a target's doing."""
    seconds = min(deadline, PROBE_DEADLINE)
    headers = {"Square-Version": version, "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    redact = Redactor([token])
    try:
        answer = _probe(target.url, headers, seconds)
    except httpx.HTTPError as exc:
        why = clip(printable(redact.text(f"{type(exc).__name__}: {exc}")), 200)
        diagnosis = redact.text(_unreachable(target, exc, seconds, why))
        return Preflight(diagnosis=diagnosis, answered=False)
    return _judge(target, token, version, answer)
