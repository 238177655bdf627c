"""Casts of option values: each raw string to its type, each failure one `UsageError` sentence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from squarecheck.errors import UsageError
from squarecheck.spec.table import SELECTIONS, load_table


def positive(kind: type[int] | type[float], flag: str) -> Callable[[str], Any]:
    def cast(raw: str) -> Any:
        try:
            number = kind(raw)
        except ValueError:
            noun = "whole number" if kind is int else "number"
            raise UsageError(f"{flag} must be a {noun}, not {raw!r}") from None
        if number <= 0:
            raise UsageError(f"{flag} must be positive")
        return number

    return cast


def version(flag: str, selections: bool = False) -> Callable[[str], str]:
    """A Square-Version the behaviour table knows, or with `selections` `cutovers` / `all`
    (expanded once every value is read); else a usage error naming the newest known."""

    def cast(raw: str) -> str:
        problem = None if selections and raw in SELECTIONS else load_table().version_problem(raw)
        if problem:
            raise UsageError(f"{flag} {problem}")
        return raw

    return cast


def existing_file(flag: str) -> Callable[[str], Path]:
    def cast(raw: str) -> Path:
        if not Path(raw).is_file():
            raise UsageError(f"{flag} {raw}: no such file")
        return Path(raw)

    return cast
