"""Generated requests (schemathesis) from specs/openapi.yaml, judged under each Square-Version.

Every operation gets `--fuzz-examples` positive and as many negative cases; three stateful
checks follow the OpenAPI links (create -> retrieve -> update -> delete a group; create a
customer and a group -> add -> retrieve -> remove; upsert -> retrieve -> delete a catalog
object). CreateOrder and UpdateOrder are generated only where orders may be created (the embedded
emulator, or --create-orders), because Square cannot delete them. What "valid" means comes from the
behaviour table through `squarecheck.fuzz.document.document_for`: e.g. before 2022-03-16
unknown properties are ignored (behaviour unrecognized-field), so they are not generated as
invalid data there.
"""

from __future__ import annotations

import pytest

from squarecheck.checks import Check, ConformanceFailure
from squarecheck.fuzz import Fuzzer, FuzzReport, operation_ids
from squarecheck.fuzz.sequences import CATALOG_SEQUENCE, GROUP_SEQUENCE, MEMBERSHIP_SEQUENCE
from squarecheck.target.client import Client

pytestmark = pytest.mark.fuzz

SHOWN = 5  # findings spelled out in a failure message


def _fuzzer(check: Check, examples: int) -> Fuzzer:
    """A fuzzer with its own transcript: only failing exchanges become the check's evidence."""
    client = Client(check.client.conn, check.client.token, check.version, [])
    return Fuzzer(client, examples)


def _judge(check: Check, report: FuzzReport) -> None:
    """Fail with the first findings, each with its request, answer and curl command."""
    # Only checks whose verdict is the same in every version are observations: the cases a
    # version counts as invalid differ, so the rest would differ for a target that does not.
    check.observe(failing_checks=sorted(report.versionless))
    if not report.findings:
        return
    distinct = {(f.operation, f.mode, f.message): f for f in reversed(report.findings)}
    shown = list(reversed(distinct.values()))[:SHOWN]
    check.client.transcript.extend(f.exchange for f in reversed(shown))
    lines = [f"{len(report.findings)} of {report.cases} generated requests broke a check"]
    lines[0] += f" ({len(distinct)} distinct):"
    for finding in shown:
        lines.append(f"- {finding.summary()}")
        lines.append(f"  < {finding.exchange.response.get('status')}")
        lines.append(f"  reproduce: {finding.exchange.curl}")
    raise ConformanceFailure("\n".join(lines), operation=check.operation, version=check.version)


@pytest.mark.check("schema-conformance", "{op}", "generated requests")
@pytest.mark.parametrize("op", operation_ids())
def test_generated_requests(check: Check, op: str, fuzz_examples: int) -> None:
    """The target answers generated valid and invalid requests as the document and table say."""
    if op in ("CreateOrder", "UpdateOrder") and not check.client.conn.create_orders:
        pytest.skip("needs --create-orders against a remote target (orders cannot be deleted)")
    _judge(check, _fuzzer(check, fuzz_examples).run_operation(op))


@pytest.mark.check("group-lifecycle", "CreateCustomerGroup", "generated sequences through links")
def test_group_sequences(check: Check, fuzz_examples: int) -> None:
    """Generated create, retrieve, update and delete sequences of groups conform."""
    _judge(check, _fuzzer(check, fuzz_examples).run_stateful(GROUP_SEQUENCE))


@pytest.mark.check("group-ids-field", "AddGroupToCustomer", "generated sequences through links")
def test_membership_sequences(check: Check, fuzz_examples: int) -> None:
    """Generated create customer, add to group, retrieve and remove sequences conform."""
    _judge(check, _fuzzer(check, fuzz_examples).run_stateful(MEMBERSHIP_SEQUENCE))


@pytest.mark.check(
    "catalog-id-mappings", "UpsertCatalogObject", "generated sequences through links"
)
def test_catalog_sequences(check: Check, fuzz_examples: int) -> None:
    """Generated upsert, retrieve and delete sequences of catalog objects conform."""
    _judge(check, _fuzzer(check, fuzz_examples).run_stateful(CATALOG_SEQUENCE))
