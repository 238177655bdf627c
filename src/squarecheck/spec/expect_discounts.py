"""Expectation keys of the group-discount rows (family group-discounts) of the table.

`Expect` in `table` extends this, so the keys stay one list while the table module stays small.
"""

from __future__ import annotations

from typing import Any, TypedDict


class DiscountExpect(TypedDict, total=False):
    """Who a rule applies to, how an order shows it, what it takes; the catalog behind it."""

    applies: str
    applies_to: str
    echoed: bool
    release: str
    scope: str
    entries: str
    per: str
    rounds: str
    examples: list[dict[str, Any]]
    other_body: str
    error: str
    best: str
    inclusive: bool
    blocked: bool
    discounted: bool
    id: str
    atomic: bool
    page_size: int
    unknown_status: int
    unknown_code: str
    # the pricing engine, order limits and UpdateOrder
    within_phase: str
    example: dict[str, int]
    remainder: str
    shares: list[int]
    max_line_items: int
    amount_code: str
