"""From a validated CustomerQuery to what the SQL layer runs: `Criteria`, the sort, a cursor scope.

Group ids become sequences with member counts (so the cheapest index can drive the walk),
times become microseconds, text values become the BLOBs the columns hold. Filters whose outcome
is the same for every profile here (creation_source: every profile is THIRD_PARTY; custom
attributes: no profile has any) are decided once, not per row.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime

from squarecheck.emulator.core import clock
from squarecheck.emulator.core.search import CustomerQuery, fuzzy_matches
from squarecheck.emulator.db.codec import from_blob, to_blob
from squarecheck.emulator.db.customers import CREATION_SOURCE
from squarecheck.emulator.db.groups import Sized
from squarecheck.emulator.db.searchsql import Criteria, Member, Order


def scope(operation: str, query: CustomerQuery) -> str:
    """What a cursor is bound to: the operation and the whole query (filters and sort)."""
    digest = hashlib.sha256(repr(query).encode("utf-8", "backslashreplace")).hexdigest()
    return f"{operation}:{digest[:32]}"


def order(query: CustomerQuery) -> Order:
    return Order(
        "CREATED_AT" if query.sort_field == "CREATED_AT" else "DEFAULT", query.sort_order == "DESC"
    )


def resolve(
    query: CustomerQuery,
    known: dict[str, Sized],
    lagged: bool,
    *,
    all_as_any: bool = False,
    none_ignored: bool = False,
) -> Criteria | None:
    """The criteria of a query whose group ids all exist; None when nothing can match.

    `all_as_any` and `none_ignored` are the injected faults search-all-as-any and
    search-none-ignored.
    """
    if query.match_nothing or not _source_admits(query):
        return None

    def members(ids: tuple[str, ...]) -> tuple[Member, ...]:
        return tuple(
            Member(known[i].seq, known[i].lag_members if lagged else known[i].members)
            for i in dict.fromkeys(ids)
        )

    any_sets = [members(query.group_any)] if query.group_any else []
    all_groups = members(query.group_all)
    if all_as_any and all_groups:
        any_sets.append(all_groups)
        all_groups = ()
    return Criteria(
        any_sets=tuple(any_sets),
        all_groups=all_groups,
        none_groups=() if none_ignored else members(query.group_none),
        created=_micros(query.created_at),
        updated=_micros(query.updated_at),
        text=tuple(
            (
                name,
                None if wanted.exact is None else to_blob(wanted.exact),
                None if wanted.exact is not None else (wanted.fuzzy or ""),
            )
            for name, wanted in query.text
        ),
    )


def _source_admits(query: CustomerQuery) -> bool:
    if query.creation_source is None:
        return True
    values, rule = query.creation_source
    return (CREATION_SOURCE in values) == (rule == "INCLUDE")


def _micros(
    bounds: tuple[datetime | None, datetime | None] | None,
) -> tuple[int | None, int | None] | None:
    if bounds is None:
        return None
    start, end = bounds
    return (
        None if start is None else clock.micros(start),
        None if end is None else clock.micros(end),
    )


def _fuzzy(name: str, value: bytes | None, wanted: bytes) -> bool:
    return value is not None and fuzzy_matches(from_blob(value), from_blob(wanted), name)


def install_functions(db: sqlite3.Connection) -> None:
    """Register `sqc_fuzzy(filter name, column value, fuzzy text)` for searchsql."""
    db.create_function("sqc_fuzzy", 3, _fuzzy, deterministic=True)
