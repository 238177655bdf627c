"""`squarecheck serve --data FILE`: state survives kill -9, a file in use or not ours is refused.

Every test runs the real command in its own process and talks to it over HTTP.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses

LINE = re.compile(r"^squarecheck emulator listening on (http://127\.0\.0\.1:\d+)\n$")
AUTH = {"Authorization": "Bearer data-file-seller", "Square-Version": "2022-03-16"}


class Served:
    """A running `squarecheck serve --data` process and a client for it."""

    def __init__(self, data: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "squarecheck", "serve", "--port", "0", "--data", str(data)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = LINE.match(line)
        assert match, (line, self.process.stderr.read() if self.process.stderr else "")
        self.http = httpx.Client(base_url=match.group(1), headers=AUTH, timeout=10)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when the machine or the OOM killer stops it."""
        self.http.close()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(20)

    def stop(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.communicate(timeout=20)


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "state.sqlite3"


def _serve_fails(data: Path) -> tuple[int, str, str]:
    process = subprocess.run(
        [sys.executable, "-m", "squarecheck", "serve", "--port", "0", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return process.returncode, process.stdout, process.stderr


def test_acknowledged_writes_survive_kill_9(data: Path) -> None:
    """After kill -9 and a restart, groups, profiles, memberships, cursors and replays remain."""
    first = Served(data)
    group = first.ok(
        "POST", "/v2/customers/groups", json={"idempotency_key": "k1", "group": {"name": "VIP"}}
    )
    customer = first.ok(
        "POST", "/v2/customers", json={"idempotency_key": "k2", "given_name": "Ann"}
    )
    customer_id = customer["customer"]["id"]
    group_id = group["group"]["id"]
    first.ok("PUT", f"/v2/customers/{customer_id}/groups/{group_id}")
    for name in ("b", "c", "d"):
        first.ok("POST", "/v2/customers", json={"given_name": name})
    page = first.ok("GET", "/v2/customers", params={"limit": 2})
    first.kill()

    second = Served(data)
    try:
        assert second.ok("GET", f"/v2/customers/groups/{group_id}") == group
        profile = second.ok("GET", f"/v2/customers/{customer_id}")["customer"]
        assert profile["group_ids"] == [group_id]
        assert profile["version"] == 1
        rest = second.ok("GET", "/v2/customers", params={"limit": 2, "cursor": page["cursor"]})
        seen = [c["id"] for c in page["customers"] + rest["customers"]]
        assert len(set(seen)) == 4
        replay = {"idempotency_key": "k1", "group": {"name": "Other"}}
        assert second.ok("POST", "/v2/customers/groups", json=replay) == group
        again = second.ok(
            "POST", "/v2/customers", json={"idempotency_key": "k2", "given_name": "X"}
        )
        assert again == customer
        assert len(second.ok("GET", "/v2/customers/groups")["groups"]) == 1
        members = {"query": {"filter": {"group_ids": {"all": [group_id]}}}}
        found = second.ok("POST", "/v2/customers/search", json=members)["customers"]
        assert [c["id"] for c in found] == [customer_id]
    finally:
        second.stop()


def test_a_file_in_use_is_refused_and_left_intact(data: Path) -> None:
    """A second serve on a file another serve has open exits 3 with one line; data is intact."""
    first = Served(data)
    try:
        group = first.ok("POST", "/v2/customers/groups", json={"group": {"name": "kept"}})
        code, out, err = _serve_fails(data)
        assert (code, out) == (3, "")
        assert err.strip().splitlines() == [
            f"squarecheck serve: error: --data {data} is in use by another process"
        ]
        assert first.ok("GET", "/v2/customers/groups") == {"groups": [group["group"]]}
    finally:
        first.stop()
    again = Served(data)
    try:
        assert again.ok("GET", "/v2/customers/groups") == {"groups": [group["group"]]}
    finally:
        again.stop()


def _foreign(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
        db.execute("INSERT INTO notes VALUES ('someone else''s data')")
    db.close()


def _newer(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = 1397834571")  # squarecheck's marker
    db.execute("PRAGMA user_version = 999")
    db.execute("CREATE TABLE future (x)")
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_bytes(os.urandom(8192)), "is not a squarecheck data file"),
        (
            lambda p: p.write_text("name,email\nAnn,ann@example.com\n"),
            "is not a squarecheck data file",
        ),
        (_foreign, "a SQLite database of another program"),
        (_newer, "was written by a newer squarecheck (schema 999"),
        (lambda p: p.mkdir(), "is a directory"),
    ],
    ids=["random-bytes", "csv", "foreign-sqlite", "newer-schema", "directory"],
)
def test_a_file_that_is_not_ours_is_one_line_exit_2_and_untouched(
    data: Path, make: Callable[[Path], object], says: str
) -> None:
    """Random bytes, text, another program's database, a newer schema or a directory: exit 2."""
    make(data)
    before = data.read_bytes() if data.is_file() else None
    code, out, err = _serve_fails(data)
    assert (code, out) == (2, "")
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"squarecheck serve: error: --data {data} ")
    assert says in lines[0]
    if before is not None:
        assert data.read_bytes() == before
    assert sorted(p.name for p in data.parent.iterdir()) == [data.name]


def test_a_file_that_cannot_be_created_is_exit_2(tmp_path: Path) -> None:
    """A data file in a directory that does not exist is one line and exit 2; nothing is made."""
    data = tmp_path / "missing" / "state.sqlite3"
    code, out, err = _serve_fails(data)
    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [
        f"squarecheck serve: error: --data {data} cannot be opened: unable to open database file"
    ]
    assert not data.parent.exists()
