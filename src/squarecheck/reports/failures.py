"""The failures of a run, as a reader wants them: root causes first, then one entry per check.

Many checks failing the same way on their first request (401 everywhere, 404 everywhere, no
answer at all) share one root cause, and the reader needs that cause, not each check; such a
group is a `Cause` with a hint. Every other failure is a `Failure`: one check key, the versions
it failed under with the same reason, what the table expects (with its basis and evidence), what
was observed, the first difference, and the judged exchange (request, response, curl).

The terminal (`reports.terminal`) and index.html read this one model.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from squarecheck.reports import runs

#: failing checks that share a first answer before they are one root cause
CAUSE_MIN = 3
HINTS = {
    None: "the target did not answer: is it running, and is --target right?",
    401: "is the token right?",
    403: "does the token have the permissions these checks need?",
    404: "is --target the base URL, with no path after the host?",
    429: "the target is rate limiting: try fewer --workers",
}
FAILING = ("failed", "error")
_DIGITS = re.compile(r"\d+")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")  # ids and values: the same key fails the same way


@dataclass
class Exchange:
    """The exchange a failure rests on, split for display."""

    request: str = ""
    response: str = ""
    curl: str = ""
    status: str = ""


@dataclass
class Failure:
    """One check key failing the same way under one or more versions."""

    outcome: str
    key: str
    behaviour: str
    basis: str
    source: str
    expected: str
    observed: str
    why: str
    exchange: Exchange
    checks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def versions(self) -> list[str]:
        return [c["version"] for c in self.checks]

    @property
    def title(self) -> str:
        """`2022-02-16, 2022-03-16 > CreateCustomerGroup > name`: the check id, all versions."""
        return f"{', '.join(self.versions)} > {self.key}"


@dataclass
class Cause:
    """Checks whose requests were all answered the same way, or that failed for the same
    reason (the same first line): one root cause."""

    status: int | None
    code: str | None
    checks: list[dict[str, Any]]
    #: the shared reason, when the checks are grouped by it rather than by their answers
    reason: str | None = None

    @property
    def behaviours(self) -> list[str]:
        return sorted({c["behaviour"] for c in self.checks})

    @property
    def example(self) -> Failure:
        """The first check, in full: what was expected and what was observed."""
        return _failure(self.checks[0])

    @property
    def answer(self) -> str:
        if self.status is None:
            return "no answer"
        return f"{self.status}{' ' + self.code if self.code else ''}"

    @property
    def hint(self) -> str:
        if self.status is not None and self.status >= 500:
            return "the target is failing: see its logs"
        return HINTS.get(self.status, "")

    @property
    def headline(self) -> str:
        """`56 checks: every request answered 401 UNAUTHORIZED — is the token right?`"""
        if self.reason is not None:
            return f"{len(self.checks)} checks failed the same way: {self.reason}"
        what = "got no answer" if self.status is None else f"answered {self.answer}"
        hint = f" — {self.hint}" if self.hint else ""
        return f"{len(self.checks)} checks: every request {what}{hint}"


@dataclass
class Failures:
    causes: list[Cause]
    failures: list[Failure]

    @property
    def count(self) -> int:
        return sum(len(c.checks) for c in self.causes) + sum(len(f.checks) for f in self.failures)


def _answers(check: dict[str, Any]) -> list[tuple[int | None, str | None]]:
    """(status, first error code) of every recorded exchange."""
    found = []
    for item in check.get("evidence") or []:
        response = item.get("response") or {}
        status = response.get("status")
        found.append((status if isinstance(status, int) else None, _code(response.get("body"))))
    return found


def _code(body: Any) -> str | None:
    """errors[0].code of a response body (JSON text as recorded), if it has one."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return None
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            code = errors[0].get("code")
            return code if isinstance(code, str) else None
    return None


def _cause_key(check: dict[str, Any]) -> tuple[int | None, str | None] | None:
    """The one answer every request of the check got, when it is an error or none."""
    answers = _answers(check)
    if not answers:
        unreachable = "unreachable" in (check.get("message") or "")
        return (None, None) if check["outcome"] == "error" and unreachable else None
    first = answers[0]
    if first[0] is not None and first[0] not in HINTS and first[0] < 500:
        return None  # a 400 is often what a check asked for: its reason tells more
    return first if all(a == first for a in answers) else None


def exchange_of(check: dict[str, Any]) -> Exchange:
    """The judged exchange: the recorded one the failure message names (its `> METHOD URL`
    line), else the last recorded one; request and response as two readable blocks."""
    lines = (check.get("message") or "").splitlines()[1:]
    named = next((x[2:] for x in lines if x.startswith("> ")), None)
    evidence = check.get("evidence") or []
    chosen = None
    for item in evidence:
        req = item.get("request") or {}
        if named is not None and f"{req.get('method', '')} {req.get('url', '')}" == named:
            chosen = item
    if chosen is None and evidence:
        chosen = evidence[-1]
    if chosen is None:
        return Exchange()
    req, resp = chosen.get("request") or {}, chosen.get("response") or {}
    request = [f"{req.get('method', '')} {req.get('url', '')}"]
    request += [f"{k}: {v}" for k, v in (req.get("headers") or {}).items()]
    response = [str(resp.get("status", ""))]
    response += [f"{k}: {v}" for k, v in (resp.get("headers") or {}).items()]
    return Exchange(
        request="\n".join(request + ["", _body(req.get("body"))]).strip(),
        response="\n".join(response + ["", _body(resp.get("body"))]).strip(),
        curl=str(chosen.get("curl") or ""),
        status=str(resp.get("status", "")),
    )


def _body(body: Any) -> str:
    """A body as recorded, JSON indented for reading (text that is not JSON as it is)."""
    if body in (None, ""):
        return ""
    if isinstance(body, str):
        try:
            decoded = json.loads(body)
        except ValueError:
            return body
        return json.dumps(decoded, indent=2, ensure_ascii=False)
    return json.dumps(body, indent=2, ensure_ascii=False)


def why_of(check: dict[str, Any]) -> str:
    """The first line of the failure message (what differs); a line that announces a list
    (`...:`) keeps the list's first item."""
    lines = [x for x in (check.get("message") or "").strip().splitlines() if x.strip()]
    if not lines:
        return "(no message recorded)"
    why = lines[0]
    if why.endswith(":") and len(lines) > 1 and not lines[1].startswith(("> ", "< ")):
        why = f"{why} {lines[1].strip()}"
    return why


def _reason_key(check: dict[str, Any]) -> str:
    """The reason with its numbers (versions, timestamps, counts) taken out, to compare
    across checks and versions."""
    return _DIGITS.sub("N", why_of(check))


def _observed(check: dict[str, Any], exchange: Exchange) -> str:
    recorded = runs.observed(check)
    if recorded:
        return runs.describe(recorded)
    return f"answered {exchange.status}" if exchange.status else "(nothing recorded)"


def _failure(check: dict[str, Any]) -> Failure:
    exchange = exchange_of(check)
    return Failure(
        outcome=check["outcome"],
        key=check["key"],
        behaviour=check["behaviour"],
        basis=check.get("basis", ""),
        source=check.get("source", ""),
        expected=check.get("expected_summary", ""),
        observed=_observed(check, exchange),
        why=why_of(check),
        exchange=exchange,
        checks=[check],
    )


def failing_checks(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Failed (not known to the baseline) and errored checks, in the order of results.json."""
    return [
        c
        for c in results["checks"]
        if c["outcome"] in FAILING and (c.get("baseline") or {}).get("status") != "known-failure"
    ]


def collect(results: dict[str, Any]) -> Failures:
    """Root causes (at least CAUSE_MIN checks answered the same error on every request, or
    failed for the same reason under more than one check key), then the other failures, one per key
    and reason, ordered by behaviour."""
    checks = failing_checks(results)
    by_cause: dict[tuple[int | None, str | None], list[dict[str, Any]]] = {}
    for check in checks:
        key = _cause_key(check)
        if key is not None:
            by_cause.setdefault(key, []).append(check)
    causes = [Cause(s, c, found) for (s, c), found in by_cause.items() if len(found) >= CAUSE_MIN]
    grouped = {id(c) for cause in causes for c in cause.checks}
    by_reason: dict[str, list[dict[str, Any]]] = {}
    for check in checks:
        if id(check) not in grouped:
            by_reason.setdefault(_reason_key(check), []).append(check)
    for found in by_reason.values():
        if len(found) >= CAUSE_MIN and len({c["key"] for c in found}) > 1:
            causes.append(Cause(None, None, found, reason=why_of(found[0])))
            grouped |= {id(c) for c in found}
    merged: dict[tuple[str, str, str], Failure] = {}
    for check in checks:
        if id(check) in grouped:
            continue
        same = (check["key"], check["outcome"], _QUOTED.sub("Q", _reason_key(check)))
        if same in merged:
            merged[same].checks.append(check)
        else:
            merged[same] = _failure(check)
    ordered = sorted(merged.values(), key=lambda f: (f.outcome != "failed", f.behaviour, f.key))
    causes.sort(key=lambda c: -len(c.checks))
    return Failures(causes=causes, failures=ordered)
