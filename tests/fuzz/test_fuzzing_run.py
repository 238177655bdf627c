"""Fuzzing a real emulator: conformance, version awareness, the ledger and cleanup."""

from __future__ import annotations

from collections.abc import Callable

from squarecheck.fuzz import runner as fuzzing
from squarecheck.spec.table import load_table
from squarecheck.target.client import Client, Connection
from squarecheck.target.ledger import Ledger, cleanup
from squarecheck.target.redaction import Redactor
from tests.support.selftest import Seller

EXAMPLES = 4


def _old_and_new() -> tuple[str, str]:
    table = load_table()
    return min(table.known_versions), table["unrecognized-field"].changes[0].since


def test_clean_emulator_passes_generated_group_requests(seller_on: Callable[..., Seller]) -> None:
    """Generated valid and invalid group requests break no check under either version."""
    seller = seller_on()
    for version in _old_and_new():
        for op in ("CreateCustomerGroup", "UpdateCustomerGroup", "ListCustomerGroups"):
            report = fuzzing.Fuzzer(seller.client(version), EXAMPLES).run_operation(op)
            assert report.cases >= EXAMPLES
            assert report.findings == [], [f.summary() for f in report.findings]


def test_created_resources_are_in_the_ledger_with_the_prefix(
    seller_on: Callable[..., Seller],
) -> None:
    """Every group a generated request created is in the ledger, named with the run prefix."""
    seller = seller_on()
    old, _ = _old_and_new()
    fuzzing.Fuzzer(seller.client(old), EXAMPLES).run_operation("CreateCustomerGroup")
    groups = [e for e in seller.ledger.entries if e.kind == "group"]
    assert groups
    assert all(e.name.startswith(seller.ledger.prefix) for e in groups)
    client = seller.client(old)
    assert cleanup(seller.ledger.pending(), lambda token: client.with_token(token)) == 0
    listed = client.list_groups(limit=50)
    assert listed.get("groups") in (None, [])


def test_stateful_sequences_follow_links(seller_on: Callable[..., Seller]) -> None:
    """Sequences create groups and customers and reach the operations linked from them."""
    seller = seller_on()
    _, new = _old_and_new()
    fuzzer = fuzzing.Fuzzer(seller.client(new), EXAMPLES)
    report = fuzzer.run_stateful(
        ("CreateCustomer", "CreateCustomerGroup", "AddGroupToCustomer", "RemoveGroupFromCustomer")
    )
    assert report.findings == [], [f.summary() for f in report.findings]
    kinds = {e.kind for e in seller.ledger.entries}
    assert kinds == {"group", "customer"}


def test_fault_leaking_new_behaviour_into_old_version_is_caught(
    seller_on: Callable[..., Seller],
) -> None:
    """An old version that rejects unknown properties fails the table-driven custom check."""
    seller = seller_on("old-rejects-unknown-fields")
    old, _ = _old_and_new()
    report = fuzzing.Fuzzer(seller.client(old), 10).run_operation("CreateCustomerGroup")
    caught = [f for f in report.findings if any("unrecognized_field" in c for c in f.checks)]
    assert caught
    assert caught[0].exchange.curl.startswith("curl ")
    assert caught[0].exchange.response["status"] == 400


def test_guarded_operations_only_address_owned_ids(seller_on: Callable[..., Seller]) -> None:
    """Generated deletes and updates address ids the run owns, never someone else's."""
    seller = seller_on()
    _, new = _old_and_new()
    # the same seller, through a connection with its own ledger: a group this run did not create
    elsewhere = Connection(seller.conn.base_url, Redactor([seller.token]), Ledger("sqc-other-"))
    other = Client(elsewhere, seller.token, new)
    foreign = other.create_group("sqc-other-group").body["group"]["id"]
    assert not seller.ledger.owns(foreign)
    for op in ("DeleteCustomerGroup", "UpdateCustomerGroup"):
        report = fuzzing.Fuzzer(seller.client(new), EXAMPLES).run_operation(op)
        assert report.findings == [], [f.summary() for f in report.findings]
    assert seller.client(new).retrieve_group(foreign).status == 200
    assert other.delete_group(foreign).status == 200
    elsewhere.close()


def test_new_version_ignoring_unknown_properties_is_caught(
    seller_on: Callable[..., Seller],
) -> None:
    """From the cutover on, a valid body plus an unknown property must be refused with 400."""
    seller = seller_on("new-ignores-unknown-fields")
    _, new = _old_and_new()
    report = fuzzing.Fuzzer(seller.client(new), EXAMPLES).run_operation("CreateCustomerGroup")
    caught = [f for f in report.findings if f.mode == "unknown-property"]
    assert caught and all(f.exchange.response["status"] == 200 for f in caught)
    assert "sqc_unknown" in (caught[0].exchange.request["body"] or "")
