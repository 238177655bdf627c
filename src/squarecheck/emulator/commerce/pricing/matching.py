"""Product sets and match sets: which units of an order a pricing rule discounts.

From Square's spec (spec-head CatalogProductSet, CatalogPricingRule):
- "Including a catalog object will include all of its subtypes": a set naming a category
  matches its items' variations, one naming an item its variations (`Line.keys`).
- `match_products_id`: "A match rule matches within the entire cart, and can match multiple
  times." `quantity_exact` N is a match set of N units, formed again and again while N units are
  left (a threshold, not a cap: https://developer.squareup.com/forums/t/25371, 9 qualifying items
  with quantity_exact 1 are all discounted); `quantity_min` M is one match set of every matching
  unit once there are M; `quantity_max` Q "will apply to a maximum of this many items".
- `product_ids_all`: "All objects in this set must be included"; a match set holds one unit of
  each (or of a nested PRODUCT_SET, "used with product_ids_all in a parent CatalogProductSet to
  match groups of products", as many units as that set's quantity asks), again and again.
- `exclude_products_id`: "An exclude rule matches within the subset of the cart that fits the
  match rules (the match set). An exclude rule can only match once in the match set";
  `exclude_strategy` LEAST_EXPENSIVE (the default) or MOST_EXPENSIVE says which matched units
  it takes. The deprecated `apply_products_id` is the other way round: the discount goes only
  to the units it matches, once in each match set.
Where Square is silent (assumed, docs/emulator.md): units form match sets most expensive first;
an apply set takes the least expensive units; an exclude or apply set without quantity_exact
takes every unit it matches in the match set.

Work stays linear in lines: a run of identical match sets (the units of one line) is handled
once with its repeat count, so a quantity of 999,999 costs what a quantity of 2 does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from squarecheck.emulator.commerce.pricing.model import Bugs, Json, Line

ZERO = Decimal(0)
MAX_NESTING = 4  # product sets inside product sets, deeper ones match nothing
Composition = tuple[tuple[int, Decimal], ...]  # (line index, units) of one match set


@dataclass(frozen=True)
class Catalog:
    """What matching may look up: PRODUCT_SETs by id (others never match as a set)."""

    sets: Mapping[str, Json]


def _quantities(data: Mapping[str, Any]) -> tuple[int | None, int | None, int | None]:
    return data.get("quantity_exact"), data.get("quantity_min"), data.get("quantity_max")


def unit_matches(
    data: Mapping[str, Any], line: Line, catalog: Catalog, bugs: Bugs, ad_hoc: bool, depth: int = 0
) -> bool:
    """Whether one unit of `line` is a product of the set `data` (product_set_data)."""
    if data.get("all_products"):
        return not line.ad_hoc or ad_hoc
    ids = data.get("product_ids_any") or data.get("product_ids_all") or []
    for product in ids:
        if product in line.keys:
            return True
        child = catalog.sets.get(product)
        if child is not None and not bugs.nested_ignored and depth < MAX_NESTING:
            inner = child.get("product_set_data") or {}
            if unit_matches(inner, line, catalog, bugs, ad_hoc, depth + 1):
                return True
    return False


def _runs(lines: Sequence[Line], chosen: Sequence[int]) -> list[tuple[int, Decimal]]:
    """The chosen lines' units, most expensive first (then in line order)."""
    ordered = sorted(chosen, key=lambda i: (-(lines[i].unit + sum(lines[i].modifiers)), i))
    return [(i, lines[i].quantity) for i in ordered]


def windows(runs: Sequence[tuple[int, Decimal]], size: Decimal, count: int) -> Iterator[Any]:
    """`count` consecutive match sets of `size` units over `runs`, as (composition, repeats):
    consecutive identical sets (inside one line) come as one with their repeat count."""
    index, used, left = 0, ZERO, count
    while left > 0 and index < len(runs):
        line, quantity = runs[index]
        rest = quantity - used
        whole = int(rest // size)
        if whole > 0:
            repeats = min(whole, left)
            yield ((line, size),), repeats
            used += size * repeats
            left -= repeats
        else:
            parts: list[tuple[int, Decimal]] = []
            need = size
            while need > 0 and index < len(runs):
                line, quantity = runs[index]
                take = min(quantity - used, need)
                if take > 0:
                    parts.append((line, take))
                need -= take
                used += take
                if used >= quantity:
                    index, used = index + 1, ZERO
            if need > 0:
                return
            yield tuple(parts), 1
            left -= 1
            continue
        if used >= quantity:
            index, used = index + 1, ZERO


def _aligned(sequences: list[list[tuple[Composition, int]]]) -> Iterator[tuple[Composition, int]]:
    """Zip per-slot (composition, repeats) sequences into whole match sets."""
    positions = [0] * len(sequences)
    remaining = [seq[0][1] if seq else 0 for seq in sequences]
    while all(p < len(s) for p, s in zip(positions, sequences, strict=True)):
        step = min(remaining)
        yield (
            tuple(part for s, p in zip(sequences, positions, strict=True) for part in s[p][0]),
            step,
        )
        for k, seq in enumerate(sequences):
            remaining[k] -= step
            if remaining[k] == 0:
                positions[k] += 1
                remaining[k] = seq[positions[k]][1] if positions[k] < len(seq) else 0


def match_sets(
    data: Mapping[str, Any],
    lines: Sequence[Line],
    eligible: Sequence[int],
    catalog: Catalog,
    bugs: Bugs,
    ad_hoc: bool,
) -> list[tuple[Composition, int]]:
    """The match sets a product set forms over the `eligible` lines (see the module docstring).

    Long because the two kinds of set (one slot, or one slot per product of product_ids_all)
    share their quantity bounds."""
    exact, least, most = _quantities(data)
    if bugs.quantity_max_ignored:
        most = None
    if data.get("product_ids_all"):
        slots: list[list[int]] = []
        sizes: list[Decimal] = []
        taken: set[int] = set()
        for product in data["product_ids_all"]:
            child = None if bugs.nested_ignored else catalog.sets.get(product)
            inner = (child or {}).get("product_set_data") or {"product_ids_any": [product]}
            mine = [
                i
                for i in eligible
                if i not in taken and unit_matches(inner, lines[i], catalog, bugs, ad_hoc)
            ]
            taken.update(mine)
            c_exact, c_min, _ = _quantities(inner) if child else (None, None, None)
            slots.append(mine)
            sizes.append(Decimal(c_exact or c_min or 1))
        runs = [_runs(lines, slot) for slot in slots]
        totals = [sum((q for _, q in r), ZERO) for r in runs]
        combos = min((int(t // s) for t, s in zip(totals, sizes, strict=True)), default=0)
        combos = _bounded(combos, exact, least, most, bugs)
        per_slot = [list(windows(r, s, combos)) for r, s in zip(runs, sizes, strict=True)]
        return list(_aligned(per_slot)) if combos > 0 else []
    mine = [i for i in eligible if unit_matches(data, lines[i], catalog, bugs, ad_hoc)]
    units = _runs(lines, mine)
    total = sum((q for _, q in units), ZERO)
    if exact:
        if bugs.exact_as_cap:
            return list(windows(units, total, 1)) if total == exact else []
        return list(windows(units, Decimal(exact), int(total // exact)))
    if total <= 0 or (least is not None and total < least):
        return []
    size = min(total, Decimal(most)) if most is not None else total
    return list(windows(units, size, 1))


def _bounded(
    combos: int, exact: int | None, least: int | None, most: int | None, bugs: Bugs
) -> int:
    """How many product_ids_all combinations the set's own quantities allow."""
    if exact:
        if bugs.exact_as_cap:
            return combos if combos == exact else 0
        return combos // exact * exact
    if least is not None and combos < least:
        return 0
    return min(combos, most) if most is not None else combos


def _pick(
    composition: Composition,
    lines: Sequence[Line],
    matches: Callable[[Line], bool],
    count: int | None,
    cheapest: bool,
) -> dict[int, Decimal]:
    """Units of one match set a product set takes: `count` of them (every one when None), the
    cheapest or the dearest first."""
    price = {i: lines[i].unit + sum(lines[i].modifiers) for i, _ in composition}
    ordered = sorted(composition, key=lambda p: (price[p[0]], p[0]), reverse=not cheapest)
    need = Decimal(count) if count is not None else None
    picked: dict[int, Decimal] = {}
    for line, units in ordered:
        if not matches(lines[line]):
            continue
        take = units if need is None else min(units, need)
        if take > 0:
            picked[line] = picked.get(line, ZERO) + take
        if need is not None:
            need -= take
            if need <= 0:
                break
    return picked


def discounted_units(
    sets: list[tuple[Composition, int]],
    lines: Sequence[Line],
    exclude: Mapping[str, Any] | None,
    apply: Mapping[str, Any] | None,
    most_expensive: bool,
    catalog: Catalog,
    bugs: Bugs,
    ad_hoc: bool,
) -> dict[int, Decimal]:
    """Units per line the rule discounts: every unit of every match set, but only those of the
    apply set and none of the exclude set."""
    out: dict[int, Decimal] = {}
    for composition, repeats in sets:
        chosen = {i: q for i, q in composition}
        if apply is not None:
            count = apply.get("quantity_exact")
            chosen = _pick(composition, lines, _matcher(apply, catalog, bugs, ad_hoc), count, True)
        if exclude is not None and _enough(exclude, composition, lines, catalog, bugs, ad_hoc):
            cheapest = not most_expensive
            if bugs.exclusion_swapped:
                cheapest = not cheapest
            count = exclude.get("quantity_exact") or exclude.get("quantity_max")
            gone = _pick(
                composition, lines, _matcher(exclude, catalog, bugs, ad_hoc), count, cheapest
            )
            chosen = {i: q - gone.get(i, ZERO) for i, q in chosen.items()}
        for line, units in chosen.items():
            if units > 0:
                out[line] = out.get(line, ZERO) + units * repeats
    return out


def _matcher(
    data: Mapping[str, Any], catalog: Catalog, bugs: Bugs, ad_hoc: bool
) -> Callable[[Line], bool]:
    return lambda line: unit_matches(data, line, catalog, bugs, ad_hoc)


def _enough(
    data: Mapping[str, Any],
    composition: Composition,
    lines: Sequence[Line],
    catalog: Catalog,
    bugs: Bugs,
    ad_hoc: bool,
) -> bool:
    """An exclude set matches a match set only when it finds its quantity there."""
    exact, least, _ = _quantities(data)
    wanted = exact or least or 1
    found = sum(
        (q for i, q in composition if unit_matches(data, lines[i], catalog, bugs, ad_hoc)), ZERO
    )
    return found >= wanted
