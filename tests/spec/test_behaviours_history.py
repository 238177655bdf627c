"""The table's history as Square's changelogs, SDK tags and spec releases give it
(square-evidence round 3): dates, answers and the bases they rest on."""

from __future__ import annotations

from squarecheck.spec.table import load_table


def test_cards_retire_in_2025_01_23() -> None:
    """customer-cards-field changes in 2025-01-23 (not 2024-12-18), citing that changelog."""
    row = load_table()["customer-cards-field"]
    assert [c.since for c in row.changes] == ["2025-01-23"]
    assert any("2025-01-23" in e.href for e in row.changes[0].evidence)
    assert "2024-12-18" not in load_table().cutovers()


def test_a_stale_customer_version_is_400_version_mismatch() -> None:
    """From 2021-04-21 a stale version is 400 VERSION_MISMATCH, inferred from other APIs."""
    row = load_table()["customer-version-mismatch"]
    expect = row.expect("2021-04-21")
    assert (expect["status"], expect["code"]) == (400, "VERSION_MISMATCH")
    assert row.basis_at("2021-04-21") == "inferred"


def test_the_cursor_lifetime_dates_no_change() -> None:
    """Cursors live 5 minutes under every version: 2022-12-14 dated a documentation note."""
    row = load_table()["cursor-lifetime"]
    assert row.changes == ()
    assert row.basis == "documented"
    assert row.expect(load_table().oldest_version) == {"expires": True, "ttl_seconds": 300}


def test_content_type_takes_both_answers() -> None:
    """content-type-ignored is observed both ways: processed (200) or refused with 415."""
    row = load_table()["content-type-ignored"]
    assert row.basis == "observed"
    expect = row.expect(load_table().newest_version)
    assert (expect["status"], expect["refused_status"]) == (200, 415)
    assert {"php-sdk", "flutter"} <= {
        part for e in row.evidence for part in ("php-sdk", "flutter") if part in e.href
    }


def test_2020_05_28_is_a_release_with_the_text_filters() -> None:
    """2020-05-28 is known, and the SearchCustomers text filters start there."""
    table = load_table()
    assert table.is_known("2020-05-28")
    assert [c.since for c in table["search-text-filters"].changes] == ["2020-05-28"]
    assert table["search-text-filters"].expect("2020-04-22")["outcome"] == "ignored"


def test_the_unmodelled_changes_are_rows() -> None:
    """2022-11-16 address updates, custom_attribute (2022-12-14), a new item's variation
    (2021-06-16) and tax_ids (2021-10-20) are rows that change where their sources say."""
    table = load_table()
    since = {
        row: [c.since for c in table[row].changes]
        for row in (
            "customer-address-update",
            "customer-address-clear",
            "search-custom-attribute-filter",
            "catalog-item-needs-variation",
            "customer-tax-ids",
        )
    }
    assert since == {
        "customer-address-update": ["2022-11-16"],
        "customer-address-clear": ["2022-11-16"],
        "search-custom-attribute-filter": ["2022-03-16", "2022-12-14"],
        "catalog-item-needs-variation": ["2021-06-16"],
        "customer-tax-ids": ["2021-10-20"],
    }
