"""Whose constraint is it: Square's, or squarecheck's own (`specs/constraints.yaml`).

Every constraint keyword of a request schema (specs/schemas, and the parameters of
specs/openapi.yaml) is Square's unless `constraints.yaml` lists it. Square's constraints are
keywords of Square's api.json, or `stated` there in words: a sentence of its description
(`quote`) or a row of the behaviour table (`row`), in force only where that row is not
assumed. `assumed` constraints are squarecheck's own: the fuzz suite generates requests from
them, but a target that accepts a request breaking only them does not fail
(`squarecheck.fuzz.square`). tests/spec/test_square_constraints.py checks every Square
constraint against Square's spec subsets.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from squarecheck.paths import specs_dir
from squarecheck.spec.table import Table

#: Keywords that constrain a request: what `constraints.yaml` may name.
KEYWORDS = frozenset({
    "type", "enum", "const", "required", "minLength", "maxLength", "pattern", "format",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems",
    "maxItems", "uniqueItems", "minProperties", "maxProperties", "additionalProperties",
    "anyOf", "oneOf", "allOf", "not",
})  # fmt: skip


class ConstraintsError(ValueError):
    """specs/constraints.yaml is missing, not YAML, or names something that does not exist."""


@dataclass(frozen=True)
class Constraint:
    """One entry of constraints.yaml: a keyword at a place of a request schema.

    `at` is `<SchemaName>#<JSON pointer>` into specs/schemas/<SchemaName>.json, or
    `openapi.yaml#<JSON pointer>` into specs/openapi.yaml (parameters).
    """

    at: str
    keyword: str
    why: str = ""
    quote: str = ""
    rows: tuple[str, ...] = ()

    @property
    def pointer(self) -> str:
        """Where it stands in the bundled OpenAPI document (`bundled_openapi()`)."""
        name, _, pointer = self.at.partition("#")
        if name == "openapi.yaml":
            return pointer
        return f"/components/schemas/{name}{pointer}"

    def squares_at(self, table: Table, version: str) -> bool:
        """A `stated` constraint is Square's under `version` when one of its rows is not
        assumed there (a constraint without rows always is)."""
        return not self.rows or any(table[r].basis_at(version) != "assumed" for r in self.rows)


@dataclass(frozen=True)
class Constraints:
    """Both lists of constraints.yaml."""

    stated: tuple[Constraint, ...]
    assumed: tuple[Constraint, ...]

    def own_at(self, table: Table, version: str) -> list[Constraint]:
        """The constraints that are squarecheck's own under `version`: every assumed one, and
        every stated one whose rows are all assumed there."""
        return [*self.assumed, *(c for c in self.stated if not c.squares_at(table, version))]

    def strip_own(self, doc: dict[str, Any], table: Table, version: str) -> None:
        """Remove from a bundled OpenAPI document (in place) the constraints that are
        squarecheck's own under `version`, leaving Square's. A place the document does not
        have under that version (the version lacks the field) is skipped."""
        for constraint in self.own_at(table, version):
            node = resolve_pointer(doc, constraint.pointer)
            if isinstance(node, dict):
                node.pop(constraint.keyword, None)


def resolve_pointer(doc: Any, pointer: str) -> Any:
    """The node a JSON pointer names in `doc`, or None when it names nothing."""
    node = doc
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _entry(raw: Any, where: str, stated: bool) -> Constraint:
    if not isinstance(raw, dict) or not isinstance(raw.get("at"), str) or "#" not in raw["at"]:
        raise ConstraintsError(f"{where}: needs `at: <Schema>#<pointer>`")
    keyword = raw.get("keyword")
    if keyword not in KEYWORDS:
        raise ConstraintsError(f"{where}: `keyword` {keyword!r} is no constraint keyword")
    rows = raw.get("row", [])
    rows = [rows] if isinstance(rows, str) else rows
    if stated and not (raw.get("quote") or rows):
        raise ConstraintsError(f"{where}: a stated constraint needs a `quote` or a `row`")
    if not stated and not raw.get("why"):
        raise ConstraintsError(f"{where}: an assumed constraint needs a `why`")
    known = {"at", "keyword", "why", "quote", "row"}
    if set(raw) - known:
        raise ConstraintsError(f"{where}: unknown key(s) {sorted(set(raw) - known)}")
    return Constraint(
        at=raw["at"],
        keyword=str(keyword),
        why=str(raw.get("why", "")),
        quote=" ".join(str(raw.get("quote", "")).split()),
        rows=tuple(str(r) for r in rows),
    )


def load_constraints_file(path: Path) -> Constraints:
    """Read and check the shape of a constraints file; raises ConstraintsError."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConstraintsError(f"{path}: cannot read the constraints: {exc}") from None
    if not isinstance(raw, dict):
        raise ConstraintsError(f"{path}: not a mapping")
    lists = {}
    for key in ("stated", "assumed"):
        entries = raw.get(key) or []
        lists[key] = tuple(
            _entry(e, f"{path.name}: {key}[{i}]", key == "stated") for i, e in enumerate(entries)
        )
    return Constraints(stated=lists["stated"], assumed=lists["assumed"])


@lru_cache(maxsize=1)
def load_constraints() -> Constraints:
    """`specs/constraints.yaml` (cached: read-only data)."""
    return load_constraints_file(specs_dir() / "constraints.yaml")
