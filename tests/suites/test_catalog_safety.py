"""Safety of the catalog and orders checks on a real account: guard, cleanup, orders, sweep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.responses import JSONResponse, Response

from squarecheck.checks import ToolError
from squarecheck.emulator.server import EmulatorServer
from squarecheck.target.client import Client, Connection
from squarecheck.target.ledger import Ledger
from squarecheck.target.redaction import Redactor
from tests.support.suites import LocalServer, RunResult

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses

SECRET = "sqcCATALOGtoken4Vb8Qw2"
TYPES = "ITEM,ITEM_VARIATION,CATEGORY,DISCOUNT,PRODUCT_SET,PRICING_RULE"


def _headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {SECRET}", "Square-Version": "2022-03-16"}


def _catalog(url: str) -> list[dict[str, Any]]:
    body = httpx.get(f"{url}/v2/catalog/list", params={"types": TYPES}, headers=_headers()).json()
    objects: list[dict[str, Any]] = body.get("objects", [])
    return objects


def _seed(url: str, *names: str) -> dict[str, str]:
    """An item (with a variation) and a discount per name; client id -> server id."""
    objects: list[dict[str, Any]] = []
    for index, name in enumerate(names):
        variation = {
            "type": "ITEM_VARIATION",
            "id": f"#v{index}",
            "item_variation_data": {"name": name},
        }
        objects.append(
            {
                "type": "ITEM",
                "id": f"#i{index}",
                "item_data": {"name": name, "variations": [variation]},
            }
        )
        discount = {"name": name, "discount_type": "FIXED_PERCENTAGE", "percentage": "5"}
        objects.append({"type": "DISCOUNT", "id": f"#d{index}", "discount_data": discount})
    body = {"idempotency_key": "seed-" + "-".join(names), "batches": [{"objects": objects}]}
    answer = httpx.post(f"{url}/v2/catalog/batch-upsert", headers=_headers(), json=body).json()
    return {m["client_object_id"]: m["object_id"] for m in answer["id_mappings"]}


def _client(url: str, create_orders: bool = False) -> Client:
    conn = Connection(url, Redactor([SECRET]), Ledger("sqc-test-"), create_orders=create_orders)
    return Client(conn, SECRET, "2022-03-16")


def test_guard_refuses_foreign_catalog_ids_and_orders(proxy: Callable[..., LocalServer]) -> None:
    """Changing or deleting a catalog id the run did not create, or an order, is refused."""
    server = proxy()
    client = _client(server.url)
    foreign = {
        "type": "DISCOUNT",
        "id": "SOMEONE-ELSES",
        "discount_data": {"discount_type": "FIXED_PERCENTAGE", "percentage": "5"},
    }
    attempts: list[Callable[[], object]] = [
        lambda: client.upsert_catalog_object(foreign, "k1"),
        lambda: client.batch_upsert_catalog([[foreign]], "k2"),
        lambda: client.delete_catalog_object("SOMEONE-ELSES"),
        lambda: client.batch_delete_catalog(["SOMEONE-ELSES"]),
        lambda: client.create_order({"location_id": "L"}, "k3"),
    ]
    for attempt in attempts:
        with pytest.raises(ToolError, match="refusing"):
            attempt()
    assert server.proxy.seen == []  # type: ignore[attr-defined]
    created = client.upsert_catalog_object({**foreign, "id": "#mine"}, "k4")
    mine = created.body["catalog_object"]
    assert client.conn.ledger.owns(mine["id"])
    assert client.upsert_catalog_object(mine, "k5").status == 200
    assert client.delete_catalog_object(mine["id"]).status == 200
    assert client.conn.ledger.pending() == []


def test_group_discount_run_leaves_the_catalog_as_it_was(
    emulator: EmulatorServer, proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """Against a remote target the family creates no order and deletes all it made, only that."""
    _seed(emulator.url, "Espresso", "sqc-not-this-run")
    before = _catalog(emulator.url)
    server = proxy()
    run = run_cli(
        "--target",
        server.url,
        "--token",
        SECRET,
        "-m",
        "group_discounts",
        "--square-version",
        "2022-03-16",
    )
    assert run.code == 0, run.stdout[-2000:]
    assert run.results["run"]["leftovers"] == 0
    assert sorted(c["id"] for c in run.outcomes("skipped")) == sorted(
        [
            "2022-03-16 > CreateOrder > a reused CreateOrder key",
            "2022-03-16 > CreateOrder > create and retrieve a member's order",
            "2022-03-16 > UpdateOrder > Square's UpdateOrder example",
            "2022-03-16 > UpdateOrder > discounts and a line's note",
            "2022-03-16 > UpdateOrder > a line added to a discounted order",
            "2022-03-16 > UpdateOrder > the same key twice",
            "2022-03-16 > UpdateOrder > a stale version",
        ]
    )
    seen = server.proxy.seen  # type: ignore[attr-defined]
    assert ("POST", "/v2/orders") not in seen
    assert not [request for request in seen if request[0] == "PUT" and "/v2/orders/" in request[1]]
    assert _catalog(emulator.url) == before


def test_create_orders_option_lets_the_check_create(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """With --create-orders the CreateOrder check runs against a remote target."""
    server = proxy()
    run = run_cli(
        "--target", server.url, "--token", SECRET, "--create-orders",
        "-k", "create_order", "--square-version", "2022-03-16",
    )  # fmt: skip
    assert run.code == 0, run.stdout[-2000:]
    assert [c["outcome"] for c in run.results["checks"]] == ["passed", "passed"]
    assert ("POST", "/v2/orders") in server.proxy.seen  # type: ignore[attr-defined]


def test_sweep_deletes_catalog_objects_of_the_prefix_only(
    emulator: EmulatorServer, run_cli: Callable[..., RunResult]
) -> None:
    """sweep --prefix deletes the prefix's items (with variations) and discounts, nothing else."""
    prefix = "sqc-20990101t000000-cafe-"
    _seed(emulator.url, f"{prefix}a", "keep me")
    run = run_cli("--prefix", prefix, "--target", emulator.url, "--token", SECRET, command="sweep")
    assert run.code == 0, run.stderr
    assert run.stdout.count("deleted catalog") == 3
    assert sorted({o["type"] for o in _catalog(emulator.url)}) == [
        "DISCOUNT",
        "ITEM",
        "ITEM_VARIATION",
    ]
    assert all("keep me" in str(o) for o in _catalog(emulator.url))


def test_catalog_leftovers_are_counted_and_swept(
    emulator: EmulatorServer, proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """When catalog deletes fail the run counts leftovers, and sweep removes them."""

    def refuse_catalog_deletes(count: int, method: str, path: str) -> Response | None:
        if path == "/v2/catalog/batch-delete":
            body = {"errors": [{"code": "SERVICE_UNAVAILABLE", "category": "API_ERROR"}]}
            return JSONResponse(body, status_code=503)
        return None

    server = proxy(intercept=refuse_catalog_deletes)
    run = run_cli(
        "--target",
        server.url,
        "--token",
        SECRET,
        "-k",
        "test_rounding and 915",
        "--square-version",
        "2022-03-16",
    )
    assert run.code == 0, run.stdout[-2000:]
    prefix = run.results["run"]["prefix"]
    assert run.results["run"]["leftovers"] == 5  # item, variation, discount, set, rule
    swept = run_cli(
        "--prefix", prefix, "--target", emulator.url, "--token", SECRET, command="sweep"
    )
    assert swept.code == 0 and swept.stdout.count("deleted catalog") == 5
    assert _catalog(emulator.url) == []


def _everything_written(url: str) -> dict[str, dict[str, Any]]:
    """Every catalog object the seller ever had, deleted ones included; id -> object."""
    found: dict[str, dict[str, Any]] = {}
    body: dict[str, Any] = {"object_types": TYPES.split(","), "include_deleted_objects": True}
    while True:
        answer = httpx.post(f"{url}/v2/catalog/search", headers=_headers(), json=body).json()
        found.update((o["id"], o) for o in answer.get("objects", []))
        if not answer.get("cursor"):
            return found
        body["cursor"] = answer["cursor"]


def _name(obj: dict[str, Any]) -> str:
    data = next((v for k, v in obj.items() if k.endswith("_data")), None)
    return str(data.get("name") or "") if isinstance(data, dict) else ""


def test_no_rule_of_a_check_discounts_another_checks_lines(
    emulator: EmulatorServer, run_cli: Callable[..., RunResult]
) -> None:
    """Every rule the family writes names only its own check's products, or is for the
    check's own group: checks running side by side never take each other's lines (a rule
    with a better or equal discount wins a line), and on a real account nobody's order is
    discounted. Versions before and after customer_group_ids_any exists, where an
    `all_products` rule's group would be dropped."""
    run = run_cli(
        "--target", emulator.url, "--token", SECRET, "-m", "group_discounts and not fuzz",
        "--square-version", "2021-03-17", "--square-version", "2021-04-21",
    )  # fmt: skip
    assert run.code == 0, run.stdout[-2000:]
    written = _everything_written(emulator.url)
    rules = [o for o in written.values() if o["type"] == "PRICING_RULE"]
    assert len(rules) > 40  # the family's rules, kept as deleted objects
    for rule in rules:
        data = rule["pricing_rule_data"]
        check = _name(rule)[: _name(rule).rindex("-") + 1]
        products = written.get(str(data.get("match_products_id")), {}).get("product_set_data")
        if data.get("customer_group_ids_any") or not products:
            continue  # for the check's own group, or matching nothing
        assert not products.get("all_products"), f"{_name(rule)} discounts every order"
        named = [*products.get("product_ids_any", []), *products.get("product_ids_all", [])]
        foreign = [i for i in named if not _name(written.get(i, {})).startswith(check)]
        assert not foreign, f"{_name(rule)} names another check's products: {foreign}"


def test_a_sellers_own_rule_that_takes_the_lines_is_named(
    emulator: EmulatorServer, run_cli: Callable[..., RunResult]
) -> None:
    """A seller's own rule for every product at 50% wins the check's lines from its 10% rule:
    the failure names that rule, so the reader knows the account, not the target, is why."""
    sale = {"name": "Spring sale", "discount_type": "FIXED_PERCENTAGE", "percentage": "50"}
    promotion = [
        {"type": "DISCOUNT", "id": "#half", "discount_data": sale},
        {"type": "PRODUCT_SET", "id": "#all", "product_set_data": {"all_products": True}},
        {
            "type": "PRICING_RULE",
            "id": "#sale",
            "pricing_rule_data": {"discount_id": "#half", "match_products_id": "#all"},
        },
    ]
    body = {"idempotency_key": "spring-sale", "batches": [{"objects": promotion}]}
    answer = httpx.post(f"{emulator.url}/v2/catalog/batch-upsert", headers=_headers(), json=body)
    rule = {m["client_object_id"]: m["object_id"] for m in answer.json()["id_mappings"]}["#sale"]
    run = run_cli(
        "--target", emulator.url, "--token", SECRET, "-k", "test_matching and variation",
        "-m", "not fuzz", "--square-version", "2022-03-16", "--search-timeout", "1",
    )  # fmt: skip
    assert run.code == 1, run.stdout[-2000:]
    (failed,) = run.outcomes("failed")
    assert f"the seller's other rules {rule} took its lines" in failed["message"]


def test_the_main_location_is_retrieved_once_per_version(
    proxy: Callable[..., LocalServer], run_cli: Callable[..., RunResult]
) -> None:
    """The discount checks only build on the main location: it is asked for once per version
    and token, not once per check."""
    server = proxy()
    run = run_cli(
        "--target", server.url, "--token", SECRET, "-m", "group_discounts and not fuzz",
        "-k", "test_matching or test_cap", "--workers", "1",
        "--square-version", "2022-03-16", "--square-version", "2023-01-19",
    )  # fmt: skip
    assert run.code == 0, run.stdout[-2000:]
    assert len(run.outcomes("passed")) == 10
    seen = server.proxy.seen  # type: ignore[attr-defined]
    assert seen.count(("GET", "/v2/locations/main")) == 2
