"""The emulated Catalog API over HTTP: ids, versions, idempotency, batches, reads, deletes."""

from __future__ import annotations

from typing import Any

import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.commerce import (
    CATALOG,
    batch_upsert,
    item,
    key,
    percent,
    product_set,
    rule,
)
from tests.support.emulator import NEW, Api, error_of

OBJECT = f"{CATALOG}/object"


def _upsert(api: Api, obj: dict[str, Any], idempotency_key: str | None = None) -> Any:
    body = {"idempotency_key": idempotency_key or key(), "object": obj}
    return api.request("POST", OBJECT, json=body)


def _listed(api: Api, types: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    params: dict[str, str] = {"types": types}
    while True:
        body = api.ok("GET", f"{CATALOG}/list", params=params)
        found += body.get("objects", [])
        if "cursor" not in body:
            return found
        params["cursor"] = body["cursor"]


def test_upsert_maps_client_ids_nested_ones_too(new_api: Api) -> None:
    """A new item and its variation get server ids, each listed once in id_mappings."""
    response = _upsert(new_api, item("#coffee", 350))
    assert response.status_code == 200
    body = response.json()
    mappings = {m["client_object_id"]: m["object_id"] for m in body["id_mappings"]}
    assert set(mappings) == {"#coffee", "#coffee-v"}
    stored = body["catalog_object"]
    assert stored["id"] == mappings["#coffee"] and len(stored["id"]) == 24
    variation = stored["item_data"]["variations"][0]
    assert variation["id"] == mappings["#coffee-v"]
    assert variation["item_variation_data"]["item_id"] == stored["id"]
    assert stored["version"] == variation["version"] > 0
    assert (stored["is_deleted"], stored["present_at_all_locations"]) == (False, True)
    assert stored["updated_at"].endswith("Z")


def test_references_between_objects_of_one_request_resolve(new_api: Api) -> None:
    """A rule naming '#' ids of the same batch stores the server ids."""
    ids = batch_upsert(
        new_api,
        item("#i", 100),
        percent("#d", "10"),
        product_set("#s", product_ids_any=["#i"]),
        rule("#r", "#d", "#s"),
    )
    stored = new_api.ok("GET", f"{OBJECT}/{ids['#r']}")["object"]["pricing_rule_data"]
    assert (stored["discount_id"], stored["match_products_id"]) == (ids["#d"], ids["#s"])
    products = new_api.ok("GET", f"{OBJECT}/{ids['#s']}")["object"]["product_set_data"]
    assert products["product_ids_any"] == [ids["#i"]]


def test_unknown_client_reference_is_refused(new_api: Api) -> None:
    """A '#' reference no object of the request has is 400 INVALID_VALUE; nothing is written."""
    response = new_api.request(
        "POST",
        f"{CATALOG}/batch-upsert",
        json={"idempotency_key": key(), "batches": [{"objects": [rule("#r", "#nope", "#no")]}]},
    )
    assert response.status_code == 400 and error_of(response)["code"] == "INVALID_VALUE"
    assert _listed(new_api, "PRICING_RULE") == []


def test_update_needs_the_current_version(new_api: Api) -> None:
    """A stale or missing version is 400 VERSION_MISMATCH; the current one bumps the version."""
    created = _upsert(new_api, percent("#d", "10")).json()["catalog_object"]
    update = {**created, "discount_data": {**created["discount_data"], "percentage": "20"}}
    for version in (created["version"] - 1, None):
        stale = {k: v for k, v in update.items() if k != "version"}
        if version is not None:
            stale["version"] = version
        response = _upsert(new_api, stale)
        assert response.status_code == 400
        assert error_of(response)["code"] == "VERSION_MISMATCH"
        assert error_of(response)["detail"] == (
            "Object version does not match latest database version."
        )
    fresh = _upsert(new_api, update).json()["catalog_object"]
    assert fresh["version"] > created["version"]
    assert fresh["discount_data"]["percentage"] == "20"


def test_updating_a_missing_object_is_invalid(new_api: Api) -> None:
    """An id without '#' that names no object is 400 INVALID_VALUE, not a create."""
    response = _upsert(new_api, percent("NOSUCHOBJECT", "10"))
    assert response.status_code == 400 and error_of(response)["code"] == "INVALID_VALUE"
    assert "nonexistent object NOSUCHOBJECT" in error_of(response)["detail"]


def test_same_key_same_body_replays(new_api: Api) -> None:
    """A repeated upsert returns the first answer and creates nothing new."""
    reused = key()
    first = _upsert(new_api, percent("#d", "10"), reused).json()
    again = _upsert(new_api, percent("#d", "10"), reused).json()
    assert again == first
    assert len(_listed(new_api, "DISCOUNT")) == 1


def test_same_key_other_body_is_refused(new_api: Api) -> None:
    """Another body under a used key is 400 IDEMPOTENCY_KEY_REUSED; nothing is written."""
    reused = key()
    _upsert(new_api, percent("#d", "10"), reused)
    response = _upsert(new_api, percent("#d", "15"), reused)
    assert response.status_code == 400
    assert error_of(response)["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert len(_listed(new_api, "DISCOUNT")) == 1


@pytest.mark.parametrize("missing", ["match_products_id", "discount_id"])
def test_pricing_rule_needs_its_references(new_api: Api, missing: str) -> None:
    """A rule without match_products_id or discount_id is 400 MISSING_REQUIRED_PARAMETER."""
    obj = rule("#r", "D", "S")
    del obj["pricing_rule_data"][missing]
    error = error_of(_upsert(new_api, obj))
    assert error["code"] == "MISSING_REQUIRED_PARAMETER"
    assert error["field"] == f"object.pricing_rule_data.{missing}"


@pytest.mark.parametrize(
    "obj",
    [
        {
            "type": "DISCOUNT",
            "id": "#d",
            "discount_data": {"discount_type": "FIXED_AMOUNT", "percentage": "5"},
        },
        product_set("#s", product_ids_any=["X"], all_products=True),
        product_set("#s", product_ids_any=["X"], quantity_exact=1, quantity_min=1),
        rule("#r", "D", "S", valid_from_date="2026-02-02", valid_until_date="2026-02-01"),
        rule("#r", "D", "S", valid_from_date="2026-02-30"),
        percent("#d", "120"),
    ],
)
def test_rules_between_fields(new_api: Api, obj: dict[str, Any]) -> None:
    """Contradicting or impossible field combinations are 400 INVALID_VALUE."""
    response = _upsert(new_api, obj)
    assert response.status_code == 400 and error_of(response)["code"] == "INVALID_VALUE"


def test_batches_are_all_or_nothing(new_api: Api) -> None:
    """A failing batch writes none of its objects; the valid batch is written."""
    bad = [
        percent("#ok-in-bad", "5"),
        product_set("#bad", product_ids_any=["X"], all_products=True),
    ]
    response = new_api.request(
        "POST",
        f"{CATALOG}/batch-upsert",
        json={
            "idempotency_key": key(),
            "batches": [{"objects": [percent("#good", "10")]}, {"objects": bad}],
        },
    )
    assert response.status_code == 400
    names = sorted(o["discount_data"]["name"] for o in _listed(new_api, "DISCOUNT"))
    assert names == ["10% off"]


def test_schema_problem_fails_only_its_batch(new_api: Api) -> None:
    """A batch whose object breaks the schema fails alone; the other batch is written."""
    broken = rule("#r", "D", "S")
    del broken["pricing_rule_data"]["match_products_id"]
    response = new_api.request(
        "POST",
        f"{CATALOG}/batch-upsert",
        json={
            "idempotency_key": key(),
            "batches": [{"objects": [broken]}, {"objects": [percent("#d", "1")]}],
        },
    )
    assert response.status_code == 400
    assert (
        error_of(response)["field"] == "batches[0].objects[0].pricing_rule_data.match_products_id"
    )
    assert len(_listed(new_api, "DISCOUNT")) == 1


def test_retrieve_with_related_objects(new_api: Api) -> None:
    """A rule retrieved with include_related_objects brings its discount and product set."""
    ids = batch_upsert(
        new_api, percent("#d", "10"), product_set("#s", all_products=True), rule("#r", "#d", "#s")
    )
    body = new_api.ok("GET", f"{OBJECT}/{ids['#r']}", params={"include_related_objects": "true"})
    assert {o["id"] for o in body["related_objects"]} == {ids["#d"], ids["#s"]}
    plain = new_api.ok("GET", f"{OBJECT}/{ids['#r']}")
    assert "related_objects" not in plain


def test_delete_cascades_to_variations(new_api: Api) -> None:
    """Deleting an item deletes its variation; both are then 404 and unlisted."""
    ids = batch_upsert(new_api, item("#i", 100))
    body = new_api.ok("DELETE", f"{OBJECT}/{ids['#i']}")
    assert sorted(body["deleted_object_ids"]) == sorted([ids["#i"], ids["#i-v"]])
    assert body["deleted_at"].endswith("Z")
    for object_id in ids.values():
        assert new_api.request("GET", f"{OBJECT}/{object_id}").status_code == 404
    assert _listed(new_api, "ITEM,ITEM_VARIATION") == []
    assert new_api.request("DELETE", f"{OBJECT}/{ids['#i']}").status_code == 404


def test_batch_delete_and_batch_retrieve(new_api: Api) -> None:
    """Batch delete returns what it deleted; batch retrieve shows deleted objects only if asked."""
    ids = batch_upsert(new_api, percent("#a", "1"), percent("#b", "2"))
    body = new_api.ok("POST", f"{CATALOG}/batch-delete", json={"object_ids": [ids["#a"], "NOPE"]})
    assert body["deleted_object_ids"] == [ids["#a"]]
    both = [ids["#a"], ids["#b"], "NOPE"]
    live = new_api.ok("POST", f"{CATALOG}/batch-retrieve", json={"object_ids": both})
    assert [o["id"] for o in live["objects"]] == [ids["#b"]]
    everything = new_api.ok(
        "POST",
        f"{CATALOG}/batch-retrieve",
        json={"object_ids": both, "include_deleted_objects": True},
    )
    assert [o["is_deleted"] for o in everything["objects"]] == [True, False]


def test_list_filters_types_and_pages(new_api: Api) -> None:
    """ListCatalog honours types (any case) and pages 100 objects at a time."""
    objects = [percent(f"#d{i}", "1") for i in range(101)]
    new_api.ok(
        "POST",
        f"{CATALOG}/batch-upsert",
        json={"idempotency_key": key(), "batches": [{"objects": objects}]},
    )
    batch_upsert(new_api, {"type": "CATEGORY", "id": "#c", "category_data": {"name": "Drinks"}})
    first = new_api.ok("GET", f"{CATALOG}/list", params={"types": "discount"})
    assert len(first["objects"]) == 100 and "cursor" in first
    assert len(_listed(new_api, "Discount")) == 101
    assert [o["type"] for o in _listed(new_api, "category")] == ["CATEGORY"]
    assert len(_listed(new_api, "")) == 102
    bad = new_api.request("GET", f"{CATALOG}/list", params={"types": "WIDGET"})
    assert bad.status_code == 400 and error_of(bad)["code"] == "INVALID_ENUM_VALUE"
    wrong = new_api.request("GET", f"{CATALOG}/list", params={"cursor": "nope"})
    assert error_of(wrong)["code"] == "INVALID_CURSOR"


def test_search_by_type_query_and_deleted(new_api: Api) -> None:
    """Exact and prefix queries match names case-insensitively; deleted objects only when asked."""
    ids = batch_upsert(new_api, item("#i", 100, "Small coffee"), percent("#d", "10"))
    search = f"{CATALOG}/search"

    def names(body: dict[str, Any]) -> list[str]:
        found = new_api.ok("POST", search, json=body).get("objects", [])
        return [next(v["name"] for k, v in o.items() if k.endswith("_data")) for o in found]

    assert names(
        {
            "object_types": ["ITEM"],
            "query": {"exact_query": {"attribute_name": "name", "attribute_value": "COF"}},
        }
    ) == ["Small coffee"]
    assert names(
        {"query": {"prefix_query": {"attribute_name": "name", "attribute_prefix": "small"}}}
    ) == ["Small coffee"]
    assert (
        names({"query": {"prefix_query": {"attribute_name": "name", "attribute_prefix": "coffee"}}})
        == []
    )
    assert names({"object_types": ["DISCOUNT"]}) == ["10% off"]
    new_api.ok("DELETE", f"{OBJECT}/{ids['#d']}")
    assert names({"object_types": ["DISCOUNT"]}) == []
    assert names({"object_types": ["DISCOUNT"], "include_deleted_objects": True}) == ["10% off"]
    unknown = new_api.request(
        "POST",
        search,
        json={
            "query": {"exact_query": {"attribute_name": "product_ids_any", "attribute_value": "x"}}
        },
    )
    error = error_of(unknown)
    assert (unknown.status_code, error["code"], error["field"]) == (
        400,
        "INVALID_VALUE",
        "exact_query.attribute_name",
    )
    assert error["detail"] == 'Unknown attribute definition name "product_ids_any".'


def test_unrecognized_fields_are_ignored_and_not_echoed(new_api: Api) -> None:
    """Unknown fields at the top and inside the object are ignored under 2022-03-16."""
    obj = percent("#d", "10")
    obj["bogus"] = 1
    obj["discount_data"]["also_bogus"] = True
    response = new_api.request(
        "POST", OBJECT, json={"idempotency_key": key(), "object": obj, "extra": 1}
    )
    assert response.status_code == 200
    stored = response.json()["catalog_object"]
    assert "bogus" not in stored and "also_bogus" not in stored["discount_data"]


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        (
            {"type": "ITEM", "id": "#i", "item_data": {"name": "i", "item_options": [{"x": 1}]}},
            "object.item_data.item_options",
        ),
        (
            {
                "type": "TAX",
                "id": "#t",
                "tax_data": {"percentage": "5", "applies_to_product_set_id": "S"},
            },
            "object.tax_data.applies_to_product_set_id",
        ),
    ],
)
def test_unmodelled_square_fields_are_refused(
    new_api: Api, obj: dict[str, Any], field: str
) -> None:
    """Square fields the emulator does not model are 400 BAD_REQUEST naming them."""
    error = error_of(_upsert(new_api, obj))
    assert (error["code"], error["field"]) == ("BAD_REQUEST", field)


@pytest.mark.parametrize(
    ("version", "echoed"), [("2021-03-17", False), ("2021-04-21", True), (NEW, True)]
)
def test_customer_group_ids_any_exists_from_2021_04_21(
    server: EmulatorServer, version: str, echoed: bool
) -> None:
    """Before 2021-04-21 customer_group_ids_any is ignored like any unknown field."""
    api = Api(server.url, version)
    group = api.group()["id"]
    ids = batch_upsert(
        api,
        percent("#d", "10"),
        product_set("#s", all_products=True),
        rule("#r", "#d", "#s", customer_group_ids_any=[group]),
    )
    stored = api.ok("GET", f"{OBJECT}/{ids['#r']}")["object"]["pricing_rule_data"]
    assert ("customer_group_ids_any" in stored) is echoed
    api.close()


def test_sellers_do_not_share_a_catalog(server: EmulatorServer) -> None:
    """Another token sees none of the first seller's objects."""
    one, two = Api(server.url, NEW), Api(server.url, NEW)
    ids = batch_upsert(one, percent("#d", "10"))
    assert two.request("GET", f"{OBJECT}/{ids['#d']}").status_code == 404
    assert two.ok("GET", f"{CATALOG}/list") == {}
    one.close()
    two.close()
