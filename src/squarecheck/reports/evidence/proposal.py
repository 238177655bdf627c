"""A proposed change of the behaviour table from observations, as a unified diff to review.

For each observed row and period (`reports.evidence.observations`): where the target did what
the row expects, the period's basis becomes `observed` and its evidence cites the observation file;
where it did otherwise, the expectation becomes what it did, when that can be read from the
checks' answers (status, error code, category, field, detail and an accepted-or-refused
outcome), and the period is `observed` too. A difference the answers cannot express (a key
only the row's own check reads) is left for a person: the diff marks it with a comment.

The table file is edited as text, line by line, so that everything else (comments, order,
wrapping) stays as it was and the diff shows only the change; the result is loaded and
validated before it is offered.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from squarecheck.errors import ReportError
from squarecheck.reports.evidence.observations import Observation
from squarecheck.spec.table import Table, TableError, table_from

ERROR_KEYS = ("code", "category", "field", "detail")
#: Outcomes of `checks.acceptance` and the row words they stand for.
ACCEPTED = ("accepted", "ignored")


@dataclass(frozen=True)
class Proposal:
    """The change for one row and period: its new expectation (None: keep it), evidence."""

    behaviour: str
    since: str | None
    expect: dict[str, Any] | None
    shows: str
    observation: str
    new_expect: bool = True  # False: the target did what the row expects

    @property
    def derived(self) -> bool:
        return self.expect is not None


def _first_error(record: Mapping[str, Any], status: int) -> dict[str, Any]:
    """errors[0] of the last exchange the check judged (the one answered with `status`)."""
    for exchange in reversed(record.get("exchanges") or record.get("evidence") or []):
        response = exchange.get("response") or {}
        if response.get("status") != status:
            continue
        body = response.get("body")
        try:
            doc = json.loads(body) if isinstance(body, str) else body
        except ValueError:
            return {}
        errors = doc.get("errors") if isinstance(doc, dict) else None
        first = errors[0] if isinstance(errors, list) and errors else None
        return first if isinstance(first, dict) else {}
    return {}


def _outcome(old: Any, records: list[dict[str, Any]]) -> str | None:
    seen = {str((r.get("observed") or {}).get("outcome")) for r in records}
    if len(seen) != 1:
        return None
    got = seen.pop()
    if got in ACCEPTED:
        return str(old) if old in ACCEPTED else "accepted"
    return "rejected" if got == "rejected" else None


def derive(expect: Mapping[str, Any], observation: Observation) -> dict[str, Any] | None:
    """The expectation the target's answers show, or None when they cannot say it."""
    if observation.agrees:
        return dict(expect)
    records = [{**r, "exchanges": r.get("exchanges") or r.get("evidence")} for r in
               observation.records]  # fmt: skip
    statuses = {r.get("status") for r in records}
    codes = {r.get("error_code") for r in records}
    if len(statuses) != 1 or len(codes) != 1 or None in statuses:
        return None
    status, code = int(statuses.pop() or 0), codes.pop()
    error = _first_error(records[0], status)
    refused = status >= 400
    new: dict[str, Any] = {}
    for key, value in expect.items():
        if key == "status":
            new[key] = status
        elif key == "outcome":
            outcome = _outcome(value, records)
            if outcome is None:
                return None
            new[key] = outcome
        elif key not in ERROR_KEYS:
            return None  # a key only the row's own check knows how to read
    if refused:
        found = {"code": code, **{k: error.get(k) for k in ERROR_KEYS if k != "code"}}
        keys = [k for k in ERROR_KEYS if k in expect] or ["code", "category"]
        new.update({k: found[k] for k in keys if found.get(k) is not None})
    if new == dict(expect):
        return None  # the checks failed on something the answers do not show
    return new


def proposals(table: Table, observations: list[Observation], name: str) -> list[Proposal]:
    """One proposal per observation of the run."""
    out = []
    for observation in observations:
        behaviour = table[observation.behaviour]
        version = observation.versions[0]
        expect = derive(behaviour.expect(version), observation)
        how = "as the table expects" if observation.agrees else "otherwise"
        shows = (
            f"The run {name.removesuffix('.json')} answered {how} under "
            f"{', '.join(observation.versions)} ({len(observation.records)} checks)."
        )
        same = expect == dict(behaviour.expect(version))
        out.append(Proposal(behaviour.id, observation.since, expect, shows, name, not same))
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """The index after the block that starts at `start` and holds lines indented > `indent`."""
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _key_line(lines: list[str], start: int, end: int, indent: int, key: str) -> int:
    for index in range(start, end):
        if _indent(lines[index]) == indent and lines[index].lstrip().startswith(f"{key}:"):
            return index
    raise ReportError(f"the table has no `{key}:` where the proposal needs it")


def _period(lines: list[str], behaviour: str, since: str | None) -> tuple[int, int, int]:
    """Where the period's keys stand: (first line, end, indent of its keys)."""
    head = f"  - id: {behaviour}"
    start = next((i for i, line in enumerate(lines) if line.rstrip() == head), None)
    if start is None:
        raise ReportError(f"the table has no row {behaviour}")
    end = _block_end(lines, start, 2)
    if since is None:
        return start, end, 4
    marker = f'      - since: "{since}"'
    first = next((i for i in range(start, end) if lines[i].rstrip() == marker), None)
    if first is None:
        raise ReportError(f"row {behaviour} has no change since {since}")
    return first, _block_end(lines, first, 6), 8


def _apply(lines: list[str], proposal: Proposal) -> list[str]:
    start, end, indent = _period(lines, proposal.behaviour, proposal.since)
    pad = " " * indent
    out = list(lines)
    if proposal.expect is None:
        note = f"{pad}# observed otherwise in specs/observations/{proposal.observation};"
        out.insert(start + 1, note + " write the expectation here\n")
        return out
    flow = yaml.safe_dump(proposal.expect, default_flow_style=True, width=10_000, sort_keys=False)
    if not proposal.new_expect:
        pass
    elif proposal.since is None:
        initial = _key_line(out, start, end, indent, "initial")
        expect = _key_line(out, initial, _block_end(out, initial, indent), indent + 2, "expect")
        out[expect : _block_end(out, expect, indent + 2)] = [f"{pad}  expect: {flow.strip()}\n"]
    else:
        expect = _key_line(out, start, end, indent, "expect")
        out[expect : _block_end(out, expect, indent)] = [f"{pad}expect: {flow.strip()}\n"]
    end = _period(out, proposal.behaviour, proposal.since)[1]
    basis = _key_line(out, start, end, indent, "basis")
    out[basis] = f"{pad}basis: observed\n"
    evidence = _key_line(out, start, end, indent, "evidence")
    items = _block_end(out, evidence, indent)
    out[items:items] = [
        f"{pad}  - observation: {proposal.observation}\n",
        f"{pad}    shows: {json.dumps(proposal.shows)}\n",
    ]
    return out


def proposed_text(text: str, changes: list[Proposal]) -> str:
    """The table file's text with every proposal applied, validated as a table."""
    lines = text.splitlines(keepends=True)
    for proposal in changes:
        lines = _apply(lines, proposal)
    new = "".join(lines)
    try:
        table_from(yaml.safe_load(new))
    except (TableError, yaml.YAMLError) as exc:
        raise ReportError(f"the proposed table is not valid: {exc}") from None
    return new


def unified_diff(old: str, new: str, label: str) -> str:
    """`git apply`-able unified diff of the table file named `label` (relative path)."""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{label}",
            tofile=f"b/{label}",
        )
    )
