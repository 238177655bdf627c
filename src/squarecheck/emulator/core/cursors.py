"""Pagination cursors as clients see them: the store's cursor plus the moment it was issued.

The store's cursors are opaque and never expire; behaviour cursor-lifetime says from which
version a cursor expires, and after how long. The issue time travels inside the cursor
(`<store cursor>.<epoch seconds>`), so the store needs no clock for it. An expired or malformed
cursor is refused like an unknown one (behaviour invalid-cursor).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from squarecheck.emulator.core import clock
from squarecheck.emulator.core.errors import InvalidCursor, SquareError, by_code
from squarecheck.emulator.core.versioning import VersionContext

_SEPARATOR = "."


def issue(cursor: str | None) -> str | None:
    """The cursor handed to the client for the store's `cursor`."""
    if cursor is None:
        return None
    return f"{cursor}{_SEPARATOR}{int(clock.now().timestamp())}"


def _refused(ctx: VersionContext, why: str) -> SquareError:
    return by_code(ctx.expect("invalid-cursor")["code"])(why, field="cursor")


def accept(cursor: str | None, ctx: VersionContext) -> str | None:
    """The store's cursor inside a client's `cursor`; raises when it is malformed or expired."""
    if cursor is None:
        return None
    inner, separator, issued = cursor.rpartition(_SEPARATOR)
    if not separator or not inner or not issued.isascii() or not issued.isdigit():
        raise _refused(ctx, "The pagination cursor is invalid.")
    lifetime = ctx.expect("cursor-lifetime")
    age = clock.now().timestamp() - int(issued)
    if lifetime.get("expires") and age > float(lifetime["ttl_seconds"]):
        raise _refused(ctx, "The pagination cursor has expired.")
    return inner


def refused_by_store(error: InvalidCursor, ctx: VersionContext) -> SquareError:
    """The store's unknown-cursor error with the code behaviour invalid-cursor gives it."""
    return _refused(ctx, error.detail or "The pagination cursor is invalid.")


@contextmanager
def cursor_errors(ctx: VersionContext) -> Iterator[None]:
    """The store's unknown-cursor error, with the code of behaviour invalid-cursor."""
    try:
        yield
    except InvalidCursor as error:
        raise refused_by_store(error, ctx) from None
