"""How the emulator scales with a seller's size, its memory, and its per-request overhead.

Run: python bench/bench_scale.py [--big] [--sizes 1000,10000,100000] [--samples N] [--seconds S]
     [--rounds R] [--skip-scale] [--instructions]

1. Sellers of 1k, 10k and 100k profiles (1M with --big), each in its own `--data` file served
   by its own `squarecheck serve --data FILE` process. Queries are timed over HTTP, one request
   at a time on one keep-alive connection per server, taking the sizes in turn request by
   request (so a busy machine slows every size alike): p50/p95 of SearchCustomers by group
   (any, all, none, combined, both sort fields and orders, count), ListCustomers (both sorts,
   count, the page after a cursor), ListCustomerGroups, RetrieveCustomer, CreateCustomer. Then
   each server's peak RSS (VmHWM), and each p50 at the largest size over its p50 at 1k.
   Seeding does not go through HTTP (100k requests one at a time take minutes): it calls the
   store's own methods (`Store.create_customer`, `Store.add_group`: what the HTTP handlers
   call once a request is validated) in this process, 10,000 per transaction, before the
   server opens the file. Group membership is drawn at random, independent of names.
2. GET one group on the emulator against a bare Starlette endpoint returning the same body,
   each served by uvicorn with the same settings in its own process, loaded with 16 keep-alive
   connections in alternating rounds (and by wrk when it is installed): requests/s, the
   server's CPU time per request, and both ratios. With --instructions (valgrind), also the
   instructions each server executes per request, which a busy machine does not change.

Targets (not asserted): every search/list p50 at 100k <= 2x its p50 at 1k; RetrieveCustomerGroup
>= 0.7x the bare endpoint; peak RSS at 1M profiles < 300 MiB.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen

from httpload import Connection, median, percentile, request_bytes, throughput
from instructions import per_request
from scaleload import Seller, bare_command, bare_server, seed, serve, stop, wrk_rate
from scalequeries import TOKEN, requests_for

Figures = dict[str, tuple[float, float]]


@dataclass
class Target:
    """One seeded seller and the server process that serves its file."""

    size: int
    seller: Seller
    process: Popen[str]
    url: str
    connection: Connection
    requests: dict[str, list[bytes]] = field(default_factory=dict)


def _seeded(size: int, workdir: Path) -> tuple[Path, Seller]:
    data = workdir / f"seller-{size}.sqlite3"
    seller = Seller(TOKEN)
    started = time.perf_counter()
    seed(data, seller, size)
    seeded = time.perf_counter() - started
    megabytes = sum(p.stat().st_size for p in workdir.glob(f"{data.name}*")) / 2**20
    print(f"{_size(size):>5}: seeded in {seeded:6.1f} s, file {megabytes:7.1f} MiB", flush=True)
    return data, seller


def _start(size: int, data: Path, seller: Seller, samples: int) -> Target:
    """Serve a seeded file (after every size is seeded: idle keep-alive connections expire)."""
    process, url = serve("--data", str(data))
    target = Target(size, seller, process, url, Connection(url))
    target.requests = requests_for(seller, target.connection, samples)
    return target


def _interleaved(targets: list[Target], samples: int) -> dict[int, Figures]:
    """label -> (p50, p95) per size, taking the sizes in turn for every sample."""
    results: dict[int, Figures] = {target.size: {} for target in targets}
    for label in targets[0].requests:
        spent: dict[int, list[float]] = {target.size: [] for target in targets}
        for index in range(samples + samples // 10):
            for target in targets:
                raws = target.requests[label]
                begin = time.perf_counter()
                status, body = target.connection.send(raws[index % len(raws)])
                took = time.perf_counter() - begin
                if status != 200:
                    raise RuntimeError(f"{label}: HTTP {status}: {body[:300]!r}")
                if index >= samples // 10:  # the first tenth warms up
                    spent[target.size].append(took)
        for size, values in spent.items():
            results[size][label] = (median(values), percentile(values, 0.95))
    return results


def _report_sizes(sizes: list[int], results: dict[int, Figures], rss: dict[int, float]) -> None:
    top, base = sizes[-1], sizes[0]
    head = "".join(f"{_size(n):>17}" for n in sizes)
    print(f"\n{'p50 / p95 in ms':38}{head}   p50 {_size(top)}/{_size(base)}")
    worst = ("", 0.0)
    for label in results[base]:
        cells = "".join(
            f"{results[n][label][0] * 1e3:8.2f} /{results[n][label][1] * 1e3:7.2f}" for n in sizes
        )
        ratio = results[top][label][0] / results[base][label][0]
        if label.startswith(("search", "List")) and ratio > worst[1]:
            worst = (label, ratio)
        print(f"{label:38}{cells}   {ratio:6.2f}x")
    print(f"{'peak RSS of the server (VmHWM, MiB)':38}" + "".join(f"{rss[n]:17.0f}" for n in sizes))
    print(f"largest search/list p50 ratio {_size(top)}/{_size(base)}: {worst[1]:.2f}x ({worst[0]})")


def _size(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def _scale(args: argparse.Namespace, workdir: Path) -> None:
    sizes = [int(size) for size in args.sizes.split(",")] + ([1_000_000] if args.big else [])
    seeded = {size: _seeded(size, workdir) for size in sizes}
    targets: list[Target] = []
    try:
        for size in sizes:
            targets.append(_start(size, *seeded[size], args.samples))
        results = _interleaved(targets, args.samples)
        rss = {target.size: _peak_rss_mib(target.process.pid) for target in targets}
    finally:
        for target in targets:
            target.connection.close()
            stop(target.process)
    _report_sizes(sizes, results, rss)


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _round(process: Popen[str], url: str, raw: bytes, seconds: float) -> tuple[float, float]:
    """(requests/s, server CPU microseconds per request) for one round."""
    cpu = _cpu_seconds(process.pid)
    begin = time.monotonic()
    rate = throughput(url, raw, 16, seconds)
    requests = rate * (time.monotonic() - begin)
    return rate, (_cpu_seconds(process.pid) - cpu) / requests * 1e6


def _throughput(args: argparse.Namespace) -> None:
    emulator, url = serve()
    bare, bare_url = bare_server()
    try:
        connection = Connection(url)
        body = {"group": {"name": "VIP"}}
        made = connection.json(request_bytes("POST", "/v2/customers/groups", TOKEN, body))
        connection.close()
        path = f"/v2/customers/groups/{made['group']['id']}"
        raw = request_bytes("GET", path, TOKEN)
        rounds = [
            (_round(emulator, url, raw, args.seconds), _round(bare, bare_url, raw, args.seconds))
            for _ in range(args.rounds)  # alternating, so both see the same machine load
        ]
        _report_throughput(args, rounds)
        if args.instructions:
            _report_instructions(path)
        if shutil.which("wrk"):
            emu_wrk = wrk_rate(url + path, TOKEN, args.seconds)
            bare_wrk = wrk_rate(bare_url + path, TOKEN, args.seconds)
            print(
                f"  wrk -t1 -c16 (one round each): emulator {emu_wrk:.0f} req/s,"
                f" bare {bare_wrk:.0f} req/s, ratio {emu_wrk / bare_wrk:.2f}"
            )
    finally:
        stop(emulator)
        stop(bare)


def _report_throughput(
    args: argparse.Namespace, rounds: list[tuple[tuple[float, float], tuple[float, float]]]
) -> None:
    emu_rate = median([emu[0] for emu, _ in rounds])
    bare_rate = median([bare[0] for _, bare in rounds])
    emu_cpu = median([emu[1] for emu, _ in rounds])
    bare_cpu = median([bare[1] for _, bare in rounds])
    print(
        f"\nGET a group: 16 keep-alive connections, {args.rounds} alternating rounds of"
        f" {args.seconds:g} s, medians; each server one uvicorn process, same settings"
    )
    print(f"  {'':34}{'req/s':>9}{'server CPU us/req':>20}")
    print(f"  {'RetrieveCustomerGroup (emulator)':34}{emu_rate:9.0f}{emu_cpu:20.1f}")
    print(f"  {'bare Starlette endpoint':34}{bare_rate:9.0f}{bare_cpu:20.1f}")
    ratios = median([emu[0] / bare[0] for emu, bare in rounds])
    print(
        f"  ratio emulator/bare: {ratios:.2f} by requests/s (median of rounds),"
        f" {bare_cpu / emu_cpu:.2f} by server CPU per request"
    )


def _report_instructions(path: str) -> None:
    def group(connection: Connection) -> bytes:
        body = {"group": {"name": "VIP"}}
        made = connection.json(request_bytes("POST", "/v2/customers/groups", TOKEN, body))
        return request_bytes("GET", f"/v2/customers/groups/{made['group']['id']}", TOKEN)

    emulator = per_request([sys.executable, "-m", "squarecheck", "serve", "--port", "0"], group)
    bare = per_request(bare_command(), lambda _: request_bytes("GET", path, TOKEN))
    print(
        f"  user-space instructions per request (valgrind): emulator {emulator:,.0f},"
        f" bare {bare:,.0f}, ratio {bare / emulator:.2f}"
    )


def _stack() -> str:
    """What uvicorn's automatic choice picks: uvloop and httptools when they are installed."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"uvicorn picks loop {loop}, http {http}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also 1M profiles")
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="comma-separated, smallest first"
    )
    parser.add_argument("--samples", type=int, default=300, help="requests per query and size")
    parser.add_argument("--seconds", type=float, default=2.0, help="per throughput round")
    parser.add_argument("--rounds", type=int, default=7, help="throughput rounds per server")
    parser.add_argument("--skip-scale", action="store_true", help="only the throughput part")
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions per GET (valgrind)"
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {load:.1f}; {_stack()}")
    if not args.skip_scale:
        with tempfile.TemporaryDirectory(prefix="sqc-bench-") as workdir:
            _scale(args, Path(workdir))
    _throughput(args)


if __name__ == "__main__":
    main()
