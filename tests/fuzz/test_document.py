"""The version-aware OpenAPI document the fuzz suite generates from, and unknown-field lookup."""

from __future__ import annotations

import json
from typing import Any

from squarecheck.fuzz import document as fuzzing
from squarecheck.fuzz.rules import tighten
from squarecheck.spec.schemas import bundled_openapi
from squarecheck.spec.table import load_table


def _versions() -> tuple[str, str]:
    """A version before the unrecognized-field cutover, and the cutover itself (from the table)."""
    table = load_table()
    cutover = table["unrecognized-field"].changes[0].since
    return min(table.known_versions), cutover


def _closed(node: Any) -> bool:
    if isinstance(node, dict):
        return node.get("additionalProperties") is False or any(map(_closed, node.values()))
    if isinstance(node, list):
        return any(map(_closed, node))
    return False


def _body_ref(doc: dict[str, Any], path: str, method: str) -> str:
    content = doc["paths"][path][method]["requestBody"]["content"]["application/json"]
    ref: str = content["schema"]["$ref"]
    return ref.rsplit("/", 1)[1]


def test_old_version_accepts_unknown_properties_in_request_bodies() -> None:
    """Before the cutover the group and customer request bodies allow unknown properties."""
    old, _ = _versions()
    doc = fuzzing.document_for(old)
    schemas = doc["components"]["schemas"]
    for path, method in [
        ("/v2/customers/groups", "post"),
        ("/v2/customers/groups/{group_id}", "put"),
        ("/v2/customers", "post"),
        ("/v2/customers/search", "post"),
    ]:
        name = _body_ref(doc, path, method)
        assert name.startswith("Lenient"), (path, method)
        assert not _closed(schemas[name]), name
    assert schemas["CustomerGroup"]["additionalProperties"] is False  # responses stay strict


def test_old_version_leaves_page_limits_unbounded() -> None:
    """Before the limit-out-of-range cutover, limit has no range but that of an int64."""
    table = load_table()
    old = table.release_before(table["limit-out-of-range"].changes[0].since)
    assert old is not None
    doc = fuzzing.document_for(old)
    params = doc["paths"]["/v2/customers/groups"]["get"]["parameters"]
    limit = next(p for p in params if p.get("name") == "limit")
    int64 = {"minimum": -(2**63), "maximum": 2**63 - 1}
    assert limit["schema"] == {"type": "integer", **int64}
    search = doc["components"]["schemas"][_body_ref(doc, "/v2/customers/search", "post")]
    assert search["properties"]["limit"] == {"type": "integer", **int64}


def _parameter_names(doc: dict[str, Any], path: str, method: str) -> set[str]:
    refs = doc["components"]["parameters"]
    params = doc["paths"][path][method]["parameters"]
    return {refs[p["$ref"].rsplit("/", 1)[1]]["name"] if "$ref" in p else p["name"] for p in params}


def test_list_limit_exists_from_2021_08_18() -> None:
    """The list operations have no limit parameter before list-limit-parameter's cutover."""
    since = load_table()["list-limit-parameter"].changes[0].since
    before = load_table().release_before(since)
    assert before is not None
    for path in ("/v2/customers/groups", "/v2/customers"):
        assert "limit" not in _parameter_names(fuzzing.document_for(before), path, "get")
        assert "limit" in _parameter_names(fuzzing.document_for(since), path, "get")


def test_profile_constraints_follow_their_cutovers() -> None:
    """Lengths, phone digits, the empty-update refusal, version and segment_ids per version;
    lengths and phone digits, whose absence before 2022-10-19 is assumed, stay in the
    document generated from and leave only Square's own."""
    old, new = fuzzing.document_for("2021-03-17"), fuzzing.document_for("2022-12-14")
    square = fuzzing.square_document_for("2021-03-17")["components"]["schemas"]
    square_create = square["CreateCustomerRequest"]["properties"]
    assert "maxLength" not in square_create["given_name"]
    assert "anyOf" not in square_create["phone_number"]  # both rows assumed then
    for doc, limited in ((old, False), (new, True)):
        schemas = doc["components"]["schemas"]
        create = schemas["CreateCustomerRequest"]["properties"]
        assert "maxLength" in create["given_name"]
        assert "{8,15}" in create["phone_number"]["anyOf"][1]["pattern"]
        assert ("minProperties" in schemas["UpdateCustomerRequest"]) is limited
        assert ("version" in schemas["UpdateCustomerRequest"]["properties"]) is limited
        assert ("segment_ids" in schemas["CustomerFilter"]["properties"]) is limited
        names = _parameter_names(doc, "/v2/customers/{customer_id}", "delete")
        assert ("version" in names) is limited


def test_newest_version_is_the_published_document() -> None:
    """Under the newest version the document is specs/openapi.yaml with only what the
    emulator checks by hand added (the rules between fields, a new item's variation) and
    UpdateCustomer's body open to unknown fields (update-customer-unrecognized-field)."""
    newest = load_table().newest_version
    published = bundled_openapi()
    tighten(published)
    schemas = published["components"]["schemas"]
    item_data = schemas["CatalogItemWrite"]["properties"]["item_data"]
    item_data["required"].append("variations")
    item_data["properties"]["variations"]["minItems"] = 1
    body = published["paths"]["/v2/customers/{customer_id}"]["put"]["requestBody"]
    doc = fuzzing.document_for(newest)
    update = doc["paths"]["/v2/customers/{customer_id}"]["put"]["requestBody"]
    assert update["content"]["application/json"]["schema"]["$ref"].endswith(
        "/LenientUpdateCustomerRequest"
    )
    doc["paths"]["/v2/customers/{customer_id}"]["put"]["requestBody"] = body
    lenient = {name for name in doc["components"]["schemas"] if name.startswith("Lenient")}
    assert lenient == {"LenientUpdateCustomerRequest", "LenientAddress", "LenientCustomerTaxIds"}
    for name in lenient:
        del doc["components"]["schemas"][name]
    assert json.dumps(doc, sort_keys=True) == json.dumps(published, sort_keys=True)


def test_unknown_fields_are_found_at_every_level() -> None:
    """Unknown names are reported with their path, nested ones inside `group` included."""
    doc = bundled_openapi()
    schema = doc["components"]["schemas"]["CreateCustomerGroupRequest"]
    body = {"group": {"name": "x", "sqc_inner": 1}, "idempotency_key": "k", "sqc_top": True}
    assert fuzzing.unknown_fields(doc, schema, body) == ["group.sqc_inner", "sqc_top"]
    assert fuzzing.unknown_fields(doc, schema, {"group": {"name": "x"}}) == []
