"""The casts of the options table: each turns a flag's text into its value or raises a
`UsageError` of one line that names the flag and what it takes."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from squarecheck.errors import UsageError
from squarecheck.spec.table import SELECTIONS, load_table

#: The longest wait a seconds option accepts: a day. Beyond it the platform's socket timeouts
#: overflow, and no run needs to wait that long for one answer.
MAX_SECONDS = 86400.0


def positive(kind: type[int] | type[float], flag: str) -> Callable[[str], Any]:
    """A positive number; for seconds (a float) also finite and at most MAX_SECONDS, so `nan`,
    `inf` and `1e400` are one line, not a traceback from the socket layer."""

    def cast(raw: str) -> Any:
        try:
            number = kind(raw)
        except ValueError:
            noun = "whole number" if kind is int else "number"
            raise UsageError(f"{flag} must be a {noun}, not {raw!r}") from None
        if kind is float and not math.isfinite(number):
            raise UsageError(f"{flag} must be a finite number of seconds, not {raw!r}")
        if number <= 0:
            raise UsageError(f"{flag} must be positive")
        if kind is float and number > MAX_SECONDS:
            raise UsageError(f"{flag} must be at most {MAX_SECONDS:g} seconds")
        return number

    return cast


def version(flag: str, selections: bool = False) -> Callable[[str], str]:
    """A Square-Version the behaviour table knows, or with `selections` `cutovers` / `all`
    (expanded once every value is read); else a usage error naming the newest known."""

    def cast(raw: str) -> str:
        problem = None if selections and raw in SELECTIONS else load_table().version_problem(raw)
        if problem and selections:
            problem += f"; or one of the keywords {', '.join(SELECTIONS)}"
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


_RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
#: `--fuzz-cache off`: draw the fuzz suite's cases in every run.
CACHE_OFF = "off"


def run_name(raw: str) -> str:
    """A run folder name: letters, digits, `.`, `_`, `-`, not `latest` (the pointer's name)."""
    if not _RUN_NAME.fullmatch(raw) or raw == "latest":
        raise UsageError(
            f"--run-name {raw!r}: use 1-100 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit, and not 'latest'"
        )
    return raw


def shard(raw: str) -> tuple[int, int]:
    """`K/N` with 1 <= K <= N."""
    match = re.fullmatch(r"\s*(\d{1,4})\s*/\s*(\d{1,4})\s*", raw)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise UsageError(f"--shard {raw!r}: use K/N with 1 <= K <= N, e.g. 2/4")
    return int(match[1]), int(match[2])
