"""The version-aware OpenAPI document the fuzz suite generates from, and unknown-field lookup."""

from __future__ import annotations

import json
from typing import Any

from squarecheck.fuzz import document as fuzzing
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
    """Before the limit-out-of-range cutover, limit has a type but no range."""
    old, _ = _versions()
    doc = fuzzing.document_for(old)
    params = doc["paths"]["/v2/customers/groups"]["get"]["parameters"]
    limit = next(p for p in params if p.get("name") == "limit")
    assert limit["schema"] == {"type": "integer"}
    search = doc["components"]["schemas"][_body_ref(doc, "/v2/customers/search", "post")]
    assert search["properties"]["limit"] == {"type": "integer"}


def test_cutover_version_is_the_published_document() -> None:
    """From the cutover on, the document is specs/openapi.yaml unchanged."""
    _, new = _versions()
    assert json.dumps(fuzzing.document_for(new), sort_keys=True) == json.dumps(
        bundled_openapi(), sort_keys=True
    )


def test_unknown_fields_are_found_at_every_level() -> None:
    """Unknown names are reported with their path, nested ones inside `group` included."""
    doc = bundled_openapi()
    schema = doc["components"]["schemas"]["CreateCustomerGroupRequest"]
    body = {"group": {"name": "x", "sqc_inner": 1}, "idempotency_key": "k", "sqc_top": True}
    assert fuzzing.unknown_fields(doc, schema, body) == ["group.sqc_inner", "sqc_top"]
    assert fuzzing.unknown_fields(doc, schema, {"group": {"name": "x"}}) == []
