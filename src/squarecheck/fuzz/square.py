"""Whether Square's own schema, under one Square-Version, refuses a generated request.

The document the fuzz suite generates from (`document.document_for`) holds Square's
constraints and squarecheck's own; `document.square_document_for` holds Square's only
(specs/constraints.yaml says which are which). A negative case fails a target that accepts
it only when this module finds the request invalid under Square's document for the version:
a request that breaks only squarecheck's own constraints may be accepted.

A request is judged as the target reads it: the JSON body as sent, each query and path
parameter as the text on the wire, read as the parameter's type (an integer parameter takes
`12`, a boolean `true`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from schemathesis import Case
from schemathesis.core import NotSet

from squarecheck.fuzz.document import document_for, square_document_for
from squarecheck.spec.schemas import is_rfc3339

_INTEGER = re.compile(r"-?[0-9]+")


def _is_email(value: object) -> bool:
    """The loose check the emulator makes too: something on both sides of the last `@`."""
    if not isinstance(value, str):
        return True
    local, at, domain = value.rpartition("@")
    return bool(at and local and domain)


def _is_int64(value: object) -> bool:
    """Square's `format: int64`: an integer within 64 bits."""
    return not isinstance(value, int) or -(2**63) <= value < 2**63


def _formats() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(is_rfc3339)
    checker.checks("email")(_is_email)
    checker.checks("int64")(_is_int64)
    return checker


@dataclass(frozen=True)
class Parameter:
    """A query or path parameter of an operation in Square's document."""

    name: str
    where: str
    required: bool
    validator: Draft202012Validator


@dataclass(frozen=True)
class Operation:
    """An operation's parts in Square's document for one version."""

    parameters: tuple[Parameter, ...]
    body: Draft202012Validator | None
    body_required: bool


def _validator(doc: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A validator of `schema` whose `#/components/...` references resolve in `doc`."""
    return Draft202012Validator(
        {**schema, "components": doc["components"]}, format_checker=_formats()
    )


@lru_cache(maxsize=512)
def _operation(version: str, operation_id: str, square: bool) -> Operation | None:
    doc = square_document_for(version) if square else document_for(version)
    shared = doc["components"].get("parameters", {})
    for item in doc["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or operation.get("operationId") != operation_id:
                continue
            params = []
            for raw in [*item.get("parameters", []), *operation.get("parameters", [])]:
                param = shared.get(raw["$ref"].rsplit("/", 1)[-1], {}) if "$ref" in raw else raw
                if param.get("in") in ("query", "path"):
                    params.append(
                        Parameter(
                            name=param["name"],
                            where=param["in"],
                            required=bool(param.get("required")),
                            validator=_validator(doc, param.get("schema", {})),
                        )
                    )
            body = operation.get("requestBody")
            schema = (body or {}).get("content", {}).get("application/json", {}).get("schema")
            return Operation(
                parameters=tuple(params),
                body=_validator(doc, schema) if schema else None,
                body_required=bool((body or {}).get("required")),
            )
    return None


def _wire_values(value: Any) -> list[str]:
    """The texts a query or path value goes out as (a list is sent once per item)."""
    values = value if isinstance(value, list) else [value]
    return ["true" if v is True else "false" if v is False else str(v) for v in values]


def _read_as(text: str, schema: dict[str, Any]) -> Any:
    """A parameter's text as the target reads it for its declared type."""
    kind = schema.get("type")
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def _parameter_problems(parameter: Parameter, given: dict[str, Any]) -> list[str]:
    if parameter.name not in given:
        return [f"{parameter.where} parameter {parameter.name} is missing"] * parameter.required
    schema = parameter.validator.schema
    schema = schema if isinstance(schema, dict) else {}
    found = []
    for text in _wire_values(given[parameter.name]):
        for error in parameter.validator.iter_errors(_read_as(text, schema)):
            found.append(f"{parameter.where} parameter {parameter.name}: {error.message}")
    return found


def square_problems(case: Case[Any], version: str) -> list[str]:
    """How Square's own schema for `version` refuses `case` (empty: Square takes it)."""
    return request_problems(case, version, square=True)


def request_problems(case: Case[Any], version: str, square: bool = False) -> list[str]:
    """How the document for `version` refuses `case`: the one the fuzz suite generates from,
    or with `square` Square's own (`square_document_for`)."""
    operation_id = str(case.operation.definition.raw.get("operationId"))
    operation = _operation(version, operation_id, square)
    if operation is None:
        return [f"{operation_id} is no operation of the document"]
    given = {"query": dict(case.query or {}), "path": dict(case.path_parameters or {})}
    found = [
        problem
        for parameter in operation.parameters
        for problem in _parameter_problems(parameter, given[parameter.where])
    ]
    if isinstance(case.body, NotSet):
        if operation.body is not None and operation.body_required:
            found.append("the body is missing")
    elif operation.body is not None:
        found += [f"body: {e.message}" for e in operation.body.iter_errors(case.body)]
    return found
