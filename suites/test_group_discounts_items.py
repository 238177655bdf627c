"""Customer-group discounts: the catalog items they price (family group-discounts).

behaviour catalog-item-needs-variation: "Require that an item be created with at least one
variation. Otherwise, an INVALID_REQUEST error is returned." (2021-06-16 release notes,
https://github.com/square/square-python-sdk/blob/41.0.0.20250319/CHANGELOG.md). The notes give
the category, not the code, so only the status and category are judged.
"""

from __future__ import annotations

import pytest

from squarecheck.checks import Check, acceptance, expect_error, expect_status, expect_true


@pytest.mark.check(
    "catalog-item-needs-variation", "UpsertCatalogObject", "an item without a variation"
)
def test_item_without_variation(check: Check) -> None:
    """Creating an ITEM without a variation is refused from 2021-06-16 (and nothing is
    created); before, the item is created."""
    name = check.new_name("bare-item")
    item = {"type": "ITEM", "id": "#bare", "item_data": {"name": name}}
    resp = check.judge(check.client.upsert_catalog_object(item, check.new_key()))
    check.observe(outcome=acceptance(resp))
    expect = check.expect
    if expect["outcome"] != "rejected":
        expect_status(resp, expect["status"], "(an item needed no variation yet)")
        return
    expect_error(resp, status=expect["status"], category=expect["category"])
    body = {
        "object_types": ["ITEM"],
        "query": {"prefix_query": {"attribute_name": "name", "attribute_prefix": name}},
    }
    found = check.client.search_catalog(body)
    expect_status(found, 200, "searching the catalog for the refused item")
    expect_true(not found.get("objects"), "the refused item was created", found)
