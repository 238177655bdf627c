"""The one table of options: flag, environment twin, type, default and check, in one place.

`squarecheck run`, `sweep`, `selftest` and the pytest plugin declare their options from `TABLE`
and read them with `resolve`, in the manner of starlette's `Config`: the command line wins over
the environment twin, each value is cast once, each failure is one sentence (a `UsageError`),
and each default is written once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from squarecheck.errors import UsageError
from squarecheck.option_casts import existing_file as _existing_file
from squarecheck.option_casts import positive as _positive
from squarecheck.option_casts import version as _version
from squarecheck.results import new_run_id, prefix_for
from squarecheck.spec.table import load_table
from squarecheck.target.resolve import (
    Target,
    TargetKind,
    refuse_production,
    resolve_target,
    target_kind,
)

Command = Literal["run", "pytest", "sweep", "selftest"]
Kind = Literal["value", "flag", "list", "pair"]
TRUE = ("1", "true", "yes", "on")
TOKEN_NEEDED = "a token is needed: --token, SQUARECHECK_TOKEN or SQUARE_TOKEN"
#: Seconds to poll eventually consistent search: Square says "well under 30 seconds",
#: occasionally a minute or more; the embedded emulator has no lag.
REMOTE_SEARCH_TIMEOUT = 60.0
EMULATOR_SEARCH_TIMEOUT = 5.0


FUZZ_BUDGET = 20  # default generated cases per operation and mode, spread over the versions


def fuzz_examples_for(versions: int) -> int:
    """The default fuzz budget per version: 10 for one or two versions, FUZZ_BUDGET spread
    over more (at least 2 each), so a matrix of many versions does not multiply its time."""
    return max(2, min(10, FUZZ_BUDGET // max(versions, 1)))


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
        "'cutovers' (one version per cutover of the table) or 'all' (every known release) "
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
    ),
    _o(
        "second_token",
        "--second-token",
        "a second seller's token, for the seller-isolation checks",
        "run pytest",
    ),
    _o(
        "report_dir",
        "--report-dir",
        "where run folders go",
        "run selftest",
        cast=Path,
        default=Path("reports"),
    ),
    _o("keyword", "--keyword", "pytest -k expression selecting checks", "run selftest", short="-k"),
    _o("markers", "--markers", "pytest -m expression selecting checks", "run", short="-m"),
    _o(
        "workers",
        "--workers",
        "run checks in N processes (pytest-xdist)",
        "run",
        cast=_positive(int, "--workers"),
        metavar="N",
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
        "run",
        cast=_existing_file("--baseline"),
        metavar="FILE",
    ),
    _o(
        "summary_md",
        "--summary-md",
        "write a short Markdown summary here",
        "run",
        cast=Path,
        metavar="FILE",
    ),
    _o(
        "upgrade",
        "--upgrade",
        "run under FROM and TO and report what changes for a client moving between them",
        "run",
        kind="pair",
        cast=_version("--upgrade"),
        metavar=("FROM", "TO"),
    ),
    _o(
        "fuzz_examples",
        "--fuzz-examples",
        "generated cases per operation and mode in the fuzz suite (default 10 under one or two "
        f"versions, {FUZZ_BUDGET} spread over more, at least 2 each)",
        "run pytest",
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
    _o("list_faults", "--list", "list the faults and exit", "selftest", env=(), kind="flag"),
    _o("results_json", "--results-json", "write results.json here", "pytest", cast=Path),
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


def options_for(command: Command) -> Iterator[Option]:
    return (option for option in TABLE if command in option.commands)


class Parser(Protocol):
    """What `declare` needs of an argparse parser or a pytest option group."""

    def addoption(self, *names: str, **kwargs: Any) -> Any: ...


def argparse_kwargs(option: Option, command: Command) -> dict[str, Any]:
    """keyword arguments for `add_argument` / `addoption`; defaults stay None until resolved."""
    kwargs: dict[str, Any] = {"dest": option.dest_for(command), "help": option.describe()}
    if option.kind == "flag":
        kwargs.update(action="store_true", default=None)
    elif option.kind == "list":
        kwargs.update(action="append")
    elif option.kind == "pair":
        kwargs.update(nargs=2)
    if option.metavar is not None and option.kind != "flag":
        kwargs["metavar"] = option.metavar
    return kwargs


def names_for(option: Option, command: Command) -> list[str]:
    return [n for n in (option.short, option.flag_for(command)) if n]


def _from_env(option: Option, environ: Mapping[str, str]) -> Any:
    for name in option.env:
        raw = environ.get(name)
        if raw:
            if option.kind == "flag":
                return raw.lower() in TRUE
            if option.kind in ("list", "pair"):
                return raw.replace(",", " ").split()
            return raw
    return None


def _cast(option: Option, value: Any) -> Any:
    if option.kind == "flag":
        return bool(value)
    if option.kind in ("list", "pair"):
        items = [option.cast(str(v)) for v in value]
        if option.kind == "pair" and len(items) != 2:
            raise UsageError(f"{option.flag} takes two versions, FROM and TO")
        return items
    return value if not isinstance(value, str) else option.cast(value)


@dataclass
class Settings:
    """Every option's resolved value; an option a command does not take has its table default."""

    target: Target | None
    versions: list[str]
    token: str | None
    second_token: str | None
    report_dir: Path
    keyword: str | None
    markers: str | None
    workers: int | None
    parallel: int
    search_timeout: float | None
    allow_production: bool
    create_orders: bool
    strict: bool
    baseline: Path | None
    summary_md: Path | None
    upgrade: list[str] | None
    fuzz_examples: int
    selftest_examples: int
    fault: list[str] | None
    list_faults: bool
    results_json: Path | None
    run_id: str
    prefix: str | None

    @property
    def run_prefix(self) -> str:
        """The name prefix of every resource this run creates."""
        return prefix_for(self.run_id)

    def timeout_for(self, kind: TargetKind) -> float:
        """--search-timeout, else the default for this kind of target."""
        if self.search_timeout is not None:
            return self.search_timeout
        return EMULATOR_SEARCH_TIMEOUT if kind == "emulator" else REMOTE_SEARCH_TIMEOUT


def resolve(
    command: Command, given: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> Settings:
    """Options (keyed by name) and environment twins -> Settings; a bad value is a UsageError."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for option in TABLE:
        if command not in option.commands:
            values.setdefault(option.name, option.default)
            continue
        raw = given.get(option.name)
        if raw in (None, []):
            raw = _from_env(option, env)
        values[option.name] = option.default if raw in (None, []) else _cast(option, raw)
    raw_target, kind = values.pop("target"), values.pop("target_kind")
    versions = values["upgrade"] or values.pop("square_version") or load_table().default_selection
    values.pop("square_version", None)
    versions = load_table().expand(list(versions))
    values["fuzz_examples"] = values["fuzz_examples"] or fuzz_examples_for(len(versions))
    target = resolve_target(str(raw_target), kind=kind) if raw_target else None
    return Settings(
        target=target,
        versions=versions,
        run_id=values.pop("run_id") or new_run_id(),
        **values,
    )


def require_target_access(settings: Settings) -> None:
    """Refuse production unless allowed, and a remote target without a token."""
    target = settings.target
    if target is None:
        return
    refuse_production(target, settings.allow_production)
    if target.kind != "emulator" and not settings.token:
        raise UsageError(TOKEN_NEEDED)
