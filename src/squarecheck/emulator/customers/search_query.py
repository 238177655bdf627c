"""SearchCustomers bodies: the recognized fields and the validated CustomerQuery.

Shapes from spec-head SearchCustomersRequest, CustomerQuery, CustomerFilter, CustomerSort,
FilterValue, TimeRange and CustomerTextFilter
(https://developer.squareup.com/reference/square/customers-api/search-customers).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from squarecheck.emulator.core import validate as v
from squarecheck.emulator.core.bodyparse import Path
from squarecheck.emulator.core.clock import parse_rfc3339
from squarecheck.emulator.core.errors import (
    BadRequest,
    InvalidEnumValue,
    InvalidSortOrder,
    InvalidTime,
)
from squarecheck.emulator.core.search import CustomerQuery, TextFilter

_FILTER = ("query", "filter")
_RANGE = frozenset({"start_at", "end_at"})
_TEXT = frozenset({"exact", "fuzzy"})
_IDS = frozenset({"all", "any", "none"})
#: SearchCustomersRequest and its nested objects (spec-head CustomerQuery, CustomerFilter, ...).
SEARCH_FIELDS: Mapping[Path, frozenset[str]] = MappingProxyType(
    {
        (): frozenset({"cursor", "limit", "query", "count"}),
        ("query",): frozenset({"filter", "sort"}),
        _FILTER: frozenset(
            {
                "creation_source",
                "created_at",
                "updated_at",
                "email_address",
                "phone_number",
                "reference_id",
                "group_ids",
                "segment_ids",
                "custom_attribute",
            }
        ),
        (*_FILTER, "creation_source"): frozenset({"values", "rule"}),
        (*_FILTER, "created_at"): _RANGE,
        (*_FILTER, "updated_at"): _RANGE,
        (*_FILTER, "email_address"): _TEXT,
        (*_FILTER, "phone_number"): _TEXT,
        (*_FILTER, "reference_id"): _TEXT,
        (*_FILTER, "group_ids"): _IDS,
        (*_FILTER, "segment_ids"): _IDS,
        ("query", "sort"): frozenset({"field", "order"}),
    }
)
_TEXT_FILTERS = ("email_address", "phone_number", "reference_id")


def search_fields(
    *, text: bool = True, segments: bool = True, custom_attribute: bool = True
) -> Mapping[Path, frozenset[str]]:
    """SEARCH_FIELDS without the filters a version does not have yet: the text filters
    (search-text-filters), `segment_ids` (search-segment-filter) and `custom_attribute`
    (search-custom-attribute-filter)."""
    gone = {
        name
        for name, present in (
            *((n, text) for n in _TEXT_FILTERS),
            ("segment_ids", segments),
            ("custom_attribute", custom_attribute),
        )
        if not present
    }
    return MappingProxyType(
        {
            path: names - gone if path == _FILTER else names
            for path, names in SEARCH_FIELDS.items()
            if not (path[:-1] == _FILTER and path[-1] in gone)
        }
    )


#: spec-head CustomerCreationSource.
CREATION_SOURCES = (
    "OTHER",
    "APPOINTMENTS",
    "COUPON",
    "DELETION_RECOVERY",
    "DIRECTORY",
    "EGIFTING",
    "EMAIL_COLLECTION",
    "FEEDBACK",
    "IMPORT",
    "INVOICES",
    "LOYALTY",
    "MARKETING",
    "MERGE",
    "ONLINE_STORE",
    "INSTANT_PROFILE",
    "TERMINAL",
    "THIRD_PARTY",
    "THIRD_PARTY_IMPORT",
    "UNMERGE_RECOVERY",
)


def _ids(obj: Mapping[str, Any], key: str, field: str) -> tuple[str, ...]:
    values = v.typed(obj, key, "array", field) or []
    for index, item in enumerate(values):
        if not isinstance(item, str):
            v.typed({"x": item}, "x", "string", f"{field}[{index}]")
    return tuple(values)


def _time_range(obj: Mapping[str, Any], key: str, field: str) -> Any:
    bounds = v.typed(obj, key, "object", field)
    if bounds is None:
        return None
    parsed = []
    for end in ("start_at", "end_at"):
        raw = v.typed(bounds, end, "string", f"{field}.{end}")
        moment = None if raw is None else parse_rfc3339(raw)
        if raw is not None and moment is None:
            raise InvalidTime(
                f"Expected {field}.{end} to be an RFC 3339 timestamp.", field=f"{field}.{end}"
            )
        parsed.append(moment)
    return (parsed[0], parsed[1])


def _refuse_segments(flt: Mapping[str, Any], segments: bool) -> None:
    """A `segment_ids` filter names segments; none exist here, so any id is 400 BAD_REQUEST
    (spec-head). Without `segments` (before the filter existed) it is not looked at."""
    if not segments:
        return
    wanted = v.typed(flt, "segment_ids", "object", "query.filter.segment_ids") or {}
    for rule in ("any", "all", "none"):
        for segment in _ids(wanted, rule, f"query.filter.segment_ids.{rule}"):
            raise BadRequest(f"Segment with id '{segment}' not found.", field="segment_ids")


def _creation_source(flt: Mapping[str, Any]) -> tuple[tuple[str, ...], str] | None:
    """The creation_source filter: its values and INCLUDE or EXCLUDE."""
    source = v.typed(flt, "creation_source", "object", "query.filter.creation_source")
    if source is None:
        return None
    values = _ids(source, "values", "query.filter.creation_source.values")
    for value in values:
        v.one_of(value, CREATION_SOURCES, "query.filter.creation_source.values", InvalidEnumValue)
    rule = v.one_of(
        v.typed(source, "rule", "string", "query.filter.creation_source.rule"),
        ("INCLUDE", "EXCLUDE"),
        "query.filter.creation_source.rule",
        InvalidEnumValue,
    )
    return (values, rule)


def _text_filters(flt: Mapping[str, Any]) -> tuple[tuple[str, TextFilter], ...]:
    """The email_address, phone_number and reference_id filters (exact or fuzzy)."""
    text = []
    for name in _TEXT_FILTERS:
        wanted = v.typed(flt, name, "object", f"query.filter.{name}")
        if wanted is not None:
            exact = v.typed(wanted, "exact", "string", f"query.filter.{name}.exact")
            fuzzy = v.typed(wanted, "fuzzy", "string", f"query.filter.{name}.fuzzy")
            text.append((name, TextFilter(exact=exact, fuzzy=fuzzy)))
    return tuple(text)


def parse_query(
    body: Mapping[str, Any],
    segments: bool = True,
    *,
    text_filters: bool = True,
    custom_attribute: bool = True,
) -> CustomerQuery:
    """The validated `query` of a SearchCustomers body (filters, sort).

    A filter a version does not have yet is not looked at: `segment_ids` without `segments`,
    the email_address, phone_number and reference_id filters without `text_filters`,
    `custom_attribute` without `custom_attribute`.
    """
    query = v.typed(body, "query", "object", "query") or {}
    flt = v.typed(query, "filter", "object", "query.filter") or {}
    sort = v.typed(query, "sort", "object", "query.sort") or {}
    groups = v.typed(flt, "group_ids", "object", "query.filter.group_ids") or {}
    prefix = "query.filter.group_ids"
    _refuse_segments(flt, segments)
    attributes: dict[str, Any] = {}
    if custom_attribute:
        attributes = (
            v.typed(flt, "custom_attribute", "object", "query.filter.custom_attribute") or {}
        )
    return CustomerQuery(
        group_any=_ids(groups, "any", f"{prefix}.any"),
        group_all=_ids(groups, "all", f"{prefix}.all"),
        group_none=_ids(groups, "none", f"{prefix}.none"),
        creation_source=_creation_source(flt),
        created_at=_time_range(flt, "created_at", "query.filter.created_at"),
        updated_at=_time_range(flt, "updated_at", "query.filter.updated_at"),
        text=_text_filters(flt) if text_filters else (),
        # No profile has custom attributes here, so any attribute filter matches none.
        match_nothing=bool(attributes.get("filters")),
        sort_field=v.one_of(
            v.typed(sort, "field", "string", "query.sort.field"),
            ("DEFAULT", "CREATED_AT"),
            "query.sort.field",
            InvalidEnumValue,
        ),
        sort_order=v.one_of(
            v.typed(sort, "order", "string", "query.sort.order"),
            ("ASC", "DESC"),
            "query.sort.order",
            InvalidSortOrder,
        ),
    )
