"""Fuzzing the emulator: generated cases per version, failures, wall time and cases per second.

Run: python bench/bench_fuzz.py [--cases 2000] [--square-version V ...] [--show 10]. For each
version it fuzzes every operation (positive and negative cases), then stateful sequences, until
at least --cases cases were sent; every distinct failure is printed with its curl command.

With --examples N it fuzzes every operation once with N examples per mode instead (the fuzz
suite's `--fuzz-examples N`), and the stateful sequences with N steps' worth: the project agrees
with itself when this finds no failure at 1,000 (`--examples 1000`, an hour or more per version
on two shared cores; `--operation ID`, repeatable, fuzzes only those operations). It exits 1
when anything failed.
"""

from __future__ import annotations

import argparse
import secrets
import time

from squarecheck.emulator.server import EmulatorServer
from squarecheck.fuzz import Fuzzer, FuzzReport, operation_ids
from squarecheck.spec.table import load_table
from squarecheck.target.client import Client, Connection
from squarecheck.target.ledger import Ledger, cleanup
from squarecheck.target.redaction import Redactor

SEQUENCES = (
    ("CreateCustomerGroup", "RetrieveCustomerGroup", "UpdateCustomerGroup", "DeleteCustomerGroup"),
    (
        "CreateCustomer",
        "CreateCustomerGroup",
        "AddGroupToCustomer",
        "RetrieveCustomer",
        "RemoveGroupFromCustomer",
    ),
    ("UpsertCatalogObject", "RetrieveCatalogObject", "DeleteCatalogObject"),
)


def fuzz_version(conn: Connection, token: str, version: str, cases: int) -> FuzzReport:
    """Every operation, then sequences, until `cases` cases were sent under `version`."""
    total = FuzzReport()
    ops = operation_ids()
    per_mode = max(1, cases // (2 * len(ops)))
    rounds = 0
    while total.cases < cases:
        plan = [(op, None) for op in ops] if rounds == 0 else [(None, s) for s in SEQUENCES]
        for op, sequence in plan:
            fuzzer = Fuzzer(Client(conn, token, version, []), per_mode + rounds)
            report = fuzzer.run_operation(op) if op else fuzzer.run_stateful(sequence or ())
            total.cases += report.cases
            total.findings += report.findings
            for name, count in report.by_check.items():
                total.by_check[name] = total.by_check.get(name, 0) + count
            cleanup(
                conn.ledger.pending(), Client(conn, token, version, [], validate=False).with_token
            )
        rounds += 1
    return total


def fuzz_each_operation(
    conn: Connection, token: str, version: str, examples: int, only: list[str] | None = None
) -> FuzzReport:
    """Every operation once with `examples` cases per mode, then every sequence once; with
    `only`, just those operations (to look again at what a long run found)."""
    total = FuzzReport()
    plan = [(op, None) for op in operation_ids()] + [(None, s) for s in SEQUENCES]
    if only:
        plan = [(op, None) for op in operation_ids() if op in only]
    for op, sequence in plan:
        fuzzer = Fuzzer(Client(conn, token, version, []), examples)
        report = fuzzer.run_operation(op) if op else fuzzer.run_stateful(sequence or ())
        total.cases += report.cases
        total.findings += report.findings
        for name, count in report.by_check.items():
            total.by_check[name] = total.by_check.get(name, 0) + count
        cleanup(conn.ledger.pending(), Client(conn, token, version, [], validate=False).with_token)
        name = op or " -> ".join(sequence or ())
        print(f"  {name}: {report.cases} cases, {len(report.findings)} failing", flush=True)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--examples", type=int, help="cases per operation and mode, once each")
    parser.add_argument("--square-version", action="append", dest="versions")
    parser.add_argument("--show", type=int, default=10, help="distinct failures to print")
    parser.add_argument(
        "--operation",
        action="append",
        dest="operations",
        metavar="ID",
        help="with --examples: only this operation (repeatable), no sequences",
    )
    args = parser.parse_args()
    unknown = sorted(set(args.operations or ()) - set(operation_ids()))
    if unknown:
        parser.error(f"no such operation: {', '.join(unknown)}")
    versions = args.versions or list(load_table().default_selection)
    failed = False
    with EmulatorServer(port=0) as server:
        for version in versions:
            token = f"sqc-emu-{secrets.token_hex(8)}"
            ledger = Ledger("sqc-bench-")  # the emulator's orders may be created
            conn = Connection(server.url, Redactor([token]), ledger, create_orders=True)
            start = time.perf_counter()
            if args.examples:
                report = fuzz_each_operation(conn, token, version, args.examples, args.operations)
            else:
                report = fuzz_version(conn, token, version, args.cases)
            wall = time.perf_counter() - start
            failed = failed or bool(report.findings)
            distinct = {(f.operation, f.mode, tuple(f.checks)): f for f in report.findings}
            print(
                f"{version}: {report.cases} cases, {len(report.findings)} failing "
                f"({len(distinct)} distinct), {wall:.1f}s wall, {report.cases / wall:.1f} cases/s"
            )
            for name, count in sorted(report.by_check.items()):
                print(f"  {count:5d} x {name}")
            for finding in list(distinct.values())[: args.show]:
                print(f"  - {finding.summary()[:400]}")
                print(
                    f"    < {finding.exchange.response.get('status')} "
                    f"{str(finding.exchange.response.get('body'))[:300]}"
                )
                print(f"    {finding.exchange.curl[:600]}")
            conn.close()
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
