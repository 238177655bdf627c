"""Sanity of the data in specs/: schemas, OpenAPI document and behaviour table are well formed."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from referencing.exceptions import Unresolvable
from schemathesis.core.result import Ok

from squarecheck.paths import specs_dir
from squarecheck.spec.schemas import SCHEMA_BASE, bundled_openapi, operations, registry, schemas_dir
from squarecheck.spec.table import is_well_formed, load_table

OPERATION_IDS = {
    "ListCustomerGroups",
    "CreateCustomerGroup",
    "RetrieveCustomerGroup",
    "UpdateCustomerGroup",
    "DeleteCustomerGroup",
    "AddGroupToCustomer",
    "RemoveGroupFromCustomer",
    "ListCustomers",
    "CreateCustomer",
    "RetrieveCustomer",
    "UpdateCustomer",
    "DeleteCustomer",
    "SearchCustomers",
    "ListLocations",
    "RetrieveLocation",
    "UpsertCatalogObject",
    "BatchUpsertCatalogObjects",
    "RetrieveCatalogObject",
    "BatchRetrieveCatalogObjects",
    "DeleteCatalogObject",
    "BatchDeleteCatalogObjects",
    "ListCatalog",
    "SearchCatalogObjects",
    "CalculateOrder",
    "CreateOrder",
    "RetrieveOrder",
    "UpdateOrder",
}
SCHEMA_FILES = sorted(p.name for p in schemas_dir().glob("*.json"))


def _load_json(name: str) -> dict[str, Any]:
    with open(schemas_dir() / name, encoding="utf-8") as fh:
        loaded: dict[str, Any] = json.load(fh)
    return loaded


def _openapi_file() -> dict[str, Any]:
    with open(specs_dir() / "openapi.yaml", encoding="utf-8") as fh:
        loaded: dict[str, Any] = yaml.safe_load(fh)
    return loaded


def _behaviours_raw() -> dict[str, Any]:
    with open(specs_dir() / "behaviours.yaml", encoding="utf-8") as fh:
        loaded: dict[str, Any] = yaml.safe_load(fh)
    return loaded


def _refs(node: Any) -> Iterator[str]:
    """Every `$ref` value in a JSON-like tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _pointer(doc: Any, fragment: str) -> Any:
    """Follow a JSON pointer (without the leading '#') through `doc`; KeyError if it dangles."""
    node = doc
    for part in fragment.lstrip("/").split("/") if fragment else []:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def test_schema_folder_is_populated() -> None:
    """specs/schemas holds the payload schemas and one request and response schema per operation."""
    names = {n.removesuffix(".json") for n in SCHEMA_FILES}
    for op in OPERATION_IDS:
        assert {f"{op}Request", f"{op}Response"} <= names, op
    assert {"CustomerGroup", "Customer", "Error", "ErrorResponse", "FilterValue"} <= names


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_checks_against_its_metaschema(name: str) -> None:
    """Each schema is valid draft 2020-12 and carries the $schema and $id of its file name."""
    doc = _load_json(name)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == SCHEMA_BASE + name
    Draft202012Validator.check_schema(doc)


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_refs_resolve(name: str) -> None:
    """Every $ref in a schema resolves through the registry, relative to the schema's $id."""
    doc = _load_json(name)
    resolver = registry().resolver(base_uri=doc["$id"])
    for ref in _refs(doc):
        try:
            resolver.lookup(ref)
        except Unresolvable as exc:  # pragma: no cover - reported as the failure
            pytest.fail(f"{name}: $ref {ref!r} does not resolve: {exc}")


def test_openapi_refs_resolve() -> None:
    """Every $ref in openapi.yaml points into the document or at an existing schema file."""
    doc = _openapi_file()
    refs = list(_refs(doc))
    assert refs
    for ref in refs:
        if ref.startswith("#"):
            _pointer(doc, ref[1:])
        else:
            file_part, _, fragment = ref.partition("#")
            target = specs_dir() / file_part
            assert target.is_file(), ref
            with open(target, encoding="utf-8") as fh:
                _pointer(json.load(fh), fragment)


def test_bundled_openapi_refs_resolve_inside_the_document() -> None:
    """The bundled document has only in-document refs, and each resolves."""
    doc = bundled_openapi()
    for ref in _refs(doc):
        assert ref.startswith("#/"), ref
        _pointer(doc, ref[1:])


def test_openapi_is_valid_openapi_3_1() -> None:
    """openapi.yaml, as a file with its schema files and bundled, is valid OpenAPI 3.1."""
    doc = _openapi_file()
    assert doc["openapi"] == "3.1.0"
    validate(doc, base_uri=(specs_dir() / "openapi.yaml").as_uri(), cls=OpenAPIV31SpecValidator)
    validate(bundled_openapi(), cls=OpenAPIV31SpecValidator)


def test_openapi_has_exactly_the_covered_operations() -> None:
    """openapi.yaml declares the 27 operations, each with a success and error responses."""
    assert set(operations()) == OPERATION_IDS
    doc = _openapi_file()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            codes = set(op["responses"])
            assert {"200", "400", "401", "404", "429"} <= codes, (method, path)
            assert ("413" in codes) == ("requestBody" in op), (method, path)


def test_openapi_links_name_real_operations() -> None:
    """Every OpenAPI link targets a declared operationId and a parameter of that operation."""
    doc = bundled_openapi()
    ops = operations()
    links = 0
    for item in doc["paths"].values():
        for method, op in item.items():
            if method == "parameters":
                continue
            for link in op["responses"]["200"].get("links", {}).values():
                links += 1
                target = link["operationId"]
                assert target in ops
                path = ops[target][1]
                for name in link["parameters"]:
                    assert "{" + name + "}" in path, (target, name)
    assert links >= 8


def _draw_cases(operation: Any) -> int:
    """Draw a couple of cases for one schemathesis operation; the number drawn."""
    drawn: list[str] = []

    @given(data=st.data())
    @settings(max_examples=2, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    def draw(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy())
        drawn.append(case.method)

    draw()
    assert set(drawn) == {operation.method.upper()}
    return len(drawn)


def test_schemathesis_generates_cases_for_every_operation() -> None:
    """schemathesis loads the bundled document and draws requests for each operation."""
    schema = schemathesis.openapi.from_dict(bundled_openapi())
    loaded = list(schema.get_all_operations())
    operations = [result.ok() for result in loaded if isinstance(result, Ok)]
    assert len(operations) == len(loaded), "every operation loads"
    counts = {op.label: _draw_cases(op) for op in operations}
    assert len(counts) == len(OPERATION_IDS)
    assert all(n > 0 for n in counts.values())


def test_behaviours_yaml_matches_its_schema() -> None:
    """behaviours.yaml validates against behaviours.schema.json, itself valid draft 2020-12."""
    with open(specs_dir() / "behaviours.schema.json", encoding="utf-8") as fh:
        schema = json.load(fh)
    Draft202012Validator.check_schema(schema)
    errors = [
        f"{e.json_path}: {e.message}"
        for e in Draft202012Validator(schema).iter_errors(_behaviours_raw())
    ]
    assert errors == []


def test_behaviour_ids_are_unique() -> None:
    """No two behaviours share an id."""
    counts = Counter(row["id"] for row in _behaviours_raw()["behaviours"])
    assert [i for i, n in counts.items() if n > 1] == []


def test_versions_are_well_formed_and_known_is_sorted() -> None:
    """Every version in the table is YYYY-MM-DD; `known` is sorted and holds the others."""
    raw = _behaviours_raw()
    versions = raw["versions"]
    known = versions["known"]
    mentioned = [*known, *versions["default_selection"]]
    mentioned += [c["since"] for row in raw["behaviours"] for c in row["changes"]]
    assert [v for v in mentioned if not is_well_formed(v)] == []
    assert known == sorted(set(known))
    assert set(versions["default_selection"]) <= set(known)
    assert set(load_table().cutovers()) <= set(known)


def test_behaviour_operations_exist_in_openapi() -> None:
    """Every operation a behaviour names is an operationId of openapi.yaml."""
    ops = set(operations())
    named = {op for row in _behaviours_raw()["behaviours"] for op in row["operations"]}
    assert named - ops == set()


def test_behaviour_sources_are_keys_or_urls() -> None:
    """Every `source` is a key of `sources` or an http(s) URL."""
    raw = _behaviours_raw()
    keys = set(raw["sources"])
    sources = [row["source"] for row in raw["behaviours"]]
    sources += [c["source"] for row in raw["behaviours"] for c in row["changes"]]
    bad = [s for s in sources if s not in keys and not s.startswith(("https://", "http://"))]
    assert bad == []


def test_results_schema_is_a_valid_schema() -> None:
    """results.schema.json is valid draft 2020-12 and its internal refs resolve."""
    with open(specs_dir() / "results.schema.json", encoding="utf-8") as fh:
        schema = json.load(fh)
    Draft202012Validator.check_schema(schema)
    for ref in _refs(schema):
        assert ref.startswith("#"), ref
        _pointer(schema, ref[1:])
