"""The pytest command line of a run, generated from the options table, so that every option a
command takes reaches the suites (a second, hand-kept list would forget one).

Each option is passed under its pytest spelling (`Option.flag_for`), or as
pytest's own flag where pytest owns it (`-k`, `-m`, `-n`); secrets go through the
environment (`secret_environment`), never argv.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from squarecheck.options import TABLE, Settings
from squarecheck.options.table import Option
from squarecheck.paths import suites_dir
from squarecheck.target.resolve import Target

#: options a run resolves itself and passes first, in their resolved form: the target (with its
#: kind, as the run may have started the emulator), the versions as selected
#: (`Settings.selection`), the run id, the report folder and the search timeout for the kind
_PASSED_APART = frozenset(
    {"target", "target_kind", "square_version", "run_id", "report_dir", "search_timeout"}
)


def reaches_pytest(option: Option) -> bool:
    """True when `squarecheck run` can pass this option on to the suites."""
    return "pytest" in option.commands or option.pytest_native is not None


def _value(option: Option, settings: Settings) -> Any:
    return getattr(settings, option.name)


def _spelled(option: Option, value: Any) -> Iterator[str]:
    flag = option.pytest_native or option.flag_for("pytest")
    if option.kind == "flag":
        if value:
            yield flag
    elif option.kind == "pair":
        yield flag
        yield from (option.spell(v) for v in value)
    elif option.kind == "list":
        for item in value:
            yield from (flag, option.spell(item))
    else:
        yield from (flag, option.spell(value))


def option_args(settings: Settings) -> list[str]:
    """Every option that reaches pytest and has a value, in its pytest spelling (no secret).
    An option the calling command does not take holds its table default, or what the caller
    set on `settings` (the selftest child sets --strict)."""
    argv: list[str] = []
    for option in TABLE:
        if option.name in _PASSED_APART or option.secret:
            continue
        if not reaches_pytest(option):
            continue
        value = _value(option, settings)
        if value is None or value == [] or value is False:
            continue
        argv += _spelled(option, value)
    return argv


def pytest_args(settings: Settings, target: Target | None) -> list[str]:
    """The whole pytest command line for the suites: where they are, the target, the versions
    as selected, then every other option that reaches pytest (`option_args`). Without a target
    each process that runs checks starts the embedded emulator (`pytest_plugin.fixtures`)."""
    suites = suites_dir()
    argv = [str(suites), "-c", str(suites / "pytest.ini"), "--rootdir", str(suites), "-q"]
    # squarecheck itself is imported before pytest starts, which pytest would warn about
    argv += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    if target is not None:
        argv += ["--target", target.url, "--target-kind", target.kind]
    argv += ["--run-id", settings.run_id, "--report-dir", str(settings.report_dir)]
    for version in settings.selection:  # pytest expands keywords the same way
        argv += ["--square-version", version]
    argv += ["--search-timeout", str(settings.timeout_for(target.kind if target else "emulator"))]
    return argv + option_args(settings)
