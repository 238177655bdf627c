"""The behaviour table loader: versions resolved against cutovers, evidence on every row."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from squarecheck.spec.table import (
    BASES,
    TableError,
    is_well_formed,
    load_table,
    table_from,
)


def _raw() -> dict[str, Any]:
    return copy.deepcopy(load_table().raw)


def test_versions_between_cutovers_behave_like_the_earlier_one() -> None:
    """A version between two cutovers resolves to the earlier one, one before all to the oldest."""
    table = load_table()
    assert table.resolve("2022-03-16") == "2022-03-16"
    assert table.resolve("2022-04-20") == "2022-03-16"
    assert table.resolve("2024-01-18") == "2022-12-14"
    assert table.resolve("2021-03-17") == "2020-12-16"
    assert table.resolve("2020-06-25") == "2020-05-28"
    assert table.resolve("2020-04-22") == table.oldest_version


def test_seed_behaviours_change_at_2022_03_16() -> None:
    """Both seed behaviours flip at 2022-03-16 and not before."""
    table = load_table()
    assert table["unrecognized-field"].expect("2022-02-16")["outcome"] == "ignored"
    assert table["unrecognized-field"].expect("2022-03-16")["outcome"] == "rejected"
    assert table["idempotency-key-reuse"].expect("2022-03-15")["code"] == "INVALID_VALUE"
    assert table["idempotency-key-reuse"].expect("2025-01-01")["outcome"] == "replay"


def test_the_history_has_every_documented_cutover() -> None:
    """The table changes at each documented cutover from 2021-04-21 to 2022-12-14."""
    cutovers = load_table().cutovers()
    for since in ("2021-04-21", "2021-08-18", "2021-10-20", "2022-03-16", "2022-10-19"):
        assert since in cutovers
    assert "2022-12-14" in cutovers


def test_changes_between_lists_crossed_cutovers_only() -> None:
    """Moving 2022-02-16 -> 2022-03-16 crosses the cutover; staying on one side does not."""
    b = load_table()["unrecognized-field"]
    assert [c.since for c in b.changes_between("2022-02-16", "2022-03-16")] == ["2022-03-16"]
    assert b.changes_between("2022-03-16", "2024-01-18") == []


def test_version_format() -> None:
    """Only YYYY-MM-DD naming a real calendar date is well formed."""
    assert is_well_formed("2022-03-16")
    assert is_well_formed("2024-02-29")
    assert not is_well_formed("2022-02-30")
    assert not is_well_formed("2023-02-29")
    assert not is_well_formed("2022-04-31")
    assert not is_well_formed("2022-13-01")
    assert not is_well_formed("20220316")
    assert not is_well_formed("2022-03-16 ")
    assert not is_well_formed("２０２２-03-16")


def test_every_row_and_change_has_evidence() -> None:
    """Each behaviour lists evidence for its initial expectation and for each of its changes."""
    for behaviour in load_table().behaviours.values():
        assert behaviour.evidence, f"{behaviour.id} has no evidence"
        for change in behaviour.changes:
            assert change.evidence, f"{behaviour.id} @ {change.since} has no evidence"
        for item in behaviour.evidence + tuple(e for c in behaviour.changes for e in c.evidence):
            assert item.shows and item.href.startswith("https://"), (behaviour.id, item)


def test_a_row_without_evidence_is_refused() -> None:
    """Loading a table whose row or change has no evidence item is an error naming the place."""
    raw = _raw()
    del raw["behaviours"][0]["evidence"]
    with pytest.raises(TableError, match="behaviours/0"):
        table_from(raw)
    raw = _raw()
    raw["behaviours"][0]["changes"][0]["evidence"] = []
    with pytest.raises(TableError, match="behaviours/0/changes/0/evidence"):
        table_from(raw)


def test_basis_vocabulary_orders_observed_between_documented_and_inferred() -> None:
    """The bases are documented, observed, inferred, assumed; the table uses only those."""
    assert BASES == ("documented", "observed", "inferred", "assumed")
    used = {b.basis for b in load_table().behaviours.values()}
    used |= {c.basis for b in load_table().behaviours.values() for c in b.changes}
    assert used <= set(BASES)
    assert "observed" in used
    raw = _raw()
    raw["behaviours"][0]["basis"] = "hearsay"
    with pytest.raises(TableError, match="hearsay"):
        table_from(raw)


def test_depends_on_must_name_another_row() -> None:
    """A `depends_on` naming no row, or the row itself, is a table error."""
    for bad in ("no-such-row", None):
        raw = _raw()
        row = raw["behaviours"][0]
        row["depends_on"] = [bad or row["id"]]
        with pytest.raises(TableError, match="depends_on names no other row"):
            table_from(raw)


def test_cutover_selection_has_each_cutover_and_the_release_before_it() -> None:
    """`cutovers` holds each cutover day and, for observable changes, the release just before."""
    table = load_table()
    chosen = table.select("cutovers")
    assert chosen == sorted(chosen)
    assert set(table.cutovers()) <= set(chosen)
    for before in ("2021-03-17", "2021-07-21", "2021-09-15", "2022-02-16", "2022-09-21"):
        assert before in chosen
    assert "2024-11-20" not in chosen  # 2024-12-18 changes only what no run can observe
    assert len(chosen) >= 8
    assert set(chosen) <= set(table.known_versions)


def test_cutover_plan_narrows_the_release_before_to_the_changes_there() -> None:
    """A cutover day checks every behaviour; the release before it only those changing there,
    and so does a cutover day whose changes no run can observe, unless it is the newest."""
    table = load_table()
    plan = table.cutover_plan()
    assert sorted(plan) == table.select("cutovers")
    for since in ("2021-04-21", "2021-08-18", "2022-03-16", "2022-12-14", "2025-01-23"):
        assert plan[since] is None
    # beta to GA is the same wire, but an item needs a variation from that day on
    assert plan["2021-06-16"] is None
    assert plan["2021-05-13"] == frozenset(
        {"customer-group-ids-any-release", "catalog-item-needs-variation"}
    )
    assert plan["2020-06-25"] is not None and "discount-rounding" in plan["2020-06-25"]
    assert plan["2020-04-22"] == frozenset({"search-text-filters"})
    assert plan["2021-09-15"] == frozenset({"update-customer-empty-body", "customer-tax-ids"})
    assert plan["2021-07-21"] == frozenset({"list-limit-parameter"})
    assert {"legacy-groups-field", "customer-version-field"} <= (plan["2021-03-17"] or set())
    assert "square-version-echo" not in (plan["2022-02-16"] or set())


def test_narrowed_only_for_versions_the_cutovers_keyword_brings_in() -> None:
    """Named on its own or through `all`, a release before a cutover runs every behaviour."""
    table = load_table()
    narrowed = table.narrowed(["cutovers"])
    assert set(narrowed) == {v for v, ids in table.cutover_plan().items() if ids is not None}
    assert "2021-09-15" not in table.narrowed(["cutovers", "2021-09-15"])
    assert "2021-07-21" in table.narrowed(["cutovers", "2021-09-15"])
    assert table.narrowed(["cutovers", "all"]) == {}
    assert table.narrowed(["2021-09-15", "2021-10-20"]) == {}


def test_all_selection_is_every_known_release() -> None:
    """`all` stands for every release the table knows, oldest first."""
    table = load_table()
    assert table.select("all") == list(table.known_versions)


def test_known_versions() -> None:
    """A released version is known; a well-formed date between releases is not."""
    table = load_table()
    assert table.is_known("2022-03-16")
    assert not table.is_known("2022-03-17")
    assert table.release_before("2022-03-16") == "2022-02-16"
