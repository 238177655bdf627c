"""The assert helpers suites judge responses with; each raises a ConformanceFailure."""

from __future__ import annotations

import re
from typing import Any

from squarecheck.errors import ConformanceFailure
from squarecheck.target.bounds import MAX_TEXT, clip, printable
from squarecheck.target.client import Response


def _describe(resp: Response) -> str:
    return f"{resp.operation} answered {resp.status}"


def fail(message: str, resp: Response | None = None, **kw: Any) -> ConformanceFailure:
    """Build a ConformanceFailure carrying the response's operation and version."""
    if resp is not None:
        kw.setdefault("operation", resp.operation)
        kw.setdefault("version", resp.version or "")
    return ConformanceFailure(message, **kw)


def expect_status(resp: Response, status: int, why: str = "") -> None:
    """The response has exactly `status`."""
    if resp.status != status:
        first = resp.first_error()
        code, detail = (resp.shown(first.get(k), quoted=False) for k in ("code", "detail"))
        extra = f" ({code}: {detail})" if first else ""
        reason = f" {why}" if why else ""
        raise fail(
            f"expected {status}{reason}; {_describe(resp)}{extra}",
            resp,
            expected=status,
            observed=resp.status,
        )


def expect_error(
    resp: Response,
    *,
    status: int,
    code: str | None = None,
    category: str | None = None,
    field: str | None = None,
) -> dict[str, Any]:
    """The response is a Square error envelope whose first error matches; returns that error."""
    expect_status(resp, status)
    first = resp.first_error()
    if not first:
        raise fail(f"expected an errors[] envelope; {_describe(resp)} without one", resp)
    for key, want in (("code", code), ("category", category), ("field", field)):
        if want is not None and first.get(key) != want:
            raise fail(
                f"expected errors[0].{key} {want!r}; got {resp.shown(first.get(key))}",
                resp,
                expected=want,
                observed=first.get(key),
            )
    return first


def expect_equal(what: str, expected: Any, observed: Any, resp: Response | None = None) -> None:
    """`observed` equals `expected`; `what` names the fact in the failure message."""
    if expected != observed:
        shown = resp.shown(observed) if resp else clip(printable(repr(observed)), MAX_TEXT)
        raise fail(
            f"{what}: expected {expected!r}, observed {shown}",
            resp,
            expected=expected,
            observed=observed,
        )


def expect_true(condition: bool, message: str, resp: Response | None = None) -> None:
    """A free-form expectation; `message` says what the target did instead."""
    if not condition:
        raise fail(message, resp)


def expect_match(what: str, pattern: str, text: str | None, resp: Response) -> re.Match[str]:
    """`text` matches the table's regular expression; returns the match for its groups."""
    match = re.match(pattern, text or "")
    if match is None:
        raise fail(f"{what} {resp.shown(text)} does not match {pattern!r}", resp, expected=pattern)
    return match


def acceptance(resp: Response) -> str:
    """How the target took a request, in words that do not depend on what was expected.

    Observations must read the same whichever version's expectation a check judged, so that
    the version matrix compares like with like.
    """
    if 200 <= resp.status < 300:
        return "ignored"
    return "rejected" if resp.status == 400 else f"status {resp.status}"
