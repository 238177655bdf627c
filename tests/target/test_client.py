"""The suites' HTTP client: target resolution, 429 backoff, redaction, the mutation guard."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.responses import JSONResponse, Response

from squarecheck.checks import ToolError, UsageError
from squarecheck.options import resolve
from squarecheck.target.client import Client, Connection, RetryPolicy
from squarecheck.target.ledger import Ledger
from squarecheck.target.redaction import Redactor
from squarecheck.target.resolve import (
    PRODUCTION_URL,
    SANDBOX_URL,
    refuse_production,
    resolve_target,
)
from tests.support.suites import LocalServer, RunResult


def test_sandbox_alias_resolves_to_the_sandbox_url() -> None:
    """`sandbox` (any case) means https://connect.squareupsandbox.com."""
    for value in ("sandbox", "SANDBOX", " sandbox "):
        target = resolve_target(value)
        assert (target.url, target.kind) == (SANDBOX_URL, "sandbox")
    assert resolve_target("https://connect.squareupsandbox.com/").kind == "sandbox"


def test_target_kinds_and_credentials() -> None:
    """Production is recognised by host; a URL with user:password is refused without echoing it."""
    assert resolve_target("https://connect.squareup.com").kind == "production"
    assert resolve_target("http://127.0.0.1:8080/").kind == "url"
    for value in ("http://user:pw1234@127.0.0.1:8080/", "http://[::1:pw1234@x", "ftp://u:pw1234@h"):
        with pytest.raises(UsageError) as refused:
            resolve_target(value)
        assert "pw1234" not in str(refused.value)
    with pytest.raises(UsageError):
        resolve_target("connect.squareup.com")


def test_production_needs_explicit_permission() -> None:
    """refuse_production raises for the production host unless allowed."""
    production = resolve_target(PRODUCTION_URL)
    with pytest.raises(UsageError, match="--allow-production"):
        refuse_production(production, allow_production=False)
    refuse_production(production, allow_production=True)
    refuse_production(resolve_target("sandbox"), allow_production=False)


def test_token_lookup_order() -> None:
    """--token wins, then SQUARECHECK_TOKEN, then SQUARE_TOKEN."""
    env = {"SQUARECHECK_TOKEN": "b", "SQUARE_TOKEN": "c"}
    assert resolve("run", {"token": "a"}, env).token == "a"
    assert resolve("run", {}, env).token == "b"
    assert resolve("run", {}, {"SQUARE_TOKEN": "c"}).token == "c"
    assert resolve("run", {}, {}).token is None


def _rate_limited(times: int, retry_after: str) -> Callable[[int, str, str], Response | None]:
    def intercept(count: int, method: str, path: str) -> Response | None:
        if count <= times:
            body = {"errors": [{"code": "RATE_LIMITED", "category": "RATE_LIMIT_ERROR"}]}
            return JSONResponse(body, status_code=429, headers={"Retry-After": retry_after})
        return None

    return intercept


def _client(url: str, sleeps: list[float], tries: int = 5) -> Client:
    conn = Connection(url, Redactor([]), Ledger("sqc-test-"), RetryPolicy(tries=tries))
    conn.sleep = sleeps.append
    return Client(conn, "token-x", "2022-03-16")


def test_429_is_retried_honouring_retry_after(proxy: Callable[..., LocalServer]) -> None:
    """Two 429s with Retry-After: 2 are waited out (2 s each) and the third try answers."""
    server = proxy(intercept=_rate_limited(2, "2"))
    sleeps: list[float] = []
    resp = _client(server.url, sleeps).list_groups(limit=1)
    assert resp.status == 200
    assert sleeps == [2.0, 2.0]
    assert len(server.proxy.seen) == 3  # type: ignore[attr-defined]


def test_429_without_end_is_a_tool_error(proxy: Callable[..., LocalServer]) -> None:
    """A target that keeps answering 429 exhausts the bounded retries: a ToolError, no verdict."""
    server = proxy(intercept=_rate_limited(1000, "1"))
    sleeps: list[float] = []
    with pytest.raises(ToolError, match="rate limited"):
        _client(server.url, sleeps, tries=4).list_groups(limit=1)
    assert sleeps == [1.0, 1.0, 1.0]


def test_run_rides_out_rate_limiting(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """A run whose first requests get 429 (Retry-After: 1) still conforms."""
    server = proxy(intercept=_rate_limited(3, "1"))
    run = run_cli("--target", server.url, "--token", "sqc-test-token", "-k", "echo")
    assert run.code == 0, run.stdout[-2000:]
    assert run.results["run"]["counts"]["passed"] == 2


def test_run_with_endless_429_is_a_tool_error(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """Endless 429 makes every check an error (not a failure) and the run exit 3."""
    server = proxy(intercept=_rate_limited(10_000, "0"))
    run = run_cli("--target", server.url, "--token", "sqc-test-token", "-k", "echo")
    assert run.code == 3, run.stdout[-2000:]
    assert {c["outcome"] for c in run.results["checks"]} == {"error"}
    assert all("rate limited" in c["message"] for c in run.results["checks"])
    junit = (run.run_dir / "junit.xml").read_text()
    assert "<error" in junit and "<failure" not in junit


def test_redaction_and_curl(proxy: Callable[..., LocalServer]) -> None:
    """Evidence shows Bearer [REDACTED] and a curl command reading $SQUARE_TOKEN."""
    server = proxy()
    client = _client(server.url, [])
    resp = client.create_group("sqc-test-name token-x inside")
    exchange = resp.exchange
    assert exchange.request["headers"]["Authorization"] == "Bearer [REDACTED]"
    assert "token-x" not in str(exchange.to_json())
    assert '"Authorization: Bearer $SQUARE_TOKEN"' in exchange.curl
    assert exchange.curl.startswith("curl -sS -X POST ")


def test_exchange_is_redacted_when_first_read(proxy: Callable[..., LocalServer]) -> None:
    """An exchange nobody reads costs no redaction; read later, it hides every secret the
    run knows by then, the echoed token included."""
    server = proxy()
    client = _client(server.url, [])
    scanned: list[str] = []
    redactor = client.conn.redactor
    plain = redactor.text

    def counted(value: str) -> str:
        scanned.append(value)
        return plain(value)

    redactor.text = counted  # type: ignore[method-assign]
    resp = client.create_group("sqc-test-name token-x and later-secret inside")
    assert scanned == [] and "token-x" in resp.text
    redactor.add("later-secret")
    shown = str(resp.exchange.to_json())
    assert "token-x" not in shown and "later-secret" not in shown
    assert shown.count("[REDACTED]") >= 3
    assert scanned and resp.exchange.request["method"] == "POST"


def test_guard_refuses_resources_the_run_did_not_create(
    proxy: Callable[..., LocalServer],
) -> None:
    """Update/Delete on an id outside the ledger is refused before any request."""
    server = proxy()
    client = _client(server.url, [])
    with pytest.raises(ToolError, match="did not create"):
        client.delete_group("SOMEONE-ELSES-GROUP")
    assert server.proxy.seen == []  # type: ignore[attr-defined]
    created = client.create_group("sqc-test-mine")
    assert client.delete_group(created.body["group"]["id"]).status == 200
