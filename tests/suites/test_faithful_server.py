"""Checks that accept every answer Square's evidence allows (tests/support/faithful.py).

Each test puts one choice of a server that follows Square's own schema in front of the clean
emulator and runs the checks it concerns; each of these choices once failed a check: a 415 to
a JSON body declared as text/plain, an empty catalog id taken by a batch call, a contact error
that names no field, a midnight birthday ending in Z.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.support.faithful import faithful_server
from tests.support.suites import RunResult


def _run(run_cli: Callable[..., RunResult], url: str, *args: str) -> RunResult:
    return run_cli("--target", url, "--token", "sqc-faithful-1", "--create-orders", *args)


def test_a_415_to_text_plain_passes(run_cli: Callable[..., RunResult]) -> None:
    """content-type-ignored takes a 415 (nothing created) as well as a processed body."""
    with faithful_server(("text/plain",), alternative=False) as server:
        run = _run(run_cli, server.url, "-k", "content_type_ignored", "--strict")
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    checks = run.results["checks"]
    assert {c["status"] for c in checks} == {200, 415}
    assert {c["outcome"] for c in checks} == {"passed"}


def test_an_empty_catalog_id_accepted_passes_the_fuzz(run_cli: Callable[..., RunResult]) -> None:
    """A server that takes `object_ids: [""]` (Square's schema has plain strings) passes the
    fuzz checks of BatchDelete/BatchRetrieveCatalogObjects, which send it."""
    with faithful_server(("empty-ids",), alternative=False) as server:
        run = _run(run_cli, server.url, "-m", "fuzz", "-k", "BatchDelete or BatchRetrieve")
        front = server.app.state.front
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    assert front.empty_ids > 0  # the generated cases did send an empty id
    assert {c["outcome"] for c in run.results["checks"]} == {"passed"}


def test_a_contact_error_without_field_passes(run_cli: Callable[..., RunResult]) -> None:
    """An invalid email or phone refused without naming the field passes: no source names it."""
    with faithful_server(("no-error-field",), alternative=False) as server:
        run = _run(run_cli, server.url, "-k", "invalid_contact", "--strict")
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    assert {c["outcome"] for c in run.results["checks"]} == {"passed"}


def test_a_birthday_at_midnight_z_passes(run_cli: Callable[..., RunResult]) -> None:
    """Before 2022-10-19 a birthday returned as ...T00:00:00Z passes like ...T00:00:00-00:00."""
    with faithful_server(("z-birthdays",), alternative=False) as server:
        run = _run(run_cli, server.url, "-k", "birthday", "--square-version", "2022-02-16")
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    assert {c["outcome"] for c in run.results["checks"]} == {"passed"}
