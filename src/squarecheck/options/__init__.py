"""The one table of options: flag, environment twin, type, default and check, in one place.

Every command (`run`, `sweep`, `selftest`, `serve`, `diff`, the selftest child) and the pytest
plugin declare their options from `TABLE` and read them with `resolve`, in the manner of
starlette's `Config`: the command line wins over the environment twin, each value is cast once,
each failure is one sentence (a `UsageError`), and each default is written once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from squarecheck.errors import UsageError
from squarecheck.options import table as _table
from squarecheck.options.commands import COMMAND_OPTIONS
from squarecheck.options.table import (
    EMULATOR_SEARCH_TIMEOUT,
    REMOTE_SEARCH_TIMEOUT,
    TOKEN_NEEDED,
    Command,
    Option,
    fuzz_cache_dir,
    fuzz_examples_for,
)
from squarecheck.results import new_run_id, prefix_for
from squarecheck.spec.table import load_table
from squarecheck.target.bounds import Limits
from squarecheck.target.resolve import Target, TargetKind, refuse_production, resolve_target

__all__ = [
    "EMULATOR_SEARCH_TIMEOUT",
    "REMOTE_SEARCH_TIMEOUT",
    "TABLE",
    "TOKEN_NEEDED",
    "Command",
    "Option",
    "Settings",
    "argparse_kwargs",
    "fuzz_examples_for",
    "names_for",
    "options_for",
    "require_target_access",
    "resolve",
]
TRUE = ("1", "true", "yes", "on")
#: every option of every command, in one table
TABLE: tuple[Option, ...] = _table.TABLE + COMMAND_OPTIONS


def options_for(command: Command) -> Iterator[Option]:
    return (option for option in TABLE if command in option.commands)


def argparse_kwargs(option: Option, command: Command) -> dict[str, Any]:
    """keyword arguments for `add_argument` / `addoption`; defaults stay None until resolved."""
    kwargs: dict[str, Any] = {"dest": option.dest_for(command), "help": option.describe()}
    if option.kind == "positional":
        del kwargs["dest"]  # argparse names a positional by its first name
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
    if option.kind == "positional":
        return [option.dest_for(command)]
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
    #: --square-version as given (`cutovers`, `all` unexpanded), what a child pytest is passed
    selection: list[str]
    #: versions under which only some behaviours are checked (`Table.narrowed`)
    narrowed: dict[str, frozenset[str]]
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
    max_body: int
    max_text: int
    request_deadline: float
    max_errors: int
    no_convergence_probe: bool
    fuzz_examples: int
    selftest_examples: int
    fault: list[str] | None
    list_faults: bool
    all_checks: bool
    results_json: Path | None
    run_id: str
    prefix: str | None
    host: str
    port: int
    default_version: str | None
    search_lag: float
    inject: list[str] | None
    data: str | None
    serve_list_faults: bool
    old: Path | None
    new: Path | None
    html_out: Path | None
    json_out: Path | None
    suites: bool

    run_name: str | None = None
    wait_for_target: float | None = None
    shard: tuple[int, int] | None = None
    fuzz_cache: str | None = None

    @property
    def run_dir(self) -> Path:
        """The run's report folder: `<report dir>/<run name or run id>`."""
        return self.report_dir / (self.run_name or self.run_id)

    @property
    def run_prefix(self) -> str:
        """The name prefix of every resource this run creates."""
        return prefix_for(self.run_id)

    @property
    def fuzz_cache_dir(self) -> Path | None:
        """Where the fuzz suite keeps drawn cases between runs (None: nowhere)."""
        return fuzz_cache_dir(self.fuzz_cache)

    @property
    def limits(self) -> Limits:
        return Limits(self.max_body, self.max_text, self.request_deadline)

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
    table = load_table()
    selection = list(values["upgrade"] or values.pop("square_version") or table.default_selection)
    values.pop("square_version", None)
    versions = table.expand(selection)
    values["fuzz_examples"] = values["fuzz_examples"] or fuzz_examples_for(len(versions))
    target = resolve_target(str(raw_target), kind=kind) if raw_target else None
    return Settings(
        target=target,
        versions=versions,
        selection=selection,
        narrowed=table.narrowed(selection),
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
