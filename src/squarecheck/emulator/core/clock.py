"""Identifiers and timestamps in Square's formats."""

from __future__ import annotations

import secrets
import string
from datetime import UTC, datetime, timedelta

from squarecheck.spec.schemas import is_rfc3339

_ID_ALPHABET = string.ascii_uppercase + string.digits
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def new_id() -> str:
    """26 upper-case alphanumerics, like "2TAT3CMH4Q0A9M87XJZED0WMR3" in Square's examples.

    One read of 160 random bits (one system call, not one per character) written in base 36.
    """
    number = int.from_bytes(secrets.token_bytes(20))
    digits = []
    for _ in range(26):
        number, digit = divmod(number, 36)
        digits.append(_ID_ALPHABET[digit])
    return "".join(digits)


def new_token() -> str:
    """An opaque random string (pagination cursors)."""
    return secrets.token_urlsafe(24)


def now() -> datetime:
    return datetime.now(UTC)


def micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch: an exact, sortable integer for a moment."""
    return (moment - _EPOCH) // _MICROSECOND


def rfc3339(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds and a Z, e.g. "2022-04-22T21:54:57.863Z" (spec-head example)."""  # noqa: E501
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def parse_rfc3339(text: str) -> datetime | None:
    """Parse an RFC 3339 timestamp (search TimeRange bounds); None when malformed (as the
    schemas' `date-time` format judges it: no blanks or final newline around it) or when it
    falls outside years 1-9999 once converted to UTC."""
    if not is_rfc3339(text):
        return None
    candidate = text
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+14:00 is before year 1 in UTC
        return None
