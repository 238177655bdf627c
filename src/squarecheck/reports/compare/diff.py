"""Comparing two runs: new failures, fixes, other outcome changes, changed observations,
checks added or removed.

Checks match by `id` (version included); observations compare in their `runs.stable` form
(see `runs.differ`), so ids, timestamps and cursors never count as a change. A regression is a
check that passed (or warned) in the old run and failed in the new one; only regressions fail
`squarecheck diff`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from squarecheck.reports import runs
from squarecheck.reports.templating import render as render_template
from squarecheck.target.bounds import clip, printable

MAX_LINE = 2000  # characters of one line of the text diff


@dataclass
class Change:
    id: str
    key: str
    version: str
    behaviour: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        def side(c: dict[str, Any] | None) -> dict[str, Any] | None:
            return None if c is None else {"outcome": c["outcome"], "observed": runs.observed(c)}

        return {
            "id": self.id,
            "key": self.key,
            "version": self.version,
            "behaviour": self.behaviour,
            "old": side(self.old),
            "new": side(self.new),
        }


@dataclass
class Diff:
    old_run: str
    new_run: str
    regressions: list[Change] = field(default_factory=list)
    fixes: list[Change] = field(default_factory=list)
    outcome_changes: list[Change] = field(default_factory=list)
    observation_changes: list[Change] = field(default_factory=list)
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)

    SECTIONS = (
        ("regressions", "New failures"),
        ("fixes", "Fixes"),
        ("outcome_changes", "Other outcome changes"),
        ("observation_changes", "Changed observations"),
        ("added", "Checks added"),
        ("removed", "Checks removed"),
    )

    @property
    def failing(self) -> bool:
        return bool(self.regressions)

    def section(self, name: str) -> list[Change]:
        items: list[Change] = getattr(self, name)
        return items

    def by_key(self) -> dict[str, dict[str, list[str]]]:
        """Per check key, which versions appear in which section."""
        keys: dict[str, dict[str, list[str]]] = {}
        for name, _ in self.SECTIONS:
            for change in self.section(name):
                keys.setdefault(change.key, {}).setdefault(name, []).append(change.version)
        return keys


def _change(check_id: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> Change:
    ref = new or old or {}
    return Change(
        check_id, ref.get("key", ""), ref.get("version", ""), ref.get("behaviour", ""), old, new
    )


def compare(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    """Classify every check id of two runs."""
    before = {c["id"]: c for c in old["checks"]}
    after = {c["id"]: c for c in new["checks"]}
    diff = Diff(old_run=str(old["run"]["id"]), new_run=str(new["run"]["id"]))
    for check_id, a in before.items():
        b = after.get(check_id)
        if b is None:
            diff.removed.append(_change(check_id, a, None))
            continue
        change = _change(check_id, a, b)
        was, now = a["outcome"], b["outcome"]
        if was in ("passed", "warned") and now == "failed":
            diff.regressions.append(change)
        elif was == "failed" and now in ("passed", "warned"):
            diff.fixes.append(change)
        elif was != now:
            diff.outcome_changes.append(change)
        if runs.comparable(a) and runs.comparable(b) and runs.differ(a, b):
            diff.observation_changes.append(change)
    diff.added = [_change(i, None, c) for i, c in after.items() if i not in before]
    return diff


def _side(check: dict[str, Any] | None) -> str:
    if check is None:
        return "-"
    return f"{check['outcome']} ({runs.describe(runs.observed(check))})"


def render_text(diff: Diff) -> str:
    lines = [f"squarecheck diff {diff.old_run} -> {diff.new_run}"]
    for name, title in diff.SECTIONS:
        items = diff.section(name)
        lines.append(f"{title}: {len(items)}")
        for c in items:
            lines.append(f"  {c.id}  [{c.behaviour}]")
            if name in ("regressions", "fixes", "outcome_changes", "observation_changes"):
                lines.append(f"      was {_side(c.old)}")
                lines.append(f"      now {_side(c.new)}")
    keys = diff.by_key()
    if keys:
        lines.append("By check key:")
        for key, sections in keys.items():
            summary = "; ".join(
                f"{title.lower()} {', '.join(sections[name])}"
                for name, title in diff.SECTIONS
                if name in sections
            )
            lines.append(f"  {key}: {summary}")
    verdict = f"{len(diff.regressions)} regressions" if diff.failing else "no regressions"
    lines.append(f"Result: {verdict}")
    # ids and observations may come from a target: no escape sequence reaches a terminal
    return "\n".join(clip(printable(line), MAX_LINE) for line in lines) + "\n"


def _side_view(check: dict[str, Any] | None) -> dict[str, str] | None:
    if check is None:
        return None
    return {"outcome": str(check["outcome"]), "facts": runs.describe(runs.observed(check))}


def render_html(diff: Diff) -> str:
    """The diff as a page (`templates/diff.html.j2`): the verdict and every section's count
    first, then the non-empty sections, each change with what it was and what it is now."""
    sections = [
        {
            "name": name,
            "title": title,
            "changes": [
                {
                    "id": c.id,
                    "key": c.key,
                    "version": c.version,
                    "behaviour": c.behaviour,
                    "old": _side_view(c.old),
                    "new": _side_view(c.new),
                }
                for c in diff.section(name)
            ],
        }
        for name, title in diff.SECTIONS
    ]
    keys = [
        (key, [(title.lower(), found[name]) for name, title in diff.SECTIONS if name in found])
        for key, found in diff.by_key().items()
    ]
    return render_template(
        "diff.html.j2",
        old_run=diff.old_run,
        new_run=diff.new_run,
        regressions=len(diff.regressions),
        sections=sections,
        keys=keys,
    )
