"""Known failures (`--baseline FILE`): listed failures do not fail the run; stale entries do.

File format: one check id per line, `ID  # reason` or `ID<TAB>reason`; blank lines and lines
starting with `#` are ignored. A listed check that failed (or warned) is a known failure; one
that now passes is a stale entry and fails the run, so the list only ever shrinks; an id no
check has is reported but not fatal (it may belong to a version this run did not select).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from squarecheck.errors import ReportError

_INLINE_COMMENT = re.compile(r"^(?P<id>.*?)\s+#\s?(?P<reason>.*)$")

KNOWN = "known-failure"
STALE = "stale"
UNJUDGED = "unjudged"


class BaselineError(ReportError):
    """The baseline file cannot be read."""


@dataclass(frozen=True)
class Entry:
    id: str
    reason: str
    line: int


@dataclass
class Applied:
    """What the baseline did to a run."""

    known: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    unjudged: list[str] = field(default_factory=list)
    unknown: list[Entry] = field(default_factory=list)

    def messages(self) -> list[str]:
        lines = [f"stale baseline entry: {i!r} now passes; remove it" for i in self.stale]
        lines += [
            f"baseline line {e.line}: no check has the id {e.id!r} in this run"
            for e in self.unknown
        ]
        lines += [f"baseline: {i!r} did not judge the target; entry kept" for i in self.unjudged]
        return lines


def parse_text(text: str) -> list[Entry]:
    """Entries of a baseline file, in file order (a repeated id keeps its last reason)."""
    entries: list[Entry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "\t" in line:
            check_id, _, reason = line.partition("\t")
        else:
            match = _INLINE_COMMENT.match(line)
            check_id, reason = (match["id"], match["reason"]) if match else (line, "")
        entries.append(Entry(id=check_id.strip(), reason=reason.strip(), line=number))
    return entries


def parse(path: Path) -> list[Entry]:
    try:
        return parse_text(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from exc


def apply(results: dict[str, Any], entries: list[Entry], source: str) -> Applied:
    """Mark listed checks in `results` (adds `baseline` to each) and say what happened."""
    by_id = {e.id: e for e in entries}
    applied = Applied()
    seen: set[str] = set()
    for check in results["checks"]:
        entry = by_id.get(check["id"])
        if entry is None:
            continue
        seen.add(entry.id)
        # A warned check (an assumed behaviour failing without --strict) still misbehaves:
        # its entry is not stale, it becomes a plain failure again under --strict.
        if check["outcome"] in ("failed", "warned"):
            status = KNOWN
            applied.known.append(check["id"])
        elif check["outcome"] == "passed":
            status = STALE
            applied.stale.append(check["id"])
        else:
            status = UNJUDGED
            applied.unjudged.append(check["id"])
        check["baseline"] = {"status": status, "reason": entry.reason, "line": entry.line}
    applied.unknown = [e for e in by_id.values() if e.id not in seen]
    results["run"]["baseline"] = {
        "file": source,
        "known_failures": len(applied.known),
        "stale": len(applied.stale),
        "unknown_ids": [e.id for e in applied.unknown],
    }
    return applied
