"""Whether a pricing rule is in effect for this order at this moment (spec-head CatalogPricingRule).

- `valid_from_date` / `valid_until_date`: RFC 3339 full dates; whether the last day counts is the
  table's (pricing-rule-dates, assumed), read in the location's time zone.
- `valid_from_local_time` / `valid_until_local_time`: "the local time the pricing rule should be
  valid from/until", HH:MM:SS, partial seconds truncated; a window whose start is after its end
  runs over midnight; whether the end second counts is the table's (pricing-rule-local-times).
- `time_period_ids`: "If left unset, the pricing rule is always in effect"; otherwise in effect
  while any of its periods is (`periods`).
- `minimum_order_subtotal_money`: "The minimum order subtotal (before discounts or taxes are
  applied) that must be met before this rule may be applied."
- `customer_group_ids_any`: unset applies "to matched products sold to anyone"; set, "only to
  matched products sold to customers belonging to the specified customer groups". A stored rule
  prices the same whatever Square-Version the order is sent under (row
  pricing-version-independent): what a version cannot write it never stores.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from squarecheck.emulator.commerce.pricing import periods
from squarecheck.emulator.commerce.pricing.model import Bugs, Choices, Rule, When


def in_dates(data: Any, today: date, until_inclusive: bool = True) -> bool:
    """Inside `valid_from_date`..`valid_until_date` (the start inclusive; the end as chosen)."""
    start, end = data.get("valid_from_date"), data.get("valid_until_date")
    if start and today < date.fromisoformat(start):
        return False
    if not end:
        return True
    last = date.fromisoformat(end)
    return today <= last if until_inclusive else today < last


def clock_time(text: str) -> time:
    """HH:MM:SS (partial seconds truncated)."""
    return time.fromisoformat(text.split(".", 1)[0])


def in_local_times(data: Any, now: time, until_inclusive: bool = True) -> bool:
    """Inside the daily window `valid_from_local_time`..`valid_until_local_time`."""
    start_text, end_text = data.get("valid_from_local_time"), data.get("valid_until_local_time")
    start = clock_time(start_text) if start_text else None
    end = clock_time(end_text) if end_text else None
    now = now.replace(microsecond=0)
    after = start is None or now >= start
    before = end is None or (now <= end if until_inclusive else now < end)
    if start is not None and end is not None and start > end:
        return after or before  # over midnight
    return after and before


def eligible_groups(data: Any, member_of: frozenset[str], bugs: Bugs) -> bool:
    """The order's customer may get the rule's discount (customer_group_ids_any)."""
    groups = data.get("customer_group_ids_any")
    if not groups:
        return not bugs.ungrouped_rules_ignored
    return bugs.group_filter_ignored or bool(member_of & set(groups))


class Moment:
    """One pricing's moment; each time period is read once however many rules name it."""

    def __init__(self, when: When, choices: Choices, bugs: Bugs) -> None:
        self.when, self.choices, self.bugs = when, choices, bugs
        self._periods: dict[str, bool] = {}

    def in_period(self, events: tuple[str, ...]) -> bool:
        if not events or self.bugs.period_ignored:
            return True
        for event in events:
            if event not in self._periods:
                self._periods[event] = periods.in_effect(event, self.when.now)
            if self._periods[event]:
                return True
        return False

    def in_effect(self, rule: Rule, member_of: frozenset[str], subtotal: int) -> bool:
        """Every condition of the module docstring holds for `rule`."""
        data = rule.data
        if not in_dates(data, self.when.today, self.choices.until_inclusive):
            return False
        local_ok = in_local_times(data, self.when.now.time(), self.choices.local_until_inclusive)
        if not (local_ok or self.bugs.local_time_ignored):
            return False
        if not self.in_period(rule.periods):
            return False
        if rule.minimum is not None and subtotal < rule.minimum and not self.bugs.minimum_ignored:
            return False
        return eligible_groups(data, member_of, self.bugs)
