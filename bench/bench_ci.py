"""Measure the CI gate's run: the default `squarecheck run` cold and warm, one and two workers.

Each repeat runs, back to back, the default two-version run against the embedded emulator,
with the default workers (two on a machine with two or more free CPUs):

- `off`: drawing every fuzz case in the run (`--fuzz-cache off`, as before the cache);
- `cold`: an empty --fuzz-cache folder (drawing and recording, then writing them);
- `warm`: the folder `cold` filled (reading the cases and sequences, drawing none);
- `warm -n1` and `cold -n1`: the same with `--workers 1`.

It prints each configuration's median wall time (with min and max), the load average around
the measurement (the machine may be shared: ratios taken side by side say more than the
figures), and the ratios the targets are about: warm against 8 s, cold against off, one
worker against two; then the run's fixed cost around the checks: from the start to the first
check, and from the end of the last check to the process's exit (`phase_probe`).

    python bench/bench_ci.py [--repeat 3] [--markers EXPR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WARM_TARGET_SECONDS = 8.0
WORKERS_TARGET_RATIO = 1.3
#: the default run's wall time when the fuzz cache was asked for (one worker, drawing all)
COLD_BEFORE_SECONDS = 22.0


BENCH = Path(__file__).resolve().parent


def run_once(
    report_dir: Path, cache: str, workers: int | None, markers: str | None
) -> tuple[float, float, float]:
    """One `squarecheck run` (None: the default workers): its wall time, the seconds before
    its first check and after its last one (exit code 0 required)."""
    cmd = [sys.executable, "-m", "squarecheck", "run", "--report-dir", str(report_dir)]
    cmd += ["--fuzz-cache", cache]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    if markers:
        cmd += ["-m", markers]
    phases = report_dir.parent / "phases.json"
    env = dict(os.environ, SQUARECHECK_BENCH_PHASES=str(phases))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH")]))
    env["PYTEST_ADDOPTS"] = f"{env.get('PYTEST_ADDOPTS', '')} -p phase_probe".strip()
    start = time.time()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    end = time.time()
    if done.returncode != 0:
        shown = (done.stdout + done.stderr).strip()[-3000:]
        kept = Path(tempfile.mkdtemp(prefix="bench-ci-failed-"))
        shutil.copytree(report_dir, kept / "reports", dirs_exist_ok=True)
        raise SystemExit(
            f"squarecheck run exited {done.returncode} (its reports kept in {kept}):\n{shown}"
        )
    seen = json.loads(phases.read_text(encoding="utf-8"))
    return end - start, seen["first_start"] - start, end - seen["last_stop"]


def default_workers() -> int:
    """The workers a run takes without --workers on this machine."""
    from squarecheck.cli.run import embedded_workers

    return embedded_workers() or 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markers", default=None, help="-m expression (default: every check)")
    args = parser.parse_args()
    names = ("off", "cold", "warm", "warm -n1", "cold -n1")
    walls: dict[str, list[float]] = {name: [] for name in names}
    print(f"default workers on this machine: {default_workers()}", flush=True)
    before: dict[str, list[float]] = {name: [] for name in names}
    after: dict[str, list[float]] = {name: [] for name in names}
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for repeat in range(args.repeat):
            cache, cache2 = root / f"cache-{repeat}", root / f"cache2-{repeat}"
            reports = root / "reports"
            plan: tuple[tuple[str, str, int | None], ...] = (
                ("off", "off", None),
                ("cold", str(cache), None),
                ("warm", str(cache), None),
                ("warm -n1", str(cache), 1),
                ("cold -n1", str(cache2), 1),
            )
            for name, setting, workers in plan:
                wall, first, last = run_once(reports, setting, workers, args.markers)
                walls[name].append(wall)
                before[name].append(first)
                after[name].append(last)
                loads.append(os.getloadavg()[0])
            print(
                f"repeat {repeat + 1}: "
                + ", ".join(f"{n} {walls[n][-1]:.1f} s" for n in names)
                + f" (load {loads[-1]:.1f})",
                flush=True,
            )
    median = {name: statistics.median(values) for name, values in walls.items()}
    print(f"\nmedians of {args.repeat} (load average {min(loads):.1f}-{max(loads):.1f}):")
    for name in names:
        values = walls[name]
        print(f"  {name:9} {median[name]:6.2f} s (min {min(values):.2f}, max {max(values):.2f})")
    print(
        f"warm against the {WARM_TARGET_SECONDS:g} s target: "
        f"{median['warm'] / WARM_TARGET_SECONDS:.2f}"
    )
    print(
        f"cold against the {COLD_BEFORE_SECONDS:g} s of the run before the cache (no slower: "
        f"<= 1): {median['cold'] / COLD_BEFORE_SECONDS:.2f}; against off (drawing alone): "
        f"{median['cold'] / median['off']:.2f}"
    )
    print(f"warm / off: {median['warm'] / median['off']:.2f}")
    print(
        f"one worker / the default ({default_workers()}), warm: "
        f"{median['warm -n1'] / median['warm']:.2f} (target >= {WORKERS_TARGET_RATIO}); "
        f"cold: {median['cold -n1'] / median['cold']:.2f}"
    )
    paired = [one / two for one, two in zip(walls["warm -n1"], walls["warm"], strict=True)]
    print(
        "  warm, repeat by repeat (the machine's speed drifts): "
        + ", ".join(f"{r:.2f}" for r in paired)
    )
    print("before the first check / after the last check (medians):")
    for name in names:
        first, last = statistics.median(before[name]), statistics.median(after[name])
        print(f"  {name:9} {first:5.2f} s / {last:5.2f} s")


if __name__ == "__main__":
    main()
