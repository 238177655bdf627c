"""The CLI boundary's last resort: an exception no command foresaw is exit 3, one line on stderr
naming a log that holds the traceback; never exit 1 (the target failed), never a traceback on
the terminal.

The failure is provoked for real: `squarecheck diff` writing its text to a stdout that cannot
take it (a full device, a pipe nobody reads), with Python's own buffering in each of its modes,
since a buffered write can fail inside the command or only at the final flush.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

from tests.support.reports import NEW, build_run, write_run
from tests.support.suites import clean_env

pytestmark = pytest.mark.e2e  # runs squarecheck in a subprocess

FULL_DEVICE = Path("/dev/full")  # every write fails with ENOSPC (Linux)
LOG_LINE = re.compile(
    r"^squarecheck diff: internal error, not a verdict: (?P<what>.+) "
    r"\(traceback in (?P<log>\S+\.log)\)$"
)


@contextmanager
def unwritable(kind: str) -> Iterator[IO[bytes]]:
    """A file object every write to which fails: the full device, or a pipe with no reader."""
    if kind == "full device":
        assert FULL_DEVICE.exists()
        with FULL_DEVICE.open("wb") as full:
            yield full
        return
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "wb") as pipe:
        yield pipe


def runs(tmp_path: Path, added: int) -> tuple[Path, Path]:
    """Two run folders whose diff prints three regressions and `added` added checks."""
    new = build_run("ignores-version", "new")
    template = new["checks"][-1]
    for n in range(added):
        key = f"ListCustomerGroups > added check {n}"
        new["checks"].append(dict(template, id=f"{NEW} > {key}", key=key))
    return write_run(tmp_path / "old", build_run("emulator", "old")), write_run(
        tmp_path / "new", new
    )


@pytest.mark.parametrize(
    ("kind", "unbuffered", "added"),
    [
        ("full device", False, 0),  # the text fits the buffer: it fails at the final flush
        ("full device", False, 400),  # the text overflows the buffer: it fails while writing
        ("full device", True, 0),  # unbuffered (PYTHONUNBUFFERED): it fails while writing
        ("pipe without reader", False, 0),  # BrokenPipeError at the final flush
    ],
    ids=["full-at-flush", "full-while-writing", "full-unbuffered", "closed-pipe"],
)
def test_output_that_cannot_be_written_is_exit_3_with_a_log(
    tmp_path: Path, kind: str, unbuffered: bool, added: int
) -> None:
    """An unwritable stdout ends `squarecheck diff` with exit 3 and one stderr line that names
    a log holding the whole traceback; no traceback and no Python exit 120."""
    old, new = runs(tmp_path, added)
    logs = tmp_path / "logs"
    logs.mkdir()
    env = clean_env(TMPDIR=str(logs))
    env.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    with unwritable(kind) as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "squarecheck", "diff", str(old), str(new)],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
        )
    assert done.returncode == 3, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in done.stderr and 'File "' not in done.stderr
    found = LOG_LINE.match(lines[0])
    assert found, lines[0]
    assert found["what"].startswith(("OSError", "BrokenPipeError"))
    log = Path(found["log"])
    assert log.parent == logs
    traceback = log.read_text(encoding="utf-8")
    assert traceback.startswith("Traceback (most recent call last):")
    assert "squarecheck/cli" in traceback and found["what"].split(":")[0] in traceback
