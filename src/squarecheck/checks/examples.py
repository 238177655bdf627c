"""Square's own Orders examples (specs/examples/orders.json) and how to compare their amounts.

The CalculateOrder, CreateOrder and UpdateOrder request and response examples of Square's spec
are the golden cases of pricing: sent as their requests say (with the seller's location and the
ids its catalog gave the objects they name), an implementation must answer the same amounts,
line by line. `amounts` is what is compared: every money figure of the order and of each line,
and what each discount and tax applied, by uid; never ids, uids Square makes, or timestamps.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from squarecheck.paths import specs_dir

Json = dict[str, Any]
LINE_MONEY = (
    "base_price_money", "variation_total_price_money", "gross_sales_money",
    "total_discount_money", "total_tax_money", "total_money", "total_service_charge_money",
)  # fmt: skip
ORDER_MONEY = (
    "total_money", "total_tax_money", "total_discount_money", "total_tip_money",
    "total_service_charge_money",
)  # fmt: skip


@cache
def _examples() -> Json:
    with open(specs_dir() / "examples" / "orders.json", encoding="utf-8") as fh:
        loaded: Json = json.load(fh)
    return loaded


def example(operation: str) -> Json:
    """{request, response} of one operation's example (a copy)."""
    found: Json = copy.deepcopy(_examples()[operation])
    return found


def example_catalog() -> list[Json]:
    """The catalog objects the CreateOrder example names, as `#` objects to upsert."""
    return copy.deepcopy(list(_examples()["catalog"].values()))


def with_ids(request: Json, location_id: str, mapped: dict[str, str]) -> Json:
    """The example `request` at `location_id`, its catalog ids replaced by the seller's own
    (`mapped`: client id of `example_catalog()` -> server id)."""
    renamed = {old: mapped[new] for old, new in _examples()["catalog_ids"].items() if new in mapped}

    def swap(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return renamed.get(node, node) if isinstance(node, str) else node

    out: Json = swap(copy.deepcopy(request))
    out["order"]["location_id"] = location_id
    out.pop("idempotency_key", None)
    return out


def _amount(money: Any) -> int | None:
    return int(money["amount"]) if isinstance(money, dict) and "amount" in money else None


def _applied(entries: Any, member: str) -> dict[str, int | None]:
    return {
        str(e.get(member)): _amount(e.get("applied_money"))
        for e in entries or []
        if isinstance(e, dict)
    }


def amounts(order: Json) -> Json:
    """Every money figure of `order`, line by line, keyed so two orders compare with ==."""
    lines = []
    for line in order.get("line_items") or []:
        figures: Json = {key: _amount(line.get(key)) for key in LINE_MONEY}
        figures["modifiers"] = [
            _amount(m.get("total_price_money")) for m in line.get("modifiers") or []
        ]
        figures["discounts"] = _applied(line.get("applied_discounts"), "discount_uid")
        figures["taxes"] = _applied(line.get("applied_taxes"), "tax_uid")
        lines.append(figures)
    out: Json = {key: _amount(order.get(key)) for key in ORDER_MONEY}
    out["lines"] = lines
    out["discounts"] = _applied(order.get("discounts"), "uid")
    out["taxes"] = _applied(order.get("taxes"), "uid")
    net = order.get("net_amounts") or {}
    out["net_amounts"] = {key: _amount(value) for key, value in sorted(net.items())}
    return out


def comparable(order: Json, sent: set[str]) -> Json:
    """`amounts` with each uid a server made (for a discount or tax sent without one) replaced
    by the entry's name, so Square's example and any answer compare."""
    figures = amounts(order)
    names: dict[str, str] = {}
    for key in ("discounts", "taxes"):
        for index, entry in enumerate(order.get(key) or []):
            uid = str(entry.get("uid"))
            if uid not in sent:
                names[uid] = f"{key}:{entry.get('name') or index}"
    for key in ("discounts", "taxes"):
        figures[key] = {names.get(u, u): v for u, v in figures[key].items()}
        for line in figures["lines"]:
            line[key] = {names.get(u, u): v for u, v in line[key].items()}
    return figures


def sent_uids(request: Json) -> set[str]:
    """The uids a request gave its discounts and taxes."""
    order = request.get("order") or {}
    return {
        str(entry["uid"])
        for key in ("discounts", "taxes")
        for entry in order.get(key) or []
        if entry.get("uid")
    }


def shown_by(observed: Any, expected: Any) -> Any:
    """`observed` cut to the figures `expected` shows (an example leaves some out, e.g. tips):
    Square's figures must all be there and equal, the answer may show more."""
    if isinstance(observed, dict) and isinstance(expected, dict):
        return {k: shown_by(observed.get(k), v) for k, v in expected.items() if v is not None}
    if isinstance(observed, list) and isinstance(expected, list):
        return [shown_by(o, e) for o, e in zip(observed, expected, strict=False)] + observed[
            len(expected) :
        ]
    return observed


def same_amounts(observed: Json, expected: Json, sent: set[str]) -> tuple[Json, Json]:
    """(what the answer shows of Square's figures, Square's figures), to compare with ==."""
    want = comparable(expected, sent)
    want = {k: v for k, v in want.items() if v is not None}
    cleaned = _drop_none(want)
    return shown_by(comparable(observed, sent), cleaned), cleaned


def _drop_none(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _drop_none(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_drop_none(v) for v in node]
    return node
