"""Exact round trips between Python strings and SQLite values.

Request bodies may carry lone surrogates (`"\\ud800"` escapes), which SQLite's UTF-8 text
cannot hold. Strings that are looked up or sorted are stored as UTF-8 BLOBs with
`surrogatepass`; byte order of that encoding is code point order, so BLOB comparison sorts
the way Python compares strings (square-facts §6: strings compare as strings). Structured
values are stored as ASCII JSON, which escapes them.
"""

from __future__ import annotations

import json
from typing import Any


def to_blob(text: str) -> bytes:
    """UTF-8 bytes of any Python string, lone surrogates included."""
    return text.encode("utf-8", "surrogatepass")


def from_blob(data: bytes) -> str:
    """The string `to_blob` encoded."""
    return data.decode("utf-8", "surrogatepass")


def optional_blob(text: Any) -> bytes | None:
    """`to_blob` for a string value, None for anything else (absent fields)."""
    return to_blob(text) if isinstance(text, str) else None


def dumps(value: Any) -> str:
    """Compact ASCII JSON (lone surrogates escaped, so SQLite can store it)."""
    return json.dumps(value, separators=(",", ":"))


loads = json.loads


def key_text(text: str) -> str | None:
    """A lookup key as SQLite text; None (matches nothing) when it cannot be UTF-8 at all.

    Ids and cursors the emulator issues are ASCII, so a key with a lone surrogate is simply
    unknown.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return text
