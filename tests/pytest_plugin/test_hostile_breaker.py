"""The circuit breaker trips on a dead target, not on one kind of request that hangs: against a
target dead after the probe every selection (`all` included) ends quickly with exit 3 and
complete reports; against a mock that never answers a malformed JSON body (as Prism does) a
default run gives its verdict, every check judged or explained."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from squarecheck.emulator.server import EmulatorServer
from squarecheck.options import resolve
from squarecheck.paths import suites_dir
from squarecheck.pytest_plugin.state import RunState
from squarecheck.results import JUDGED
from squarecheck.target.bounds import Limits
from squarecheck.target.client import Connection
from squarecheck.target.ledger import Ledger
from squarecheck.target.redaction import Redactor
from tests.support.hostile import RawTarget, json_answer, run_bounded
from tests.support.suites import LocalServer, clean_env
from tests.target.test_hostile_bounds import assert_complete

TOKEN = "sqcBreakerToken6Wd"
#: Against a dead target the whole `all` matrix took 49 s on two shared cores (load 8); before,
#: each remaining check cost more as the run grew and the run did not end in 15 minutes.
ALL_BOUND = 300.0


def dead_after_probe(number: int, conn: socket.socket, stop: threading.Event) -> None:
    """Answer the reachability probe, then close every connection without a word."""
    if number == 1:
        json_answer(conn)


def _selection_size(*args: str) -> int:
    """How many checks `args` select (collected by pytest, nothing sent)."""
    suites = suites_dir()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(suites), "-c", str(suites / "pytest.ini")]
        + ["--rootdir", str(suites), "--collect-only", "-q", "-p", "no:cacheprovider"]
        + ["--target", "http://127.0.0.1:9", "--token", "t", *args],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    return sum(1 for line in done.stdout.splitlines() if "::" in line)


@pytest.mark.e2e
def test_dead_target_under_every_version_ends_with_complete_reports(tmp_path: Path) -> None:
    """`--square-version all` against a target dead after the probe: exit 3, every check
    recorded, each after the breaker at the same small cost."""
    expected = _selection_size("--square-version", "all")
    with RawTarget(dead_after_probe) as target:
        run = run_bounded(
            tmp_path,
            *("--target", target.url, "--square-version", "all"),
            env={"SQUARECHECK_TOKEN": TOKEN},
            timeout=ALL_BOUND,
        )
        requests = target.count
    assert run.code == 3, run.stdout[-3000:] + run.stderr[-3000:]
    doc = assert_complete(run, expected)
    assert run.wall < ALL_BOUND
    assert "circuit breaker" in str(doc["run"].get("stopped"))
    not_run = [c for c in doc["checks"] if str(c["message"]).startswith("not run: circuit")]
    assert len(not_run) >= expected - 3
    assert requests <= 3 + 3  # the probe, three checks (one request each), the breaker's probe


# -- a mock that hangs on malformed JSON ----------------------------------------------------


def hanging_mock(upstream: str, release: threading.Event) -> Starlette:
    """Square's API mocked by the emulator for one version (the Square-Version header is
    dropped, as a mock of one document does), never answering a body that is not JSON."""
    client = httpx.AsyncClient(base_url=upstream, timeout=30)

    async def answer(request: Request) -> Response:
        body = await request.body()
        if body.strip():
            try:
                json.loads(body)
            except ValueError:
                while not release.is_set():
                    await asyncio.sleep(0.1)
                return Response(b"", status_code=500)
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in ("host", "content-length", "square-version")
        }
        raw, query = request.scope["raw_path"], request.scope.get("query_string") or b""
        target = raw.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
        got = await client.request(request.method, target, headers=headers, content=body)
        kept = {
            k: v
            for k, v in got.headers.items()
            if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")
        }
        return Response(got.content, status_code=got.status_code, headers=kept)

    methods = ["GET", "POST", "PUT", "DELETE"]
    return Starlette(routes=[Route("/{path:path}", answer, methods=methods)])


@pytest.fixture
def mock_server(emulator: EmulatorServer) -> Iterator[str]:
    """The hanging mock on a free port."""
    release = threading.Event()
    with LocalServer(hanging_mock(emulator.url, release)) as server:
        yield server.url
        release.set()


@pytest.mark.e2e
def test_mock_that_hangs_on_malformed_json_gets_a_verdict(mock_server: str, tmp_path: Path) -> None:
    """A default run against it judges every check but those sending malformed JSON, which are
    tool errors that say why; the breaker does not open and the verdict is 1."""
    run = run_bounded(
        tmp_path,
        *("--target", mock_server, "--request-deadline", "2"),
        env={"SQUARECHECK_TOKEN": TOKEN, "SQUARECHECK_SECOND_TOKEN": "sqcBreakerOther2Qp"},
        timeout=600,
    )
    assert run.code == 1, run.stdout[-3000:] + run.stderr[-3000:]
    doc = assert_complete(run, _selection_size())
    assert "stopped" not in doc["run"], doc["run"].get("stopped")
    errors = [c for c in doc["checks"] if c["outcome"] == "error"]
    hung = {c["key"] for c in errors}
    assert "CreateCustomerGroup > truncated JSON" in hung and len(errors) >= 4
    for check in errors:
        assert "request deadline of 2s" in str(check["message"]), check["message"]
    judged = [c for c in doc["checks"] if c["outcome"] in JUDGED]
    assert len(judged) + len(errors) + doc["run"]["counts"]["skipped"] == len(doc["checks"])
    assert len(judged) > 10 * len(errors)


# -- the breaker's rules, in process ------------------------------------------------------


def _state(url: str, max_errors: int = 3) -> RunState:
    settings = resolve("pytest", {"target": url, "token": TOKEN, "max_errors": str(max_errors)})
    state = RunState(settings, Redactor([TOKEN]))
    state.conn = Connection(url, state.redactor, Ledger("sqc-t-"), limits=Limits(deadline=1.0))
    state.token = TOKEN
    return state


def test_silent_errors_against_a_live_target_do_not_stop_the_run(
    emulator: EmulatorServer,
) -> None:
    """Tool errors in a row with no answer between them: a probe the target answers keeps the
    run going; each check gives up alone after --max-errors errors of its own."""
    state = _state(emulator.url)
    for _ in range(7):
        state.count("error", "CreateCustomerGroup > truncated JSON")
    assert state.stopped is None and state.conn is not None and state.conn.answers >= 2
    assert state.not_run("CreateCustomerGroup > truncated JSON") is not None
    assert state.not_run("CreateCustomerGroup > form-encoded body") is None
    state.conn.close()


def test_silent_errors_against_a_dead_target_open_the_breaker() -> None:
    """The same errors against a target that answers nothing, probe included, stop the run."""
    with RawTarget(dead_after_probe) as target:
        state = _state(target.url)
        target.count = 1  # the probe of the run was answered
        for key in ("A > a", "B > b"):
            state.count("error", key)
        assert state.stopped is None
        state.count("error", "C > c")
        assert state.stopped and "circuit breaker" in state.stopped
        assert state.not_run("D > d") == f"not run: {state.stopped}"
        assert state.conn is not None
        state.conn.close()


def test_answers_between_errors_end_the_streak(emulator: EmulatorServer) -> None:
    """A check that got answers before its tool error starts the count again: no probe."""
    state = _state(emulator.url)
    assert state.conn is not None
    for number in range(10):
        state.conn.answers += 1  # the check's own requests were answered
        state.count("error", f"Op > check {number}")
        assert state.errors_in_a_row == 1
    assert state.conn.answers == 10 and state.stopped is None
    state.conn.close()
