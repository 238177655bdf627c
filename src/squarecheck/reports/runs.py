"""Reading `results.json` of a run, and the comparable form of a check's observations.

Two runs (or two versions in one run) compare by their `observed` facts. The suites already
leave volatile values out; `stable()` is the safety net that masks whatever still looks like a
Square object id, an RFC 3339 timestamp, a pagination cursor or a run's name prefix, so a
fresh id never reads as a changed behaviour. Words about a cursor ("present") are facts, kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from squarecheck.paths import specs_dir

# Square object ids are 26 upper-case alphanumerics, e.g. "2TAT3CMH4Q0A9M87XJZED0WMR3"
# (CustomerGroup example in square/connect-api-specification api.json).
_ID_RE = re.compile(r"\b[A-Z0-9]{26}\b")
_TIMESTAMP_RE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})"
)
# The name prefix of everything a run creates (squarecheck.results.prefix_for).
_PREFIX_RE = re.compile(r"\bsqc-\d{8}t\d{6}-[0-9a-f]{4}-")
_FACT_WORD = re.compile(r"^[a-z_-]{1,20}$")
_SECRET_QUERY = re.compile(r"token|secret|key|password|auth", re.IGNORECASE)

OUTCOMES = ("passed", "failed", "warned", "error", "skipped")
JUDGED = frozenset({"passed", "failed", "warned"})


class ReportError(Exception):
    """The report stage cannot read one of its inputs (a tool error, never a verdict)."""


class ResultsError(ReportError):
    """A results.json that is missing, unreadable or not in the documented format."""


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads((specs_dir() / "results.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def results_path(path: Path) -> Path:
    """`path` itself when it is a file, else the results.json inside that run folder."""
    return path / "results.json" if path.is_dir() else path


def validate(results: Any) -> None:
    """Raise ResultsError naming the first place `results` departs from results.schema.json."""
    error = best_match(_validator().iter_errors(results))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        message = " ".join(error.message.split())
        if len(message) > 160:
            message = message[:157] + "..."
        raise ResultsError(f"not a squarecheck results file: {where}: {message}")


def load(path: Path) -> dict[str, Any]:
    """Read and validate a run folder or results.json file."""
    file = results_path(path)
    if not file.is_file():
        raise ResultsError(f"{path}: no such run folder or results.json file")
    try:
        results = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{file}: cannot read results: {exc}") from exc
    try:
        validate(results)
    except ResultsError as exc:
        raise ResultsError(f"{file}: {exc}") from exc
    if not isinstance(results, dict):  # the schema guarantees it; this narrows the type
        raise ResultsError(f"{file}: not a JSON object")
    return results


def write(path: Path, results: dict[str, Any]) -> None:
    """Write results.json atomically enough for a report folder (whole file, then rename)."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def _is_cursor_key(key: str) -> bool:
    return key.lower() == "cursor" or key.lower().endswith("_cursor")


def _mask_cursor(value: Any) -> Any:
    """A real cursor becomes `<cursor>`; a fact word about it ("present", "absent") stays."""
    if isinstance(value, str) and not _FACT_WORD.match(value):
        return "<cursor>"
    return value


def stable(value: Any) -> Any:
    """`value` with cursors, ids, timestamps and run name prefixes masked, for comparison."""
    if isinstance(value, dict):
        return {
            k: _mask_cursor(v) if _is_cursor_key(str(k)) else stable(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [stable(v) for v in value]
    if isinstance(value, str):
        value = _PREFIX_RE.sub("<prefix>-", value)
        return _ID_RE.sub("<id>", _TIMESTAMP_RE.sub("<timestamp>", value))
    return value


def observed(check: dict[str, Any]) -> dict[str, Any]:
    """The comparable observations of a check (empty when it recorded none)."""
    obs = check.get("observed")
    return dict(stable(obs)) if isinstance(obs, dict) else {}


def differ(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """True when two checks' observations disagree on a fact both recorded.

    A fact only one side recorded is not a difference: a check that fails early records fewer
    facts (no `field` when the request was not even rejected), and that must not read as a
    change of its own. With no fact in common, any difference counts.
    """
    left, right = observed(a), observed(b)
    shared = left.keys() & right.keys()
    if not shared:
        return left != right
    return any(left[k] != right[k] for k in shared)


def comparable(check: dict[str, Any] | None) -> bool:
    """True when the check judged the target and recorded what it saw."""
    if not check:
        return False
    return check.get("outcome") in JUDGED and bool(observed(check))


def describe(obs: dict[str, Any]) -> str:
    """A short one-line rendering of observations: `status 400 · code BAD_REQUEST`."""
    parts = []
    for key, value in obs.items():
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        parts.append(f"{key} {text}")
    return " · ".join(parts) if parts else "(nothing recorded)"


def clean_target(target: str) -> str:
    """The target URL without user info or credential-looking query parameters."""
    try:
        parts = urlsplit(target)
    except ValueError:
        return target
    if not parts.scheme or not parts.netloc:
        return target
    host = parts.netloc.rpartition("@")[2]
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _SECRET_QUERY.search(k)])
    return urlunsplit((parts.scheme, host, parts.path, query, parts.fragment))


def versions_of(results: dict[str, Any]) -> list[str]:
    """The run's versions in run order, plus any a check used that the run did not list."""
    versions = list(results["run"].get("versions", []))
    for check in results["checks"]:
        if check["version"] not in versions:
            versions.append(check["version"])
    return versions


def count_outcomes(checks: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Checks by outcome, every outcome present (zeros included) in schema order."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for check in checks:
        counts[check["outcome"]] = counts.get(check["outcome"], 0) + 1
    return counts
