"""Unrecognized fields in Catalog and Orders bodies, as the table says the version treats them.

Behaviour catalog-orders-unrecognized-field: ignored (dropped by `schemacheck.prune`, never
stored or echoed) or, where the table says so, refused like the Customer Groups API refuses
them from 2022-03-16 on: 400 naming the first unknown field in body order with its line and
character (the detail of behaviour unrecognized-field). Unrecognized means a name no schema of
specs/ declares: the request schemas are trimmed to what the emulator models, while Square's
read-only fields a client sends back (`updated_at`, `is_deleted`) are declared by the response
schemas, and Square fields the emulator does not model are refused on their own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from squarecheck.emulator.core import schemacheck
from squarecheck.emulator.core.bodyparse import ParsedBody
from squarecheck.emulator.core.errors import by_code
from squarecheck.emulator.core.versioning import VersionContext
from squarecheck.spec.schemas import SCHEMA_BASE, registry, schema_names

ROW = "catalog-orders-unrecognized-field"


@cache
def declared_names() -> frozenset[str]:
    """Every property name some schema of specs/schemas declares."""
    names: set[str] = set()
    pending: list[Any] = [
        registry().contents(f"{SCHEMA_BASE}{name}.json") for name in schema_names()
    ]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                names.update(node["properties"])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return frozenset(names)


def refuse_unknown(schema: str, body: ParsedBody | None, ctx: VersionContext) -> None:
    """Raise the table's error for the first unknown field, when the version refuses them."""
    expect = ctx.expect(ROW)
    if expect["outcome"] != "rejected" or body is None:
        return
    value: Any = body.value
    unknown = [
        path
        for path in schemacheck.unknown_paths(schema, value)
        if path in body.key_offsets and path[-1] not in declared_names()
    ]
    if not unknown:
        return
    first = min(unknown, key=lambda path: body.key_offsets[path])
    line, character = body.position(first)
    raise by_code(expect["code"])(
        f"The field named '{first[-1]}' is unrecognized (line {line}, character {character})",
        field=first[-1],
    )
