"""The command line parser: built for the command given, listing every command."""

from __future__ import annotations

import pytest

from squarecheck.cli import COMMANDS, build_parser
from tests.support.interpreter import run_python


def test_a_command_line_loads_only_its_commands_module() -> None:
    """Parsing `squarecheck diff ...` imports squarecheck.cli.diff and no other command."""
    probe = (
        "import sys\n"
        "from squarecheck.cli import COMMANDS, build_parser\n"
        "build_parser(['diff', 'a', 'b']).parse_args(['diff', 'a', 'b'])\n"
        "print(sorted(n for n in COMMANDS if f'squarecheck.cli.{n}' in sys.modules))\n"
    )
    done = run_python(probe)
    assert done.stdout.strip() == "['diff']"


@pytest.mark.parametrize("argv", [[], ["--help"], ["diff", "a", "b"], ["nonsense"]])
def test_every_command_is_listed_whatever_the_command_line(argv: list[str]) -> None:
    """The help lists every command, whichever command (if any) the parser was built for."""
    listed = build_parser(argv).format_help()
    for name in COMMANDS:
        assert f"    {name}" in listed


def test_the_chosen_commands_options_are_all_declared() -> None:
    """A parser built for `run` knows run's options; the full parser takes them the same."""
    argv = ["run", "--workers", "2", "--square-version", "2022-03-16"]
    assert vars(build_parser(argv).parse_args(argv)) == vars(build_parser().parse_args(argv))
