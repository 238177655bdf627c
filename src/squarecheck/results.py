"""results.json: one record per check and version (format: specs/results.schema.json)."""

from __future__ import annotations

import json
import secrets
from collections import Counter
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from squarecheck.paths import specs_dir

OUTCOMES = ("passed", "failed", "warned", "error", "skipped")


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id; also the report folder name and part of the name prefix."""
    moment = now or datetime.now(UTC)
    return f"{moment:%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"


def prefix_for(run_id: str) -> str:
    """The name prefix of every resource a run creates."""
    return f"sqc-{run_id.lower()}-"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def counts(checks: list[dict[str, Any]]) -> dict[str, int]:
    """Checks by outcome, every outcome present (0 when none)."""
    found = Counter(c["outcome"] for c in checks)
    return {o: found.get(o, 0) for o in OUTCOMES}


def exit_code_for(checks: list[dict[str, Any]]) -> int:
    """1 if any check failed, else 3 if any tool error, else 0."""
    c = counts(checks)
    if c["failed"]:
        return 1
    if c["error"]:
        return 3
    return 0


def write(path: Path, run: dict[str, Any], checks: list[dict[str, Any]]) -> None:
    """Write results.json (checks sorted by key and version so runs diff cleanly)."""
    ordered = sorted(checks, key=lambda c: (c["key"], c["version"], c.get("nodeid", "")))
    doc = {"format": 1, "run": run, "checks": ordered}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, sort_keys=False) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (specs_dir() / "results.schema.json").read_text(encoding="utf-8")
    )
    return loaded


def problems(doc: dict[str, Any]) -> list[str]:
    """Where `doc` departs from specs/results.schema.json (empty when valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)
    ]
