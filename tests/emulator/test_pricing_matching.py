"""Rules in effect and their match sets: repeated matching, nesting, exclusions, best per item."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from squarecheck.emulator.commerce.pricing.engine import price
from squarecheck.emulator.commerce.pricing.matching import Catalog, match_sets, windows
from squarecheck.emulator.commerce.pricing.model import (
    Bugs,
    Discount,
    Line,
    PricedOrder,
    PricingInput,
    Rule,
    When,
)

NOW = When(date(2026, 3, 4), datetime(2026, 3, 4, 12, 0))
TEN = Discount(percentage=Decimal(10))
FREE = Discount(percentage=Decimal(100))


def _set(**data: Any) -> dict[str, Any]:
    return {"type": "PRODUCT_SET", "id": "S", "product_set_data": data}


def _rule(match: dict[str, Any], discount: Discount = TEN, **extra: Any) -> Rule:
    fields: dict[str, Any] = {"id": "R", "discount_id": "D", "discount": discount, "match": match}
    fields.update(extra)
    return Rule(**fields)


def _item(unit: int, quantity: str = "1", product: str = "A") -> Line:
    return Line(unit, Decimal(quantity), keys=frozenset({product, f"{product}-v"}))


def _priced(
    lines: list[Line], *rules: Rule, catalog: Catalog | None = None, **kw: Any
) -> PricedOrder:
    inp = PricingInput(tuple(lines), rules=rules, when=NOW, **kw)
    return price(inp, catalog or Catalog({}))


def test_windows_compress_identical_match_sets() -> None:
    """999,999 units in sets of two are one entry repeated, plus the sets across lines."""
    found = list(windows([(0, Decimal(999999)), (1, Decimal(3))], Decimal(2), 500001))
    assert found == [
        (((0, Decimal(2)),), 499999),
        (((0, Decimal(1)), (1, Decimal(1))), 1),
        (((1, Decimal(2)),), 1),
    ]


def test_quantity_exact_is_a_threshold_that_repeats() -> None:
    """quantity_exact 1 discounts every unit; 2 on five units discounts four."""
    assert (
        _priced([_item(1000, "3")], _rule(_set(product_ids_any=["A"], quantity_exact=1))).discount
        == 300
    )
    assert (
        _priced([_item(1000, "5")], _rule(_set(product_ids_any=["A"], quantity_exact=2))).discount
        == 400
    )
    bent = Bugs(exact_as_cap=True)
    assert (
        _priced(
            [_item(1000, "3")], _rule(_set(product_ids_any=["A"], quantity_exact=1)), bugs=bent
        ).discount
        == 0
    )


def test_product_ids_all_forms_sets_of_one_of_each() -> None:
    """[A, B] with two A and one B discounts one A and one B."""
    lines = [_item(1000, "2", "A"), _item(1000, "1", "B")]
    order = _priced(lines, _rule(_set(product_ids_all=["A", "B"])))
    assert [line.discount for line in order.lines] == [100, 100]


def test_nested_sets_make_a_combo() -> None:
    """A set of [burgers, drinks] discounts a burger and a drink together, not a burger alone."""
    catalog = Catalog({
        "BURGERS": {"type": "PRODUCT_SET", "product_set_data": {"product_ids_any": ["A"]}},
        "DRINKS": {"type": "PRODUCT_SET", "product_set_data": {"product_ids_any": ["B"]}},
    })  # fmt: skip
    combo = _rule(_set(product_ids_all=["BURGERS", "DRINKS"]))
    both = _priced([_item(1000, "1", "A"), _item(500, "1", "B")], combo, catalog=catalog)
    assert both.discount == 150
    assert _priced([_item(1000, "1", "A")], combo, catalog=catalog).discount == 0
    bent = _priced(
        [_item(1000, "1", "A"), _item(500, "1", "B")],
        combo,
        catalog=catalog,
        bugs=Bugs(nested_ignored=True),
    )
    assert bent.discount == 0


def test_quantity_min_and_max() -> None:
    """quantity_min holds a rule back until it is reached; quantity_max caps the units."""
    assert (
        _priced([_item(1000, "1")], _rule(_set(product_ids_any=["A"], quantity_min=2))).discount
        == 0
    )
    assert (
        _priced([_item(1000, "2")], _rule(_set(product_ids_any=["A"], quantity_min=2))).discount
        == 200
    )
    assert (
        _priced([_item(1000, "3")], _rule(_set(product_ids_any=["A"], quantity_max=2))).discount
        == 200
    )
    bent = _priced(
        [_item(1000, "3")],
        _rule(_set(product_ids_any=["A"], quantity_max=2)),
        bugs=Bugs(quantity_max_ignored=True),
    )
    assert bent.discount == 300


def test_buy_two_get_one_free_by_strategy() -> None:
    """Over 1000, 800 and 600: LEAST_EXPENSIVE excluded takes 1000, MOST_EXPENSIVE takes 600."""
    lines = [_item(1000, "1", "A"), _item(800, "1", "B"), _item(600, "1", "C")]
    three = _set(product_ids_any=["A", "B", "C"], quantity_exact=3)
    two = _set(product_ids_any=["A", "B", "C"], quantity_exact=2)
    assert _priced(lines, _rule(three, FREE, exclude=two)).discount == 1000
    most = _rule(three, FREE, exclude=two, exclude_most_expensive=True)
    assert _priced(lines, most).discount == 600
    swapped = _priced(lines, _rule(three, FREE, exclude=two), bugs=Bugs(exclusion_swapped=True))
    assert swapped.discount == 600


def test_apply_set_takes_the_cheapest_of_each_match() -> None:
    """The deprecated apply set: the discount goes only to the units it matches."""
    lines = [_item(1000, "1", "A"), _item(600, "1", "B")]
    one = _set(product_ids_any=["A", "B"], quantity_exact=1)
    match = _set(product_ids_any=["A", "B"], quantity_exact=2)
    assert _priced(lines, _rule(match, FREE, apply=one)).discount == 600


def test_only_the_best_rule_per_line() -> None:
    """10% and 150 off on 1000: only the 150 applies; with the stacking fault, both."""
    everything = _set(all_products=True)
    off = Rule("R2", "D2", Discount(amount=150), everything)
    lines = [_item(1000)]
    best = _priced(lines, _rule(everything), off)
    assert (best.discount, [d.rule_id for d in best.discounts]) == (150, ["R2"])
    assert _priced(lines, _rule(everything), off, bugs=Bugs(stacking=True)).discount == 250


def test_rules_in_effect() -> None:
    """Dates, local times, periods, minimum subtotal and groups hold rules back."""
    s = _set(all_products=True)
    cases: list[tuple[dict[str, Any], int]] = [
        ({"data": {"valid_until_date": "2026-03-03"}}, 0),
        ({"data": {"valid_from_local_time": "13:00:00", "valid_until_local_time": "14:00:00"}}, 0),
        (
            {"data": {"valid_from_local_time": "11:00:00", "valid_until_local_time": "13:00:00"}},
            100,
        ),
        (
            {"data": {"valid_from_local_time": "22:00:00", "valid_until_local_time": "13:00:00"}},
            100,
        ),
        ({"periods": ("DTSTART:20990101T000000\nDURATION:PT1H",)}, 0),
        ({"periods": ("DTSTART:20200101T000000\nDURATION:PT24H\nRRULE:FREQ=DAILY",)}, 100),
        ({"minimum": 1500}, 0),
        ({"minimum": 1000}, 100),
        ({"data": {"customer_group_ids_any": ["G"]}}, 0),
    ]
    for extra, expected in cases:
        assert _priced([_item(1000)], _rule(s, **extra)).discount == expected, extra


def test_blocked_lines_take_no_part() -> None:
    """A line blocking the rule's DISCOUNT is not matched; the other line is."""
    blocked = Line(1000, Decimal(1), keys=frozenset({"A"}), blocked=frozenset({"D"}))
    order = _priced([blocked, _item(1000)], _rule(_set(all_products=True)))
    assert [line.discount for line in order.lines] == [0, 100]


def test_match_sets_ignore_ineligible_lines() -> None:
    """Only the eligible lines' units form match sets."""
    lines = [_item(1000, "2"), _item(1000, "2")]
    sets = match_sets(
        {"product_ids_any": ["A"], "quantity_exact": 2}, lines, [1], Catalog({}), Bugs(), False
    )
    assert sets == [(((1, Decimal(2)),), 1)]
