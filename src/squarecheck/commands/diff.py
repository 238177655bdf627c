"""`squarecheck diff` (not built yet)."""

from __future__ import annotations

import argparse
import sys

from squarecheck import exitcodes


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""


def execute(args: argparse.Namespace) -> int:
    print("squarecheck diff: not available yet", file=sys.stderr)
    return exitcodes.TOOL_ERROR
