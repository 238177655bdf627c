"""Every option of `squarecheck run` reaches the suites: the pytest command line is generated
from the options table, so no flag is forgotten on the way."""

from __future__ import annotations

from squarecheck.options import TABLE, options_for, resolve
from squarecheck.options.pytest_args import pytest_args, reaches_pytest
from squarecheck.target.resolve import Target


def test_every_run_option_reaches_pytest() -> None:
    """Each option `run` takes is a plugin option or a pytest flag of its own."""
    missing = [o.flag for o in options_for("run") if not reaches_pytest(o)]
    assert missing == []


def test_flags_reach_the_suites_in_their_pytest_spelling() -> None:
    """--allow-production, --strict and -k/-m/--workers appear on the generated command line."""
    given = {
        "allow_production": True,
        "strict": True,
        "create_orders": True,
        "keyword": "echo",
        "markers": "idempotency",
        "workers": 2,
        "summary_md": "s.md",
        "max_errors": "5",
    }
    settings = resolve("run", given, environ={})
    argv = pytest_args(settings, Target("http://127.0.0.1:9", "url"))
    for expected in ("--allow-production", "--strict-assumed", "--create-orders"):
        assert expected in argv
    assert argv[argv.index("-k") + 1] == "echo" and argv[argv.index("-m") + 1] == "idempotency"
    assert argv[argv.index("-n") + 1] == "2" and argv[argv.index("--max-errors") + 1] == "5"
    assert argv[argv.index("--summary-md") + 1] == "s.md"


def test_secrets_never_reach_the_command_line() -> None:
    """The tokens go through the environment: no token value is in argv."""
    settings = resolve("run", {"token": "tok-1", "second_token": "tok-2"}, environ={})
    argv = pytest_args(settings, Target("http://127.0.0.1:9", "url"))
    assert "tok-1" not in argv and "tok-2" not in argv
    assert all(o.secret for o in TABLE if o.name in ("token", "second_token"))


def test_values_reach_the_suites_in_a_spelling_the_plugin_reads_back() -> None:
    """--shard K/N, --run-name, --wait-for-target and --fuzz-cache are passed on as given, and
    each parses back to the value the run resolved."""
    given = {"shard": "2/4", "run_name": "nightly", "wait_for_target": "5", "fuzz_cache": "off"}
    settings = resolve("run", given, environ={})
    argv = pytest_args(settings, Target("http://127.0.0.1:9", "url"))
    passed = {flag: argv[argv.index(flag) + 1] for flag in ("--shard", "--run-name")}
    assert passed == {"--shard": "2/4", "--run-name": "nightly"}
    back = resolve("pytest", {"shard": passed["--shard"]}, environ={})
    assert back.shard == settings.shard == (2, 4)
    assert argv[argv.index("--wait-for-target") + 1] == "5.0"
    assert argv[argv.index("--fuzz-cache") + 1] == "off"
