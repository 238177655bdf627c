"""SearchCustomers and ListCustomers against a plain Python model of the rules (square-facts §6).

A random seller (names that tie, profiles that sort on company, email or phone, members of
overlapping groups) is searched with random combinations of group filters, text filters, sort
field, order and page size; following every cursor must give exactly the model's list, and
`count` the model's total.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.emulator import NEW, Api

SEARCH = "/v2/customers/search"
NAMES = ("Ann", "ann", "Bo", "Zoë", "Émile", "10", "9", "")
GROUPS = ("A", "B", "C")


@pytest.fixture
def seller(server: EmulatorServer) -> Iterator[Api]:
    api = Api(server.url, NEW)
    yield api
    api.close()


def _profile(rng: random.Random, index: int) -> dict[str, str]:
    fields = {"reference_id": f"r{index % 4}"}
    kind = rng.choice(("name", "name", "company", "email", "phone"))
    if kind == "name":
        fields["given_name"] = rng.choice(NAMES) or "x"
        if rng.random() < 0.5:
            fields["family_name"] = rng.choice(NAMES) or "y"
    elif kind == "company":
        fields["company_name"] = rng.choice(("Acme", "acme", "Bolt"))
    elif kind == "email":
        fields["email_address"] = f"{rng.choice(('zed', 'amy', 'Bob'))}{index}@example.com"
    else:
        fields["phone_number"] = f"+1 555 010 {index:04d}"
    return fields


def _sort_key(customer: dict[str, Any]) -> str:
    name = f"{customer.get('given_name') or ''}{customer.get('family_name') or ''}"
    for fallback in (name, customer.get("company_name"), customer.get("email_address"),
                     customer.get("phone_number")):  # fmt: skip
        if fallback:
            return str(fallback)
    return ""


def _world(api: Api, rng: random.Random, size: int) -> tuple[dict[str, str], list[dict[str, Any]]]:
    groups = {name: api.group(name)["id"] for name in GROUPS}
    made = [api.customer(**_profile(rng, index)) for index in range(size)]
    for customer in made:
        for name in GROUPS:
            if rng.random() < 0.4:
                api.ok("PUT", f"/v2/customers/{customer['id']}/groups/{groups[name]}")
    everyone = [api.ok("GET", f"/v2/customers/{c['id']}")["customer"] for c in made]
    return groups, everyone


def _model(
    everyone: list[dict[str, Any]], flt: dict[str, Any], ids: dict[str, str], sort: dict[str, str]
) -> list[str]:
    def keep(customer: dict[str, Any]) -> bool:
        mine = set(customer.get("group_ids", []))
        rules = flt.get("group_ids", {})
        if rules.get("any") and not mine & set(rules["any"]):
            return False
        if not mine.issuperset(rules.get("all", [])) or mine & set(rules.get("none", [])):
            return False
        email = flt.get("email_address", {}).get("fuzzy")
        return email is None or email.casefold() in customer.get("email_address", "").casefold()

    order = list(range(len(everyone)))  # creation order breaks ties
    if sort["field"] == "DEFAULT":
        order.sort(key=lambda index: _sort_key(everyone[index]))
    if sort["order"] == "DESC":
        order.reverse()
    return [everyone[index]["id"] for index in order if keep(everyone[index])]


def _random_filter(rng: random.Random, groups: dict[str, str]) -> dict[str, Any]:
    rules: dict[str, list[str]] = {}
    if rng.random() < 0.3:  # a single condition on a single group (counted from counters)
        rules[rng.choice(("any", "all", "none"))] = [groups[rng.choice(GROUPS)]]
    for rule in ("any", "all", "none"):
        if rng.random() < 0.3:
            rules[rule] = [groups[name] for name in rng.sample(GROUPS, rng.randint(1, 2))]
    flt: dict[str, Any] = {"group_ids": rules} if rules else {}
    if rng.random() < 0.2:
        flt["email_address"] = {"fuzzy": rng.choice(("ZED", "amy", "@example"))}
    return flt


def _pages(api: Api, body: dict[str, Any], limit: int) -> tuple[list[str], int]:
    seen: list[str] = []
    page = api.ok("POST", SEARCH, json={**body, "limit": limit, "count": True})
    count = page.get("count", 0)
    while True:
        seen += [customer["id"] for customer in page.get("customers", [])]
        if "cursor" not in page:
            return seen, count
        page = api.ok("POST", SEARCH, json={**body, "limit": limit, "cursor": page["cursor"]})


@pytest.mark.parametrize("seed", [1, 2])
def test_search_follows_the_model(seller: Api, seed: int) -> None:
    """Every filter, sort and page size gives the model's profiles, in its order, and its count."""
    rng = random.Random(seed)
    groups, everyone = _world(seller, rng, 45)
    for _ in range(40):
        flt = _random_filter(rng, groups)
        field, order = rng.choice(("DEFAULT", "CREATED_AT")), rng.choice(("ASC", "DESC"))
        sort = {"field": field, "order": order}
        body = {"query": {"filter": flt, "sort": sort}}
        seen, count = _pages(seller, body, rng.randint(1, 9))
        expected = _model(everyone, flt, groups, sort)
        assert seen == expected, body
        assert count == len(expected), body


def test_list_follows_the_model(seller: Api) -> None:
    """ListCustomers pages in the model's order for both sort fields and orders."""
    rng = random.Random(3)
    groups, everyone = _world(seller, rng, 30)
    for field in ("DEFAULT", "CREATED_AT"):
        for order in ("ASC", "DESC"):
            seen: list[str] = []
            params: dict[str, Any] = {"limit": 4, "sort_field": field, "sort_order": order}
            while True:
                page = seller.ok("GET", "/v2/customers", params=params)
                seen += [customer["id"] for customer in page.get("customers", [])]
                if "cursor" not in page:
                    break
                params["cursor"] = page["cursor"]
            assert seen == _model(everyone, {}, groups, {"field": field, "order": order})


def test_lagged_search_converges_to_the_model(lagged_server: EmulatorServer) -> None:
    """With search lag, renames, deletions and membership changes reach search after the lag."""
    api = Api(lagged_server.url, NEW)
    rng = random.Random(4)
    groups, everyone = _world(api, rng, 20)
    doomed, renamed = everyone[0]["id"], everyone[1]["id"]
    api.ok("DELETE", f"/v2/customers/{doomed}")
    api.ok("PUT", f"/v2/customers/{renamed}", json={"given_name": "Aaron", "family_name": None})
    api.ok("DELETE", f"/v2/customers/groups/{groups['C']}")
    del groups["C"]
    for customer in everyone[2:6]:
        api.ok("PUT", f"/v2/customers/{customer['id']}/groups/{groups['A']}")
    everyone = [api.ok("GET", f"/v2/customers/{c['id']}")["customer"] for c in everyone[1:]]
    time.sleep(2.5)  # the fixture's lag is 2 s: every write above is now older than it
    for flt in ({}, {"group_ids": {"any": [groups["A"]]}}, {"group_ids": {"none": [groups["B"]]}}):
        for field in ("DEFAULT", "CREATED_AT"):
            sort = {"field": field, "order": "ASC"}
            seen, count = _pages(api, {"query": {"filter": flt, "sort": sort}}, 7)
            assert seen == _model(everyone, flt, groups, sort)
            assert count == len(seen)
    api.close()
