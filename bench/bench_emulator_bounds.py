"""What one hostile client can make the emulator spend: headers, variations, tokens, cursors.

Run: python bench/bench_emulator_bounds.py [--only headers|variations|tokens|cursors]. Prints
one line per figure:

- headers: the serving process's resident memory before and after one request with a 64 MiB
  header and eight such requests at once, and the status each got;
- variations: the time to create, then to update, an item with N nested variations, and how
  the update time grows against the number of variations (in step: linear; squared: quadratic);
- tokens: resident memory before and after catalog reads (ListCatalog, SearchCatalogObjects,
  RetrieveCatalogObject) under many distinct 4,000-character tokens that never wrote anything;
- cursors: the bytes the store keeps per SearchCatalogObjects cursor for a 256 KiB request.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scaleload import serve, stop  # noqa: E402

from squarecheck.emulator.server import EmulatorServer  # noqa: E402

VERSION = "2022-03-16"
MIB = 1024 * 1024


def _rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def _huge_header_request(url: str, size: int) -> str:
    """Send one GET whose `X-Padding` header is `size` bytes; the status line it got back."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=120) as sock:
        head = (
            f"GET /v2/customers/groups HTTP/1.1\r\nHost: {host}\r\n"
            "Authorization: Bearer bench\r\nX-Padding: "
        ).encode()
        chunk = b"a" * MIB
        try:
            sock.sendall(head)
            for _ in range(size // MIB):
                sock.sendall(chunk)
            sock.sendall(b"\r\n\r\n")
        except OSError:
            pass  # the server may refuse and close before the whole header is sent
        try:
            answer = sock.recv(200)
        except OSError as exc:
            return f"connection error: {exc.strerror}"
    return answer.split(b"\r\n", 1)[0].decode("latin-1") or "connection closed"


def bench_headers() -> None:
    process, url = serve()
    try:
        httpx.get(url + "/v2/customers/groups", headers={"Authorization": "Bearer warm"})
        before = _rss_kib(process.pid)
        one = _huge_header_request(url, 64 * MIB)
        after_one = _rss_kib(process.pid)
        statuses: list[str] = []
        threads = [
            threading.Thread(target=lambda: statuses.append(_huge_header_request(url, 64 * MIB)))
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        after_eight = _rss_kib(process.pid)
        peak = _rss_kib(process.pid, "VmHWM")
    finally:
        stop(process)
    print(f"headers: one 64 MiB header -> {one!r}")
    print(f"headers: eight at once -> {sorted(set(statuses))}")
    print(
        f"headers: RSS {before / 1024:.0f} MiB before, {after_one / 1024:.0f} after one "
        f"(+{(after_one - before) / 1024:.0f}), {after_eight / 1024:.0f} after eight "
        f"(+{(after_eight - before) / 1024:.0f}), peak {peak / 1024:.0f} MiB"
    )


def _item(count: int) -> dict[str, Any]:
    variations = [
        {
            "type": "ITEM_VARIATION",
            "id": f"#v{index}",
            "item_variation_data": {
                "name": f"v{index}",
                "pricing_type": "FIXED_PRICING",
                "price_money": {"amount": 100 + index, "currency": "USD"},
            },
        }
        for index in range(count)
    ]
    return {"type": "ITEM", "id": "#item", "item_data": {"name": "Tea", "variations": variations}}


def _timed_upsert(
    client: httpx.Client, token: str, key: str, obj: dict[str, Any]
) -> tuple[float, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}", "Square-Version": VERSION}
    started = time.perf_counter()
    response = client.post(
        "/v2/catalog/object", json={"idempotency_key": key, "object": obj}, headers=headers
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text[:300]
    return elapsed, response.json()["catalog_object"]


def bench_variations(sizes: list[int]) -> None:
    previous: tuple[int, float] | None = None
    with EmulatorServer(port=0) as server, httpx.Client(base_url=server.url, timeout=600) as client:
        for size in sizes:
            token = f"variations{size}"
            created, item = _timed_upsert(client, token, "create", _item(size))
            updated, _ = _timed_upsert(client, token, "update", item)  # every variation kept
            ratio = ""
            if previous:
                grown = size / previous[0]
                ratio = f"; {updated / previous[1]:.1f}x the time for {grown:.1f}x the variations"
            times = f"create {created:6.2f} s, update {updated:6.2f} s"
            print(f"variations: {size:5d} -> {times}{ratio}")
            previous = (size, updated)


def bench_tokens(count: int) -> None:
    process, url = serve()
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            client.get("/v2/catalog/list", headers={"Authorization": "Bearer warm"})
            before = _rss_kib(process.pid)
            started = time.perf_counter()
            for index in range(count):
                token = f"{index:08d}" + "t" * 3992
                headers = {"Authorization": f"Bearer {token}", "Square-Version": VERSION}
                client.get("/v2/catalog/list", headers=headers)
                client.post("/v2/catalog/search", json={}, headers=headers)
                client.get("/v2/catalog/object/NOPE", headers=headers)
            elapsed = time.perf_counter() - started
            after = _rss_kib(process.pid)
    finally:
        stop(process)
    print(
        f"tokens: {count} read-only tokens ({3 * count} reads in {elapsed:.0f} s): RSS "
        f"{before / 1024:.0f} -> {after / 1024:.0f} MiB (+{(after - before) / 1024:.1f})"
    )


def bench_cursors(searches: int) -> None:
    with EmulatorServer(port=0) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        headers = {"Authorization": "Bearer cursors", "Square-Version": VERSION}
        objects = [
            {"type": "CATEGORY", "id": f"#c{i}", "category_data": {"name": f"c{i}"}}
            for i in range(3)
        ]
        response = client.post(
            "/v2/catalog/batch-upsert",
            json={"idempotency_key": "seed", "batches": [{"objects": objects}]},
            headers=headers,
        )
        assert response.status_code == 200, response.text[:300]
        types = ["CATEGORY"] * (256 * 1024 // len('"CATEGORY", '))  # about 256 KiB of JSON
        for index in range(searches):
            body = {
                "object_types": types,
                "limit": 1,
                "query": {"prefix_query": {"attribute_name": "name", "attribute_prefix": "c"}},
                "begin_time": f"2020-01-01T00:00:{index % 60:02d}Z",
            }
            response = client.post("/v2/catalog/search", json=body, headers=headers)
            assert response.status_code == 200 and "cursor" in response.json(), response.text
        assert server.app is not None
        database = server.app.state.store._db  # the bench reads the store's own table
        total, rows = database.execute(
            "SELECT sum(length(scope) + length(token)), count(*) FROM commerce_cursors"
        ).fetchone()
    print(f"cursors: {rows} search cursors of 256 KiB requests keep {total / rows:.0f} bytes each")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["headers", "variations", "tokens", "cursors"])
    parser.add_argument("--sizes", default="250,500,1000,2000", help="variation counts")
    parser.add_argument("--tokens", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=50)
    args = parser.parse_args()
    if args.only in (None, "headers"):
        bench_headers()
    if args.only in (None, "variations"):
        bench_variations([int(size) for size in args.sizes.split(",")])
    if args.only in (None, "tokens"):
        bench_tokens(args.tokens)
    if args.only in (None, "cursors"):
        bench_cursors(args.searches)


if __name__ == "__main__":
    main()
