"""Request bodies of the Catalog and Orders operations, judged by their JSON Schemas in specs/.

The schemas are what the fuzz suite generates from, so checking requests against them keeps the
emulator and the document in step: whatever the document calls invalid, the emulator refuses.
The first problem becomes one Square error (a missing field is MISSING_REQUIRED_PARAMETER, a
wrong type EXPECTED_<TYPE>, a bad enum value INVALID_ENUM_VALUE, a bound VALUE_TOO_LONG and
so on; which code goes with which problem is squarecheck's choice, as for the customer
endpoints). `prune` keeps only the fields a schema declares: unrecognized fields are ignored and
never stored or echoed (behaviour catalog-orders-unrecognized-field).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from squarecheck.emulator.errors import (
    EXPECTED_TYPE,
    ArrayEmpty,
    ArrayLengthTooLong,
    InvalidEnumValue,
    InvalidValue,
    MissingRequiredParameter,
    SquareError,
    ValueEmpty,
    ValueTooHigh,
    ValueTooLong,
    ValueTooLow,
    ValueTooShort,
)
from squarecheck.spec.schemas import SCHEMA_BASE, is_rfc3339, registry

_FORMATS = FormatChecker(formats=())
_FORMATS.checks("date-time")(is_rfc3339)


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = {"$ref": f"{SCHEMA_BASE}{name}.json"}
    return Draft202012Validator(schema, registry=registry(), format_checker=_FORMATS)


def field_path(parts: Iterable[str | int], prefix: str = "") -> str:
    """`object.item_data.name`, `batches[0].objects[1].id`: where a problem is."""
    text = prefix
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def check(name: str, instance: Any, prefix: str = "") -> None:
    """Raise the Square error for the first way `instance` breaks schema `name`."""
    errors = list(_validator(name).iter_errors(instance))
    if errors:
        raise _to_square(_pick(errors), prefix)


def check_each(name: str, instance: Any, member: str) -> dict[int, SquareError]:
    """Like `check`, but problems inside `instance[member][i]` are returned per item `i`.

    A batch upsert fails only the batches with a problem (behaviour catalog-batch-atomic);
    a problem anywhere else is raised.
    """
    per_item: dict[int, list[ValidationError]] = {}
    rest: list[ValidationError] = []
    for error in _validator(name).iter_errors(instance):
        path = list(error.absolute_path)
        if len(path) >= 2 and path[0] == member and isinstance(path[1], int):
            per_item.setdefault(path[1], []).append(error)
        else:
            rest.append(error)
    if rest:
        raise _to_square(_pick(rest), "")
    return {index: _to_square(_pick(errors), "") for index, errors in per_item.items()}


def _pick(errors: list[ValidationError]) -> ValidationError:
    """The most telling error; inside oneOf, the one of the variant the object's type names."""
    error = min(errors, key=lambda e: (-len(e.path), str(e.validator), e.message))
    if error.validator != "oneOf":
        return error
    by_variant: dict[Any, list[ValidationError]] = {}
    for sub in error.context or []:
        by_variant.setdefault(sub.schema_path[0], []).append(sub)
    for subs in by_variant.values():
        type_mismatch = any(s.validator == "const" and list(s.path)[-1:] == ["type"] for s in subs)
        if not type_mismatch:
            return _pick(subs)
    return error


def _to_square(error: ValidationError, prefix: str) -> SquareError:
    where = field_path(error.absolute_path, prefix)
    kind, value = str(error.validator), error.instance
    limit: Any = error.validator_value
    if kind == "required":
        present = value if isinstance(value, dict) else {}
        missing = next((k for k in limit if k not in present), limit[0])
        path = field_path([*error.absolute_path, missing], prefix)
        return MissingRequiredParameter(f"Field must be set: {path}", field=path)
    if kind == "type":
        return EXPECTED_TYPE.get(str(limit), InvalidValue)(
            f"Expected {where} to be a {limit}.", field=where
        )
    if kind == "oneOf":
        if isinstance(value, dict) and "type" not in value:
            path = field_path([*error.absolute_path, "type"], prefix)
            return MissingRequiredParameter(f"Field must be set: {path}", field=path)
        path = field_path([*error.absolute_path, "type"], prefix)
        return InvalidEnumValue(f"`{path}` names a type the emulator does not store.", field=path)
    simple: dict[str, tuple[type[SquareError], str]] = {
        "enum": (InvalidEnumValue, f"`{where}` must be one of {limit}."),
        "const": (InvalidValue, f"`{where}` must be {limit!r}."),
        "maxLength": (ValueTooLong, f"`{where}` must be at most {limit} characters long."),
        "minLength": (ValueTooShort, f"`{where}` must be at least {limit} characters long."),
        "minimum": (ValueTooLow, f"`{where}` must be at least {limit}."),
        "maximum": (ValueTooHigh, f"`{where}` must be at most {limit}."),
        "maxItems": (ArrayLengthTooLong, f"`{where}` must have at most {limit} items."),
        "minItems": (ArrayEmpty, f"`{where}` must not be empty."),
        "pattern": (InvalidValue, f"`{where}` is not in the expected format."),
        "format": (InvalidValue, f"`{where}` is not a valid {limit}."),
    }
    if kind == "minLength" and value == "":
        return ValueEmpty(f"Field must not be empty: {where}", field=where)
    cls, detail = simple.get(kind, (InvalidValue, f"`{where}` is invalid: {error.message}"))
    return cls(detail, field=where)


def prune(name: str, instance: Any) -> Any:
    """A copy of a valid `instance` with only the fields schema `name` declares."""
    return _prune(registry().resolver(base_uri=f"{SCHEMA_BASE}{name}.json"), {"$ref": ""}, instance)


def _prune(resolver: Any, node: dict[str, Any], value: Any) -> Any:
    while "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        resolver, node = resolved.resolver, resolved.contents
    if "oneOf" in node and isinstance(value, dict):
        for variant in node["oneOf"]:
            if _variant_type(resolver, variant) == value.get("type"):
                return _prune(resolver, variant, value)
        return value
    if isinstance(value, dict) and "properties" in node:
        props = node["properties"]
        return {k: _prune(resolver, props[k], v) for k, v in value.items() if k in props}
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return [_prune(resolver, node["items"], item) for item in value]
    return value


def _variant_type(resolver: Any, node: dict[str, Any]) -> Any:
    while "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        resolver, node = resolved.resolver, resolved.contents
    return node.get("properties", {}).get("type", {}).get("const")
