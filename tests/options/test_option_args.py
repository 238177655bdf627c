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
