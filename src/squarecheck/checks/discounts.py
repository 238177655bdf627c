"""What the group_discounts suite works with: a seller's shop (location, catalog, customers)
and the expectations the behaviour table sets for a priced order.

Every catalog object a check creates is named with the run's prefix. A check judges only the
discounts of its own rules (by `pricing_rule_id`). Its rules name its own products or are for
its own group, so that checks running side by side never compete for a line (the best rule
takes it); a seller's own rule may, and a failure it causes names it. Pricing may lag behind
membership and catalog changes on Square, so a check that waits for a price to change polls
within --search-timeout, as the search checks do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from squarecheck.checks.context import Check
from squarecheck.checks.expect import expect_equal, expect_status, expect_true
from squarecheck.errors import ConformanceFailure
from squarecheck.target.client import Response

Json = dict[str, Any]


def discount_applies(
    check: Check, *, grouped: bool, member: bool = False, auto: bool | None = True
) -> bool:
    """Whether a matched line gets a rule's discount under the check's version.

    Rows auto-apply-discounts (rules apply only with auto_apply_discounts true, and not at all
    before 2020-07-22) and group-discount-eligibility (a grouped rule applies to members only,
    or to everyone before 2021-04-21, when the field did not exist).
    """
    if check.expect_of("auto-apply-discounts")["applies"] == "never" or auto is not True:
        return False
    if not grouped or member:
        return True
    return bool(check.expect_of("group-discount-eligibility")["applies_to"] == "everyone")


def amount(money: Any) -> int:
    """The amount of a Money object (0 when absent)."""
    return int((money or {}).get("amount") or 0)


@dataclass
class Shop:
    """One check's view of the seller: its main location and what the check creates."""

    check: Check
    location_id: str
    currency: str
    rules: set[str] = field(default_factory=set)
    _own: tuple[str, str] | None = None
    timezone: str = "UTC"

    @classmethod
    def open(cls, check: Check) -> Shop:
        """The shop at the seller's main location, retrieved once per token and version: a
        check only builds on it (its own checks are the locations family's)."""
        client = check.client
        key = ("main-location", client.token or "", client.version or "")
        location = client.conn.settled.get(key)
        if location is None:
            resp = client.retrieve_location("main")
            expect_status(resp, 200, "retrieving the main location")
            location = client.conn.settled[key] = resp.body["location"]
        currency = str(location.get("currency") or "USD")
        zone = str(location.get("timezone") or "UTC")
        return cls(check, str(location["id"]), currency, timezone=zone)

    @property
    def prefix(self) -> str:
        """The start every name this check makes shares, and no other check's names."""
        name = self.check.new_name("x")
        return name[: name.rindex("-") + 1]

    def money(self, amount: int) -> Json:
        return {"amount": amount, "currency": self.currency}

    # --- customers -----------------------------------------------------------------------
    def group(self) -> str:
        resp = self.check.client.create_group(self.check.new_name("g"), key=self.check.new_key())
        expect_status(resp, 200, "creating a group")
        return str(resp.body["group"]["id"])

    def customer(self) -> str:
        resp = self.check.client.create_customer(self.check.new_name("c"))
        expect_status(resp, 200, "creating a customer")
        return str(resp.body["customer"]["id"])

    def member(self, group: str) -> str:
        customer = self.customer()
        expect_status(self.check.client.add_group(customer, group), 200, "adding to the group")
        return customer

    def own_group(self) -> str:
        """A group of this check with one member, `buyer` (made on first use)."""
        if self._own is None:
            group = self.group()
            self._own = (group, self.member(group))
        return self._own[0]

    @property
    def buyer(self) -> str | None:
        """The member of `own_group()`, or None before it exists (an anonymous buyer)."""
        return self._own[1] if self._own else None

    # --- catalog objects (named with the run prefix) -------------------------------------
    def item(self, client_id: str, price: int, category: str | None = None) -> Json:
        """An ITEM with one variation, `<client_id>-v`, at `price`."""
        variation = {
            "type": "ITEM_VARIATION",
            "id": f"{client_id}-v",
            "item_variation_data": {
                "name": self.check.new_name("var"),
                "pricing_type": "FIXED_PRICING",
                "price_money": self.money(price),
            },
        }
        data: Json = {"name": self.check.new_name("item"), "variations": [variation]}
        if category:
            data["categories"] = [{"id": category}]
        return {"type": "ITEM", "id": client_id, "item_data": data}

    def category(self, client_id: str) -> Json:
        name = self.check.new_name("cat")
        return {"type": "CATEGORY", "id": client_id, "category_data": {"name": name}}

    def percent(self, client_id: str, percentage: str, maximum: int | None = None) -> Json:
        data: Json = {
            "name": self.check.new_name("disc"),
            "discount_type": "FIXED_PERCENTAGE",
            "percentage": percentage,
        }
        if maximum is not None:
            data["maximum_amount_money"] = self.money(maximum)
        return {"type": "DISCOUNT", "id": client_id, "discount_data": data}

    def amount_off(self, client_id: str, amount: int) -> Json:
        data = {
            "name": self.check.new_name("disc"),
            "discount_type": "FIXED_AMOUNT",
            "amount_money": self.money(amount),
        }
        return {"type": "DISCOUNT", "id": client_id, "discount_data": data}

    def product_set(self, client_id: str, **data: Any) -> Json:
        body = {"name": self.check.new_name("set"), **data}
        return {"type": "PRODUCT_SET", "id": client_id, "product_set_data": body}

    def rule(self, client_id: str, discount: str, products: str, **data: Any) -> Json:
        body = {
            "name": self.check.new_name("rule"),
            "discount_id": discount,
            "match_products_id": products,
            **data,
        }
        return {"type": "PRICING_RULE", "id": client_id, "pricing_rule_data": body}

    def tax(self, client_id: str, percentage: str, **data: Any) -> Json:
        body = {"name": self.check.new_name("tax"), "percentage": percentage, **data}
        return {"type": "TAX", "id": client_id, "tax_data": body}

    def time_period(self, client_id: str, event: str) -> Json:
        return {"type": "TIME_PERIOD", "id": client_id, "time_period_data": {"event": event}}

    def upsert(
        self, *batches: list[Json], key: str | None = None, version: str | None = None
    ) -> Response:
        """A batch upsert (under `version` instead of the check's, when given)."""
        key = key or self.check.new_key()
        return self.check.client.batch_upsert_catalog(list(batches), key, version=version)

    def created(self, *objects: Json, version: str | None = None) -> dict[str, str]:
        """Upsert `objects` in one batch; client id -> server id for every `#` id."""
        resp = self.upsert(list(objects), version=version)
        expect_status(resp, 200, "creating catalog objects")
        mapped = {
            str(m["client_object_id"]): str(m["object_id"]) for m in resp.get("id_mappings") or []
        }
        wanted = {str(o["id"]) for o in objects} | {
            str(v["id"])
            for o in objects
            for data, member in (("item_data", "variations"), ("modifier_list_data", "modifiers"))
            for v in (o.get(data) or {}).get(member) or []
        }
        expect_true(wanted <= set(mapped), f"id_mappings lack {sorted(wanted - set(mapped))}", resp)
        self.rules |= {mapped[str(o["id"])] for o in objects if o["type"] == "PRICING_RULE"}
        return mapped

    def adopt(self) -> None:
        """Put this check's catalog objects no answer reported (a partly failed batch) in the
        ledger, so that they are deleted like everything else the check made."""
        types = ["ITEM", "ITEM_VARIATION", "CATEGORY", "DISCOUNT", "PRODUCT_SET", "PRICING_RULE",
                 "TAX", "TIME_PERIOD", "MODIFIER_LIST"]  # fmt: skip
        query = {"prefix_query": {"attribute_name": "name", "attribute_prefix": self.prefix}}
        resp = self.check.client.search_catalog({"object_types": types, "query": query})
        for obj in resp.get("objects") or [] if resp.status == 200 else []:
            data: Any = next((v for k, v in obj.items() if k.endswith("_data")), {})
            name = str(data.get("name") or "") if isinstance(data, dict) else ""
            self.check.ledger.add("catalog", str(obj["id"]), name, self.check.client.token)

    def group_discount(
        self, groups: list[str] | None, percentage: str = "10", price: int = 1000
    ) -> dict[str, str]:
        """An item at `price`, a discount, a product set of the item and a rule for `groups`."""
        extra = {"customer_group_ids_any": groups} if groups else {}
        return self.created(
            self.item("#item", price),
            self.percent("#disc", percentage),
            self.product_set("#set", product_ids_any=["#item"]),
            self.rule("#rule", "#disc", "#set", **extra),
        )

    # --- orders ----------------------------------------------------------------------------
    def line(self, variation: str, quantity: str = "1", **extra: Any) -> Json:
        return {"catalog_object_id": variation, "quantity": quantity, **extra}

    def order(
        self, lines: list[Json], customer: str | None = None, auto: bool | None = True
    ) -> Json:
        """An order of `lines` at the main location (auto_apply_discounts unless `auto` is None)."""
        order: Json = {"location_id": self.location_id, "line_items": lines}
        if customer is not None:
            order["customer_id"] = customer
        if auto is not None:
            order["pricing_options"] = {"auto_apply_discounts": auto}
        return order

    def calculate(
        self, lines: list[Json], customer: str | None = None, auto: bool | None = True
    ) -> Response:
        return self.check.client.calculate_order(self.order(lines, customer, auto))

    def priced(
        self, lines: list[Json], customer: str | None = None, auto: bool | None = True
    ) -> Json:
        resp = self.check.judge(self.calculate(lines, customer, auto))
        expect_status(resp, 200, "from CalculateOrder")
        order: Json = resp.body["order"]
        return order

    def shares(self, order: Json) -> list[int]:
        """Per line, what this check's rules took off it."""
        own = {
            d.get("uid")
            for d in order.get("discounts") or []
            if d.get("pricing_rule_id") in self.rules
        }
        return [
            sum(
                amount(a.get("applied_money"))
                for a in line.get("applied_discounts") or []
                if a.get("discount_uid") in own
            )
            for line in order.get("line_items") or []
        ]

    def discount(self, order: Json) -> int:
        """What this check's rules took off the whole order."""
        return sum(self.shares(order))

    def rivals(self, order: Json) -> list[str]:
        """The seller's other rules that discount this check's lines: the best rule takes a
        line, so one of them (a seller's own promotion on a real account) may keep a check's
        rule off it."""
        theirs = {
            d.get("uid"): str(d["pricing_rule_id"])
            for d in order.get("discounts") or []
            if d.get("pricing_rule_id") and d["pricing_rule_id"] not in self.rules
        }
        return sorted(
            {
                theirs[a.get("discount_uid")]
                for line in order.get("line_items") or []
                for a in line.get("applied_discounts") or []
                if a.get("discount_uid") in theirs
            }
        )

    def settled(self, price: Callable[[], Json], discounted: bool, what: str) -> Json:
        """Poll `price` until this check's rules do (or do not) discount it (--search-timeout).

        A check's rule kept off its lines by another rule of the seller says which."""
        last: list[Json] = []

        def fetch() -> Json:
            last[:] = [price()]
            return last[0]

        def done(order: Json) -> bool:
            return (self.discount(order) > 0) == discounted

        try:
            return self.check.poll(fetch, done, what)
        except ConformanceFailure as failure:
            rivals = self.rivals(last[0]) if last and discounted else []
            if not rivals:
                raise
            raise ConformanceFailure(
                f"{failure.message}; the seller's other rules {', '.join(rivals)} took its"
                " lines (the best rule takes a line; use an account without such rules)",
                operation=failure.operation,
                version=failure.version,
            ) from None

    def expect_discount(self, order: Json, wanted: int, what: str) -> None:
        self.check.observe(discounted=self.discount(order) > 0)
        expect_equal(what, wanted, self.discount(order), self.check.judged)
