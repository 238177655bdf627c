"""Measure redaction: megabytes of target text per second through `Redactor.text`, side by side
with one case-insensitive regular expression over the same text (what redaction costs where
nothing is encoded), for bodies with no escapes, with many, and with a token in them.

    python bench/bench_redaction.py [--size-kib 256] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable
from functools import partial

from squarecheck.target.redaction import Redactor

TOKEN = "EAAAbenchToken5Lx8Qw2Zr7"


def bodies(size: int) -> dict[str, str]:
    """Texts of about `size` characters as a target might answer."""
    group = {"id": "2TAT3CMH4Q0A9M87XJZED0WMR3", "name": "Dog lovers", "created_at": "2026"}
    plain = json.dumps({"groups": [group] * (size // 90)})
    escaped = json.dumps({"groups": [{**group, "name": "Café \u00e9 50% &amp;"}] * (size // 90)})
    twice = "".join(f"\\\\u{ord(c):04x}" for c in TOKEN)
    echoed = escaped[: size // 2] + twice + escaped[size // 2 :]
    return {"plain JSON": plain, "escapes everywhere": escaped, "token escaped twice": echoed}


def rate(work: Callable[[], object], chars: int, repeat: int) -> float:
    """Best of `repeat`: megabytes (of characters) per second."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return chars / best / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-kib", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    redactor = Redactor([TOKEN])
    plain = re.compile(re.escape(TOKEN), re.IGNORECASE)
    for name, text in bodies(args.size_kib * 1024).items():
        ours = rate(partial(redactor.text, text), len(text), args.repeat)
        regex = rate(partial(plain.sub, "[REDACTED]", text), len(text), args.repeat)
        print(
            f"{name:20} {len(text) / 1024:7.0f} KiB  redaction {ours:8.1f} MB/s  "
            f"one regex {regex:8.1f} MB/s  ratio {regex / ours:6.1f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
