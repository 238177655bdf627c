"""A server that follows Square's own schema and the evidence, and guesses otherwise wherever
squarecheck guessed.

The emulator, given a table whose every `assumed` expectation is another plausible choice
(tests/support/alternative_table.py), behind a front that makes the other choices Square's
evidence allows (a 415 to text/plain, empty catalog ids taken, contact errors naming no field,
midnight birthdays in Z; tests/support/faithful.py) is such a server: everything documented,
observed or inferred as the real table says, every request Square's schema takes taken. A run
against it, the default one and the cutover matrix, warns about the assumed rows and never
fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from squarecheck.spec.table import load_table
from tests.support.alternative_table import ALTERNATIVES, alternative_table, assumed_periods
from tests.support.faithful import faithful_server
from tests.support.suites import LocalServer, RunResult

ERAS = ("2021-03-17", "2021-04-21", "2022-12-14")  # before and after the pre-2022 assumed rows


@pytest.fixture(scope="module")
def other_server() -> Iterator[LocalServer]:
    """The emulator following the alternative table, behind the faithful front."""
    with faithful_server() as server:
        yield server


def _run(run_cli: Callable[..., RunResult], server: LocalServer, *args: str) -> RunResult:
    # the other server is an emulator: its orders may be created like the embedded one's, and
    # its lag is the embedded one's, so the emulator's poll timeout applies, not a remote one's
    # (a guessed row whose state never changes, say a deleted group's discount kept, waits it out)
    target = ("--target", server.url, "--token", "sqc-alt-1", "--second-token", "sqc-alt-2")
    return run_cli(*target, "--create-orders", "--search-timeout", "5", *args)


def test_every_assumed_expectation_has_an_alternative() -> None:
    """The alternative table changes every assumed expectation, and only those."""
    table, other = load_table(), alternative_table()
    assert set(ALTERNATIVES) == assumed_periods(table)
    for behaviour_id, since in ALTERNATIVES:
        version = since or table.oldest_version
        assert other[behaviour_id].expect(version) != table[behaviour_id].expect(version)


@pytest.mark.verify
@pytest.mark.xdist_group("alternative-tables")  # never on the worker of the kill matrix
def test_default_run_warns_but_does_not_fail(
    other_server: LocalServer, run_cli: Callable[..., RunResult]
) -> None:
    """The default run against the other server passes, with warnings for the guessed rows."""
    run = _run(run_cli, other_server)
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    checks = run.results["checks"]
    assert run.outcomes("failed") == []
    warned = {c["behaviour"] for c in run.outcomes("warned")}
    assert {c["basis"] for c in run.outcomes("warned")} == {"assumed"}
    assert {"invalid-cursor", "group-name-required", "body-not-object"} <= warned
    assert {c["outcome"] for c in checks if c["basis"] != "assumed"} <= {"passed"}


@pytest.mark.verify
@pytest.mark.xdist_group("alternative-tables")
def test_run_across_eras_warns_but_does_not_fail(
    other_server: LocalServer, run_cli: Callable[..., RunResult]
) -> None:
    """Versions on both sides of the 2021 cutovers pass too; their guessed rows only warn."""
    versions = [arg for v in ERAS for arg in ("--square-version", v)]
    run = _run(run_cli, other_server, *versions, "-m", "not fuzz")
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    warned = {(c["behaviour"], c["version"]) for c in run.outcomes("warned")}
    assert ("customer-version-mismatch", "2021-03-17") in warned
    assert ("customer-field-lengths", "2021-03-17") in warned
    assert ("membership-bumps-version", "2021-04-21") in warned
    assert run.outcomes("failed") == []


def test_cutover_matrix_warns_but_does_not_fail(
    other_server: LocalServer, run_cli: Callable[..., RunResult]
) -> None:
    """`--square-version cutovers` against the other server passes, warning only about assumed
    rows: every cutover and the release before it, the fuzz suite included."""
    run = _run(run_cli, other_server, "--square-version", "cutovers", "--workers", "2")
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    assert run.outcomes("failed") == []
    assert {c["basis"] for c in run.outcomes("warned")} == {"assumed"}
    versions = {c["version"] for c in run.results["checks"]}
    assert {"2020-04-22", "2020-05-28", "2022-11-16", "2025-01-23"} <= versions
