"""What every command shares: options declared from the one table, one-line usage errors."""

from __future__ import annotations

import argparse
import sys

from squarecheck import exitcodes
from squarecheck.options import Command, argparse_kwargs, names_for, options_for


def declare(parser: argparse.ArgumentParser, command: Command) -> None:
    """Add `command`'s options from the one options table (squarecheck.options)."""
    for option in options_for(command):
        parser.add_argument(*names_for(option, command), **argparse_kwargs(option, command))
    parser.epilog = "Environment twins are shown in brackets; the command line wins."


def usage(command: str, message: str) -> int:
    """One line on stderr, exit code USAGE."""
    print(f"squarecheck {command}: {message}", file=sys.stderr)
    return exitcodes.USAGE
