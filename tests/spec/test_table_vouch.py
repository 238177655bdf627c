"""A behaviour table text found valid once (in this process, or by the run's controller for its
workers) is not checked again; any other text is checked in full."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from squarecheck.spec import table
from squarecheck.spec.table import TableError, load_table_file, table_path


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """No text known valid yet; records every full check of a table."""
    monkeypatch.setattr(table, "_VALID", set())
    checked: list[Any] = []
    real = table.problems

    def counting(raw: Any) -> list[str]:
        checked.append(raw)
        return real(raw)

    monkeypatch.setattr(table, "problems", counting)
    return checked


def test_a_valid_text_is_checked_once_and_then_vouched_for(fresh: list[Any]) -> None:
    """The first load checks the table; the second load of the same text does not."""
    load_table_file(table_path())
    load_table_file(table_path())
    assert len(fresh) == 1
    assert len(table.valid_texts()) == 1


def test_a_vouched_text_is_not_checked(fresh: list[Any]) -> None:
    """A worker told the controller's digest loads the same table without checking it."""
    digests = [table._digest(table_path().read_text(encoding="utf-8"))]
    table.vouch(digests)
    load_table_file(table_path())
    assert fresh == []


def test_a_text_that_differs_is_checked_in_full(fresh: list[Any], tmp_path: Path) -> None:
    """A table differing from the vouched one in one value is checked, and refused if broken."""
    text = table_path().read_text(encoding="utf-8")
    table.vouch([table._digest(text)])
    broken = tmp_path / "behaviours.yaml"
    broken.write_text(text.replace("basis: documented", "basis: rumoured", 1), encoding="utf-8")
    with pytest.raises(TableError):
        load_table_file(broken)
    assert len(fresh) == 1
