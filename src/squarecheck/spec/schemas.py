"""JSON Schema validation of request and response bodies against `specs/schemas`.

The schema files are the single source of truth for payload shapes; the suites, the emulator and
the OpenAPI document all point at them. Validation returns human-readable messages (an empty list
means valid) instead of raising, so a caller can put every problem into one conformance failure.
`date-time` is checked as RFC 3339 without depending on optional jsonschema extras.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from squarecheck.paths import specs_dir

SCHEMA_BASE = "https://squarecheck.dev/specs/schemas/"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# RFC 3339 section 5.6 `date-time`: full date, "T", time with optional fraction, Z or offset;
# ASCII digits only, and `\Z`, since `$` would also take a final newline.
_RFC3339 = re.compile(
    r"\A(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z",
    re.ASCII,
)


def is_rfc3339(value: object) -> bool:
    """True for an RFC 3339 date-time with a real calendar date and clock time (leap second ok)."""
    if not isinstance(value, str):
        return True  # formats only constrain strings; `type` catches the rest
    match = _RFC3339.match(value)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return False
    offset = match.group(8)
    if offset not in ("Z", "z") and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
        return False
    return second <= 60


def _is_email(value: object) -> bool:
    """A loose address check: one `@` with something on both sides."""
    if not isinstance(value, str):
        return True
    local, at, domain = value.rpartition("@")
    return bool(at and local and domain)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(is_rfc3339)
    checker.checks("email")(_is_email)
    return checker


def schemas_dir() -> Path:
    """The folder holding the `<Name>.json` schema files."""
    return specs_dir() / "schemas"


@lru_cache(maxsize=1)
def _documents() -> dict[str, dict[str, Any]]:
    """Every schema file by name (file stem), parsed once; callers must not mutate them."""
    docs: dict[str, dict[str, Any]] = {}
    for path in sorted(schemas_dir().glob("*.json")):
        with open(path, encoding="utf-8") as fh:
            docs[path.stem] = json.load(fh)
    return docs


def schema_names() -> list[str]:
    """Names of all schemas, e.g. `CustomerGroup`, `CreateCustomerGroupRequest`."""
    return list(_documents())


@lru_cache(maxsize=1)
def registry() -> Registry[Any]:
    """A `referencing.Registry` holding every schema under its `$id`."""
    resources = [
        (doc["$id"], Resource.from_contents(doc, default_specification=DRAFT202012))
        for doc in _documents().values()
    ]
    return Registry().with_resources(resources)


@cache
def _validator(name: str) -> Draft202012Validator:
    """A validator of schema `name`, its references inlined (`inlined`): every response a run
    receives is validated, and resolving each `$ref` through the registry at every use cost
    more than the validation itself."""
    docs = _documents()
    if name not in docs:
        raise KeyError(f"no schema named {name!r} in {schemas_dir()}")
    schema = {**inlined(name), "$id": docs[name]["$id"]}
    return Draft202012Validator(schema, registry=registry(), format_checker=_format_checker())


def inlined(name: str) -> dict[str, Any]:
    """Schema `name` with each `$ref` (a file name in the same folder) replaced by the schema
    it names, except one that names a schema on its own way down (a cycle: CatalogObject in
    its variations), which stays a `$ref` the registry resolves. A `$ref` beside other
    keywords becomes an `allOf` of the two, as 2020-12 applies both; `oneOf` stays `oneOf`."""
    docs = _documents()

    def walk(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [walk(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        target = ref[: -len(".json")] if isinstance(ref, str) and ref.endswith(".json") else None
        if target in docs and target not in seen:
            inner = walk(docs[target], (*seen, target))
            rest = {k: walk(v, seen) for k, v in node.items() if k != "$ref"}
            return {"allOf": [inner, rest]} if rest else inner
        return {k: walk(v, seen) for k, v in node.items() if k not in ("$id", "$schema")}

    result: dict[str, Any] = walk(docs[name], (name,))
    return result


def validate(name: str, instance: Any) -> list[str]:
    """Messages for every way `instance` breaks schema `name`, each led by its JSON path."""
    errors = sorted(
        _validator(name).iter_errors(instance), key=lambda e: ([str(p) for p in e.path], e.message)
    )
    return [f"{error.json_path}: {_message(error)}" for error in errors]


def _message(error: ValidationError) -> str:
    """jsonschema's message, except where it would dump the whole instance."""
    if error.validator == "not" and error.validator_value == {"required": ["errors"]}:
        return "a success body must not carry 'errors'"
    return str(error.message)


def _check_operation(operation_id: str) -> None:
    if operation_id not in operations():
        raise KeyError(f"unknown operation {operation_id!r}")


def validate_response(operation_id: str, status: int, body: Any) -> list[str]:
    """Check a response body: 2xx against `<Op>Response`, anything else against ErrorResponse."""
    _check_operation(operation_id)
    name = f"{operation_id}Response" if 200 <= status < 300 else "ErrorResponse"
    return validate(name, body)


def validate_request(operation_id: str, body: Any) -> list[str]:
    """Check a request body (or, for GET/DELETE, the decoded query parameters) of an operation."""
    _check_operation(operation_id)
    return validate(f"{operation_id}Request", body)


@lru_cache(maxsize=1)
def _openapi_raw() -> dict[str, Any]:
    with open(specs_dir() / "openapi.yaml", encoding="utf-8") as fh:
        # the C loader when PyYAML has it (a tenth of the time): every worker of a run reads it
        loaded = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    if not isinstance(loaded, dict):
        raise ValueError("specs/openapi.yaml is not a mapping")
    return loaded


def operations() -> dict[str, tuple[str, str]]:
    """operationId -> (METHOD, path template), read from openapi.yaml."""
    found: dict[str, tuple[str, str]] = {}
    for path, item in _openapi_raw()["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                found[item[method]["operationId"]] = (method.upper(), path)
    return found


def _file_ref_target(ref: str) -> tuple[str, str] | None:
    """(schema name, fragment) for a reference to a schema file, None for in-document refs."""
    if ref.startswith("#"):
        return None
    file_part, _, fragment = ref.partition("#")
    stem = file_part.rsplit("/", 1)[-1]
    if not stem.endswith(".json"):
        raise ValueError(f"unsupported $ref {ref!r}")
    return stem[: -len(".json")], fragment


def _inline(node: Any, wanted: set[str]) -> Any:
    """A copy of `node` with file refs rewritten to `#/components/schemas/<Name>`."""
    if isinstance(node, list):
        return [_inline(item, wanted) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and (target := _file_ref_target(value)):
            name, fragment = target
            wanted.add(name)
            out[key] = f"#/components/schemas/{name}{fragment}"
        else:
            out[key] = _inline(value, wanted)
    return out


@lru_cache(maxsize=1)
def _bundled() -> dict[str, Any]:
    wanted: set[str] = set()
    doc: dict[str, Any] = _inline(_openapi_raw(), wanted)
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    docs = _documents()
    done: set[str] = set()
    while wanted - done:
        name = sorted(wanted - done)[0]
        done.add(name)
        if name not in docs:
            raise KeyError(f"openapi.yaml or a schema refers to missing schema {name!r}")
        body = {k: v for k, v in docs[name].items() if k not in ("$schema", "$id")}
        components[name] = _inline(body, wanted)
    doc["components"]["schemas"] = dict(sorted(components.items()))
    return doc


def bundled_openapi() -> dict[str, Any]:
    """openapi.yaml with every schema file inlined under components/schemas (a fresh copy).

    Tools that cannot follow file references (schemathesis.openapi.from_dict, validators)
    should load this rather than the file.
    """
    return copy.deepcopy(_bundled())
