"""results.json, owned here: its records, its one writer, its one validator, the exit code.

A run's results are one `CheckRecord` per check and version plus a `RunInfo`
(format: specs/results.schema.json). The pytest plugin produces the records; `squarecheck run`,
the report stage and `squarecheck diff` read them back through `load`, which validates. Every
write goes through `write`, which validates too, so no file of the wrong shape is ever left.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict, get_args

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from squarecheck import exitcodes
from squarecheck.errors import ResultsError
from squarecheck.paths import specs_dir

FORMAT = 1
#: No results.json squarecheck writes nests deeper; a deeper one is refused, not recursed into.
MAX_DEPTH = 64
#: passed; failed = conformance failure; warned = an assumed check that failed without
#: --strict; error = tool error, never a verdict; skipped = not applicable to this target.
Outcome = Literal["passed", "failed", "warned", "error", "skipped"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
#: Outcomes that are a verdict on the target.
JUDGED: frozenset[str] = frozenset({"passed", "failed", "warned"})


class CheckRecord(TypedDict):
    """One check under one version, as results.json holds it."""

    id: str
    key: str
    nodeid: str
    behaviour: str
    family: str
    operation: str
    version: str
    resolved_version: str
    outcome: Outcome
    basis: str
    source: str
    expected_summary: str
    duration: float
    status: int | None
    error_code: str | None
    observed: dict[str, Any]
    message: str | None
    evidence: list[dict[str, Any]]
    baseline: NotRequired[dict[str, Any]]


class RunInfo(TypedDict):
    """The run as a whole: target, versions, timing, counts and exit code."""

    id: str
    target: str
    target_kind: str
    versions: list[str]
    upgrade: list[str] | None
    started_at: str
    finished_at: str
    duration: float
    strict: bool
    squarecheck_version: str
    prefix: str
    leftovers: int
    counts: dict[str, int]
    exit_code: int
    #: why the run ended before every check judged the target (circuit breaker, a signal)
    stopped: NotRequired[str]
    #: versions under which only these behaviours were checked (`Table.narrowed`)
    narrowed: NotRequired[dict[str, list[str]]]
    #: `K/N` when the run checked one part of the selection (`--shard`)
    shard: NotRequired[str]
    #: the run folder's name when given (`--run-name`)
    name: NotRequired[str]
    #: the runs `squarecheck merge` combined into this one
    merged_from: NotRequired[list[dict[str, Any]]]


class Results(TypedDict):
    """A whole results.json document."""

    format: int
    run: RunInfo
    checks: list[CheckRecord]


# Code points no report file holds as text: lone surrogates (valid JSON escapes a target may
# send, that UTF-8 cannot encode) and the C0 controls and noncharacters XML 1.0 refuses.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A JSON text's escape of a surrogate (behind an even number of backslashes, so an escape).
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def storable(text: str) -> str:
    """`text` with every code point a report file cannot hold shown as a visible escape
    (`\\ud800`, `\\x00`): what a target sent stays readable and every writer (JSON, XML,
    HTML, a terminal) can write it. Where target text enters a record, it passes here."""
    return _UNSTORABLE.sub(_visible, text)


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id; also the report folder name and part of the name prefix."""
    moment = now or datetime.now(UTC)
    return f"{moment:%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"


def prefix_for(run_id: str) -> str:
    """The name prefix of every resource a run creates."""
    return f"sqc-{run_id.lower()}-"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def count(checks: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Checks by outcome, every outcome present (zeros included) in schema order."""
    counts: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
    for check in checks:
        counts[check["outcome"]] = counts.get(check["outcome"], 0) + 1
    return counts


def exit_code(
    counts: Mapping[str, int], *, failing: int | None = None, stopped: bool = False
) -> int:
    """The one rule from outcomes to an exit code.

    A run that stopped early (interrupted, internal error) is a tool error whatever it saw;
    else any check that fails the run (`failing`, after a baseline; by default every failed
    check) is a conformance failure; else any tool error; else OK.
    """
    if stopped:
        return exitcodes.TOOL_ERROR
    if (counts.get("failed", 0) if failing is None else failing) > 0:
        return exitcodes.CONFORMANCE_FAILURE
    if counts.get("error", 0):
        return exitcodes.TOOL_ERROR
    return exitcodes.OK


@dataclass(frozen=True)
class Tally:
    """A run's counts, as every output shows them: the terminal, index.html, the Markdown
    summary and results.json read this one record (`tally`), so they cannot disagree."""

    counts: dict[str, int]
    #: checks that fail the run: failed and not a known failure, plus stale baseline entries
    failing: int
    exit_code: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        """`3 failed, 50 passed, 2 warned`: the outcomes that occurred, in schema order."""
        shown = [f"{n} {outcome}" for outcome, n in self.counts.items() if n]
        return ", ".join(shown) or "no checks"


def tally(doc: Mapping[str, Any]) -> Tally:
    """The tallies of a results document; `failing` and `exit_code` as the report stage
    decided them (`run.failing`, `run.exit_code`), else derived from the checks."""
    counts = count(doc["checks"])
    run = doc["run"]
    failing = int(run.get("failing", counts["failed"]))
    stopped = bool(run.get("stopped"))
    code = run.get("exit_code")
    if code is None:
        code = exit_code(counts, failing=failing, stopped=stopped)
    return Tally(counts=counts, failing=failing, exit_code=int(code))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads((specs_dir() / "results.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def validate(doc: object) -> None:
    """Raise ResultsError naming the first place `doc` departs from results.schema.json."""
    error = best_match(_validator().iter_errors(doc))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        message = " ".join(error.message.split())
        if len(message) > 160:
            message = message[:157] + "..."
        raise ResultsError(f"not a squarecheck results file: {where}: {message}")


def results_path(path: Path) -> Path:
    """`path` itself when it is a file, else the results.json inside that run folder."""
    return path / "results.json" if path.is_dir() else path


def load(path: Path) -> dict[str, Any]:
    """Read and validate a run folder or results.json file."""
    file = results_path(path)
    if not file.is_file():
        raise ResultsError(f"{path}: no such run folder or results.json file")
    try:
        text = file.read_text(encoding="utf-8")
        doc = json.loads(text)
    except RecursionError:
        raise ResultsError(f"{file}: not a squarecheck results file: nested too deeply") from None
    except (OSError, ValueError) as exc:  # unreadable, not UTF-8, not JSON, an over-long number
        raise ResultsError(f"{file}: cannot read results: {' '.join(str(exc).split())}") from None
    if _depth(doc) > MAX_DEPTH:
        raise ResultsError(
            f"{file}: not a squarecheck results file: nested deeper than {MAX_DEPTH} levels"
        )
    if _SURROGATE_ESCAPE.search(text):  # a lone one would break every page written from it
        doc = _storable_strings(doc)
    try:
        validate(doc)
    except ResultsError as exc:
        raise ResultsError(f"{file}: {exc}") from exc
    if not isinstance(doc, dict):  # the schema guarantees it; this narrows the type
        raise ResultsError(f"{file}: not a JSON object")
    return doc


def _depth(value: Any) -> int:
    """How deeply `value` nests, found without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            pending += [(v, level + 1) for v in item.values()]
        elif isinstance(item, list):
            pending += [(v, level + 1) for v in item]
    return deepest


def _storable_strings(value: Any) -> Any:
    """`value` with `storable` applied to every string and key (nested at most MAX_DEPTH)."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(str(k)): _storable_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable_strings(v) for v in value]
    return value


def _surrogate_as_text(match: re.Match[str]) -> str:
    return f"\\\\u{ord(match.group()):04x}"  # in JSON: a backslash, then the code


def write(path: Path, doc: Mapping[str, Any], *, checks_valid: bool = False) -> dict[str, Any]:
    """Validate and write results.json: checks sorted so runs diff cleanly, whole file at once.

    `checks_valid`: the checks come from `load`, already validated, so only the rest is
    validated again (the checks are nearly all of a large run's file).
    Returns the document as written: what `load` would read back from the file, without
    reading and validating it again (the run's own report stage takes it from here).
    """
    ordered = sorted(doc["checks"], key=lambda c: (c["key"], c["version"], c.get("nodeid", "")))
    out = {"format": FORMAT, "run": doc["run"], "checks": ordered}
    validate({**out, "checks": []} if checks_valid else out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    text = json.dumps(out, indent=2, ensure_ascii=False) + "\n"
    # A lone surrogate can only stand inside a JSON string here; UTF-8 cannot encode it, so it
    # is written as the visible text `\\ud800`, whatever record carried it.
    text = _LONE_SURROGATE.sub(_surrogate_as_text, text)
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    written: dict[str, Any] = json.loads(text)
    return written
