"""The options table itself: each option's flag, environment twin, cast and default.

Split from the resolution (`squarecheck.options`) and the casts (`casts`) so each stays small.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from squarecheck.options.casts import CACHE_OFF
from squarecheck.options.casts import existing_file as _existing_file
from squarecheck.options.casts import positive as _positive
from squarecheck.options.casts import run_name as _run_name
from squarecheck.options.casts import shard as _shard
from squarecheck.options.casts import version as _version
from squarecheck.target.bounds import MAX_BODY, MAX_ERRORS, MAX_TEXT, REQUEST_DEADLINE
from squarecheck.target.resolve import target_kind

#: `child` is the selftest child (`python -m squarecheck.selftest.child`)
Command = Literal["run", "pytest", "sweep", "selftest", "serve", "diff", "child", "merge"]
Kind = Literal["value", "flag", "list", "pair", "positional"]
TOKEN_NEEDED = "a token is needed: --token, SQUARECHECK_TOKEN or SQUARE_TOKEN"
#: Seconds to poll search (Square: "well under 30 seconds", at times more); the emulator has none.
REMOTE_SEARCH_TIMEOUT = 60.0
EMULATOR_SEARCH_TIMEOUT = 5.0


FUZZ_BUDGET = 20  # default generated cases per operation and mode, spread over the versions


def fuzz_examples_for(versions: int) -> int:
    """The default fuzz budget per version: 10 for one or two versions, FUZZ_BUDGET spread
    over more (at least 2 each), so a matrix of many versions does not multiply its time."""
    return max(2, min(10, FUZZ_BUDGET // max(versions, 1)))


def fuzz_cache_dir(value: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """Where drawn fuzz cases are kept: `--fuzz-cache`, else $XDG_CACHE_HOME/squarecheck/fuzz,
    else ~/.cache/squarecheck/fuzz; None for `off`."""
    if value == CACHE_OFF:
        return None
    if value:
        return Path(value)
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "squarecheck" / "fuzz"


@dataclass(frozen=True)
class Option:
    """One option: where it is accepted, how it is spelled, cast and defaulted."""

    name: str
    flag: str
    help: str
    commands: frozenset[Command]
    env: tuple[str, ...] = ()
    kind: Kind = "value"
    cast: Callable[[str], Any] = str
    default: Any = None
    metavar: str | None = None
    short: str | None = None
    #: the flag under pytest where pytest owns the name (`--strict`)
    pytest_flag: str | None = None
    #: the flag of pytest (or pytest-xdist) itself that a run passes this option as (`-k`)
    pytest_native: str | None = None
    #: a secret: passed to pytest through the environment, never on a command line
    secret: bool = False
    #: how a resolved value is written back on a command line (the run's pytest arguments)
    spell: Callable[[Any], str] = str

    def flag_for(self, command: Command) -> str:
        return self.pytest_flag if command == "pytest" and self.pytest_flag else self.flag

    def dest_for(self, command: Command) -> str:
        """The attribute name; under pytest prefixed, as pytest and its plugins share one
        namespace (pytest's own `--strict` has the dest `strict`)."""
        return f"squarecheck_{self.name}" if command == "pytest" else self.name

    def describe(self) -> str:
        """The help text with its default and environment twin(s)."""
        text = self.help
        if self.default not in (None, False):
            text += f" (default {self.default})"
        return f"{text} [{', '.join(self.env)}]" if self.env else text


def _o(name: str, flag: str, help: str, commands: str, **kw: Any) -> Option:
    env = kw.pop("env", (f"SQUARECHECK_{name.upper()}",))
    if kw.get("kind") == "flag":
        kw.setdefault("default", False)
    chosen = frozenset(c for c in commands.split())
    return Option(name, flag, help, chosen, env=tuple(env), **kw)  # type: ignore[arg-type]


def _bound(name: str, kind: type[int] | type[float], default: Any, var: str, help: str) -> Option:
    """A bound a run keeps against a target: a positive number with a default."""
    flag = "--" + name.replace("_", "-")
    commands = "run pytest" if name == "max_errors" else "run pytest sweep"
    return _o(name, flag, help, commands, cast=_positive(kind, flag), default=default, metavar=var)


TABLE: tuple[Option, ...] = (
    _o(
        "target",
        "--target",
        "base URL of the target, or 'sandbox' (default: the embedded emulator)",
        "run pytest sweep",
    ),
    _o(
        "square_version",
        "--square-version",
        "a Square-Version to run under, repeatable: a release the behaviour table knows, "
        "'cutovers' (each cutover day of the table and the release just before it; that "
        "release, and a day whose changes no run can observe, check only what changes there) "
        "or 'all' (every known release) "
        "(default: the table's default selection)",
        "run pytest",
        kind="list",
        cast=_version("--square-version", selections=True),
        metavar="V",
    ),
    _o(
        "token",
        "--token",
        "access token; never printed or written",
        "run pytest sweep",
        env=("SQUARECHECK_TOKEN", "SQUARE_TOKEN"),
        secret=True,
    ),
    _o(
        "second_token",
        "--second-token",
        "a second seller's token, for the seller-isolation checks",
        "run pytest",
        secret=True,
    ),
    _o(
        "report_dir",
        "--report-dir",
        "where run folders go",
        "run selftest pytest child merge",
        cast=Path,
        default=Path("reports"),
    ),
    _o(
        "keyword",
        "--keyword",
        "pytest -k expression selecting checks",
        "run selftest child",
        short="-k",
        pytest_native="-k",
    ),
    _o(
        "markers",
        "--markers",
        "pytest -m expression selecting checks",
        "run",
        short="-m",
        pytest_native="-m",
    ),
    _o(
        "workers",
        "--workers",
        "run checks in N processes (pytest-xdist); default 2 against the embedded emulator "
        "where two or more CPUs are free to the run, else 1",
        "run",
        cast=_positive(int, "--workers"),
        metavar="N",
        pytest_native="-n",
    ),
    _o(
        "parallel",
        "--workers",
        "targets run in parallel; the default is the CPU count",
        "selftest",
        env=(),
        cast=_positive(int, "--workers"),
        metavar="N",
        default=os.cpu_count() or 2,
    ),
    _o(
        "search_timeout",
        "--search-timeout",
        "seconds to poll eventually consistent search "
        f"(default {REMOTE_SEARCH_TIMEOUT:g} against a remote target, "
        f"{EMULATOR_SEARCH_TIMEOUT:g} against the emulator)",
        "run pytest",
        cast=_positive(float, "--search-timeout"),
        metavar="S",
    ),
    _o(
        "allow_production",
        "--allow-production",
        "allow Square's production host (connect.squareup.com)",
        "run pytest sweep",
        kind="flag",
    ),
    _o(
        "create_orders",
        "--create-orders",
        "let checks create orders on a remote target (Square cannot delete orders)",
        "run pytest",
        kind="flag",
    ),
    _o(
        "strict",
        "--strict",
        "checks of assumed behaviours fail instead of warning",
        "run pytest",
        kind="flag",
        pytest_flag="--strict-assumed",
    ),
    _o(
        "baseline",
        "--baseline",
        "known failures file for the report stage",
        "run pytest merge",
        cast=_existing_file("--baseline"),
        metavar="FILE",
    ),
    _o(
        "summary_md",
        "--summary-md",
        "write a short Markdown summary here",
        "run pytest merge",
        cast=Path,
        metavar="FILE",
    ),
    _o(
        "upgrade",
        "--upgrade",
        "run under FROM and TO and report what changes for a client moving between them",
        "run pytest merge",
        kind="pair",
        cast=_version("--upgrade"),
        metavar=("FROM", "TO"),
    ),
    _o(
        "run_name",
        "--run-name",
        "name of the run folder under --report-dir (default: the run id); the report dir's "
        "'latest' points at the newest run",
        "run pytest merge",
        cast=_run_name,
        metavar="NAME",
    ),
    _o(
        "wait_for_target",
        "--wait-for-target",
        "poll the target for up to S seconds until it answers before the run (a service "
        "starting beside the job); then exit 3",
        "run pytest",
        cast=_positive(float, "--wait-for-target"),
        metavar="S",
    ),
    _o(
        "shard",
        "--shard",
        "run only part K of N of the checks (every version of a check in the same part); "
        "combine the parts with squarecheck merge",
        "run pytest",
        cast=_shard,
        spell=lambda shard: f"{shard[0]}/{shard[1]}",
        metavar="K/N",
    ),
    _o(
        "fuzz_cache",
        "--fuzz-cache",
        "folder that keeps the fuzz suite's drawn cases between runs, or 'off' "
        "(default $XDG_CACHE_HOME/squarecheck/fuzz, else ~/.cache/squarecheck/fuzz)",
        "run pytest",
        metavar="DIR",
    ),
    _bound("max_body", int, MAX_BODY, "BYTES", "response bytes read past the request's size"),
    _bound("max_text", int, MAX_TEXT, "CHARS", "characters kept of one target text (marked cut)"),
    _bound("request_deadline", float, REQUEST_DEADLINE, "S", "seconds per request, 429s included"),
    _bound(
        "max_errors",
        int,
        MAX_ERRORS,
        "N",
        "tool errors in a row, the target silent between them, that stop the run (exit 3); "
        "a check's own tool errors that give it up",
    ),
    _o(
        "no_convergence_probe",
        "--no-convergence-probe",
        "wait out --search-timeout in every check, not only in one probe of convergence",
        "run pytest",
        kind="flag",
    ),
    _o(
        "fuzz_examples",
        "--fuzz-examples",
        "generated cases per operation and mode in the fuzz suite (default 10 under one or two "
        f"versions, {FUZZ_BUDGET} spread over more, at least 2 each)",
        "run pytest child",
        cast=_positive(int, "--fuzz-examples"),
        metavar="N",
    ),
    _o(
        "selftest_examples",
        "--fuzz-examples",
        "generated cases per operation and mode in the fuzz suite",
        "selftest",
        env=(),
        cast=_positive(int, "--fuzz-examples"),
        default=5,
        metavar="N",
    ),
    _o(
        "fault",
        "--fault",
        "only these faults (repeatable; see --list)",
        "selftest",
        env=(),
        kind="list",
        metavar="NAME",
    ),
    _o(
        "all_checks",
        "--all-checks",
        "run every check against each fault, not only the checks of the behaviours it targets",
        "selftest",
        env=(),
        kind="flag",
    ),
    _o("list_faults", "--list", "list the faults and exit", "selftest", env=(), kind="flag"),
    _o(
        "results_json",
        "--results-json",
        "also write results.json here",
        "pytest child",
        cast=Path,
        metavar="FILE",
    ),
    _o("run_id", "--run-id", "run id (names the resources' prefix)", "pytest"),
    _o(
        "target_kind",
        "--target-kind",
        "override the target kind (emulator, url, sandbox, production)",
        "pytest",
        cast=target_kind,
    ),
    _o("prefix", "--prefix", "name prefix of the resources to delete", "sweep"),
)
