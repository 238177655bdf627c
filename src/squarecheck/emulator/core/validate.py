"""Request-shape checks shared by the handlers: unrecognized fields, types, limits.

Which error a bad input gets comes from the behaviour table (rows body-not-object,
group-name-required, unrecognized-field*, limit-out-of-range, list-limit-parameter,
integral-numbers): the codes are Square's, the table says which input provokes which.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from squarecheck.emulator.core.bodyparse import ParsedBody, Path
from squarecheck.emulator.core.errors import (
    EXPECTED_TYPE,
    InvalidValue,
    SquareError,
    by_code,
)
from squarecheck.emulator.core.versioning import VersionContext

_QUERY_INT = re.compile(r"-?[0-9]{1,19}")
INT64 = range(-(2**63), 2**63)  # Square's integers are int64 (`format: int64`)
_PY_TYPES: Mapping[str, tuple[type, ...]] = MappingProxyType(
    {
        "object": (dict,),
        "string": (str,),
        "integer": (int,),
        "boolean": (bool,),
        "array": (list,),
    }
)


def body_object(body: ParsedBody | None, ctx: VersionContext) -> dict[str, Any]:
    """The body as a JSON object; anything else is the error of behaviour body-not-object."""
    if body is None or not isinstance(body.value, dict):
        code = ctx.expect("body-not-object")["code"]
        raise by_code(code)("The request body must be a JSON object.")
    return body.value


def reject_unrecognized(
    body: ParsedBody, known: Mapping[Path, frozenset[str]], ctx: VersionContext, behaviour: str
) -> None:
    """Raise for an unrecognized field, when the version rejects them.

    `known` maps an object's path (`()` for the top level) to the field names it accepts.
    behaviour unrecognized-field / customers-unrecognized-field /
    update-customer-unrecognized-field; which field is named: unrecognized-field-order; where
    it stands: unrecognized-field-position (1-based line and character of the opening quote).
    """
    expect = ctx.expect(behaviour)
    if expect["outcome"] != "rejected":
        return
    unknown = [
        path
        for path in body.key_offsets
        if path[:-1] in known
        and path[-1] not in known[path[:-1]]
        and _is_object_at(body.value, path[:-1])
    ]
    if not unknown:
        return
    order = ctx.expect("unrecognized-field-order").get("order", "first-in-body")
    pick = max if order == "last-in-body" else min
    first = pick(unknown, key=lambda path: body.key_offsets[path])
    line, character = body.position(first)
    name = first[-1]
    raise by_code(expect["code"])(
        f"The field named '{name}' is unrecognized (line {line}, character {character})",
        field=name,
    )


def _is_object_at(value: Any, path: Path) -> bool:
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return False
        value = value[key]
    return isinstance(value, dict)


def typed(
    obj: Mapping[str, Any],
    key: str,
    kind: str,
    field: str,
    nullable: bool = False,
    integral: bool = True,
) -> Any:
    """`obj[key]` if present and of JSON type `kind`; None if absent (or null, when nullable).

    An explicit null where the schema has no null is a wrong type (EXPECTED_<TYPE>), and so is
    an integer beyond 64 bits. With `integral` (behaviour integral-numbers) 46.0 counts as the
    integer 46.
    """
    if key not in obj or (obj[key] is None and nullable):
        return None
    value = obj[key]
    if kind == "integer" and integral and isinstance(value, float) and value.is_integer():
        value = int(value)
    ok = isinstance(value, _PY_TYPES[kind])
    if kind == "integer" and (isinstance(value, bool) or (ok and value not in INT64)):
        ok = False  # Square's integers are 64-bit
    if not ok:
        raise EXPECTED_TYPE[kind](f"Expected {field} to be a {kind}.", field=field)
    return value


def integral(ctx: VersionContext) -> bool:
    """Whether 46.0 is the integer 46 (behaviour integral-numbers)."""
    return bool(ctx.expect("integral-numbers")["outcome"] == "accepted")


def required(obj: Mapping[str, Any], key: str, kind: str, field: str, code: str) -> Any:
    """Like `typed`, but absent or null is the error `code` (behaviour group-name-required)."""
    value = typed(obj, key, kind, field, nullable=True)
    if value is None:
        raise by_code(code)(f"Field must be set: {field}", field=field)
    return value


def non_empty(value: str, field: str, code: str) -> str:
    if value == "":
        raise by_code(code)(f"Field must not be empty: {field}", field=field)
    return value


def query_int(query: Mapping[str, str], key: str) -> int | None:
    """An integer query parameter: an optional `-` and ASCII digits, nothing else, within
    int64 (every 19-digit int64 included).

    Python's `int()` also takes `1_0`, other scripts' digits and surrounding blanks; anything
    but plain digits is INVALID_VALUE (squarecheck's choice).
    """
    raw = query.get(key)
    if raw is None:
        return None
    if _QUERY_INT.fullmatch(raw) is None or int(raw) not in INT64:
        raise InvalidValue(f"Expected {key} to be an integer.", field=key)
    return int(raw)


def page_limit(raw: int | None, ctx: VersionContext, maximum: int) -> int:
    """Effective page size; out of range is ignored or rejected per behaviour limit-out-of-range."""
    if raw is None:
        return maximum
    if 1 <= raw <= maximum:
        return raw
    expect = ctx.expect("limit-out-of-range")
    if expect["outcome"] != "rejected":
        return maximum
    code = expect["code_low"] if raw < 1 else expect["code_high"]
    bound = "at least 1" if raw < 1 else f"at most {maximum}"
    error: type[SquareError] = by_code(code)
    raise error(f"`limit` must be {bound}; got {raw}.", field=expect.get("field", "limit"))


def list_limit(query: Mapping[str, str], ctx: VersionContext, maximum: int) -> int:
    """The page size of a list operation: its `limit` once it is a parameter at all
    (behaviour list-limit-parameter), else the default."""
    if ctx.expect("list-limit-parameter")["outcome"] != "applied":
        return maximum
    return page_limit(query_int(query, "limit"), ctx, maximum)


def one_of(
    value: str | None, allowed: tuple[str, ...], field: str, error: type[SquareError]
) -> str:
    """An enum value (first of `allowed` when absent)."""
    if value is None:
        return allowed[0]
    if value not in allowed:
        raise error(f"`{field}` must be one of {', '.join(allowed)}.", field=field)
    return value
