"""selftest.html as a reader acts on it: the verdict first, survivors and errors at the top of
the kill matrix, each fault's catching checks folded under a one-line summary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from squarecheck.selftest import html, orchestrate


@dataclass(frozen=True)
class FakeFault:
    """A catalogue entry: a description and the behaviours it targets."""

    description: str
    behaviours: tuple[str, ...]


def _record(outcome: str, behaviour: str, key: str = "Op > check") -> dict[str, Any]:
    return {
        "id": f"2022-03-16 > {key}",
        "behaviour": behaviour,
        "outcome": outcome,
        "message": f"expected 400; {key} answered 200",
    }


def _page() -> str:
    """Four faults: killed as intended, killed by another behaviour only, survived, crashed."""
    faults = {
        "aimed": FakeFault("breaks lifecycle", ("group-lifecycle",)),
        "stray": FakeFault("breaks isolation", ("seller-isolation",)),
        "quiet": FakeFault("breaks nothing seen", ("list-groups-pagination",)),
        "crashed": FakeFault("breaks the child", ("group-lifecycle",)),
    }
    runs = {
        "aimed": orchestrate.TargetRun(
            "aimed",
            [
                _record("failed", "group-lifecycle", "Create > a"),
                _record("failed", "group-lifecycle", "Create > b"),
                _record("failed", "error-shape", "Create > c"),
            ],
        ),
        "stray": orchestrate.TargetRun("stray", [_record("failed", "group-lifecycle")]),
        "quiet": orchestrate.TargetRun("quiet", [_record("passed", "list-groups-pagination")]),
        "crashed": orchestrate.TargetRun("crashed", error="exit 4 without results"),
    }
    clean = orchestrate.TargetRun(None, [_record("passed", "group-lifecycle")])
    doc = orchestrate.build_matrix(clean, faults, runs)
    doc["run"] = {"id": "r", "finished_at": "now", "duration": 1.0, "keyword": None}
    return html.render_html(doc)


def test_verdict_names_survivors_and_faults_without_a_verdict() -> None:
    """The first paragraph gives the verdict, links the survivor and the crashed fault, and
    states the exit code."""
    page = _page()
    verdict = re.search(r'<p class="verdict exit-3">(.*?)</p>', page, re.DOTALL)
    assert verdict and page.index(verdict.group(0)) < page.index("<h2>")
    text = verdict.group(1)
    assert text.startswith("<strong>No verdict</strong>: 2 of 4 injected faults killed")
    assert 'survived: <a href="#quiet">quiet</a>' in text
    assert 'no verdict for: <a href="#crashed">crashed</a>' in text
    assert text.endswith("exit code 3")


def test_matrix_lists_errors_and_survivors_first() -> None:
    """Rows run: no verdict (saying why), survived, killed by another behaviour only, killed as
    intended."""
    page = _page()
    rows = re.findall(r'<tr id="([^"]+)" class="([^"]+)">', page)
    assert rows == [
        ("crashed", "error"),
        ("quiet", "survived"),
        ("stray", "stray"),
        ("aimed", "killed"),
    ]
    crashed = page[page.index('<tr id="crashed"') :]
    assert "No verdict:</span> exit 4 without results</td>" in crashed[: crashed.index("</tr>")]


def test_catching_checks_fold_under_a_summary() -> None:
    """A killed fault shows how many checks caught it and which behaviours (the intended ones
    starred); the checks and their messages sit in a closed <details>."""
    page = _page()
    aimed = page[page.index('<tr id="aimed"') :]
    aimed = aimed[: aimed.index("</tr>")]
    summary = re.search(r"<details><summary>(.*?)</summary>", aimed, re.DOTALL)
    assert summary
    assert summary.group(1).startswith("3 checks: ")
    assert '<span class="star">★</span> group-lifecycle' in summary.group(1)
    assert "★</span> error-shape" not in summary.group(1)
    assert aimed.count("<li>") == 3 and "Create &gt; c answered 200" in aimed
    assert "<details open" not in page
