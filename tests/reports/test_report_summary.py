"""`--summary-md FILE`: a short Markdown summary for a CI job page."""

from __future__ import annotations

import re
from pathlib import Path

from squarecheck.reports.stage import post_run


def test_summary_lists_failures_and_findings(tmp_path: Path, ignoring_run: Path) -> None:
    """The summary gives counts, each failing check with behaviour and version, and findings."""
    out = tmp_path / "ci" / "summary.md"
    post_run(ignoring_run, summary_md=out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("## squarecheck FAIL")
    assert "| 7 | 3 | 0 | 0 | 0 | 3 |" in text
    assert (
        "| CreateCustomerGroup > reused idempotency key | idempotency-key-reuse | 2022-02-16 |"
        in text
    )
    assert "- Documented change not observed: 3" in text
    assert (
        "  - idempotency-key-reuse (2022-02-16 → 2022-03-16): "
        "CreateCustomerGroup > reused idempotency key" in text
    )
    assert "- Documented change observed: 0" in text
    assert "secret" not in text
    assert not re.search(r"\]\(https?://|https?://[^\s`]*/docs", text)


def test_summary_of_a_clean_run(tmp_path: Path, emulator_run: Path) -> None:
    """A conforming run's summary says PASS, lists no failing checks and the observed changes."""
    out = tmp_path / "summary.md"
    post_run(emulator_run, summary_md=out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("## squarecheck PASS")
    assert "### Failing checks" not in text
    assert "- Documented change observed: 3" in text
    assert "  - unrecognized-field (2022-02-16 → 2022-03-16): 2 checks" in text
    assert len(text.splitlines()) < 40
