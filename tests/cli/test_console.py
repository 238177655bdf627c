"""The `squarecheck` command as a process (`console`): main's exit code, then a frozen heap."""

from __future__ import annotations

from pathlib import Path

from tests.support.interpreter import run_python


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
    done = run_python(probe)
    assert done.stdout.split() == ["2", "0", "2", "True"]
