"""What is wrong with a raw behaviour table: where it departs from
`specs/behaviours.schema.json`, and from itself (dates, expectation keys, ids, dependencies).

Apart from `spec.table` so that the table's model stays one module a reader takes in whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from squarecheck.paths import specs_dir
from squarecheck.spec.expect import EXPECT_KEYS

VERSION_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_well_formed(version: str) -> bool:
    """True for a `YYYY-MM-DD` Square-Version naming a real calendar date (not 2022-02-30)."""
    if not VERSION_SHAPE.match(version):
        return False
    try:
        date.fromisoformat(version)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (specs_dir() / "behaviours.schema.json").read_text(encoding="utf-8")
    )
    return loaded


def problems(raw: Any) -> list[str]:
    """Where `raw` departs from behaviours.schema.json, or from itself (empty when valid)."""
    from jsonschema import Draft202012Validator

    found = [
        f"{'/'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}"
        for e in Draft202012Validator(_schema()).iter_errors(raw)
    ]
    if found or not isinstance(raw, Mapping):
        return found
    known = raw["versions"]["known"]
    found += [f"version {v!r} is no calendar date" for v in known if not is_well_formed(v)]
    for where, expect in _expectations(raw):
        unknown = sorted(set(expect) - EXPECT_KEYS)
        found += [f"{where}: unknown expectation key(s) {unknown}"] if unknown else []
    ids = [row["id"] for row in raw["behaviours"]]
    found += [f"behaviour id {i!r} is used twice" for i in sorted(set(ids)) if ids.count(i) > 1]
    for row in raw["behaviours"]:
        unknown = [d for d in row.get("depends_on", []) if d not in ids or d == row["id"]]
        found += [f"{row['id']}: depends_on names no other row: {unknown}"] if unknown else []
    return found


def _expectations(raw: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every `expect` mapping of the table, with where it stands."""
    found = []
    for index, row in enumerate(raw["behaviours"]):
        found.append((f"behaviours/{index}/initial/expect", row["initial"].get("expect", {})))
        for number, change in enumerate(row.get("changes", [])):
            found.append((f"behaviours/{index}/changes/{number}/expect", change.get("expect", {})))
    return found
