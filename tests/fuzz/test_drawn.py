"""Cases drawn once per operation definition, and the fingerprint that says when two versions
define an operation the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import FailedHealthCheck, Unsatisfiable
from schemathesis import GenerationMode

from squarecheck.fuzz import drawn as drawing
from squarecheck.fuzz import runner as fuzzing
from squarecheck.fuzz.document import operation_fingerprint, operation_ids
from squarecheck.spec.table import load_table
from tests.support.selftest import Seller


def _around(behaviour: str) -> tuple[str, str]:
    """The release before a behaviour's first cutover, and the cutover (from the table)."""
    table = load_table()
    since = table[behaviour].changes[0].since
    before = table.release_before(since)
    assert before is not None
    return before, since


def test_fingerprint_differs_only_where_the_definition_does() -> None:
    """Before 2022-03-16 CreateCustomerGroup takes unknown properties and after it does not;
    RetrieveCustomerGroup reads the same on both sides."""
    old, new = _around("unrecognized-field")
    assert operation_fingerprint(old, False, "CreateCustomerGroup") != operation_fingerprint(
        new, False, "CreateCustomerGroup"
    )
    assert operation_fingerprint(old, False, "RetrieveCustomerGroup") == operation_fingerprint(
        new, False, "RetrieveCustomerGroup"
    )


def test_a_key_is_drawn_once_and_handed_out_as_fresh_copies() -> None:
    """The second request for a key builds no strategy; changing a copy changes no other."""
    built: list[int] = []

    def strategy() -> Any:
        built.append(1)
        return st.fixed_dictionaries({"body": st.fixed_dictionaries({"n": st.integers(0, 9)})})

    key = ("test-fingerprint", "positive", 3)
    first = drawing.drawn(key, strategy, 3)
    drawn_first = first[0]["body"]["n"]
    first[0]["body"]["n"] = "changed"
    second = drawing.drawn(key, strategy, 3)
    assert len(built) == 1
    assert len(second) == len(first) == 3
    assert second[0]["body"]["n"] == drawn_first


def test_an_unsatisfiable_strategy_is_remembered_as_no_case() -> None:
    """Nothing to draw is kept too, so a version matrix does not try a thousand times again."""
    built: list[int] = []

    def strategy() -> Any:
        built.append(1)
        return st.integers().filter(lambda _: False)

    key = ("unsatisfiable-fingerprint", "negative", 2)
    assert drawing.drawn(key, strategy, 2) == []
    assert drawing.drawn(key, strategy, 2) == []
    assert built == [1]


def test_versions_with_one_definition_draw_once(seller_on: Callable[..., Seller]) -> None:
    """Under a second version that defines the operation the same way nothing new is drawn,
    the same number of cases is judged, and none breaks a check."""
    seller = seller_on()
    old, new = _around("unrecognized-field")
    judged = []
    for version in (old, new):
        before = len(drawing._DRAWN)
        report = fuzzing.Fuzzer(seller.client(version), 3).run_operation("RetrieveCustomerGroup")
        assert report.findings == [], [f.summary() for f in report.findings]
        judged.append((len(drawing._DRAWN) - before, report.cases))
    assert judged[0][0] >= 1
    assert judged[1] == (0, judged[0][1])


def test_a_drawn_case_is_copied_whole() -> None:
    """Preparing a handed-out case (names, keys, path ids) leaves the kept one as drawn."""
    version = load_table().newest_version
    schema = fuzzing.schema_for(version, declared=True)
    operation = schema.find_operation_by_id("CreateCustomerGroup")  # type: ignore[attr-defined]
    key = (operation_fingerprint(version, True, "CreateCustomerGroup"), "copy-test", 2)
    cases = drawing.drawn(key, lambda: operation.as_strategy(), 2)
    assert cases and isinstance(cases[0].body, dict)
    kept = dict(cases[0].body)
    cases[0].body["idempotency_key"] = "changed"
    cases[0].body["group"] = {"name": "changed"}
    again = drawing.drawn(key, lambda: operation.as_strategy(), 2)
    assert again[0].body == kept
    assert again[0].operation is cases[0].operation


def test_giving_up_early_drops_only_what_has_nothing_to_draw() -> None:
    """Wherever the early give-up stops generation (hypothesis' filter_too_much health
    check) for an operation, mode and definition of the cutover matrix, drawing without it is
    unsatisfiable too: no drawable case is lost (2 cases each, the cutover budget)."""
    given_up: list[tuple[str, str, str]] = []
    seen: set[tuple[str, bool]] = set()
    for version in load_table().select("cutovers"):
        for op in operation_ids():
            for declared, mode in (
                (True, GenerationMode.POSITIVE),
                (False, GenerationMode.NEGATIVE),
            ):
                key = (operation_fingerprint(version, declared, op), declared)
                if key in seen:
                    continue
                seen.add(key)
                operation = fuzzing.schema_for(version, declared).find_operation_by_id(op)  # type: ignore[attr-defined]
                strategy = operation.as_strategy(generation_mode=mode, headers=_FIXED)
                if _draws(strategy, give_up=True) is None:
                    given_up.append((version, op, mode.value))
                    assert _draws(strategy, give_up=False) is None, (version, op, mode.value)
    assert (load_table().oldest_version, "RetrieveCustomer", "negative") in given_up


_FIXED = {"Authorization": "Bearer sqc-test", "Square-Version": "2022-03-16"}


def _draws(strategy: Any, *, give_up: bool) -> int | None:
    """How many cases hypothesis draws (2 asked), or None when it stops with nothing."""
    found: list[Any] = []

    @drawing.hypothesis_settings(2, give_up=give_up)
    @given(drawn=strategy)
    def collect(drawn: Any) -> None:
        found.append(drawn)

    try:
        collect()
    except (Unsatisfiable, FailedHealthCheck):
        return None
    return len(found)
