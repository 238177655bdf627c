"""Emulator throughput: requests per second per operation, and how search scales with size.

Run: python bench/bench_emulator.py [--requests N]. Prints one line per figure; the ratio line
shows how much slower SearchCustomers gets when a seller has 100x more profiles.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import httpx

from squarecheck.emulator.server import EmulatorServer


def _rate(count: int, action: Callable[[int], httpx.Response]) -> float:
    start = time.perf_counter()
    for index in range(count):
        response = action(index)
        assert response.status_code == 200, response.text
    return count / (time.perf_counter() - start)


def _search_rate(client: httpx.Client, token: str, profiles: int, count: int) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    for index in range(profiles):
        client.post("/v2/customers", json={"given_name": f"p{index}"}, headers=headers)
    body = {"limit": 10, "query": {"sort": {"field": "DEFAULT"}}}
    return _rate(count, lambda _: client.post("/v2/customers/search", json=body, headers=headers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    n = args.requests
    with EmulatorServer(port=0) as server, httpx.Client(base_url=server.url) as client:
        headers = {"Authorization": "Bearer bench", "Square-Version": "2022-03-16"}
        create = _rate(
            n,
            lambda i: client.post(
                "/v2/customers/groups",
                json={"idempotency_key": f"k{i}", "group": {"name": f"g{i}"}},
                headers=headers,
            ),
        )
        listing = _rate(
            n, lambda _: client.get("/v2/customers/groups", params={"limit": 50}, headers=headers)
        )
        small = _search_rate(client, "small", 10, n)
        large = _search_rate(client, "large", 1000, n)
    print(f"CreateCustomerGroup        {create:8.0f} req/s")
    print(f"ListCustomerGroups (50)    {listing:8.0f} req/s")
    print(f"SearchCustomers, 10 prof.  {small:8.0f} req/s")
    print(f"SearchCustomers, 1000 prof.{large:8.0f} req/s")
    print(f"search slowdown 10 -> 1000 profiles: {small / large:.1f}x")


if __name__ == "__main__":
    main()
