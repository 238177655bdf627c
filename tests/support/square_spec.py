"""Walking request schemas by instance path: squarecheck's document and Square's api.json.

`project_constraints` lists every constraint keyword of an operation's request (body and query
and path parameters) in a bundled squarecheck document, each with where it stands in the
document (a JSON pointer) and where it applies in a request (an instance path such as
`body/batches/*/objects/*/id` or `query/limit`). `SquareSpec` reads one of Square's spec
subsets (OpenAPI 3 or Swagger 2) and answers, for an operation and an instance path, the
schema nodes Square has there and the descriptions on the way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from squarecheck.spec.constraints import KEYWORDS

DATA = Path(__file__).parent / "data" / "square"
#: Combinators that only hold the structure together (a nullable union, a oneOf of typed
#: variants): the walk descends into them instead of judging them as one constraint.
STRUCTURE = frozenset({"anyOf", "oneOf", "allOf"})


@dataclass(frozen=True)
class Found:
    """One constraint of squarecheck's document."""

    operation: str
    instance: str  # e.g. body/group/name, query/limit
    pointer: str  # where it stands in the bundled document
    keyword: str
    value: Any

    @property
    def at(self) -> str:
        """The `at` of specs/constraints.yaml naming this place."""
        if self.pointer.startswith("/components/schemas/"):
            name, _, rest = self.pointer[len("/components/schemas/") :].partition("/")
            while name.startswith(("Lenient", "Declared")):  # fuzz.document's copies
                name = name.removeprefix("Lenient").removeprefix("Declared")
            return f"{name}#/{rest}" if rest else f"{name}#"
        return f"openapi.yaml#{self.pointer}"


def _is_null(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") == "null" and len(node) == 1


def _structural(node: Any) -> bool:
    """A branch that is a schema of its own (a reference, an object or array type), not a
    condition on the value the combinator stands on."""
    return isinstance(node, dict) and ("$ref" in node or node.get("type") in ("object", "array"))


def _walk(
    doc: dict[str, Any], node: Any, pointer: str, instance: str, operation: str
) -> Iterator[Found]:
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target[part]
        yield from _walk(doc, target, ref[1:], instance, operation)
    for key, value in node.items():
        if key in STRUCTURE and isinstance(value, list):
            branches = [b for b in value if not _is_null(b)]
            if key == "allOf" or all(_structural(b) for b in branches):
                for index, branch in enumerate(value):
                    yield from _walk(doc, branch, f"{pointer}/{key}/{index}", instance, operation)
                continue
        if key in KEYWORDS and not (key == "type" and value == "null"):
            yield Found(operation, instance, pointer, key, value)
    for name, sub in (node.get("properties") or {}).items():
        yield from _walk(doc, sub, f"{pointer}/properties/{name}", f"{instance}/{name}", operation)
    if isinstance(node.get("items"), dict):
        yield from _walk(doc, node["items"], f"{pointer}/items", f"{instance}/*", operation)


def project_constraints(doc: dict[str, Any], operation_id: str) -> list[Found]:
    """Every constraint of `operation_id`'s request in squarecheck's bundled `doc`."""
    shared = doc["components"].get("parameters", {})
    for item in doc["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or operation.get("operationId") != operation_id:
                continue
            found: list[Found] = []
            for raw in [*item.get("parameters", []), *operation.get("parameters", [])]:
                name = raw["$ref"].rsplit("/", 1)[-1] if "$ref" in raw else None
                param = shared[name] if name else raw
                if param.get("in") not in ("query", "path"):
                    continue
                pointer = f"/components/parameters/{name}/schema" if name else ""
                instance = f"{param['in']}/{param['name']}"
                found += _walk(doc, param.get("schema", {}), pointer, instance, operation_id)
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema:
                found += _walk(doc, schema, "", "body", operation_id)
            return found
    raise KeyError(operation_id)


class SquareSpec:
    """One of Square's spec subsets (tests/support/data/square), by operation and place."""

    def __init__(self, file: str) -> None:
        self.doc: dict[str, Any] = json.loads((DATA / file).read_text(encoding="utf-8"))
        self.schemas: dict[str, Any] = (
            self.doc.get("definitions") or self.doc["components"]["schemas"]
        )
        supplement = self.doc.get("x-supplement-from-earlier-commit", {}).get("schemas", {})
        self.schemas = {**supplement, **self.schemas}

    def operation(self, operation_id: str) -> dict[str, Any] | None:
        for item in self.doc["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    return operation
        return None

    def _resolved(self, node: Any) -> list[dict[str, Any]]:
        """`node`, what its $ref names and the parts of its allOf."""
        out: list[dict[str, Any]] = []
        pending = [node]
        while pending:
            current = pending.pop()
            if not isinstance(current, dict):
                continue
            out.append(current)
            ref = current.get("$ref")
            if isinstance(ref, str):
                pending.append(self.schemas.get(ref.rsplit("/", 1)[-1]))
            pending += current.get("allOf", [])
        return out

    def _roots(self, operation_id: str, part: str) -> list[dict[str, Any]]:
        """The body schema, or a parameter as a schema (Swagger 2 keeps it inline)."""
        operation = self.operation(operation_id) or {}
        if part == "body":
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            body = [p["schema"] for p in operation.get("parameters", []) if p.get("in") == "body"]
            return self._resolved(schema or (body[0] if body else None))
        where, _, name = part.partition("/")
        # the parameter, and its property in the `<Operation>Request` holder schema
        holder = self.schemas.get(f"{operation_id}Request", {})
        found = self._resolved((holder.get("properties") or {}).get(name))
        for param in self._all_parameters(operation_id):
            if param.get("in") == where and param.get("name") == name:
                inline = {k: v for k, v in param.items() if k not in ("name", "in", "schema")}
                found += [*self._resolved(param.get("schema")), inline]
        return found

    def _all_parameters(self, operation_id: str) -> list[dict[str, Any]]:
        for item in self.doc["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    return [*item.get("parameters", []), *operation.get("parameters", [])]
        return []

    def nodes(self, operation_id: str, instance: str) -> tuple[list[dict[str, Any]], str]:
        """Square's schema nodes at `instance`, and every description on the way there (and
        the operation's), as one text."""
        parts = instance.split("/")
        root = "/".join(parts[:2]) if parts[0] != "body" else "body"
        rest = parts[2:] if parts[0] != "body" else parts[1:]
        nodes = self._roots(operation_id, root)
        texts = [str((self.operation(operation_id) or {}).get("description", ""))]
        texts += [str(n.get("description", "")) for n in nodes]
        for token in rest:
            children: list[Any] = []
            for node in nodes:
                if token == "*":
                    children.append(node.get("items"))
                else:
                    children.append((node.get("properties") or {}).get(token))
            nodes = [n for child in children for n in self._resolved(child)]
            texts += [str(n.get("description", "")) for n in nodes]
        return nodes, " ".join(" ".join(texts).split())
