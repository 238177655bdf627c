"""junit.xml as a CI reads it: check names, classnames by version and operation, one-line
messages with the exchange in the body, known failures skipped, warnings shown, and a document
valid against the Jenkins xUnit plugin's JUnit schema (tests/reports/data/junit-10.xsd, source
URL in tests/reports/data/README.md)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from squarecheck.reports import junit
from squarecheck.reports.stage import post_run
from tests.support.reports import NEW, OLD, build_run, check_id, write_run

SCHEMA = Path(__file__).parent / "data" / "junit-10.xsd"
REUSE = "CreateCustomerGroup > reused idempotency key"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA))


def _cases(folder: Path) -> dict[str, ET.Element]:
    root = ET.parse(folder / "junit.xml").getroot()
    return {case.attrib["name"]: case for case in root.iter("testcase")}


def test_cases_are_named_by_check_and_classed_by_version_and_operation(
    emulator_run: Path, schema: xmlschema.XMLSchema
) -> None:
    """A check is one case named by its id, classed version.operation; a suite per version."""
    post_run(emulator_run)
    schema.validate(str(emulator_run / "junit.xml"))
    root = ET.parse(emulator_run / "junit.xml").getroot()
    assert [s.attrib["name"] for s in root.iter("testsuite")] == [
        f"squarecheck {OLD}",
        f"squarecheck {NEW}",
    ]
    case = _cases(emulator_run)[check_id(NEW, REUSE)]
    assert case.attrib["classname"] == f"{NEW}.CreateCustomerGroup"
    assert "behaviour idempotency-key-reuse (documented)" in (case.findtext("system-out") or "")
    assert root.attrib["tests"] == str(len(list(root.iter("testcase"))))


def test_a_failure_has_a_one_line_message_and_the_exchange_in_its_body(
    ignoring_run: Path, schema: xmlschema.XMLSchema
) -> None:
    """A conformance failure: message = the message's first line; body = exchange and curl."""
    post_run(ignoring_run)
    schema.validate(str(ignoring_run / "junit.xml"))
    failure = _cases(ignoring_run)[check_id(OLD, REUSE)].find("failure")
    assert failure is not None
    message = failure.attrib["message"]
    assert "\n" not in message and message.startswith("expected {")
    body = failure.text or ""
    assert "reproduce: curl -X POST" in body and "< 200" in body


def test_known_failures_are_skipped_with_the_baseline_reason(
    ignoring_run: Path, tmp_path: Path, schema: xmlschema.XMLSchema
) -> None:
    """A failure the baseline lists is <skipped> with its reason; the suites' tallies agree."""
    baseline = tmp_path / "known.txt"
    failed = [c["id"] for c in build_run("ignores-version")["checks"] if c["outcome"] == "failed"]
    baseline.write_text("".join(f"{i}  # fixed in the next release\n" for i in failed))
    outcome = post_run(ignoring_run, baseline=baseline)
    assert outcome.exit_code == 0
    schema.validate(str(ignoring_run / "junit.xml"))
    cases = _cases(ignoring_run)
    skipped = cases[check_id(OLD, REUSE)].find("skipped")
    assert skipped is not None and skipped.attrib["type"] == "known-failure"
    assert "fixed in the next release" in skipped.attrib["message"]
    assert "reproduce: curl" in (skipped.text or "")
    root = ET.parse(ignoring_run / "junit.xml").getroot()
    assert root.attrib["failures"] == "0"
    seen = junit.outcomes(root.iter("testcase"))
    assert seen["failure"] == 0 and seen["skipped"] == len(failed)
    suites = list(root.iter("testsuite"))
    assert sum(int(s.attrib["skipped"]) for s in suites) == len(failed)


def test_a_stale_baseline_entry_is_a_failure(emulator_run: Path, tmp_path: Path) -> None:
    """A listed check that passes now fails the run, and junit.xml says why."""
    baseline = tmp_path / "known.txt"
    baseline.write_text(f"{check_id(NEW, REUSE)}\told bug\n")
    outcome = post_run(emulator_run, baseline=baseline)
    assert outcome.exit_code == 1
    failure = _cases(emulator_run)[check_id(NEW, REUSE)].find("failure")
    assert failure is not None and failure.attrib["type"] == "stale-baseline"
    assert "remove it" in failure.attrib["message"]


def _with(results: dict[str, Any], outcome: str, message: str) -> dict[str, Any]:
    check = next(c for c in results["checks"] if c["id"] == check_id(NEW, REUSE))
    check["outcome"], check["message"] = outcome, message
    return results


def test_warnings_and_tool_errors_are_visible(tmp_path: Path, schema: xmlschema.XMLSchema) -> None:
    """A warning passes with the warning in system-out; a tool error is an <error>."""
    warned = write_run(tmp_path / "w", _with(build_run("emulator"), "warned", "assumed: 404"))
    post_run(warned)
    schema.validate(str(warned / "junit.xml"))
    case = _cases(warned)[check_id(NEW, REUSE)]
    assert [c.tag for c in case] == ["system-out"]
    assert (case.findtext("system-out") or "").startswith("WARNING")
    root = ET.parse(warned / "junit.xml").getroot()
    props = {p.attrib["name"]: p.attrib["value"] for p in root.iter("property")}
    assert props["warnings"] == "1"

    errored = write_run(tmp_path / "e", _with(build_run("emulator"), "error", "timed out\nmore"))
    post_run(errored)
    error = _cases(errored)[check_id(NEW, REUSE)].find("error")
    assert error is not None and error.attrib["message"] == "timed out"


def test_hostile_text_stays_valid_xml(tmp_path: Path, schema: xmlschema.XMLSchema) -> None:
    """Control characters, markup and non-characters in a target's text keep junit.xml valid."""
    nasty = "expected 400; got \x1b[31m<b>&</b>\x00\ufffe \u202e\nsecond line"
    folder = write_run(tmp_path / "n", _with(build_run("emulator"), "failed", nasty))
    post_run(folder)
    schema.validate(str(folder / "junit.xml"))
    failure = _cases(folder)[check_id(NEW, REUSE)].find("failure")
    assert failure is not None
    assert failure.attrib["message"].startswith("expected 400; got \\x1b[31m<b>&</b>\\x00")
    assert "\x1b" not in (folder / "junit.xml").read_text(encoding="utf-8")
