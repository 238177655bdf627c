"""The comparable form of a check's observations, and other views of a loaded run.

Two runs (or two versions in one run) compare by their `observed` facts. The suites already
leave volatile values out; `stable()` is the safety net that masks whatever still looks like a
Square object id, an RFC 3339 timestamp, a pagination cursor or a run's name prefix, so a
fresh id never reads as a changed behaviour. Words about a cursor ("present") are facts, kept.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from squarecheck.results import JUDGED

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
