"""Report builders that run after the suites: landing page and matrix, baseline, summaries.

`post_run` is the single entry point `squarecheck run` calls once pytest has written
`results.json`; it returns how many checks fail the run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class PostRunResult:
    """What the report stage decided: checks that fail the run, and lines to print."""

    failing: int
    messages: list[str] = field(default_factory=list)


def post_run(
    run_dir: Path,
    *,
    baseline: Path | None = None,
    summary_md: Path | None = None,
    upgrade: tuple[str, str] | None = None,
) -> PostRunResult:
    """Count conformance failures in `run_dir/results.json` (no extra reports yet)."""
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    failing = sum(1 for c in results["checks"] if c["outcome"] == "failed")
    return PostRunResult(failing=failing)
