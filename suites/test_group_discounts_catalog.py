"""Customer-group discounts: the catalog objects behind them (family group-discounts).

behaviour catalog-id-mappings, catalog-batch-atomic, catalog-delete-cascade,
catalog-retrieve-related, catalog-list, catalog-search (spec-head, Catalog API);
catalog-upsert-idempotency (https://developer.squareup.com/docs/build-basics/common-api-patterns/idempotency);
catalog-required-fields and catalog-search-unknown-attribute (real responses on Square's forum);
catalog-idempotency-key-reused, catalog-version-mismatch, catalog-update-missing-object,
catalog-retrieve-deleted and catalog-orders-unrecognized-field (assumed).
Objects are found again by their names, which carry the run's prefix.
"""

from __future__ import annotations

from typing import Any

import pytest

from squarecheck.checks import Check, expect_equal, expect_error, expect_status, expect_true
from squarecheck.checks.discounts import Shop
from squarecheck.target.client import Response

Json = dict[str, Any]


def _get(check: Check, object_id: str, related: bool = False) -> Response:
    return check.client.retrieve_catalog_object(object_id, related)


def _upsert_one(check: Check, obj: Json, key: str | None = None) -> Response:
    return check.client.upsert_catalog_object(obj, key or check.new_key())


def _named(check: Check, prefix: str, types: list[str], deleted: bool = False) -> list[Json]:
    """Objects of `types` whose name starts with `prefix` (SearchCatalogObjects)."""
    body = {
        "object_types": types,
        "include_deleted_objects": deleted,
        "query": {"prefix_query": {"attribute_name": "name", "attribute_prefix": prefix}},
    }
    resp = check.client.search_catalog(body)
    expect_status(resp, 200, "searching the catalog")
    found: list[Json] = resp.get("objects") or []
    return found


def _name(obj: Json) -> str:
    return str(
        next(v.get("name") for k, v in obj.items() if k.endswith("_data") and isinstance(v, dict))
    )


@pytest.mark.check("catalog-id-mappings", "BatchUpsertCatalogObjects", "'#' ids and references")
def test_id_mappings(check: Check) -> None:
    """Every '#' id, nested ones too, is mapped once; references between them resolve."""
    shop = Shop.open(check)
    objects = [
        shop.item("#item", 1000),
        shop.percent("#disc", "10"),
        shop.product_set("#set", product_ids_any=["#item"]),
        shop.rule("#rule", "#disc", "#set"),
    ]
    resp = check.judge(shop.upsert(objects))
    expect_status(resp, check.expect["status"])
    mappings = resp.get("id_mappings") or []
    clients = [m.get("client_object_id") for m in mappings]
    check.observe(mapped=sorted(str(c) for c in clients))
    expect_equal(
        "mapped client ids",
        sorted(["#item", "#item-v", "#disc", "#set", "#rule"]),
        sorted(str(c) for c in clients),
        resp,
    )
    ids = {str(m["client_object_id"]): str(m["object_id"]) for m in mappings}
    expect_equal("distinct server ids", 5, len(set(ids.values())), resp)
    rule = _get(check, ids["#rule"]).body["object"]["pricing_rule_data"]
    expect_equal("rule's discount_id", ids["#disc"], rule.get("discount_id"))
    expect_equal("rule's match_products_id", ids["#set"], rule.get("match_products_id"))


@pytest.mark.check("catalog-upsert-idempotency", "UpsertCatalogObject", "same key, same body")
def test_replay(check: Check) -> None:
    """Repeating an upsert with its key returns the first answer; one object exists."""
    shop = Shop.open(check)
    key, discount = check.new_key(), shop.percent("#disc", "10")
    first = _upsert_one(check, discount, key)
    expect_status(first, 200, "for the first upsert")
    again = check.judge(_upsert_one(check, discount, key))
    expect_status(again, check.expect["status"])
    same = (again.body.get("catalog_object") or {}).get("id") == first.body["catalog_object"]["id"]
    check.observe(outcome="replay" if same else "created again")
    expect_true(same, "the repeated upsert returned another object", again)
    name = _name(first.body["catalog_object"])
    same_name = [o for o in _named(check, name, ["DISCOUNT"]) if _name(o) == name]
    expect_equal(f"discounts named {name!r}", 1, len(same_name))


@pytest.mark.check("catalog-idempotency-key-reused", "UpsertCatalogObject", "same key, other body")
def test_key_reused(check: Check) -> None:
    """Another body under a used key is refused and writes nothing."""
    shop = Shop.open(check)
    key = check.new_key()
    expect_status(_upsert_one(check, shop.percent("#disc", "10"), key), 200, "for the first upsert")
    other = shop.percent("#disc", "15")
    resp = check.judge(_upsert_one(check, other, key))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])
    name = _name(other)
    written = [o for o in _named(check, name, ["DISCOUNT"]) if _name(o) == name]
    expect_equal("objects of the second body", [], written)


@pytest.mark.check("catalog-version-mismatch", "UpsertCatalogObject", "a stale version")
def test_stale_version(check: Check) -> None:
    """An update carrying an old version is refused; the object keeps its data."""
    shop = Shop.open(check)
    created = _upsert_one(check, shop.percent("#disc", "10"))
    expect_status(created, 200, "creating the discount")
    current = created.body["catalog_object"]
    stale = {**current, "version": int(current["version"]) - 1}
    stale["discount_data"] = {**current["discount_data"], "percentage": "20"}
    resp = check.judge(_upsert_one(check, stale))
    expect = check.expect
    first = expect_error(
        resp, status=expect["status"], code=expect["code"], category=expect["category"]
    )
    expect_equal("errors[0].detail", expect["detail"], first.get("detail"), resp)
    kept = _get(check, str(current["id"])).body["object"]["discount_data"]["percentage"]
    expect_equal("percentage after the refused update", "10", kept)


@pytest.mark.check(
    "catalog-update-missing-object", "UpsertCatalogObject", "an id that names nothing"
)
def test_update_missing(check: Check) -> None:
    """Upserting an id without '#' that names no object is refused."""
    shop = Shop.open(check)
    resp = check.judge(_upsert_one(check, shop.percent(check.unknown_id(), "10")))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


@pytest.mark.check(
    "catalog-required-fields", "UpsertCatalogObject", "a rule without match_products_id"
)
def test_required(check: Check) -> None:
    """A PRICING_RULE without match_products_id is 400 MISSING_REQUIRED_PARAMETER."""
    shop = Shop.open(check)
    ids = shop.created(shop.percent("#disc", "10"))
    rule = shop.rule("#rule", ids["#disc"], "unused")
    del rule["pricing_rule_data"]["match_products_id"]
    resp = check.judge(_upsert_one(check, rule))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


@pytest.mark.check("catalog-batch-atomic", "BatchUpsertCatalogObjects", "one bad object in a batch")
def test_batch_atomic(check: Check) -> None:
    """A batch with a bad object writes none of its objects; the other batch is written."""
    shop = Shop.open(check)
    good, innocent = shop.percent("#good", "10"), shop.percent("#innocent", "5")
    bad = shop.product_set("#bad", product_ids_any=[check.unknown_id()], all_products=True)
    check.judge(shop.upsert([good], [innocent, bad]))
    shop.adopt()  # what the failed request wrote is not listed in its answer
    written = {_name(o) for o in _named(check, shop.prefix, ["DISCOUNT"])}
    check.observe(good=_name(good) in written, innocent=_name(innocent) in written)
    expect_true(_name(good) in written, "the valid batch was not written")
    expect_true(_name(innocent) not in written, "the failed batch's valid object was written")


@pytest.mark.check("catalog-delete-cascade", "DeleteCatalogObject", "an item and its variation")
def test_delete_cascade(check: Check) -> None:
    """Deleting an item deletes and lists its variation; neither is listed afterwards."""
    shop = Shop.open(check)
    ids = shop.created(shop.item("#item", 1000))
    resp = check.judge(check.client.delete_catalog_object(ids["#item"]))
    expect_status(resp, check.expect["status"])
    deleted = sorted(resp.get("deleted_object_ids") or [])
    check.observe(deleted=len(deleted))
    expect_equal("deleted_object_ids", sorted([ids["#item"], ids["#item-v"]]), deleted, resp)
    left = [o for o in _all_listed(check, "ITEM,ITEM_VARIATION") if o.get("id") in ids.values()]
    expect_equal("deleted objects still listed", [], [o.get("id") for o in left])


def _all_listed(check: Check, types: str) -> list[Json]:
    """Every object ListCatalog lists for `types`, following cursors."""
    found: list[Json] = []
    cursor: str | None = None
    for _ in range(1_000):
        resp = check.client.list_catalog(types, cursor)
        expect_status(resp, 200, "listing the catalog")
        found += resp.get("objects") or []
        cursor = resp.get("cursor")
        if not cursor:
            return found
    return found


@pytest.mark.check("catalog-retrieve-deleted", "RetrieveCatalogObject", "a deleted object")
def test_retrieve_deleted(check: Check) -> None:
    """A deleted object is 404 NOT_FOUND."""
    shop = Shop.open(check)
    ids = shop.created(shop.percent("#disc", "10"))
    expect_status(
        check.client.delete_catalog_object(ids["#disc"]),
        200,
        "deleting",
    )
    resp = check.judge(_get(check, ids["#disc"]))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


@pytest.mark.check("catalog-retrieve-related", "RetrieveCatalogObject", "a rule's related objects")
def test_related(check: Check) -> None:
    """A rule retrieved with include_related_objects brings its discount and product set."""
    shop = Shop.open(check)
    ids = shop.created(  # the set names the check's own item: the rule discounts nobody else
        shop.item("#item", 1000),
        shop.percent("#disc", "10"),
        shop.product_set("#set", product_ids_any=["#item"]),
        shop.rule("#rule", "#disc", "#set"),
    )
    resp = check.judge(_get(check, ids["#rule"], related=True))
    expect_status(resp, check.expect["status"])
    related = {str(o.get("id")) for o in resp.get("related_objects") or []}
    check.observe(related=len(related))
    expect_true(
        {ids["#disc"], ids["#set"]} <= related,
        f"related_objects lack the discount or set: {sorted(related)}",
        resp,
    )


@pytest.mark.check("catalog-list", "ListCatalog", "types in lower case, deleted objects")
def test_list(check: Check) -> None:
    """ListCatalog lists the discounts (types in any case), not the category, not deleted ones."""
    shop = Shop.open(check)
    ids = shop.created(shop.percent("#a", "1"), shop.percent("#b", "2"), shop.category("#cat"))
    mine = set(ids.values())
    listed = {str(o.get("id")) for o in _all_listed(check, "discount") if o.get("id") in mine}
    check.observe(listed=len(listed))
    expect_equal("own objects listed for types=discount", {ids["#a"], ids["#b"]}, listed)
    expect_status(
        check.client.delete_catalog_object(ids["#a"]),
        200,
        "deleting",
    )
    after = {str(o.get("id")) for o in _all_listed(check, "DISCOUNT") if o.get("id") in mine}
    expect_equal("own discounts listed after deleting one", {ids["#b"]}, after)


@pytest.mark.check("catalog-search", "SearchCatalogObjects", "type, prefix, exact and deleted")
def test_search(check: Check) -> None:
    """Search filters by type and name; a deleted object shows only with include_deleted_objects."""
    shop = Shop.open(check)
    discount, category = shop.percent("#disc", "10"), shop.category("#cat")
    ids = shop.created(discount, category)
    prefix = shop.prefix
    expect_equal(
        "discounts found by prefix",
        [ids["#disc"]],
        [o["id"] for o in _named(check, prefix, ["DISCOUNT"])],
    )
    body = {
        "object_types": ["CATEGORY"],
        "query": {
            "exact_query": {"attribute_name": "name", "attribute_value": _name(category).upper()}
        },
    }
    resp = check.judge(check.client.search_catalog(body))
    expect_status(resp, check.expect["status"])
    expect_equal(
        "categories found by exact name",
        [ids["#cat"]],
        [o.get("id") for o in resp.get("objects") or []],
        resp,
    )
    expect_status(
        check.client.delete_catalog_object(ids["#disc"]),
        200,
        "deleting",
    )
    expect_equal("live discounts found", [], _named(check, prefix, ["DISCOUNT"]))
    deleted = _named(check, prefix, ["DISCOUNT"], deleted=True)
    check.observe(deleted_found=len(deleted))
    expect_equal(
        "deleted discounts found with include_deleted_objects",
        [True],
        [o.get("is_deleted") for o in deleted],
    )


@pytest.mark.check(
    "catalog-search-unknown-attribute", "SearchCatalogObjects", "exact_query on product_ids_any"
)
def test_search_unknown_attribute(check: Check) -> None:
    """An exact query on an attribute that does not exist is 400 INVALID_VALUE."""
    body = {"query": {"exact_query": {"attribute_name": "product_ids_any", "attribute_value": "x"}}}
    resp = check.judge(check.client.search_catalog(body))
    expect = check.expect
    expect_error(
        resp,
        status=expect["status"],
        code=expect["code"],
        category=expect["category"],
        field=expect["field"],
    )


@pytest.mark.check("catalog-orders-unrecognized-field", "{op}", "an unrecognized field")
@pytest.mark.parametrize("op", ["UpsertCatalogObject", "CalculateOrder"])
def test_unrecognized(check: Check, op: str) -> None:
    """Catalog and Orders ignore an unrecognized field (or refuse it, as the table says), never echo it."""  # noqa: E501
    shop = Shop.open(check)
    if op == "UpsertCatalogObject":
        discount = {**shop.percent("#disc", "10"), "sqc_unknown": 1}
        resp = check.client.upsert_catalog_object(discount, check.new_key())
        shown = resp.get("catalog_object") or {}
    else:
        order = {"location_id": shop.location_id, "line_items": [], "sqc_unknown": 1}
        resp = check.client.calculate_order(order)
        shown = resp.get("order") or {}
    check.judge(resp)
    check.observe(outcome="ignored" if resp.status == 200 else "rejected")
    expect = check.expect
    if expect["outcome"] == "rejected":
        expect_error(resp, status=expect["status"], code=expect["code"], field="sqc_unknown")
        return
    expect_status(resp, expect["status"], "(unrecognized fields are ignored)")
    expect_true("sqc_unknown" not in shown, "the unrecognized field is echoed", resp)


@pytest.mark.check("invalid-cursor", "{op}", "unknown cursor")
@pytest.mark.parametrize("op", ["ListCatalog", "SearchCatalogObjects"])
def test_catalog_cursor(check: Check, op: str) -> None:
    """A catalog cursor the target never issued is 400 INVALID_CURSOR."""
    if op == "ListCatalog":
        resp = check.client.list_catalog(cursor="sqc-not-a-cursor")
    else:
        resp = check.client.search_catalog({"cursor": "sqc-not-a-cursor"})
    check.judge(resp)
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])
