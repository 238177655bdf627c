"""`squarecheck serve` as a real process: the URL line, requests, signals and option errors."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import httpx
import pytest

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses

LINE = re.compile(r"^squarecheck emulator listening on (http://127\.0\.0\.1:(\d+))\n$")


def _serve(*options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "squarecheck", "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serves_until_signalled_then_exits_zero(signum: signal.Signals) -> None:
    """serve prints one URL line with the real port, answers requests, and exits 0 on a signal."""
    process = _serve("--default-version", "2022-02-16")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = LINE.match(line)
        assert match, line
        assert int(match.group(2)) > 0
        response = httpx.get(
            match.group(1) + "/v2/customers/groups", headers={"Authorization": "Bearer t"}
        )
        assert response.status_code == 200
        assert response.headers["Square-Version"] == "2022-02-16"
        process.send_signal(signum)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert out == ""
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "options",
    [
        ("--default-version", "2022-3-16"),
        ("--search-lag", "-1"),
        ("--search-lag", "soon"),
        ("--fault", "no-such-fault"),
        ("--port", "70000"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(options: tuple[str, ...]) -> None:
    """A malformed version, negative lag, unknown fault or bad port is one stderr line, exit 2."""
    process = _serve(*options)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
