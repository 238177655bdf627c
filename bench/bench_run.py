"""Measure the main job: the whole conformance matrix against the embedded emulator.

Prints wall time of `squarecheck run` (both default versions, and one version alone), checks per
second, the peak memory of the run's process, and the emulator's request rate and latency over
real HTTP, with the ratios that matter: two versions against one, and the matrix against the
15-minute CI budget. Then the cutover matrix (`--square-version cutovers --workers 2`, one
version per cutover of the behaviour table) against its 60-second target.

    python bench/bench_run.py [--repeat 3] [--requests 2000] [--cutover-repeat 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from squarecheck.emulator.server import EmulatorServer
from squarecheck.spec.table import load_table

CI_BUDGET_SECONDS = 15 * 60
CUTOVER_TARGET_SECONDS = 60


def run_matrix(versions: list[str], report_dir: Path, *extra: str) -> tuple[float, int, int]:
    """One `squarecheck run`; returns (wall seconds, checks, peak RSS in KiB of the child)."""
    cmd = [sys.executable, "-m", "squarecheck", "run", "--report-dir", str(report_dir), *extra]
    for version in versions:
        cmd += ["--square-version", version]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"squarecheck run exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    newest = max(report_dir.iterdir(), key=lambda p: p.stat().st_mtime)
    checks = len(json.loads((newest / "results.json").read_text())["checks"])
    return wall, checks, peak


def emulator_rate(requests: int) -> tuple[float, float, float]:
    """Requests per second and p50/p95 latency (ms) of a create/retrieve/list mix."""
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {secrets.token_hex(8)}", "Square-Version": "2022-03-16"}
    with EmulatorServer(port=0) as server, httpx.Client(base_url=server.url, headers=headers) as c:
        start = time.perf_counter()
        for i in range(requests):
            t0 = time.perf_counter()
            if i % 3 == 0:
                gid = c.post("/v2/customers/groups", json={"group": {"name": f"b{i}"}}).json()
                group_id = gid["group"]["id"]
            elif i % 3 == 1:
                c.get(f"/v2/customers/groups/{group_id}")
            else:
                c.get("/v2/customers/groups", params={"limit": 50})
            latencies.append((time.perf_counter() - t0) * 1000)
        elapsed = time.perf_counter() - start
    quantiles = statistics.quantiles(latencies, n=20)
    return requests / elapsed, statistics.median(latencies), quantiles[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--cutover-repeat", type=int, default=1, help="cutover matrix runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        both = [
            run_matrix(["2022-02-16", "2022-03-16"], Path(tmp) / "both") for _ in range(args.repeat)
        ]
        one = [run_matrix(["2022-03-16"], Path(tmp) / "one") for _ in range(args.repeat)]
        no_fuzz = [
            run_matrix(["2022-02-16", "2022-03-16"], Path(tmp) / "nofuzz", "-m", "not fuzz")
            for _ in range(args.repeat)
        ]
        cutovers = [
            run_matrix(["cutovers"], Path(tmp) / "cutovers", "--workers", "2")
            for _ in range(args.cutover_repeat)
        ]
    wall_both = statistics.median(w for w, _, _ in both)
    wall_one = statistics.median(w for w, _, _ in one)
    checks = both[0][1]
    print(
        f"matrix (2 versions): {wall_both:.2f} s median of {args.repeat} "
        f"(min {min(w for w, _, _ in both):.2f}, max {max(w for w, _, _ in both):.2f}), "
        f"{checks} checks, {checks / wall_both:.0f} checks/s"
    )
    print(f"one version:         {wall_one:.2f} s median, {one[0][1]} checks")
    wall_plain = statistics.median(w for w, _, _ in no_fuzz)
    print(f"without the fuzz suite (2 versions): {wall_plain:.2f} s median, {no_fuzz[0][1]} checks")
    print(f"peak RSS of a run:   {max(p for _, _, p in both) / 1024:.0f} MiB")
    print(f"ratio two/one versions: {wall_both / wall_one:.2f}")
    print(f"ratio matrix/CI budget (15 min): {wall_both / CI_BUDGET_SECONDS:.4f}")
    wall_cut = statistics.median(w for w, _, _ in cutovers)
    table = load_table()
    columns, narrowed = len(table.select("cutovers")), len(table.narrowed(["cutovers"]))
    print(
        f"cutover matrix ({columns} versions, {narrowed} of them releases before a cutover "
        f"checking only what changes there; --workers 2): {wall_cut:.2f} s median of "
        f"{args.cutover_repeat} (min {min(w for w, _, _ in cutovers):.2f}, "
        f"max {max(w for w, _, _ in cutovers):.2f}), {cutovers[0][1]} checks, "
        f"ratio to the {CUTOVER_TARGET_SECONDS} s target: {wall_cut / CUTOVER_TARGET_SECONDS:.2f}"
    )
    rate, p50, p95 = emulator_rate(args.requests)
    print(
        f"emulator: {rate:.0f} requests/s over HTTP, p50 {p50:.2f} ms, p95 {p95:.2f} ms "
        f"({args.requests} requests, one connection)"
    )


if __name__ == "__main__":
    main()
