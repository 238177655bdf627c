"""Request bodies judged by their JSON Schemas in specs/: wholly (Catalog, Orders), or their shape.

The schemas are what the fuzz suite generates from, so checking requests against them keeps the
emulator and the document in step: whatever the document calls invalid, the emulator refuses.
The first problem becomes one Square error (a missing field is MISSING_REQUIRED_PARAMETER, a
wrong type EXPECTED_<TYPE>, a bad enum value INVALID_ENUM_VALUE, a bound VALUE_TOO_LONG and
so on; which code goes with which problem is squarecheck's choice, as for the customer
endpoints). `prune` keeps only the fields a schema declares: unrecognized fields are ignored and
never stored or echoed (behaviour catalog-orders-unrecognized-field). An integer written with
a zero fraction or an exponent (`1000.0`, `1e3`) is that integer (behaviour integral-numbers):
valid where the table says so (`integral`), and pruned to the integer, so it is stored and
answered as `1000`, never as `1000.0`. A `pattern` is applied
as JSON Schema means it, with ECMA-262's `$`: the end of the string, never before a final
newline as Python's `$` allows (so `"1\n"` is no quantity `^[0-9]+$` accepts).

The customer endpoints' bodies are judged by `check_shape`: JSON types and structure only. Their
value constraints, required fields and unknown fields are the behaviour table's (the codes, and
from which version a constraint holds, differ by row), so `customers/` checks those by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from squarecheck.emulator.core.errors import (
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
def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled with ECMA-262's `$`: every `$` that is neither escaped nor inside a
    character class becomes `\\Z` (Python's `$` also matches before a final newline)."""
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
        index += 1
    return re.compile("".join(out))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """The `pattern` keyword, searched as JSON Schema says, with ECMA-262's `$`."""
    if validator.is_type(instance, "string") and not ecma_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# `extend` keeps everything of Draft 2020-12 but the one keyword (it has no type hints)
_Validator: Any = validators.extend(Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]
#: Where the table refuses 46.0 as an integer: JSON Schema's `integer` without the integral floats.
_WHOLE_INTEGERS = Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda _, instance: isinstance(instance, int) and not isinstance(instance, bool)
)
_StrictValidator: Any = validators.extend(_Validator, type_checker=_WHOLE_INTEGERS)  # type: ignore[no-untyped-call]


@cache
def _strict_validator(name: str) -> Any:
    return _StrictValidator(_validator(name).schema, format_checker=_FORMATS)


def _checker(name: str, integral: bool) -> Any:
    return _validator(name) if integral else _strict_validator(name)


@cache
def _validator(name: str) -> Any:
    """A validator of schema `name` with every reference inlined (request schemas have no
    cycles; references are file names, so a repeated name on the way down is one); resolving
    references at each use costs more than the rest of a batch upsert."""
    resolver = registry().resolver(base_uri=f"{SCHEMA_BASE}{name}.json")
    schema = _inlined(resolver, {"$ref": ""}, ())
    return _Validator(schema, format_checker=_FORMATS)


def _inlined(resolver: Any, node: Any, seen: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inlined(resolver, item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str):
        resolved = resolver.lookup(node["$ref"])
        if node["$ref"] in seen:
            raise ValueError(f"a request schema refers to itself through {node['$ref']}")
        rest = {k: v for k, v in node.items() if k != "$ref"}
        inner = _inlined(resolved.resolver, resolved.contents, (*seen, node["$ref"]))
        return {"allOf": [inner, _inlined(resolver, rest, seen)]} if rest else inner
    # oneOf -> anyOf: the variants are told apart by `type`, so at most one can match, and
    # anyOf stops at the first match where oneOf has to try them all
    return {
        ("anyOf" if k == "oneOf" else k): _inlined(resolver, v, seen)
        for k, v in node.items()
        if k not in ("$id", "$schema")
    }


#: The keywords a shape check applies: types and the structure that carries them.
SHAPE_KEYWORDS = frozenset({"type", "properties", "items", "prefixItems", "allOf", "anyOf"})
_ShapeValidator = validators.create(
    meta_schema=Draft202012Validator.META_SCHEMA,
    validators={k: v for k, v in Draft202012Validator.VALIDATORS.items() if k in SHAPE_KEYWORDS},
)


@cache
def _shape_validator(name: str) -> Any:
    return _ShapeValidator(_validator(name).schema)


def check_shape(name: str, instance: Any) -> None:
    """Raise EXPECTED_<TYPE> for the first value of `instance` whose JSON type schema `name`
    does not allow (a nullable value's type is the one besides null)."""
    errors = list(_shape_validator(name).iter_errors(instance))
    if errors:
        raise _type_error(_pick_nullable(errors))


def _pick_nullable(errors: list[ValidationError]) -> ValidationError:
    """The deepest error; inside a nullable union (`anyOf` [X, null]), the error of X."""
    error = min(errors, key=lambda e: (-len(e.path), str(e.validator), e.message))
    if error.validator == "anyOf" and error.context:
        inner = [sub for sub in error.context if getattr(sub, "validator_value", None) != "null"]
        return _pick_nullable(inner) if inner else error
    return error


def _type_error(error: ValidationError) -> SquareError:
    where = field_path(error.absolute_path)
    limit: Any = error.validator_value
    kinds = [limit] if isinstance(limit, str) else [k for k in limit or () if k != "null"]
    kind = str(kinds[0]) if kinds else "object"
    return EXPECTED_TYPE.get(kind, InvalidValue)(f"Expected {where} to be a {kind}.", field=where)


def field_path(parts: Iterable[str | int], prefix: str = "") -> str:
    """`object.item_data.name`, `batches[0].objects[1].id`: where a problem is."""
    text = prefix
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def check(name: str, instance: Any, prefix: str = "", integral: bool = True) -> None:
    """Raise the Square error for the first way `instance` breaks schema `name` (where
    `integral` is false, 46.0 is no integer)."""
    errors = list(_checker(name, integral).iter_errors(instance))
    if errors:
        raise _to_square(_pick(errors), prefix)


def check_each(
    name: str, instance: Any, member: str, integral: bool = True
) -> dict[int, SquareError]:
    """Like `check`, but problems inside `instance[member][i]` are returned per item `i`.

    A batch upsert fails only the batches with a problem (behaviour catalog-batch-atomic);
    a problem anywhere else is raised.
    """
    per_item: dict[int, list[ValidationError]] = {}
    rest: list[ValidationError] = []
    for error in _checker(name, integral).iter_errors(instance):
        path = list(error.absolute_path)
        if len(path) >= 2 and path[0] == member and isinstance(path[1], int):
            per_item.setdefault(path[1], []).append(error)
        else:
            rest.append(error)
    if rest:
        raise _to_square(_pick(rest), "")
    return {index: _to_square(_pick(errors), "") for index, errors in per_item.items()}


def _pick(errors: list[ValidationError]) -> ValidationError:
    """The most telling error; inside anyOf, the one of the variant the object's type names."""
    error = min(errors, key=lambda e: (-len(e.path), str(e.validator), e.message))
    if error.validator != "anyOf":
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
    if kind == "anyOf":
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
    """A copy of a valid `instance` with only the fields schema `name` declares, and each
    integer written as a float (`1e3`) as the integer it is."""
    return _prune(_validator(name).schema, instance)


def _parts(node: Any) -> list[dict[str, Any]]:
    """`node` and the parts of its `allOf` (where an inlined reference had siblings)."""
    if not isinstance(node, dict):
        return []
    return [node, *(p for sub in node.get("allOf", []) for p in _parts(sub))]


def _matching_variants(parts: list[Any], value: Any) -> list[Any] | None:
    """The variants of a union typed by `type` that `value` is; None when `parts` is no union."""
    variants = [v for p in parts for v in p.get("anyOf", [])]
    if not (variants and isinstance(value, dict)):
        return None
    return [
        variant
        for variant in variants
        if value.get("type")
        in [p.get("properties", {}).get("type", {}).get("const") for p in _parts(variant)]
    ]


def _properties(parts: list[Any]) -> dict[str, Any]:
    return {k: v for p in parts for k, v in p.get("properties", {}).items()}


def _items(parts: list[Any]) -> Any:
    return next((p["items"] for p in parts if isinstance(p.get("items"), dict)), None)


def _is_integer(parts: list[dict[str, Any]]) -> bool:
    """Whether the schema `parts` make up is an integer (possibly nullable)."""
    for part in parts:
        kind = part.get("type")
        if kind == "integer" or (isinstance(kind, list) and "integer" in kind):
            return True
        if any(_is_integer(_parts(variant)) for variant in part.get("anyOf", [])):
            return True
    return False


def _prune(node: Any, value: Any) -> Any:
    parts = _parts(node)
    if isinstance(value, float) and value.is_integer() and _is_integer(parts):
        return int(value)
    matches = _matching_variants(parts, value)
    if matches is not None:
        return _prune(matches[0], value) if matches else value
    props = _properties(parts)
    if isinstance(value, dict) and props:
        return {k: _prune(props[k], v) for k, v in value.items() if k in props}
    items = _items(parts)
    if isinstance(value, list) and items is not None:
        return [_prune(items, item) for item in value]
    return value


def unknown_paths(name: str, instance: Any) -> list[tuple[str, ...]]:
    """Key paths (array indexes as strings, as `bodyparse` records them) of the fields of a
    valid `instance` that schema `name` does not declare: what `prune` drops."""
    found: list[tuple[str, ...]] = []
    _unknown(_validator(name).schema, instance, (), found)
    return found


def _unknown(node: Any, value: Any, path: tuple[str, ...], found: list[tuple[str, ...]]) -> None:
    parts = _parts(node)
    matches = _matching_variants(parts, value)
    if matches is not None:
        for variant in matches:
            _unknown(variant, value, path, found)
        return
    props = _properties(parts)
    if isinstance(value, dict) and props:
        for key, inner in value.items():
            if key in props:
                _unknown(props[key], inner, (*path, key), found)
            else:
                found.append((*path, key))
        return
    items = _items(parts)
    if isinstance(value, list) and items is not None:
        for index, item in enumerate(value):
            _unknown(items, item, (*path, str(index)), found)
