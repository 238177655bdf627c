"""A target's strings that no file can hold as they are: lone surrogates (valid JSON escapes),
NUL and invalid UTF-8. A run against a target that sends them writes every report, showing
them as visible escapes, and gives its verdict."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from squarecheck import results
from squarecheck.cli import main
from squarecheck.pytest_plugin.recording import bounded
from squarecheck.reports.stage import post_run
from squarecheck.target.bounds import Limits
from squarecheck.target.redaction import Redactor
from tests.support.hostile import run_bounded
from tests.support.suites import LocalServer

TOKEN = "sqcSurrogateToken3Vd"
REPORTS = ("results.json", "junit.xml", "report.html", "index.html", "timeline.html")


def unstorable_errors(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Every error's code ends in a lone surrogate; its detail holds NUL, a lone low surrogate
    and bytes that are not UTF-8; an unknown field's name is a lone surrogate too."""
    if status < 400:
        return status, headers, body
    error = (
        b'{"code": "NOT_FOUND\\ud800", "category": "INVALID_REQUEST_ERROR", '
        b'"detail": "nul \\u0000 low \\udfff raw \xff\xfe\xc3 end", "field": "\\udbff"}'
    )
    return status, headers, b'{"errors": [' + error + b'], "\\ud83d": "\\ude00"}'


@pytest.mark.e2e
def test_lone_surrogates_do_not_cost_the_reports(
    proxy: Callable[..., LocalServer], tmp_path: Path
) -> None:
    """Error codes with lone surrogates: every report is written, readable, and the verdict is 1."""
    server = proxy(on_response=unstorable_errors)
    run = run_bounded(
        tmp_path,
        *("--target", server.url, "-m", "errors and not fuzz"),
        *("--summary-md", str(tmp_path / "reports" / "summary.md")),
        *("--upgrade", "2022-02-16", "2022-03-16"),
        env={"SQUARECHECK_TOKEN": TOKEN},
    )
    assert run.code == 1, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Traceback" not in run.stdout + run.stderr
    for name in (*REPORTS, "upgrade.html", "upgrade.json"):
        raw = (run.run_dir / name).read_bytes()
        raw.decode("utf-8")  # strict: every file is valid UTF-8
    doc = results.load(run.run_dir / "results.json")
    codes = {c["error_code"] for c in doc["checks"]}
    assert "NOT_FOUND\\ud800" in codes, codes
    assert ET.parse(run.run_dir / "junit.xml").findall(".//testcase")
    for page in ("index.html", "report.html", "timeline.html", "upgrade.html"):
        HTMLParser().feed((run.run_dir / page).read_text(encoding="utf-8"))
        assert (run.run_dir / page).read_text().rstrip().endswith("</html>"), page
    json.loads((run.run_dir / "upgrade.json").read_text(encoding="utf-8"))
    assert "NOT_FOUND\\ud800" in (run.run_dir / "index.html").read_text()
    assert (tmp_path / "reports" / "summary.md").read_text(encoding="utf-8")


# -- every writer, fed hostile strings -------------------------------------------------------

OLD, NEW = "2022-02-16", "2022-03-16"
SPECIAL = ["\ud800", "\udfff", "\udc80", "\x00", "\x07", "\x1b[2J", "\ufffe", "\uffff", "\u202e"]
SPECIAL += ["</script>", "]]>", "&#0;", "\r", "\\ud800", '"', "\\", "\U0001f600", "<!--"]
#: Any JSON string: every code point (lone surrogates included), what invalid UTF-8 becomes
#: once decoded with surrogateescape, and the characters each format treats specially.
HOSTILE = st.one_of(
    st.text(st.characters(categories=["Cs", "Cc", "Cf", "Co", "Cn", "L", "P", "S"])),
    st.binary(max_size=30).map(lambda raw: raw.decode("utf-8", "surrogateescape")),
    st.lists(st.sampled_from(SPECIAL), max_size=6).map("".join),
)


def _record(version: str, text: str, outcome: str) -> dict[str, Any]:
    """A check record of a real behaviour whose target-given fields all hold `text`."""
    exchange = {
        "request": {"method": "POST", "url": f"http://t/{text}", "headers": {}, "body": text},
        "response": {"status": 400, "headers": {"content-type": text}, "body": text},
        "curl": f"curl {text}",
    }
    return {
        "id": f"{version} > RetrieveCustomerGroup > unknown group id",
        "key": "RetrieveCustomerGroup > unknown group id",
        "nodeid": "suites/test_lifecycle.py::test_unknown[x]",
        "behaviour": "group-not-found",
        "family": "lifecycle",
        "operation": "RetrieveCustomerGroup",
        "version": version,
        "resolved_version": version,
        "outcome": outcome,
        "basis": "documented",
        "source": "https://developer.squareup.com/",
        "expected_summary": "404 NOT_FOUND",
        "duration": 0.01,
        "status": 400,
        "error_code": text,
        "observed": {"code": text, text: [text, {"detail": text}]},
        "message": f"expected NOT_FOUND, got {text}",
        "evidence": [exchange],
    }


def _run_info(run_id: str) -> dict[str, Any]:
    return {
        "id": run_id,
        "target": "http://127.0.0.1:9",
        "target_kind": "url",
        "versions": [OLD, NEW],
        "upgrade": None,
        "started_at": "2099-01-01T00:00:00Z",
        "finished_at": "2099-01-01T00:00:01Z",
        "duration": 1.0,
        "strict": False,
        "squarecheck_version": "0",
        "prefix": "sqc-20990101t000000-dead-",
        "leftovers": 0,
        "counts": {},
        "exit_code": 0,
    }


def _assert_readable(folder: Path) -> None:
    """Every file is strict UTF-8; JSON files load; HTML pages parse and are whole."""
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8")
        if path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".html":
            HTMLParser().feed(text)
            assert text.rstrip().endswith("</html>"), path.name


def _every_writer(run_dir: Path, other: Path) -> None:
    """The report stage (results.json, index, timeline, upgrade, summary) and diff (text, HTML,
    JSON) on `run_dir`, compared with `other`."""
    post_run(run_dir, summary_md=run_dir / "summary.md", upgrade=(OLD, NEW))
    for old, new in ((other, run_dir), (run_dir, other)):
        html_out, json_out = run_dir / "diff.html", run_dir / "diff.json"
        code = main(["diff", str(old), str(new), "--html", str(html_out), "--json", str(json_out)])
        assert code in (0, 1)
    _assert_readable(run_dir)


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder of plain records, to diff hostile ones against."""
    folder = tmp_path_factory.mktemp("clean")
    checks = [_record(v, "NOT_FOUND", "passed") for v in (OLD, NEW)]
    results.write(
        folder / "results.json", {"run": _run_info("20990101T000000-c1ea"), "checks": checks}
    )
    return folder


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=HOSTILE, other=HOSTILE, outcome=st.sampled_from(["passed", "failed", "error"]))
def test_every_writer_survives_any_string_entering_a_record(
    tmp_path_factory: pytest.TempPathFactory,
    clean_run: Path,
    text: str,
    other: str,
    outcome: str,
) -> None:
    """Strings kept through `bounded` (where target text enters a record) reach every writer;
    each writes a whole, readable file and shows them visibly."""
    run_dir = tmp_path_factory.mktemp("hostile")
    limits, redactor = Limits(), Redactor([TOKEN])
    checks = [
        bounded(_record(OLD, text, "passed"), redactor, limits),
        bounded(_record(NEW, other, outcome), redactor, limits),
    ]
    for check in checks:
        json.dumps(check, ensure_ascii=False).encode("utf-8")  # storable already
    results.write(
        run_dir / "results.json", {"run": _run_info("20990101T000000-bad1"), "checks": checks}
    )
    _every_writer(run_dir, clean_run)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=HOSTILE, other=HOSTILE)
def test_the_json_writer_and_reader_survive_raw_strings(
    tmp_path_factory: pytest.TempPathFactory, clean_run: Path, text: str, other: str
) -> None:
    """results.write takes records no one made storable; a results.json holding escaped lone
    surrogates loads storable; every writer after them writes whole files."""
    run_dir = tmp_path_factory.mktemp("raw")
    checks = [_record(OLD, text, "passed"), _record(NEW, other, "failed")]
    results.write(
        run_dir / "results.json", {"run": _run_info("20990101T000000-bad2"), "checks": checks}
    )
    _every_writer(run_dir, clean_run)
    crafted = run_dir / "crafted.json"
    doc = {"format": 1, "run": _run_info("20990101T000000-bad3"), "checks": checks}
    crafted.write_text(json.dumps(doc), encoding="ascii")  # ensure_ascii: `\ud800` escapes
    loaded = results.load(crafted)
    json.dumps(loaded, ensure_ascii=False).encode("utf-8")
    crafted.unlink()
    crafted_dir = run_dir / "crafted"
    crafted_dir.mkdir()
    (crafted_dir / "results.json").write_text(json.dumps(doc), encoding="ascii")
    _every_writer(crafted_dir, clean_run)


@pytest.mark.parametrize("text", SPECIAL)
def test_messages_and_longreprs_are_storable(text: str) -> None:
    """What reaches pytest's own writers (junit.xml, report.html, the terminal) is storable."""
    from squarecheck.pytest_plugin.verdicts import _safe

    safe = _safe(f"detail {text} end", Redactor([TOKEN]), Limits())
    safe.encode("utf-8")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", safe)


def test_templated_pages_show_what_no_file_holds_as_visible_escapes() -> None:
    """A lone surrogate, NUL and a bidi override reach a templated page as visible escapes,
    never raw (a raw surrogate cannot be written; a raw override reverses the text after it)."""
    from squarecheck.reports import templating

    shown = templating.environment().from_string("{{ code }}").render(code="E\ud800\x00\u202e9")
    assert shown == "E\\ud800\\x00\\u202e9"
    shown.encode("utf-8")
