"""The `squarecheck` command as a process (`console`): main's exit code, then a frozen heap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_console_returns_mains_code_and_freezes_what_is_left(tmp_path: Path) -> None:
    """console() gives main's exit code (here a usage error) and leaves every object frozen,
    so that the process's shutdown does not walk them; main() called in a process freezes none."""
    probe = (
        "import gc, sys\n"
        "from squarecheck.cli import console, main\n"
        f"args = ['squarecheck', 'diff', {str(tmp_path / 'a')!r}, {str(tmp_path / 'b')!r}]\n"
        "sys.argv = args\n"
        "code = main(args[1:])\n"
        "print(code, gc.get_freeze_count())\n"
        "code = console()\n"
        "print(code, gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["2", "0", "2", "True"]
