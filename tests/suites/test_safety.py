"""Safety against a real account: redaction, cleanup, production refusal, sweep."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.responses import JSONResponse, Response

from squarecheck.emulator.server import EmulatorServer
from squarecheck.target.resolve import PRODUCTION_URL
from tests.support.suites import LocalServer, RunResult, drop_version_echo

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses

SECRET = "sqcSECRETtoken7Qx9Zr31"
OTHER_SECRET = "sqcOTHERsecretB4k8Lm"


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Square-Version": "2022-03-16"}


def _snapshot(url: str, token: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    groups = httpx.get(f"{url}/v2/customers/groups", headers=_headers(token)).json()
    customers = httpx.get(f"{url}/v2/customers", headers=_headers(token)).json()
    return groups.get("groups", []), customers.get("customers", [])


def test_token_never_appears_in_any_output(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """With failing checks, neither token appears in stdout, stderr or any report file."""

    server = proxy(on_response=drop_version_echo)
    run = run_cli(
        "--target",
        server.url,
        "--token",
        SECRET,
        "--second-token",
        OTHER_SECRET,
        "-m",
        "(versioning or auth or unrecognized_fields) and not fuzz",
    )
    assert run.code == 1, run.stdout[-2000:]
    assert run.outcomes("failed")
    for text in (run.stdout, run.stderr):
        assert SECRET not in text and OTHER_SECRET not in text
    files = [p for p in run.run_dir.rglob("*") if p.is_file()]
    assert {"report.html", "junit.xml", "results.json"} <= {p.name for p in files}
    for path in files:
        content = path.read_text(errors="replace")
        assert SECRET not in content, path
        assert OTHER_SECRET not in content, path
    failed = run.outcomes("failed")[0]
    assert "Bearer [REDACTED]" in failed["message"]
    assert all("$SQUARE_TOKEN" in e["curl"] for e in failed["evidence"] if "Bearer" in e["curl"])


def test_cleanup_leaves_nothing_and_touches_nothing_foreign(
    emulator: EmulatorServer, run_cli: Callable[..., RunResult]
) -> None:
    """A run deletes all it created and leaves the same seller's own data exactly as it was."""
    url = emulator.url
    foreign_names = ["Loyal Customers", "sqc-not-this-run", "sqc-"]
    for name in foreign_names:
        resp = httpx.post(
            f"{url}/v2/customers/groups", headers=_headers(SECRET), json={"group": {"name": name}}
        )
        assert resp.status_code == 200
    customer = httpx.post(
        f"{url}/v2/customers", headers=_headers(SECRET), json={"given_name": "sqc-foreign"}
    ).json()["customer"]
    for group in _snapshot(url, SECRET)[0]:
        add = f"{url}/v2/customers/{customer['id']}/groups/{group['id']}"
        assert httpx.put(add, headers=_headers(SECRET)).status_code == 200
    before = _snapshot(url, SECRET)

    run = run_cli("--target", url, "--token", SECRET, "-m", "not fuzz")
    assert run.code == 0, run.stdout[-2000:]
    prefix = run.results["run"]["prefix"]
    assert run.results["run"]["leftovers"] == 0

    after = _snapshot(url, SECRET)
    assert after == before
    for token in (SECRET,):
        groups, customers = _snapshot(url, token)
        assert not [g for g in groups if str(g["name"]).startswith(prefix)]
        assert not [c for c in customers if str(c.get("given_name", "")).startswith(prefix)]


def test_production_is_refused_before_any_request(run_cli: Callable[..., RunResult]) -> None:
    """--target connect.squareup.com exits 2 with one line unless --allow-production."""
    run = run_cli("--target", PRODUCTION_URL, "--token", "t")
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "--allow-production" in lines[0]
    assert not Path(run.report_dir).exists()


def test_sweep_deletes_only_the_prefix(
    emulator: EmulatorServer, run_cli: Callable[..., RunResult]
) -> None:
    """sweep --prefix deletes groups and customers named with the prefix and nothing else."""
    url, prefix = emulator.url, "sqc-20990101t000000-dead-"
    for name in (f"{prefix}a", f"{prefix}b", "keep me", "sqc-20990101t000000-beef-x"):
        httpx.post(
            f"{url}/v2/customers/groups", headers=_headers(SECRET), json={"group": {"name": name}}
        )
    for body in (
        {"given_name": f"{prefix}c"},
        {"company_name": f"{prefix}co"},
        {"given_name": "x"},
    ):
        httpx.post(f"{url}/v2/customers", headers=_headers(SECRET), json=body)
    run = run_cli("--prefix", prefix, "--target", url, "--token", SECRET, command="sweep")
    assert run.code == 0, run.stderr
    assert run.stdout.count("deleted group") == 2 and run.stdout.count("deleted customer") == 2
    assert SECRET not in run.stdout + run.stderr
    groups, customers = _snapshot(url, SECRET)
    assert sorted(g["name"] for g in groups) == ["keep me", "sqc-20990101t000000-beef-x"]
    assert [c.get("given_name") for c in customers] == ["x"]


def test_sweep_refuses_a_short_prefix(
    emulator: EmulatorServer, run_cli: Callable[..., RunResult]
) -> None:
    """sweep refuses an empty or too-short prefix with exit 2 and deletes nothing."""
    httpx.post(
        f"{emulator.url}/v2/customers/groups",
        headers=_headers(SECRET),
        json={"group": {"name": "sq"}},
    )
    for prefix in ("", "sq"):
        run = run_cli(
            "--prefix", prefix, "--target", emulator.url, "--token", SECRET, command="sweep"
        )
        assert run.code == 2
        assert len(run.stderr.strip().splitlines()) == 1
    assert len(_snapshot(emulator.url, SECRET)[0]) == 1


def test_leftovers_are_counted_and_swept_afterwards(
    emulator: EmulatorServer,
    proxy: Callable[..., LocalServer],
    run_cli: Callable[..., RunResult],
) -> None:
    """When deletes fail, results.json counts the leftovers and sweep --prefix removes them."""

    def refuse_deletes(count: int, method: str, path: str) -> Response | None:
        if method == "DELETE":
            body = {"errors": [{"code": "SERVICE_UNAVAILABLE", "category": "API_ERROR"}]}
            return JSONResponse(body, status_code=503)
        return None

    server = proxy(intercept=refuse_deletes)
    run = run_cli("--target", server.url, "--token", SECRET, "-k", "test_create and lifecycle")
    assert run.code == 0, run.stdout[-2000:]
    prefix = run.results["run"]["prefix"]
    assert run.results["run"]["leftovers"] == 2
    assert f"squarecheck sweep --prefix {prefix}" in run.stdout
    assert len([g for g in _snapshot(emulator.url, SECRET)[0] if g["name"].startswith(prefix)]) == 2

    swept = run_cli(
        "--prefix", prefix, "--target", emulator.url, "--token", SECRET, command="sweep"
    )
    assert swept.code == 0 and swept.stdout.count("deleted group") == 2
    assert _snapshot(emulator.url, SECRET) == ([], [])
