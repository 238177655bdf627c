"""A target that breaks one behaviour fails exactly the checks named for it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.suites import LocalServer, RunResult, drop_version_echo, rewrite_json

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses

TOKEN = "sqc-test-token"


def _run(run_cli: Callable[..., RunResult], server: LocalServer, *args: str) -> RunResult:
    return run_cli("--target", server.url, "--token", TOKEN, "--second-token", "sqc-other", *args)


def _failed_behaviours(run: RunResult) -> set[str]:
    return {c["behaviour"] for c in run.outcomes("failed")}


def test_dropped_version_echo_fails_the_echo_check(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """A target that drops the Square-Version response header fails square-version-echo only."""
    selection = "(versioning or lifecycle) and not fuzz"
    run = _run(run_cli, proxy(on_response=drop_version_echo), "-m", selection)
    assert run.code == 1, run.stdout[-2000:]
    assert _failed_behaviours(run) == {"square-version-echo", "square-version-default"}
    failed_ids = [c["id"] for c in run.outcomes("failed")]
    assert "2022-03-16 > ListCustomerGroups > response echoes the version" in failed_ids
    # the terminal names the failing check and its behaviour
    assert "> ListCustomerGroups > response echoes the version" in run.stdout
    assert "square-version-echo" in run.stdout
    echo = next(c for c in run.outcomes("failed") if c["behaviour"] == "square-version-echo")
    assert echo["observed"]["echo"] == "absent"
    assert "curl" in echo["message"] and "$SQUARE_TOKEN" in echo["message"]
    tree = ET.parse(run.run_dir / "junit.xml")
    assert tree.findall(".//testcase/failure")


def test_unknown_body_parameter_code_fails_unrecognized_field(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """Answering UNKNOWN_BODY_PARAMETER, not BAD_REQUEST, fails unrecognized-field at 2022-03-16."""

    def recode(doc: Any) -> Any:
        for error in doc.get("errors", []) if isinstance(doc, dict) else []:
            if error.get("code") == "BAD_REQUEST":
                error["code"] = "UNKNOWN_BODY_PARAMETER"
        return doc

    def bend(
        method: str, path: str, status: int, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        return status, headers, rewrite_json(recode)(body)

    run = _run(run_cli, proxy(on_response=bend), "-k", "unrecognized", "-m", "not fuzz")
    assert run.code == 1, run.stdout[-2000:]
    failed = run.outcomes("failed")
    assert {c["behaviour"] for c in failed} == {
        "unrecognized-field",
        "customers-unrecognized-field",
    }
    assert {c["version"] for c in failed} == {"2022-03-16"}
    assert all(c["error_code"] == "UNKNOWN_BODY_PARAMETER" for c in failed)


def test_reuse_creating_a_new_group_fails_idempotency_key_reuse(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """A target that ignores idempotency keys fails idempotency-key-reuse under both versions."""

    def strip_key(method: str, path: str, body: bytes) -> bytes:
        if method == "POST" and path == "/v2/customers/groups":
            doc = json.loads(body)
            doc.pop("idempotency_key", None)
            return json.dumps(doc).encode()
        return body

    run = _run(run_cli, proxy(on_request=strip_key), "-m", "idempotency and not fuzz")
    assert run.code == 1, run.stdout[-2000:]
    failed = run.outcomes("failed")
    assert _failed_behaviours(run) == {"idempotency-key-reuse"}
    assert {c["version"] for c in failed} == {"2022-02-16", "2022-03-16"}
    others = [c for c in run.results["checks"] if c["behaviour"] != "idempotency-key-reuse"]
    # a keyless re-create also breaks the assumed replay-after-delete row: a warning only
    assert {c["outcome"] for c in others if c["basis"] != "assumed"} == {"passed"}
    assert {c["outcome"] for c in others} <= {"passed", "warned"}
    assert run.results["run"]["leftovers"] == 0


def test_assumed_behaviour_only_warns_unless_strict(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """A broken assumed behaviour (invalid-cursor) warns by default and fails with --strict."""

    def recode(doc: Any) -> Any:
        for error in doc.get("errors", []) if isinstance(doc, dict) else []:
            if error.get("code") == "INVALID_CURSOR":
                error["code"] = "BAD_REQUEST"
        return doc

    def bend(
        method: str, path: str, status: int, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        return status, headers, rewrite_json(recode)(body)

    server = proxy(on_response=bend)
    lenient = _run(run_cli, server, "-k", "cursor")
    assert lenient.code == 0, lenient.stdout[-2000:]
    warned = lenient.outcomes("warned")
    assert warned and {c["behaviour"] for c in warned} == {"invalid-cursor"}
    assert all("INVALID_CURSOR" in c["message"] for c in warned)
    junit = (lenient.run_dir / "junit.xml").read_text()
    assert "<system-out>WARNING" in junit and "<failure" not in junit
    assert "squarecheck warning" in (lenient.run_dir / "report.html").read_text()

    strict = _run(run_cli, server, "-k", "cursor", "--strict")
    assert strict.code == 1
    assert {c["behaviour"] for c in strict.outcomes("failed")} == {"invalid-cursor"}
    assert strict.results["run"]["strict"] is True


def test_missing_second_token_skips_seller_isolation(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """Against a non-emulator target without --second-token the isolation checks are skipped."""
    server = proxy()
    run = run_cli("--target", server.url, "--token", TOKEN, "-m", "auth and not fuzz")
    assert run.code == 0, run.stdout[-2000:]
    skipped = run.outcomes("skipped")
    assert {c["behaviour"] for c in skipped} == {"seller-isolation"}
    assert {c["message"] for c in skipped} == {"needs --second-token"}
    assert {c["behaviour"] for c in run.outcomes("passed")} == {"auth-required"}


def test_search_that_never_converges_fails_saying_so(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """A search that never shows the writes fails once --search-timeout has passed."""

    def empty_search(
        method: str, path: str, status: int, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        return status, headers, (b"{}" if path == "/v2/customers/search" else body)

    run = _run(
        run_cli,
        proxy(on_response=empty_search),
        "-k",
        "group_filter and any",
        "--search-timeout",
        "0.5",
        "--square-version",
        "2022-03-16",
    )
    assert run.code == 1, run.stdout[-2000:]
    failed = run.outcomes("failed")
    assert failed and {c["behaviour"] for c in failed} == {"search-group-filter"}
    assert all("did not converge within --search-timeout 0.5s" in c["message"] for c in failed)


def test_body_breaking_the_schema_fails_with_its_own_message(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """A group whose created_at is not RFC 3339 fails as a schema violation of the response."""

    def spaced(doc: Any) -> Any:
        group = doc.get("group") if isinstance(doc, dict) else None
        if isinstance(group, dict) and "created_at" in group:
            group["created_at"] = group["created_at"].replace("T", " ")
        return doc

    def bend(
        method: str, path: str, status: int, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        return status, headers, rewrite_json(spaced)(body)

    run = _run(run_cli, proxy(on_response=bend), "-k", "test_create and lifecycle")
    assert run.code == 1, run.stdout[-2000:]
    failed = run.outcomes("failed")
    assert len(failed) == 2
    assert all("does not validate against specs/" in c["message"] for c in failed)
