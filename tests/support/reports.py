"""Hand-built runs for the report tests: the emulator, and a target that ignores Square-Version.

The emulator answers each version as `specs/behaviours.yaml` says. The version-ignoring target
answers every request like the newest version (what a server does that drops the header and
applies its default), so under 2022-02-16 the seed behaviours' checks fail.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OLD, NEW = "2022-02-16", "2022-03-16"

# key, behaviour, operation, observed under the old behaviour, observed under the new one
# (behaviours unrecognized-field and idempotency-key-reuse; the others do not change).
ROWS: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "CreateCustomerGroup > unrecognized top-level field",
        "unrecognized-field",
        "CreateCustomerGroup",
        {"status": 200, "outcome": "ignored"},
        {"status": 400, "code": "BAD_REQUEST", "field": "nickname", "outcome": "rejected"},
    ),
    (
        "UpdateCustomerGroup > unrecognized field inside group",
        "unrecognized-field",
        "UpdateCustomerGroup",
        {"status": 200, "outcome": "ignored"},
        {"status": 400, "code": "BAD_REQUEST", "field": "group.colour", "outcome": "rejected"},
    ),
    (
        "CreateCustomerGroup > reused idempotency key",
        "idempotency-key-reuse",
        "CreateCustomerGroup",
        {"status": 400, "code": "INVALID_VALUE", "detail": "name", "outcome": "error"},
        {"status": 200, "outcome": "replay"},
    ),
    (
        "CreateCustomerGroup > distinct idempotency keys",
        "idempotency-distinct-keys",
        "CreateCustomerGroup",
        {"status": 200, "outcome": "created"},
        {"status": 200, "outcome": "created"},
    ),
    (
        "RetrieveCustomerGroup > unknown group id",
        "group-not-found",
        "RetrieveCustomerGroup",
        {"status": 404, "code": "NOT_FOUND"},
        {"status": 404, "code": "NOT_FOUND"},
    ),
]

CHANGING = {"unrecognized-field", "idempotency-key-reuse"}


def check_id(version: str, key: str) -> str:
    return f"{version} > {key}"


def _evidence(operation: str, version: str, status: int) -> list[dict[str, Any]]:
    """One exchange with the volatile values a real one carries (ids, timestamps)."""
    return [
        {
            "request": {
                "method": "POST",
                "url": "http://127.0.0.1:8080/v2/customers/groups",
                "headers": {"Square-Version": version, "Authorization": "Bearer [redacted]"},
                "body": {"idempotency_key": "k-1", "group": {"name": "sqc-x-1"}},
            },
            "response": {
                "status": status,
                "body": {
                    "group": {
                        "id": "2TAT3CMH4Q0A9M87XJZED0WMR3",
                        "created_at": "2026-11-28T22:50:00Z",
                    }
                },
            },
            "curl": (
                f"curl -X POST http://127.0.0.1:8080/v2/customers/groups -H 'Square-Version: "
                f"{version}' -H 'Authorization: Bearer [redacted]' -d '{{\"group\":{{}}}}'"
            ),
        }
    ]


def build_run(mode: str, run_id: str | None = None) -> dict[str, Any]:
    """results.json of a run against `mode`: 'emulator' or 'ignores-version'."""
    checks = []
    for key, behaviour, operation, before, after in ROWS:
        for version in (OLD, NEW):
            expected = before if version == OLD else after
            seen = after if mode == "ignores-version" else expected
            passed = seen == expected
            checks.append(
                {
                    "id": check_id(version, key),
                    "key": key,
                    "nodeid": f"suites/test_x.py::test_x[{version}-{key}]",
                    "behaviour": behaviour,
                    "family": "f",
                    "operation": operation,
                    "version": version,
                    "resolved_version": version if version == NEW else "2020-04-22",
                    "outcome": "passed" if passed else "failed",
                    "basis": "documented",
                    "source": "https://developer.squareup.com/docs/customer-groups-api/what-it-does",
                    "expected_summary": f"{behaviour} under {version}",
                    "duration": 0.01,
                    "status": seen["status"],
                    "error_code": seen.get("code"),
                    "observed": dict(seen),
                    "message": None if passed else f"expected {expected}, observed {seen}",
                    "evidence": _evidence(operation, version, int(seen["status"])),
                }
            )
    failed = sum(1 for c in checks if c["outcome"] == "failed")
    return {
        "format": 1,
        "run": {
            "id": run_id or f"20261128T2300{'00' if mode == 'emulator' else '01'}-{mode[:4]}",
            "target": (
                "emulator" if mode == "emulator" else "http://user:secret@127.0.0.1:9000/?token=t"
            ),
            "target_kind": "emulator" if mode == "emulator" else "url",
            "versions": [OLD, NEW],
            "started_at": "2026-11-28T23:00:00Z",
            "finished_at": "2026-11-28T23:00:04Z",
            "duration": 4.2,
            "leftovers": 0,
            "counts": {"passed": len(checks) - failed, "failed": failed},
            "exit_code": 1 if failed else 0,
        },
        "checks": checks,
    }


def write_run(folder: Path, results: dict[str, Any]) -> Path:
    """A run folder as `squarecheck run` leaves it before the report stage."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (folder / "report.html").write_text("<!DOCTYPE html><title>pytest</title>", encoding="utf-8")
    return folder
