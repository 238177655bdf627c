"""`junit.xml`, written from results.json by the report stage, for a CI's test view.

One `<testsuite>` per Square-Version, one `<testcase>` per check, named by the check's id
(`2022-03-16 > CreateCustomerGroup > unrecognized top-level field`) with the classname
`<version>.<operation>`, so a CI groups checks by version and operation. A conformance failure
is a `<failure>` whose message is one line (what was expected, what came back) and whose body
is the whole message with the exchange and the curl line; a tool error is an `<error>`; a known
failure the baseline lists is `<skipped>` with the baseline's reason, since it does not fail
the run; a stale baseline entry is a `<failure>`, since it does; a warning (an assumed
behaviour without --strict) passes with the warning in `<system-out>`. The format follows the
JUnit schema CIs read (tests/reports/data/junit-10.xsd); XML cannot hold control characters,
so every text is made printable first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from squarecheck.reports import runs
from squarecheck.reports.compare.baseline import KNOWN, STALE
from squarecheck.results import count
from squarecheck.target.bounds import clip, printable

MESSAGE_LIMIT = 300  # characters of a failure's one-line message
# What XML 1.0 cannot hold even escaped: controls other than tab, newline and carriage return,
# lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: Any, *, newlines: bool = True) -> str:
    """A string XML can hold: control characters shown as escapes (printable), the rest dropped."""
    shown = printable("" if value is None else str(value), newlines=newlines)
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", shown)


def one_line(message: str | None) -> str:
    """The first line of a message (what was expected, what came back), cut to size."""
    first = (message or "").strip().splitlines()
    return clip(_text(first[0] if first else "", newlines=False), MESSAGE_LIMIT)


def _details(check: dict[str, Any]) -> str:
    """The failure's body: the whole message, and the last exchange with its curl line when
    the message does not carry them already."""
    message = check.get("message") or ""
    evidence = check.get("evidence") or []
    if evidence and "reproduce: " not in message:
        last = evidence[-1]
        request, response = last.get("request") or {}, last.get("response") or {}
        message += (
            f"\n> {request.get('method', '')} {request.get('url', '')}"
            f"\n< {response.get('status', '')}\n< {response.get('body', '')}"
            f"\nreproduce: {last.get('curl', '')}"
        )
    return _text(message)


def _about(check: dict[str, Any]) -> str:
    """What a check rests on, for its system-out: behaviour, basis, expectation, source."""
    return _text(
        f"behaviour {check.get('behaviour')} ({check.get('basis')}): "
        f"{check.get('expected_summary') or ''}\nsource: {check.get('source') or ''}"
    )


def _case(check: dict[str, Any], baseline_file: str) -> ET.Element:
    case = ET.Element(
        "testcase",
        name=_text(check["id"], newlines=False),
        classname=_text(f"{check['version']}.{check['operation']}", newlines=False),
        time=f"{float(check.get('duration') or 0):.3f}",
    )
    status = (check.get("baseline") or {}).get("status")
    reason = (check.get("baseline") or {}).get("reason") or "no reason given"
    outcome, out = check["outcome"], [_about(check)]
    if outcome == "failed" and status == KNOWN:
        skipped = ET.SubElement(case, "skipped", type="known-failure")
        skipped.set("message", _text(f"known failure ({baseline_file}): {reason}", newlines=False))
        skipped.text = _details(check)
    elif outcome == "failed":
        failure = ET.SubElement(
            case, "failure", type="conformance", message=one_line(check["message"])
        )
        failure.text = _details(check)
    elif outcome == "error":
        error = ET.SubElement(case, "error", type="tool-error", message=one_line(check["message"]))
        error.text = _details(check)
    elif outcome == "skipped":
        ET.SubElement(case, "skipped", message=one_line(check.get("message")))
    elif status == STALE:
        stale = ET.SubElement(case, "failure", type="stale-baseline")
        stale.set(
            "message",
            _text(f"listed as a known failure in {baseline_file} but {outcome} now: remove it"),
        )
    if outcome == "warned":
        known = f" (known, {baseline_file}: {reason})" if status == KNOWN else ""
        out.insert(0, _text(f"WARNING{known}: assumed behaviour, not --strict: ") + _details(check))
    ET.SubElement(case, "system-out").text = "\n".join(out)
    return case


def _tallies(checks: list[dict[str, Any]]) -> dict[str, int]:
    """The suite's attributes from the outcome counter, known failures moved to skipped and
    stale entries to failures, as they are written."""
    counts = count(checks)
    known = sum(
        1
        for c in checks
        if c["outcome"] == "failed" and (c.get("baseline") or {}).get("status") == KNOWN
    )
    stale = sum(
        1
        for c in checks
        if c["outcome"] != "failed" and (c.get("baseline") or {}).get("status") == STALE
    )
    return {
        "tests": len(checks),
        "failures": counts["failed"] - known + stale,
        "errors": counts["error"],
        "skipped": counts["skipped"] + known,
        "warned": counts["warned"],
        "known": known,
    }


def _suite(version: str, checks: list[dict[str, Any]], run: dict[str, Any]) -> ET.Element:
    tallies = _tallies(checks)
    suite = ET.Element(
        "testsuite",
        name=_text(f"squarecheck {version}", newlines=False),
        tests=str(tallies["tests"]),
        failures=str(tallies["failures"]),
        errors=str(tallies["errors"]),
        skipped=str(tallies["skipped"]),
        time=f"{sum(float(c.get('duration') or 0) for c in checks):.3f}",
        timestamp=_text(run.get("started_at", ""), newlines=False),
    )
    properties = ET.SubElement(suite, "properties")
    facts = {
        "run": run.get("id"),
        "target": runs.clean_target(str(run.get("target", ""))),
        "square_version": version,
        "warnings": tallies["warned"],
        "known_failures": tallies["known"],
    }
    if run.get("shard"):
        facts["shard"] = run["shard"]
    for name, value in facts.items():
        ET.SubElement(properties, "property", name=name, value=_text(value, newlines=False))
    for check in checks:
        suite.append(_case(check, str((run.get("baseline") or {}).get("file", "the baseline"))))
    return suite


def build(results: dict[str, Any]) -> ET.Element:
    """The whole document: one suite per version in the run's order."""
    run, checks = results["run"], results["checks"]
    by_version: dict[str, list[dict[str, Any]]] = {v: [] for v in runs.versions_of(results)}
    for check in checks:
        by_version[check["version"]].append(check)
    tallies = _tallies(checks)
    root = ET.Element(
        "testsuites",
        name="squarecheck",
        tests=str(tallies["tests"]),
        failures=str(tallies["failures"]),
        errors=str(tallies["errors"]),
        time=f"{float(run.get('duration') or 0):.3f}",
    )
    for version, members in by_version.items():
        if members:
            root.append(_suite(version, members, run))
    return root


def write(results: dict[str, Any], run_dir: Path) -> Path:
    """Write junit.xml whole (aside, then renamed into place)."""
    tree = ET.ElementTree(build(results))
    ET.indent(tree)
    path = run_dir / "junit.xml"
    tmp = path.with_suffix(".xml.tmp")
    tree.write(tmp, encoding="utf-8", xml_declaration=True)
    tmp.replace(path)
    return path


def outcomes(cases: Iterable[ET.Element]) -> dict[str, int]:
    """How a CI reads cases: failures, errors, skipped and passed (no child of those three)."""
    seen = {"failure": 0, "error": 0, "skipped": 0, "passed": 0}
    for case in cases:
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        seen[kinds[0] if kinds else "passed"] += 1
    return seen
