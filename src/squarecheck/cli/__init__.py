"""The `squarecheck` command line: one subcommand per module in `squarecheck.cli`.

Each command module exposes `configure(parser)` and `execute(args) -> int` (an exit code from
`squarecheck.exitcodes`). Misuse prints one line on stderr and exits with USAGE.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn

from squarecheck import __version__, exitcodes

COMMANDS: dict[str, str] = {
    "serve": "Run the embedded Square emulator as an HTTP server.",
    "run": "Run the conformance suites against a target and write reports.",
    "sweep": "Delete leftovers of a crashed run (resources whose name has a given prefix).",
    "diff": "Compare two runs: new failures, fixes and changed observations.",
    "selftest": "Run the suites against the clean emulator and every injected fault.",
    "evidence": "Record a real target's answers on unsure rows and propose the table change.",
}


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code USAGE."""

    def error(self, message: str) -> NoReturn:
        self.exit(exitcodes.USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog="squarecheck", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"squarecheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"squarecheck.cli.{name}")
        module.configure(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("a command is required (serve, run, sweep, diff, selftest, evidence)")
    module = importlib.import_module(f"squarecheck.cli.{args.command}")
    try:
        code: int = module.execute(args)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
