"""The options of `squarecheck serve`, `squarecheck diff` and the selftest child, in the same
form as the run's (`squarecheck.options.table`), so every command reads its options one way.

Split from `table` only to keep each module small; `squarecheck.options.TABLE` joins them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from squarecheck.errors import UsageError
from squarecheck.options.casts import version as _version
from squarecheck.options.table import Option, _o


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise UsageError(f"--port must be a whole number from 0 to 65535, not {raw!r}") from None
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535 (0 picks a free one), not {port}")
    return port


def _not_negative(flag: str) -> Callable[[str], float]:
    def cast(raw: str) -> float:
        try:
            number = float(raw)
        except ValueError:
            raise UsageError(f"{flag} must be a number of seconds, not {raw!r}") from None
        if not number >= 0:
            raise UsageError(f"{flag} must be zero or more seconds, not {raw}")
        return number

    return cast


COMMAND_OPTIONS: tuple[Option, ...] = (
    _o(
        "host",
        "--host",
        "interface to bind",
        "serve",
        env=(),
        default="127.0.0.1",
    ),
    _o(
        "port",
        "--port",
        "port (0 picks a free one)",
        "serve",
        env=(),
        cast=_port,
        default=8080,
    ),
    _o(
        "default_version",
        "--default-version",
        "Square-Version used when a request has none (default: the newest known)",
        "serve",
        env=(),
        cast=_version("--default-version"),
        metavar="YYYY-MM-DD",
    ),
    _o(
        "search_lag",
        "--search-lag",
        "delay before SearchCustomers sees a write",
        "serve",
        env=(),
        cast=_not_negative("--search-lag"),
        default=0.0,
        metavar="SECONDS",
    ),
    _o(
        "inject",
        "--fault",
        "inject a named bug (repeatable; see --list-faults)",
        "serve child",
        env=(),
        kind="list",
        metavar="NAME",
    ),
    _o(
        "data",
        "--data",
        "keep sellers, groups, customers, idempotency keys and cursors in this SQLite file"
        " across restarts (created if missing; default: in memory, lost on exit)",
        "serve",
        env=(),
        metavar="FILE",
    ),
    _o(
        "serve_list_faults",
        "--list-faults",
        "print the injectable faults and exit",
        "serve",
        env=(),
        kind="flag",
    ),
    _o("old", "OLD", "run folder or results.json", "diff", env=(), kind="positional", cast=Path),
    _o("new", "NEW", "run folder or results.json", "diff", env=(), kind="positional", cast=Path),
    _o(
        "html_out",
        "--html",
        "also write the diff as HTML",
        "diff",
        env=(),
        cast=Path,
        metavar="FILE",
    ),
    _o(
        "json_out",
        "--json",
        "also write the diff as JSON",
        "diff",
        env=(),
        cast=Path,
        metavar="FILE",
    ),
    _o(
        "suites",
        "--squarecheck-suites",
        "collect squarecheck's own suites, from any folder (same as --pyargs squarecheck.suites)",
        "pytest",
        env=(),
        kind="flag",
    ),
)
