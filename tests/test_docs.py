"""The docs stay true to the code: generated parts fresh, counts checked, README short."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _gendocs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gendocs", ROOT / "scripts" / "gendocs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_docs_and_counts_are_fresh() -> None:
    """docs/options.md matches the options table and every marked count matches the code."""
    assert _gendocs().stale() == []


def test_a_stale_count_is_found() -> None:
    """A marked count that no longer matches the code is rewritten; an unknown name refused."""
    gendocs = _gendocs()
    text = "It has <!-- count:faults -->1<!-- /count --> faults."
    assert gendocs.refreshed(text) != text
    assert gendocs.refreshed(gendocs.refreshed(text)) == gendocs.refreshed(text)
    with pytest.raises(SystemExit, match="unknown count"):
        gendocs.refreshed("<!-- count:nothing -->1<!-- /count -->")


def test_every_option_is_in_the_options_doc() -> None:
    """Each flag of the options table appears in docs/options.md."""
    from squarecheck.options.table import TABLE

    text = (ROOT / "docs" / "options.md").read_text(encoding="utf-8")
    for option in TABLE:
        assert f"`{option.flag}" in text or f", {option.flag}" in text, option.flag


def test_readme_is_a_first_page() -> None:
    """README.md stays at most 200 lines and links every file under docs/."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count("\n") <= 200
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{doc.name}" in text, doc.name
