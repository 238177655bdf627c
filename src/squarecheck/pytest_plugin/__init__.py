"""The squarecheck pytest plugin (registered through the `pytest11` entry point).

It runs the suites in `suites/` against a target under each selected Square-Version and turns
each test into one check record (results.json). The plugin loads in every pytest run, so it is
inert unless its options are given or the suites are collected: servers start only when a suite
asks for the `check` fixture, and results are written only when asked for.

Modules: `activation` (options -> settings, recorder on), `markers`, `fixtures`, `verdicts`
(outcomes, warnings, redaction), `breaker` (checks the circuit breaker rules out), `recording`
(records -> results.json), `state`.
"""

from __future__ import annotations

import gc

import pytest

from squarecheck.options import argparse_kwargs, names_for, options_for
from squarecheck.pytest_plugin import markers
from squarecheck.pytest_plugin.activation import activate, is_active, point_at_suites
from squarecheck.pytest_plugin.breaker import pytest_runtest_protocol
from squarecheck.pytest_plugin.fixtures import check, fuzz_examples, run_state, squarecheck_state
from squarecheck.pytest_plugin.state import ACTIVE
from squarecheck.pytest_plugin.verdicts import pytest_pyfunc_call, pytest_runtest_makereport
from squarecheck.spec import table

__all__ = [
    "check",
    "fuzz_examples",
    "pytest_pyfunc_call",
    "pytest_runtest_makereport",
    "pytest_runtest_protocol",
    "squarecheck_state",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("squarecheck", "squarecheck conformance suites")
    for option in options_for("pytest"):
        group.addoption(*names_for(option, "pytest"), **argparse_kwargs(option, "pytest"))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Before pytest-html, junitxml and xdist read their options: the run folder's reports,
    and no worker when the preflight stopped the run."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:  # the controller checked the table this worker reads, if same
        table.vouch(workerinput.get("squarecheck_valid_tables", ()))
    markers.register(config)
    point_at_suites(config)
    config.stash[ACTIVE] = is_active(config)
    if config.stash[ACTIVE]:
        activate(config)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One check per selected version; a version the cutover plan narrows (`Table.narrowed`)
    gets no item for the behaviours it does not check."""
    if "square_version" in metafunc.fixturenames:
        settings = run_state(metafunc.config).settings
        versions = markers.versions_for(metafunc.definition, settings.versions, settings.narrowed)
        metafunc.parametrize("square_version", versions, ids=versions, scope="function")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    markers.tag(items)


#: Allocations between two young-generation collections during a run (Python's default is
#: 700): drawing and judging generated cases allocates millions of short-lived objects, few of
#: them in cycles.
YOUNG_COLLECTION_EVERY = 10_000


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what imports and collection made (schemas, the table, the items: kept for the
    whole run) out of the garbage collector's sight, so its full passes during the run and at
    pytest's exit walk only what the checks make (`gc.freeze`), and collect less often."""
    if session.config.stash.get(ACTIVE, False):
        gc.collect()
        gc.freeze()
        gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """A pytest-xdist worker ends after this: what its checks made goes out of the garbage
    collector's sight too, after pytest's own collections for unraisable exceptions, so that
    Python's full passes while the process shuts down do not walk it all again."""
    if config.stash.get(ACTIVE, False) and hasattr(config, "workerinput"):
        gc.freeze()
