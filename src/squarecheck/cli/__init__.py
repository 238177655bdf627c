"""The `squarecheck` command line: one subcommand per module in `squarecheck.cli`.

Each command module exposes `configure(parser)` and `execute(args) -> int` (an exit code from
`squarecheck.exitcodes`). Misuse prints one line on stderr and exits with USAGE.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from typing import NoReturn

from squarecheck import __version__, exitcodes
from squarecheck.cli import boundary
from squarecheck.errors import UsageError
from squarecheck.spec.table import TableError

COMMANDS: dict[str, str] = {
    "serve": "Run the embedded Square emulator as an HTTP server.",
    "run": "Run the conformance suites against a target and write reports.",
    "sweep": "Delete leftovers of a crashed run (resources whose name has a given prefix).",
    "diff": "Compare two runs: new failures, fixes and changed observations.",
    "selftest": "Run the suites against the clean emulator and every injected fault.",
    "merge": "Combine shard runs (or one run per version) into one run folder with every report.",
    "evidence": "Record a real target's answers on unsure rows and propose the table change.",
}


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code USAGE."""

    def error(self, message: str) -> NoReturn:
        self.exit(exitcodes.USAGE, f"{self.prog}: error: {message}\n")


def build_parser(argv: list[str] | None = None) -> OneLineParser:
    """The whole command line; when `argv` starts with a command, only that command's options
    are declared (the others' modules are not even imported): every command is still listed,
    and `squarecheck COMMAND --help` shows all of its options."""
    chosen = argv[0] if argv and argv[0] in COMMANDS else None
    parser = OneLineParser(prog="squarecheck", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"squarecheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name, help_text in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if chosen in (None, name):
            importlib.import_module(f"squarecheck.cli.{name}").configure(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse, run the command, and map every exception to an exit code: never 1, which only a
    conformance failure may give (see the module docstring of `squarecheck.cli.boundary`)."""
    try:
        given = sys.argv[1:] if argv is None else argv
        parser = build_parser(given)
        args = parser.parse_args(given)
    except (TableError, UsageError) as exc:  # a command's help reads the behaviour table
        return boundary.configuration_error("squarecheck", exc)
    if not args.command:
        parser.error(f"a command is required: {', '.join(COMMANDS)}")
    module = importlib.import_module(f"squarecheck.cli.{args.command}")
    try:
        code: int = module.execute(args)
        sys.stdout.flush()  # output that cannot be written fails here, inside the boundary
    except KeyboardInterrupt:
        return 130
    except (TableError, UsageError) as exc:
        return boundary.configuration_error(f"squarecheck {args.command}", exc)
    except Exception as exc:  # noqa: BLE001 - the boundary: one line, the traceback in a log
        return boundary.unexpected(f"squarecheck {args.command}", exc)
    return code


def console() -> int:
    """The `squarecheck` command as a process (the console script, `python -m squarecheck`):
    `main`, then everything left is moved out of the garbage collector's sight (`gc.freeze`),
    as the process ends next: Python's full collections while it shuts down walk every object
    the run made (a few tenths of a second) to free memory that is given back anyway."""
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(console())
