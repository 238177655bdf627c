"""A script run in a fresh interpreter: what a process imports, freezes or forks is only seen
from outside it."""

from __future__ import annotations

import subprocess
import sys


def run_python(
    script: str,
    *args: str,
    check: bool = True,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`python -c script args...` with this interpreter, its output captured."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True, text=True, timeout=timeout, check=check, env=env,
    )  # fmt: skip
