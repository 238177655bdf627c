"""Where checks run: one part of them (`--shard K/N`), and on which xdist worker (`--workers`).

Both keep every version of a check together. A check's versions share what it draws or builds
once per process (the fuzz suite's drawn cases above all), so a part or a worker that runs all
of them pays for it once. Parts are balanced by weight (a generated-requests check weighs as
much as many hand-written ones) and decided by the check keys alone, so every shard job of a CI
matrix computes the same split without talking to the others.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

#: A Square-Version inside a parametrized test id: `test_x[2022-03-16-ListCatalog]`.
_VERSION_IN_ID = re.compile(r"(?<=[\[-])\d{4}-\d{2}-\d{2}(?=[-\]])")
#: A generated-requests check costs about this many hand-written ones.
FUZZ_WEIGHT = 10


def check_scope(nodeid: str) -> str:
    """The nodeid with its Square-Version masked: equal for every version of one check."""
    head, bracket, params = nodeid.partition("[")
    return head + _VERSION_IN_ID.sub("*", bracket + params) if bracket else nodeid


def _weight(item: pytest.Item) -> int:
    return FUZZ_WEIGHT if item.get_closest_marker("fuzz") is not None else 1


def split(items: list[pytest.Item], count: int) -> list[list[pytest.Item]]:
    """`items` in `count` parts: every version of a check in one part, the heaviest checks
    placed first, each on the lightest part so far (ties: the lower part). Deterministic for
    the same selection, whatever order it was collected in."""
    groups: dict[str, list[pytest.Item]] = {}
    for item in items:
        groups.setdefault(check_scope(item.nodeid), []).append(item)
    order = sorted(groups, key=lambda s: (-sum(_weight(i) for i in groups[s]), s))
    loads: list[int] = [0] * count
    parts: list[list[pytest.Item]] = [[] for _ in range(count)]
    for scope in order:
        lightest = min(range(count), key=lambda p: (loads[p], p))
        loads[lightest] += sum(_weight(i) for i in groups[scope])
        parts[lightest].extend(groups[scope])
    return parts


class Sharding:
    """Keeps only part K of N of the selected checks (after -k and -m have selected). A part
    left empty by the split (fewer checks than parts) is a run of no checks, not an error; a
    selection that matches nothing stays one."""

    def __init__(self, index: int, count: int) -> None:
        self.index, self.count = index, count
        self.empty_part = False

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        kept = {id(i) for i in split(items, self.count)[self.index - 1]}
        dropped = [i for i in items if id(i) not in kept]
        self.empty_part = bool(items) and not kept
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [i for i in items if id(i) in kept]

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.empty_part and session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
            session.exitstatus = pytest.ExitCode.OK


#: checks handed to a worker in one command (xdist's own scheduler sends one at a time)
UNITS_PER_SEND = 4


class CheckScheduling:
    """Under `--workers`, hands each xdist worker whole checks (all versions) at a time."""

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getoption("dist", None) != "load":
            return None  # an explicit --dist wins
        from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

        class ByCheck(LoadScopeScheduling):  # type: ignore[misc]
            def _split_scope(self, nodeid: str) -> str:
                return check_scope(nodeid)

            def _assign_work_unit(self, node: Any) -> None:
                """Up to UNITS_PER_SEND checks in one command: a check lasts milliseconds, and
                each command costs the controller and the worker a round of messages. Towards
                the end one at a time, so that no worker is left with several to run alone."""
                indexes: list[int] = []
                collection = self.registered_collections[node]
                assigned = self.assigned_work.setdefault(node, {})
                left = len(self.workqueue) // (4 * max(1, len(self.nodes)))
                for _ in range(max(1, min(UNITS_PER_SEND, left))):
                    scope, unit = self.workqueue.popitem(last=False)
                    assigned[scope] = unit
                    indexes += [collection.index(i) for i, done in unit.items() if not done]
                node.send_runtest_some(indexes)

        return ByCheck(config, log)
