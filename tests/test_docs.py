"""The docs stay true to the code: generated parts fresh, counts checked, README short."""

from __future__ import annotations

import importlib.util
import re
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


#: The project's own folders: a path into one of them in the docs names a file that exists.
PROJECT_FOLDERS = ("tests", "src", "suites", "bench", "scripts", "specs", "docs", "examples")
_PATH = re.compile(rf"(?<![\w/.-])(?:{'|'.join(PROJECT_FOLDERS)})/[\w./-]*\w")


def stale_paths(text: str, beside: Path = ROOT) -> list[str]:
    """The project paths `text` names (no wildcard, no placeholder) that exist neither from the
    project's root nor from `beside` (the page's own folder)."""
    found = []
    for match in _PATH.finditer(text):
        path, after = match.group(), text[match.end() : match.end() + 1]
        if after in ("<", "*") or path.endswith((".", "/")):
            continue
        if not (ROOT / path).exists() and not (beside / path).exists():
            found.append(path)
    return found


def test_paths_the_docs_name_exist() -> None:
    """A file that moves takes its mentions in the docs with it (README, CONTRIBUTING,
    ARCHITECTURE, docs/, specs/README.md)."""
    pages = [ROOT / n for n in ("README.md", "CONTRIBUTING.md", "ARCHITECTURE.md")]
    pages += [*sorted((ROOT / "docs").glob("*.md")), ROOT / "specs" / "README.md"]
    stale = {p.name: stale_paths(p.read_text(encoding="utf-8"), p.parent) for p in pages}
    assert {name: paths for name, paths in stale.items() if paths} == {}


def test_a_moved_file_is_found_in_the_docs() -> None:
    """The check finds a path that names nothing, and leaves placeholders alone."""
    text = "see tests/nowhere/test_gone.py, reports/<run-id>/ and specs/schemas/*.json"
    assert stale_paths(text) == ["tests/nowhere/test_gone.py"]
