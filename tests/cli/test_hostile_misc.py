"""Hostile answers and hostile files: odd Retry-After values, a text/plain target under the
fuzz suite, a sweep prefix that matches other runs, crafted results.json files for diff,
signals in the middle of a run, and the bounds a user reads in --help."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from squarecheck import results
from squarecheck.cli import main
from squarecheck.emulator.server import EmulatorServer
from squarecheck.errors import ResultsError
from squarecheck.reports import matrix
from squarecheck.spec.table import load_table
from squarecheck.target.client import RetryPolicy
from tests.support.hostile import run_bounded, start_bounded, wait_bounded
from tests.support.suites import LocalServer, clean_env

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses

TOKEN = "sqcMiscToken8Pw3"
BOUNDS = ("--max-body", "--max-text", "--request-deadline", "--max-errors")


@pytest.mark.parametrize(
    "value", ["nan", "NaN", "inf", "-inf", "-5", "1e400", "0x10", "garbage", "", "  7  "]
)
def test_retry_after_of_any_form_gives_a_finite_delay(value: str) -> None:
    """Every Retry-After value becomes a finite delay between 0 and the policy's maximum."""
    policy = RetryPolicy()
    delay = policy.delay(1, value)
    assert math.isfinite(delay) and 0.0 <= delay <= policy.max_delay


def test_retry_after_as_an_http_date_is_honoured() -> None:
    """A Retry-After HTTP-date a few seconds ahead becomes about that many seconds."""
    from email.utils import formatdate

    delay = RetryPolicy().delay(1, formatdate(time.time() + 5, usegmt=True))
    assert 3.0 <= delay <= 5.0


def test_retry_after_nan_in_a_run(proxy: Callable[..., LocalServer], tmp_path: Path) -> None:
    """A 429 with Retry-After: nan is waited out like any other; the run conforms."""

    def intercept(count: int, method: str, path: str) -> Response | None:
        if count in (2, 3):
            body = {"errors": [{"code": "RATE_LIMITED", "category": "RATE_LIMIT_ERROR"}]}
            return JSONResponse(body, status_code=429, headers={"Retry-After": "nan"})
        return None

    server = proxy(intercept=intercept)
    env = {"SQUARECHECK_TOKEN": TOKEN}
    run = run_bounded(tmp_path, "--target", server.url, "-k", "echo", env=env)
    assert run.code == 0, run.stdout[-2000:] + run.stderr[-2000:]
    for _, text in run.outputs():
        assert "Traceback" not in text and "ValueError" not in text


def plain_text_app() -> Starlette:
    """Every request: 200 text/plain `ok`."""

    async def answer(request: Request) -> Response:
        return Response(b"ok", status_code=200, media_type="text/plain")

    methods = ["GET", "POST", "PUT", "DELETE"]
    return Starlette(routes=[Route("/{path:path}", answer, methods=methods)])


def test_plain_text_target_has_no_undocumented_fuzz_change(tmp_path: Path) -> None:
    """A target that answers 200 text/plain to everything fails the fuzz checks the same way
    under both versions, so no fuzz row is flagged as an undocumented change."""
    with LocalServer(plain_text_app()) as server:
        run = run_bounded(
            tmp_path,
            *("--target", server.url, "-m", "fuzz"),
            env={"SQUARECHECK_TOKEN": TOKEN, "SQUARECHECK_FUZZ_EXAMPLES": "3"},
        )
    assert run.code == 1, run.stdout[-2000:] + run.stderr[-2000:]
    doc = run.results
    # CreateOrder and UpdateOrder are skipped against a remote target without --create-orders
    skipped = {c["operation"] for c in doc["checks"] if c["outcome"] == "skipped"}
    assert skipped <= {"CreateOrder", "UpdateOrder"}
    assert {c["outcome"] for c in doc["checks"]} - {"skipped"} == {"failed"}
    built = matrix.build(doc, load_table())
    assert len(built.rows) >= 10
    assert all(matrix.UNDOCUMENTED not in row.findings for row in built.rows)
    assert "undocumented change:" not in run.stdout


def _group(url: str, name: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Square-Version": "2022-03-16"}
    httpx.post(f"{url}/v2/customers/groups", headers=headers, json={"group": {"name": name}})


@pytest.mark.parametrize(
    "prefix", ["sqc-20", "sqc-2099", "sqc-20990101t000000-", "sqc-20990101t000000-de", "sqc-"]
)
def test_sweep_refuses_a_prefix_shared_by_other_runs(
    emulator: EmulatorServer, tmp_path: Path, prefix: str
) -> None:
    """sweep takes only a whole run prefix; one that other runs share deletes nothing."""
    for name in ("sqc-20990101t000000-dead-g1", "sqc-20990102t000000-beef-g1"):
        _group(emulator.url, name)
    done = subprocess.run(
        [sys.executable, "-m", "squarecheck", "sweep", "--prefix", prefix]
        + ["--target", emulator.url, "--token", TOKEN],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout
    assert len(done.stderr.strip().splitlines()) == 1 and "run prefix" in done.stderr
    listed = httpx.get(
        f"{emulator.url}/v2/customers/groups", headers={"Authorization": f"Bearer {TOKEN}"}
    ).json()
    assert len(listed["groups"]) == 2


def _results(observed: str = '{"status": 400}') -> str:
    """A minimal valid results.json whose one check observed `observed` (JSON text)."""
    run = {
        "id": "20990101T000000-dead",
        "target": "http://127.0.0.1:9",
        "versions": ["2022-03-16"],
        "started_at": "2099-01-01T00:00:00Z",
        "duration": 1.0,
        "counts": {"passed": 1},
        "exit_code": 0,
    }
    check = {
        "id": "2022-03-16 > CreateCustomerGroup > x",
        "key": "CreateCustomerGroup > x",
        "behaviour": "unrecognized-field",
        "operation": "CreateCustomerGroup",
        "version": "2022-03-16",
        "outcome": "passed",
        "basis": "documented",
        "source": "s",
        "duration": 0.1,
    }
    text = json.dumps({"format": 1, "run": run, "checks": [check]})
    return text.replace('"duration": 0.1}', f'"duration": 0.1, "observed": {observed}}}')


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_diff_of_a_deeply_nested_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    """A results.json nested thousands deep is refused with one line and exit 2."""
    good, deep = tmp_path / "good.json", tmp_path / "deep.json"
    good.write_text(_results())
    deep.write_text(_results('{"x": ' + "[" * depth + "]" * depth + "}"))
    results.load(good)
    for old, new in ((good, deep), (deep, good)):
        assert main(["diff", str(old), str(new)]) == 2
        captured = capsys.readouterr()
        assert len(captured.err.strip().splitlines()) == 1 and "nested" in captured.err
        assert "Traceback" not in captured.err


def test_rewriting_loaded_results_still_validates_the_run(tmp_path: Path) -> None:
    """The report stage rewrites checks it loaded validated; the run part is checked again."""
    file = tmp_path / "results.json"
    file.write_text(_results())
    doc = results.load(file)
    doc["run"]["exit_code"] = "zero"
    with pytest.raises(ResultsError, match="exit_code"):
        results.write(file, doc, checks_valid=True)
    doc["run"]["exit_code"] = 0
    results.write(file, doc, checks_valid=True)
    assert results.load(file)["run"]["exit_code"] == 0


def test_diff_text_escapes_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Escape sequences in a run's observations reach diff's text output as visible escapes."""
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(_results())
    payload = json.dumps({"code": "\x1b[2J\x1b[32mAll green\u202e\r\x9b31m"})
    new.write_text(_results(payload))
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "All green" in out and "\\x1b[2J" in out
    assert not any(c in out for c in "\x1b\r\u202e\x9b")


@pytest.fixture
def hanging_later(emulator: EmulatorServer) -> Iterator[tuple[LocalServer, Any]]:
    """A proxy to the emulator that hangs at the 61st request (and so at every later one)."""
    from tests.support.suites import Proxy

    release = threading.Event()

    def intercept(count: int, method: str, path: str) -> Response | None:
        if count > 60:
            release.wait(120)
        return None

    spec = Proxy(emulator.url, intercept=intercept)
    with LocalServer(spec.app()) as server:
        yield server, spec
        release.set()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_leaves_complete_reports_of_what_ran(
    hanging_later: tuple[LocalServer, Any], tmp_path: Path, sig: signal.Signals
) -> None:
    """SIGTERM or SIGINT while a request hangs: exit 3 at once, reports of every finished check."""
    server, spec = hanging_later
    args = ["--target", server.url, "-m", "not fuzz"]
    started = start_bounded(tmp_path, args, {"SQUARECHECK_TOKEN": TOKEN})
    while len(spec.seen) <= 60 and time.monotonic() - started[-1] < 120:
        time.sleep(0.1)
    time.sleep(1.0)  # the 61st request hangs now
    started[0].send_signal(sig)
    signalled = time.monotonic()
    run = wait_bounded(*started, timeout=time.monotonic() - started[-1] + 30)
    assert run.code == 3, run.stdout[-2000:] + run.stderr[-2000:]
    assert time.monotonic() - signalled < 20
    doc = results.load(run.run_dir / "results.json")
    assert len(doc["checks"]) >= 5
    assert "interrupted" in str(doc["run"].get("stopped"))
    cases = ET.parse(run.run_dir / "junit.xml").findall(".//testcase[@name]")
    assert len(cases) == len(doc["checks"])  # (pytest adds a nameless one for the interrupted)
    assert (run.run_dir / "index.html").read_text().rstrip().endswith("</html>")
    if doc["run"]["leftovers"]:
        assert "squarecheck sweep --prefix" in run.stdout


def test_bounds_are_listed_in_help(tmp_path: Path) -> None:
    """run --help and pytest --help list every bound with its environment twin and default."""
    run_help = subprocess.run(
        [sys.executable, "-m", "squarecheck", "run", "--help"],
        env=clean_env(COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    for flag in (*BOUNDS, "--no-convergence-probe"):
        assert flag in run_help
    for twin in ("SQUARECHECK_MAX_BODY", "SQUARECHECK_MAX_TEXT", "SQUARECHECK_REQUEST_DEADLINE"):
        assert twin in run_help
    assert "1048576" in run_help and "SQUARECHECK_MAX_ERRORS" in run_help
    pytest_help = subprocess.run(
        [sys.executable, "-m", "pytest", "--help"],
        cwd=tmp_path,
        env=clean_env(COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert all(flag in pytest_help for flag in BOUNDS)


def test_cleanup_stops_at_the_first_delete_without_an_answer() -> None:
    """Against a target that hangs, cleanup spends one request deadline, not one per resource."""
    from squarecheck.target.bounds import Limits
    from squarecheck.target.client import Client, Connection
    from squarecheck.target.ledger import Ledger, cleanup
    from squarecheck.target.redaction import Redactor
    from tests.support.hostile import RawTarget, hang

    ledger = Ledger("sqc-20990101t000000-dead-")
    for number in range(3):
        ledger.add("group", f"G{number}", f"sqc-20990101t000000-dead-{number}", TOKEN)
    with RawTarget(hang) as target:
        conn = Connection(target.url, Redactor([TOKEN]), ledger, limits=Limits(deadline=0.5))
        started = time.monotonic()
        left = cleanup(
            ledger.pending(), lambda token: Client(conn, token, None, [], validate=False)
        )
        conn.close()
        assert left == 3 and target.count == 1
    assert time.monotonic() - started < 3.0
