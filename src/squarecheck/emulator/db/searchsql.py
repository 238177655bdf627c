"""Keyset queries for ListCustomers and SearchCustomers that cost what their page costs.

A page is read in sort order from an index, starting after the cursor's position, and stops
after `size` rows. Which index it walks (the "driver") is chosen from the group filter:
members of one `all` group, the union of the `any` groups' member lists, or the seller's
profiles, whichever has the fewest rows; every other condition is checked on the rows the
driver yields. Sort orders (square-facts §6): DEFAULT on (sort_key, created_us, seq),
CREATED_AT on (created_us, seq), both either way.

`count` reads maintained counters when the filter is a single group or nothing (the common
cases); any other filter is counted by walking its matches.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, Literal

from squarecheck.emulator.db.codec import to_blob
from squarecheck.emulator.db.cursors import Position
from squarecheck.emulator.db.customers import COLUMNS, TEXT_COLUMNS, CustomerRow

SortField = Literal["DEFAULT", "CREATED_AT"]


@dataclass(frozen=True)
class View:
    """The tables search reads: live, or the search-lagged copy."""

    customers: str
    memberships: str
    lagged: bool


LIVE = View("customers", "memberships", False)
LAGGED = View("lag_customers", "lag_memberships", True)


@dataclass(frozen=True)
class Member:
    """A group in a filter: its sequence and how many public members it has in the view."""

    seq: int
    members: int


@dataclass(frozen=True)
class Criteria:
    """A resolved search filter: group conditions by sequence, times in microseconds."""

    any_sets: tuple[tuple[Member, ...], ...] = ()
    all_groups: tuple[Member, ...] = ()
    none_groups: tuple[Member, ...] = ()
    created: tuple[int | None, int | None] | None = None
    updated: tuple[int | None, int | None] | None = None
    #: (filter name, exact value or None, fuzzy text or None)
    text: tuple[tuple[str, bytes | None, str | None], ...] = ()

    def groups_only(self) -> bool:
        return self.created is None and self.updated is None and not self.text


@dataclass(frozen=True)
class Order:
    field: SortField = "DEFAULT"
    descending: bool = False


@dataclass
class _Arm:
    """One index walk: `driver` is a group sequence (its member index) or None (profiles)."""

    driver: int | None
    skip_any: int | None = None
    skip_all: int | None = None
    params: dict[str, Any] = field(default_factory=dict)


def position_of(row: CustomerRow) -> Position:
    return Position(row.sort_key, row.created_us, row.seq)


def page(
    db: sqlite3.Connection,
    view: View,
    seller: int,
    criteria: Criteria,
    order: Order,
    after: Position | None,
    size: int,
    total: int,
) -> list[CustomerRow]:
    """Up to `size` matching profiles after `after` in the given order."""
    params: dict[str, Any] = {"seller": seller}
    arms = _arms(criteria, total)
    direction = " DESC" if order.descending else ""
    if len(arms) == 1:
        sql = _arm_sql(view, arms[0], criteria, order, after, params, size, rows=True)
    else:
        union = " UNION ".join(
            f"SELECT * FROM ({_arm_sql(view, arm, criteria, order, after, params, size)})"
            for arm in arms
        )
        keys = ("h.k", "h.cr", "h.seq") if order.field == "DEFAULT" else ("h.cr", "h.seq")
        columns = ", ".join(f"c.{name}" for name in COLUMNS)
        sql = (
            f"WITH hits (seq, k, cr) AS ({union}) SELECT {columns} FROM hits h"
            f" CROSS JOIN {view.customers} c ON c.seq = h.seq"
            f" ORDER BY {', '.join(key + direction for key in keys)} LIMIT {size}"
        )
    return [CustomerRow(*row) for row in db.execute(sql, params)]


def count(db: sqlite3.Connection, view: View, seller: int, criteria: Criteria, total: int) -> int:
    """How many profiles match (maintained counters for a single group condition or none)."""
    quick = _counted(criteria, total)
    if quick is not None:
        return quick
    params: dict[str, Any] = {"seller": seller}
    union = " UNION ".join(
        _arm_sql(view, arm, criteria, Order(), None, params, None) for arm in _arms(criteria, total)
    )
    return int(db.execute(f"SELECT count(*) FROM ({union})", params).fetchone()[0])


def _counted(criteria: Criteria, total: int) -> int | None:
    if not criteria.groups_only():
        return None
    conditions = len(criteria.any_sets) + len(criteria.all_groups) + bool(criteria.none_groups)
    if conditions == 0:
        return total
    if conditions > 1:
        return None
    if criteria.any_sets and len(criteria.any_sets[0]) == 1:
        return criteria.any_sets[0][0].members
    if criteria.all_groups:
        return criteria.all_groups[0].members
    if len(criteria.none_groups) == 1:
        return total - criteria.none_groups[0].members
    return None


def _arms(criteria: Criteria, total: int) -> list[_Arm]:
    """The cheapest driver: the smallest `all` group, the smallest `any` union, or profiles."""
    best_cost, arms = total, [_Arm(None)]
    for index, members in enumerate(criteria.any_sets):
        cost = sum(member.members for member in members)
        if cost <= best_cost:
            best_cost = cost
            arms = [_Arm(member.seq, skip_any=index) for member in members]
    for index, member in enumerate(criteria.all_groups):
        if member.members <= best_cost:
            best_cost, arms = member.members, [_Arm(member.seq, skip_all=index)]
    return arms


def _arm_sql(
    view: View,
    arm: _Arm,
    criteria: Criteria,
    order: Order,
    after: Position | None,
    params: dict[str, Any],
    size: int | None,
    rows: bool = False,
) -> str:
    """One index walk in sort order; selects whole rows, or (seq, k, cr) for a union."""
    if arm.driver is None:
        source, walk, last = f"{view.customers} c", "c", "c.seq"
        where = ["c.seller = :seller", "c.public = 1"]
    else:
        source = f"{view.memberships} m CROSS JOIN {view.customers} c ON c.seq = m.cseq"
        walk, last = "m", "m.cseq"
        where = [
            "m.seller = :seller",
            f"m.gseq = {arm.driver:d}",
            "m.public = 1",
            "c.seller = :seller",
        ]
    keys = [f"{walk}.created_us", last]
    if order.field == "DEFAULT":
        keys.insert(0, f"{walk}.sort_key")
    if after is not None:
        values = [after.key, after.created, after.seq][-len(keys) :]
        names = [f":after{index}" for index in range(len(keys))]
        params.update(zip((name[1:] for name in names), values, strict=True))
        where.append(f"({', '.join(keys)}) {'<' if order.descending else '>'} ({', '.join(names)})")
    where += _conditions(view, arm, criteria, params)
    direction = " DESC" if order.descending else ""
    selected = (
        ", ".join(f"c.{name}" for name in COLUMNS) if rows else "c.seq, c.sort_key, c.created_us"
    )
    sql = f"SELECT {selected} FROM {source} WHERE {' AND '.join(where)}"
    if size is not None:
        sql += f" ORDER BY {', '.join(key + direction for key in keys)} LIMIT {size:d}"
    return sql


def _conditions(view: View, arm: _Arm, criteria: Criteria, params: dict[str, Any]) -> list[str]:
    def member_of(groups: tuple[Member, ...]) -> str:
        listed = ", ".join(f"{member.seq:d}" for member in groups)
        return (
            f"EXISTS (SELECT 1 FROM {view.memberships} x WHERE x.seller = c.seller"
            f" AND x.cseq = c.seq AND x.gseq IN ({listed}))"
        )

    found = [member_of(s) for index, s in enumerate(criteria.any_sets) if index != arm.skip_any]
    found += [
        member_of((member,))
        for index, member in enumerate(criteria.all_groups)
        if index != arm.skip_all
    ]
    if criteria.none_groups:
        found.append("NOT " + member_of(criteria.none_groups))
    for column, bounds in (("created_us", criteria.created), ("updated_us", criteria.updated)):
        if bounds is None:
            continue
        for operator, end, value in zip((">=", "<="), ("from", "to"), bounds, strict=True):
            if value is not None:
                params[f"{column}_{end}"] = value
                found.append(f"c.{column} {operator} :{column}_{end}")
    for index, (name, exact, fuzzy) in enumerate(criteria.text):
        column = TEXT_COLUMNS[name]
        if exact is not None:
            params[f"text{index}"] = exact
            found.append(f"c.{column} = :text{index}")
        else:
            params[f"text{index}"] = to_blob(fuzzy or "")
            found.append(f"sqc_fuzzy('{name}', c.{column}, :text{index})")
    return found
