"""Every request-schema constraint is Square's (checked against Square's spec) or marked as
squarecheck's own in specs/constraints.yaml.

For each operation and each Square-Version with a spec subset (tests/support/data/square: the
2022-02-16 and 2022-03-16 releases and the 2025-08-20 head for the customer operations, the
head for Catalog and Orders), every constraint of Square's document for that version
(`square_document_for`) must hold in Square's spec at the same place of the request: the same
keyword, at least as strict there, or a sentence of Square's descriptions on the way
(`quote`), or a table row that is not assumed under that version (`row`). The 2022 subsets
name enum types without their values and lack some later Address fields, so a place they do
not settle is read from the head.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from squarecheck.fuzz.document import (
    UNKNOWN_FIELD_BEHAVIOURS,
    document_for,
    square_document_for,
)
from squarecheck.spec.constraints import load_constraints, resolve_pointer
from squarecheck.spec.schemas import bundled_openapi
from squarecheck.spec.table import load_table
from tests.support.square_spec import Found, SquareSpec, project_constraints

HEAD = "2025-08-20"
CUSTOMERS = "square-openapi-subset.json"
COMMERCE = "square-openapi-catalog-orders-subset.json"
#: Square-Version -> the spec subset of the customer operations released with it
CUSTOMER_SUBSETS = {
    "2022-02-16": "square-swagger2-subset-2022-02-16.json",
    "2022-03-16": "square-swagger2-subset-2022-03-16.json",
    HEAD: CUSTOMERS,
}
INT64 = (-(2**63), 2**63 - 1)
LOWER = ("minLength", "minItems", "minimum", "minProperties")
UPPER = ("maxLength", "maxItems", "maximum", "maxProperties")


def _subset(operation_id: str, version: str) -> str | None:
    """The spec subset that holds `operation_id` under `version` (None: no subset has it)."""
    if SquareSpec(CUSTOMERS).operation(operation_id) is not None:
        return CUSTOMER_SUBSETS[version]
    if SquareSpec(COMMERCE).operation(operation_id) is not None:
        return COMMERCE
    return None


def _types(value: Any) -> set[str]:
    return {value} if isinstance(value, str) else set(value or ())


def _bound(nodes: list[dict[str, Any]], keyword: str) -> Any:
    """Square's bound `keyword` at the place, an int64 format counting as one."""
    values = [n[keyword] for n in nodes if keyword in n]
    if not values and any(n.get("format") == "int64" for n in nodes):
        values = [INT64[0] if keyword == "minimum" else INT64[1]] if "imum" in keyword else []
    if not values:
        return None
    return max(values) if keyword in LOWER else min(values)


def _held_by_keyword(found: Found, nodes: list[dict[str, Any]]) -> bool:
    """Square's keywords at the place make it at least as strict as `found`."""
    keyword, value = found.keyword, found.value
    if keyword == "type":
        square = set().union(*(_types(n.get("type")) for n in nodes))
        return bool(square) and square <= _types(value) - {"null"}
    if keyword == "required":
        return set(value) <= {r for n in nodes for r in n.get("required", [])}
    enums = [set(n["enum"]) for n in nodes if "enum" in n]
    if keyword == "enum":
        return bool(enums) and all(e <= set(value) for e in enums)
    if keyword == "pattern":
        same = any(n.get("pattern") == value for n in nodes)
        return same or (bool(enums) and all(re.search(value, str(v)) for v in enums[0]))
    if keyword in LOWER or keyword in UPPER:
        bound = _bound(nodes, keyword)
        return bound is not None and (bound >= value if keyword in LOWER else bound <= value)
    return any(n.get(keyword) == value for n in nodes)


def _stated(found: Found, version: str, texts: str, head_texts: str) -> str | None:
    """Why a `stated` entry of constraints.yaml makes `found` Square's, or None."""
    table = load_table()
    for entry in load_constraints().stated:
        if (entry.at, entry.keyword) != (found.at, found.keyword):
            continue
        if entry.rows and not entry.squares_at(table, version):
            return None
        for row in entry.rows:
            assert found.operation in table[row].operations, f"{row} is not about {found}"
        if entry.quote and entry.quote not in head_texts and entry.quote not in texts:
            return None
        return "stated"
    return None


def _unknown_fields_refused(found: Found, version: str) -> bool:
    """`additionalProperties: false` holds where the version refuses unknown fields."""
    table = load_table()
    return any(
        found.operation in table[b].operations and table[b].expect(version)["outcome"] == "rejected"
        for b in UNKNOWN_FIELD_BEHAVIOURS
    )


def _cases() -> list[tuple[str, str]]:
    doc = bundled_openapi()
    paths = doc["paths"].values()
    ops = [o["operationId"] for item in paths for o in item.values() if "operationId" in o]
    return [(op, version) for op in ops for version in CUSTOMER_SUBSETS]


@pytest.mark.parametrize(("operation_id", "version"), _cases())
def test_every_square_constraint_holds_in_squares_spec(operation_id: str, version: str) -> None:
    """Each constraint of Square's document for the version is in Square's spec subset."""
    table = load_table()
    run_as = version if version != HEAD else table.newest_version
    subset = _subset(operation_id, version)
    doc = square_document_for(run_as)
    unheld = []
    for found in project_constraints(doc, operation_id):
        if found.keyword == "additionalProperties" and found.value is False:
            if _unknown_fields_refused(found, run_as):
                continue
        if subset is None:
            unheld.append(found)
            continue
        nodes, texts = SquareSpec(subset).nodes(operation_id, found.instance)
        head = CUSTOMERS if subset in CUSTOMER_SUBSETS.values() else COMMERCE
        head_nodes, head_texts = SquareSpec(head).nodes(operation_id, found.instance)
        # The 2022 subsets name enum types without their values, and lack some Address
        # fields: what they do not have is read from the head.
        held = _held_by_keyword(found, nodes) or _held_by_keyword(found, head_nodes)
        if held or _stated(found, run_as, texts, head_texts):
            continue
        unheld.append(found)
    shown = [f"{f.at} {f.keyword}={f.value!r} ({f.instance})" for f in unheld]
    assert shown == [], "neither Square's nor marked as squarecheck's own:\n" + "\n".join(shown)


def test_every_listed_place_exists() -> None:
    """Each entry of specs/constraints.yaml names a keyword the newest document has there."""
    doc = document_for(load_table().newest_version)
    constraints = load_constraints()
    for entry in (*constraints.stated, *constraints.assumed):
        node = resolve_pointer(doc, entry.pointer)
        assert isinstance(node, dict) and entry.keyword in node, f"{entry.at} {entry.keyword}"
        for row in entry.rows:
            assert row in load_table().behaviours, f"{entry.at}: no row {row}"


def test_squares_document_leaves_out_only_own_constraints() -> None:
    """Square's document for the newest version lacks exactly the assumed constraints."""
    newest = load_table().newest_version
    square = square_document_for(newest)
    for entry in load_constraints().assumed:
        node = resolve_pointer(square, entry.pointer)
        assert not (isinstance(node, dict) and entry.keyword in node), entry.at
