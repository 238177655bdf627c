"""Every version of a check stays together: in one part of `--shard K/N`, and on one xdist
worker under `--workers`, which is handed several whole checks in one command (a check lasts
milliseconds, and every command is a round of messages between the controller and the
worker)."""

from __future__ import annotations

from typing import Any

from squarecheck.pytest_plugin.distribution import (
    UNITS_PER_SEND,
    CheckScheduling,
    check_scope,
    split,
)

VERSIONS = ("2022-02-16", "2022-03-16")
COLLECTION = [f"test_suite.py::test_{n}[{version}]" for n in range(40) for version in VERSIONS]


class _Config:
    """What the scheduler reads of pytest's config: `--dist load`, two workers, and its
    default order (the largest checks first)."""

    option = type("Option", (), {"loadscopereorder": True})()

    def getoption(self, name: str, default: Any = None) -> Any:
        return "load" if name == "dist" else default

    def getvalue(self, name: str) -> Any:
        return ["2*popen"] if name == "tx" else None


class _Worker:
    """The controller's handle on a worker, as far as scheduling goes."""

    def __init__(self, name: str) -> None:
        self.gateway = type("Gateway", (), {"id": name})()
        self.shutting_down = False
        self.sent: list[list[int]] = []

    def send_runtest_some(self, indexes: list[int]) -> None:
        self.sent.append(list(indexes))

    def shutdown(self) -> None:
        self.shutting_down = True


def test_workers_get_whole_checks_several_at_a_time() -> None:
    """Each command hands a worker up to UNITS_PER_SEND whole checks, and one at a time
    towards the end; once a worker has run them it gets more; every test is handed out
    exactly once, with its check's other version."""
    scheduler = CheckScheduling().pytest_xdist_make_scheduler(_Config(), None)  # type: ignore[arg-type]
    workers = [_Worker("gw0"), _Worker("gw1")]
    for worker in workers:
        scheduler.add_node(worker)
    for worker in workers:
        scheduler.add_node_collection(worker, COLLECTION)
    scheduler.schedule()
    for worker in workers:
        first = worker.sent[0]
        assert len(first) == 2 * UNITS_PER_SEND
        assert len({check_scope(COLLECTION[i]) for i in first}) == UNITS_PER_SEND
    while not all(w.shutting_down for w in workers):
        for worker in workers:
            done = {i for sent in worker.sent for i in sent}
            for index in sorted(done):
                if not scheduler.assigned_work[worker][check_scope(COLLECTION[index])][
                    COLLECTION[index]
                ]:
                    scheduler.mark_test_complete(worker, index)
    assert all(len(w.sent[-1]) == len(VERSIONS) for w in workers)  # one check at the end
    handed = sorted(i for w in workers for sent in w.sent for i in sent)
    assert handed == list(range(len(COLLECTION)))
    assert sum(len(w.sent) for w in workers) < len(COLLECTION) // 2  # fewer commands than checks


def test_a_check_is_known_by_its_id_without_the_version() -> None:
    """The version is masked wherever it stands among the parameters, first above all (every
    check is parametrized by version first)."""
    assert check_scope("t.py::test_r[2022-03-16]") == "t.py::test_r[*]"
    assert check_scope("t.py::test_x[2022-03-16-ListCatalog]") == "t.py::test_x[*-ListCatalog]"
    assert check_scope("t.py::test_q[case-2022-03-16]") == "t.py::test_q[case-*]"
    assert check_scope("t.py::test_z") == "t.py::test_z"


class _Item:
    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid

    def get_closest_marker(self, name: str) -> None:
        return None


def test_a_shard_holds_every_version_of_its_checks() -> None:
    """Split in three, each part has both versions of each of its checks."""
    parts = split([_Item(n) for n in COLLECTION], 3)  # type: ignore[misc]
    assert sorted(i.nodeid for part in parts for i in part) == sorted(COLLECTION)
    for part in parts:
        scopes = [check_scope(i.nodeid) for i in part]
        assert all(scopes.count(scope) == len(VERSIONS) for scope in scopes)
