"""The OpenAPI document as the behaviour table says it holds under one Square-Version.

specs/openapi.yaml describes the newest behaviour (unknown properties refused, page limits
bounded). Under a version where the table says otherwise, `document_for` loosens exactly those
request schemas, so that generated "negative" data is only what that version really refuses.
For positive generation (`declared=True`), request bodies that accept unknown properties in
every version (Catalog and Orders, behaviour catalog-orders-unrecognized-field) declare their
properties as the only ones: random extra properties at every level make those deep bodies slow
to generate and test nothing the suites do not check directly. Negative generation keeps them
open, as closing them would turn an extra property into "invalid" data the target must accept.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from squarecheck.fuzz.history import loosen_for_version
from squarecheck.fuzz.rules import tighten
from squarecheck.spec.constraints import load_constraints
from squarecheck.spec.schemas import bundled_openapi
from squarecheck.spec.table import load_table

# behaviour id -> how the OpenAPI document is loosened while the table says "ignored"
UNKNOWN_FIELD_BEHAVIOURS = ("unrecognized-field", "customers-unrecognized-field")
#: UpdateCustomer ignores unknown fields (nested ones too) where this row says so
UPDATE_UNKNOWN_FIELDS = "update-customer-unrecognized-field"
LIMIT_BEHAVIOUR = "limit-out-of-range"
IGNORED_EVERYWHERE = "catalog-orders-unrecognized-field"


def _components(doc: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = doc["components"]["schemas"]
    return schemas


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for item in doc["paths"].values():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                yield method, operation


def _lenient(
    doc: dict[str, Any],
    name: str,
    loosen: Callable[[dict[str, Any]], None],
    label: str = "Lenient",
) -> str:
    """Add `<label><name>` (and such copies of what it refers to, changed by `loosen`)."""
    schemas = _components(doc)
    lenient = f"{label}{name}"
    if lenient in schemas:
        return lenient
    schemas[lenient] = {}
    body = copy.deepcopy(schemas[name])

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            target = ref.rsplit("/", 1)[1]
            out["$ref"] = "#/components/schemas/" + _lenient(doc, target, loosen, label)
        loosen(out)
        return out

    schemas[lenient] = walk(body)
    return lenient


def _allow_unknown(node: dict[str, Any]) -> None:
    if node.get("additionalProperties") is False:
        del node["additionalProperties"]


def _declared_only(node: dict[str, Any]) -> None:
    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False


#: What an ignored page limit keeps: a 64-bit integer (Square's integers are int64)
INT64_BOUNDS = {"minimum": -(2**63), "maximum": 2**63 - 1}


def _unbounded_limit(node: dict[str, Any]) -> None:
    limit = node.get("properties", {}).get("limit")
    if isinstance(limit, dict):
        limit.update(INT64_BOUNDS)


def _loosen_body(
    doc: dict[str, Any],
    operation: dict[str, Any],
    loosen: Callable[..., None],
    label: str = "Lenient",
) -> None:
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        ref = media.get("schema", {}).get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            media["schema"]["$ref"] = "#/components/schemas/" + _lenient(
                doc, ref.rsplit("/", 1)[1], loosen, label
            )


def _loosen_limit_parameter(doc: dict[str, Any], operation: dict[str, Any]) -> None:
    params = doc["components"].setdefault("parameters", {})
    for index, param in enumerate(operation.get("parameters", [])):
        ref = param.get("$ref", "")
        target = params.get(ref.rsplit("/", 1)[-1]) if ref else param
        if not isinstance(target, dict) or target.get("name") != "limit":
            continue
        inline = copy.deepcopy(target)
        inline["schema"].update(INT64_BOUNDS)
        operation["parameters"][index] = inline


@lru_cache(maxsize=32)
def _document(version: str, declared: bool, square: bool = False) -> str:
    table = load_table()
    doc = bundled_openapi()
    loosen_for_version(doc, table, version, square)  # the profile and listing history
    tighten(doc)  # rules between fields, checked by hand by the emulator
    if square:  # Square's constraints only (specs/constraints.yaml)
        load_constraints().strip_own(doc, table, version)
    # behaviours unrecognized-field, customers-unrecognized-field: "ignored" before the cutover
    lenient_ops: set[str] = set()
    for behaviour_id in (*UNKNOWN_FIELD_BEHAVIOURS, UPDATE_UNKNOWN_FIELDS):
        if table[behaviour_id].expect(version).get("outcome") == "ignored":
            lenient_ops.update(table[behaviour_id].operations)
    limit = table[LIMIT_BEHAVIOUR]
    unbounded = (
        set(limit.operations) if limit.expect(version).get("outcome") == "ignored" else set()
    )
    declared_only = set(table[IGNORED_EVERYWHERE].operations) if declared else set()
    for _method, operation in _operations(doc):
        op_id = operation["operationId"]
        if op_id in declared_only:
            _loosen_body(doc, operation, _declared_only, "Declared")
        if op_id in lenient_ops:
            _loosen_body(doc, operation, _allow_unknown)
        if op_id in unbounded:
            _loosen_limit_parameter(doc, operation)
            _loosen_body(doc, operation, _unbounded_limit)
    return json.dumps(doc)


def document_for(version: str, declared: bool = False) -> dict[str, Any]:
    """The OpenAPI document as the behaviour table says it holds under `version` (a copy).

    `declared`: the variant for positive generation (see the module docstring).
    """
    loaded: dict[str, Any] = json.loads(_document(version, declared))
    return loaded


def square_document_for(version: str) -> dict[str, Any]:
    """`document_for(version)` with only Square's constraints: those specs/constraints.yaml
    calls squarecheck's own under `version` are left out. A request this document refuses,
    Square's own schema (and documented changes) refuse."""
    loaded: dict[str, Any] = json.loads(_document(version, False, square=True))
    return loaded


def operation_fingerprint(version: str, declared: bool, operation_id: str) -> str:
    """A digest of all that generating cases for `operation_id` reads in `document_for(version,
    declared)`: its path item, the components it refers to (transitively) and the document's
    other top-level parts. Versions with the same digest generate the same cases."""
    return _fingerprints(version, declared)[operation_id]


@lru_cache(maxsize=256)
def _fingerprints(version: str, declared: bool) -> dict[str, str]:
    doc = document_for(version, declared)
    rest = {k: v for k, v in doc.items() if k not in ("paths", "components")}
    out: dict[str, str] = {}
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if not (isinstance(operation, dict) and "operationId" in operation):
                continue
            start = {"path": path, "method": method, "operation": operation}
            start["shared"] = item.get("parameters")
            text = json.dumps([start, _referenced(doc, start), rest], sort_keys=True)
            out[operation["operationId"]] = hashlib.sha256(text.encode()).hexdigest()
    return out


def _referenced(doc: dict[str, Any], start: Any) -> dict[str, Any]:
    """Every local `$ref` reachable from `start`, with what it points at."""
    found: dict[str, Any] = {}
    pending = [start]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending += node
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/") and ref not in found:
                target: Any = doc
                for part in ref[2:].split("/"):
                    target = target.get(part) if isinstance(target, dict) else None
                found[ref] = target
                pending.append(target)
            pending += [v for k, v in node.items() if k != "$ref"]
    return found


def unknown_fields(
    doc: dict[str, Any], schema: Any, value: Any, path: str = "", everywhere: bool = False
) -> list[str]:
    """Names of properties in `value` that `schema` (strict, newest) does not declare: where
    it refuses others, or with `everywhere` wherever it declares properties at all."""
    nodes = _resolved(doc, schema)
    if not isinstance(value, dict) or not nodes:
        return []
    declared: dict[str, list[Any]] = {}
    closed = everywhere and any("properties" in node for node in nodes)
    for node in nodes:
        closed = closed or node.get("additionalProperties") is False
        for key, sub in node.get("properties", {}).items():
            declared.setdefault(key, []).append(sub)
    found: list[str] = []
    for key, item in value.items():
        if key not in declared:
            if closed:
                found.append(f"{path}{key}")
            continue
        for sub in declared[key]:
            inner = unknown_fields(doc, sub, item, f"{path}{key}.", everywhere)
            found += [f for f in inner if f not in found]
    return found


def _resolved(doc: dict[str, Any], schema: Any) -> list[dict[str, Any]]:
    """`schema`, everything its $ref chain points at, and the parts of its allOf."""
    out: list[dict[str, Any]] = []
    pending = [schema]
    while pending:
        node = pending.pop(0)
        if not isinstance(node, dict):
            continue
        out.append(node)
        pending += node.get("allOf", [])
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            pending.append(_components(doc).get(ref.rsplit("/", 1)[1]))
    return out


@lru_cache(maxsize=1)
def strict_bodies() -> dict[str, tuple[dict[str, Any], Any]]:
    """operationId -> (the newest document, its request body schema)."""
    doc = bundled_openapi()
    out: dict[str, tuple[dict[str, Any], Any]] = {}
    for _method, operation in _operations(doc):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            out[operation["operationId"]] = (doc, content["application/json"]["schema"])
    return out


def operation_ids() -> list[str]:
    """Every operationId of the document, in document order."""
    return [op["operationId"] for _m, op in _operations(bundled_openapi())]
