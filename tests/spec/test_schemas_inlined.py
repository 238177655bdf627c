"""Each schema's validator has its references inlined (`spec.schemas.inlined`), for speed: it
must name exactly what the schema as written, resolved through the registry, names."""

from __future__ import annotations

import random
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from squarecheck.spec import schemas

WRONG: list[Any] = [None, True, 7, 2.5, "x", "", [], {}, [1, "a"], {"sqc_unknown": 1}]


def _draw(schema: Any, rng: random.Random, depth: int = 0) -> Any:
    """An instance shaped by `schema` (inlined), wrong in places: a wrong value one time in
    six, an enum's value or a string otherwise; objects carry their properties."""
    if not isinstance(schema, dict) or depth > 6 or rng.random() < 1 / 6:
        return rng.choice(WRONG)
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            merged: Any = None
            for part in schema[key]:
                drawn = _draw(part, rng, depth + 1)
                merged = (
                    {**merged, **drawn}
                    if isinstance(merged, dict) and isinstance(drawn, dict)
                    else drawn
                )
            return merged
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    kind = rng.choice(kind) if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        props = schema.get("properties") or {}
        return {k: _draw(v, rng, depth + 1) for k, v in props.items() if rng.random() < 0.8}
    if kind == "array":
        return [_draw(schema.get("items"), rng, depth + 1) for _ in range(rng.randint(0, 2))]
    if kind == "integer":
        return rng.choice([0, 1, -1, 2**63])
    if kind == "number":
        return rng.choice([0, 1.5, -3])
    if kind == "boolean":
        return rng.choice([True, False])
    return rng.choice(["", "a", "2024-01-02T03:04:05Z", "a@b.co", "x" * 300])


@pytest.mark.parametrize("name", schemas.schema_names())
def test_the_inlined_validator_names_what_the_schema_as_written_names(name: str) -> None:
    """Instances drawn from the schema, right and wrong in many places: the same messages."""
    as_written = Draft202012Validator(
        schemas._documents()[name],
        registry=schemas.registry(),
        format_checker=schemas._validator(name).format_checker,
    )
    rng = random.Random(name)
    shape = schemas.inlined(name)
    for _ in range(40):
        instance = _draw(shape, rng)
        expected = sorted((e.json_path, e.message) for e in as_written.iter_errors(instance))
        got = sorted(
            (e.json_path, e.message) for e in schemas._validator(name).iter_errors(instance)
        )
        assert got == expected, instance


def _refs(node: Any) -> list[str]:
    if isinstance(node, list):
        return [r for item in node for r in _refs(item)]
    if not isinstance(node, dict):
        return []
    own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
    return own + [r for v in node.values() for r in _refs(v)]


def test_only_a_cycle_is_left_as_a_reference() -> None:
    """A schema that names itself on its way down (CatalogObject, through an item's
    variations) keeps that one reference; a schema without cycles keeps none."""
    assert _refs(schemas.inlined("CreateCustomerGroupResponse")) == []
    left = set(_refs(schemas.inlined("RetrieveCatalogObjectResponse")))
    assert left and left <= {f"{name}.json" for name in schemas.schema_names()}
