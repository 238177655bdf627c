"""Drawn fuzz cases kept on disk (`--fuzz-cache`): read back equal, never trusted when stale."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from schemathesis import GenerationMode

from squarecheck.fuzz import casefile
from squarecheck.fuzz import drawn as drawing
from squarecheck.fuzz import runner as fuzzing
from squarecheck.fuzz.document import operation_fingerprint, operation_ids
from tests.support.suites import clean_env

VERSION = "2022-02-16"
TOKEN = f"sqc-test-token-{secrets.token_hex(6)}"
MODES = ((True, "positive"), (False, "negative"), (False, "unknown-property"))


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """Drawing keeps lists in a fresh folder; the process's in-memory lists are left as found."""
    kept = dict(drawing._DRAWN)
    drawing.use_disk(tmp_path / "cache")
    try:
        yield tmp_path / "cache"
    finally:
        drawing.use_disk(None)
        drawing._DRAWN.clear()
        drawing._DRAWN.update(kept)


def _strategy(
    op: str, declared: bool, mode: str, token: str = TOKEN
) -> tuple[tuple[str, str, int], Callable[[], Any]]:
    """The key and strategy the fuzzer would use for `op` under VERSION (with a token)."""
    schema = fuzzing.schema_for(VERSION, declared)
    operation = schema.find_operation_by_id(op)  # type: ignore[attr-defined]
    fixed = {"Square-Version": VERSION, "Authorization": f"Bearer {token}"}
    generation = GenerationMode.POSITIVE if mode != "negative" else GenerationMode.NEGATIVE

    def strategy() -> Any:
        built = operation.as_strategy(generation_mode=generation, headers=fixed)
        if mode == "unknown-property":
            return st.tuples(built, fuzzing.UNKNOWN_PLACES, fuzzing.UNKNOWN_VALUES)
        return built

    return (operation_fingerprint(VERSION, declared, op), f"test-{mode}", 3), strategy


def _state(case: Any) -> Any:
    """Everything a case carries that the fuzzer or schemathesis' checks read."""
    if isinstance(case, tuple):
        return (_state(case[0]), *case[1:])
    meta = case.meta
    return (
        case.method,
        case.path,
        case.id,
        case.path_parameters,
        dict(case.headers),
        case.query,
        case.body,
        case.media_type,
        meta.to_dict(),
        meta._dirty,
        meta._initial_hashes,
        meta._last_validated_hashes,
        meta._initial_containers,
    )


def _values(case: Any) -> Any:
    """What a fresh draw reproduces: the state without the random case id and the timing."""
    if isinstance(case, tuple):
        return (_values(case[0]), *case[1:])
    state = list(_state(case))
    del state[2]
    state[7] = {**state[7], "generation": {**state[7]["generation"], "time": 0}}
    return state


def test_cases_read_back_as_they_were_drawn(disk: Path) -> None:
    """For every operation and mode, a list read from disk equals the drawn one (metadata and
    its modification tracking included), and the run's token is never written."""
    for op in operation_ids():
        for declared, mode in MODES:
            key, strategy = _strategy(op, declared, mode)
            drawn = drawing._draw(strategy(), 3, lambda: None)
            source = casefile.source_of(strategy())
            assert source is not None and source.fixed_headers["Authorization"].endswith(TOKEN)
            assert casefile.write(disk, key, drawn, source), (op, mode)
            again = casefile.read(disk, key, casefile.source_of(strategy()))  # type: ignore[arg-type]
            assert again is not None
            assert [_state(c) for c in again] == [_state(c) for c in drawn], (op, mode)
    assert not any(TOKEN in f.read_text() for f in disk.iterdir())


def test_a_warm_key_is_read_not_drawn(disk: Path) -> None:
    """In a new process (the in-memory list gone) a key on disk is read; nothing is drawn."""
    key, strategy = _strategy("CreateCustomerGroup", False, "negative")
    first = drawing.drawn(key, strategy, 3)
    drawing._DRAWN.pop(key)
    before = (drawing.DISK.read, drawing.DISK.drawn)
    second = drawing.drawn(key, strategy, 3)
    assert (drawing.DISK.read, drawing.DISK.drawn) == (before[0] + 1, before[1])
    assert [_state(c) for c in second] == [_state(c) for c in first]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other key", "other format"])
def test_a_stale_or_unreadable_file_is_drawn_again(disk: Path, damage: str) -> None:
    """A file that does not read back whole under exactly its key is redrawn and rewritten."""
    key, strategy = _strategy("UpdateCustomerGroup", True, "positive")
    other, other_strategy = _strategy("RetrieveCustomerGroup", True, "positive")
    drawn = drawing.drawn(key, strategy, 3)
    drawing.drawn(other, other_strategy, 3)
    recipe = _recipe(strategy)
    path = casefile.path_for(disk, key, recipe)
    text = path.read_text()
    if damage == "garbage":
        path.write_bytes(b"\x00\xff not json")
    elif damage == "truncated":
        path.write_text(text[: len(text) // 2])
    elif damage == "other key":
        path.write_text(casefile.path_for(disk, other, _recipe(other_strategy)).read_text())
    else:
        doc = json.loads(text)
        doc["key"]["format"] = casefile.FORMAT + 1
        path.write_text(json.dumps(doc))
    drawing._DRAWN.pop(key)
    before = drawing.DISK.drawn
    again = drawing.drawn(key, strategy, 3)
    assert drawing.DISK.drawn == before + 1
    assert [_values(c) for c in again] == [_values(c) for c in drawn]
    assert json.loads(path.read_text())["key"] == casefile.key_document(key, recipe)


def _recipe(strategy: Callable[[], Any]) -> str:
    source = casefile.source_of(strategy())
    assert source is not None
    return source.recipe


def test_the_key_names_generator_versions_and_how_the_strategy_is_built() -> None:
    """The file's key holds the fingerprint, mode, example count, both library versions and
    the strategy's recipe, which differs between modes but not between tokens."""
    document = casefile.key_document(("f" * 64, "negative", 10), "r")
    assert set(document) == {
        "format",
        "fingerprint",
        "mode",
        "examples",
        "strategy",
        "schemathesis",
        "hypothesis",
    }
    where = Path("x")
    assert casefile.path_for(where, ("a", "n", 10), "r") != casefile.path_for(
        where, ("a", "n", 11), "r"
    )
    positive = _recipe(_strategy("CreateCustomerGroup", False, "positive")[1])
    negative = _recipe(_strategy("CreateCustomerGroup", False, "negative")[1])
    assert positive != negative
    other_token = _recipe(_strategy("CreateCustomerGroup", False, "positive", "another")[1])
    assert positive == other_token


@pytest.mark.e2e
def test_run_fills_the_cache_and_off_keeps_none(tmp_path: Path) -> None:
    """`squarecheck run --fuzz-cache DIR` leaves drawn lists in DIR; `off` writes nothing."""
    cache = tmp_path / "cache"
    base = [sys.executable, "-m", "squarecheck", "run", "-k", "generated and RetrieveCustomerGroup"]
    for setting in (str(cache), "off"):
        done = subprocess.run(
            [*base, "--report-dir", str(tmp_path / "r"), "--fuzz-cache", setting],
            cwd=tmp_path,
            env={**clean_env(), "HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": ""},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert len(list(cache.glob("*.json"))) == 2  # positive and negative, one definition each
    assert not (tmp_path / "home" / ".cache").exists()
