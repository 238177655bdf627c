"""The behaviour table loader resolves versions against cutovers."""

from __future__ import annotations

from squarecheck.spec.table import is_well_formed, load_table


def test_versions_between_cutovers_behave_like_the_earlier_one() -> None:
    """A version resolves to the latest cutover not after it, or to the oldest before them all."""
    table = load_table()
    assert table.resolve("2022-03-16") == "2022-03-16"
    assert table.resolve("2024-01-18") == "2022-03-16"
    assert table.resolve("2022-02-16") == "2021-06-16"
    assert table.resolve("2021-05-13") == "2021-04-21"
    oldest = min(table.known_versions)
    assert min(table.cutovers()) > oldest
    assert table.resolve(oldest) == oldest


def test_seed_behaviours_change_at_2022_03_16() -> None:
    """Both seed behaviours flip at 2022-03-16 and not before."""
    table = load_table()
    assert table["unrecognized-field"].expect("2022-02-16")["outcome"] == "ignored"
    assert table["unrecognized-field"].expect("2022-03-16")["outcome"] == "rejected"
    assert table["idempotency-key-reuse"].expect("2022-03-15")["code"] == "INVALID_VALUE"
    assert table["idempotency-key-reuse"].expect("2025-01-01")["outcome"] == "replay"


def test_changes_between_lists_crossed_cutovers_only() -> None:
    """Moving 2022-02-16 -> 2022-03-16 crosses the cutover; staying on one side does not."""
    b = load_table()["unrecognized-field"]
    assert [c.since for c in b.changes_between("2022-02-16", "2022-03-16")] == ["2022-03-16"]
    assert b.changes_between("2022-03-16", "2024-01-18") == []


def test_version_format() -> None:
    """Only YYYY-MM-DD with a real month and day is well formed."""
    assert is_well_formed("2022-03-16")
    assert not is_well_formed("2022-13-01")
    assert not is_well_formed("20220316")
    assert not is_well_formed("2022-03-16 ")
