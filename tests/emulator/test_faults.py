"""Each injected fault visibly bends the emulator, and the clean emulator does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from squarecheck.cli import main
from squarecheck.emulator.faults.catalogue import CATALOGUE
from squarecheck.emulator.server import EmulatorServer
from squarecheck.spec.table import load_table
from tests.support.commerce_probes import COMMERCE_PROBES
from tests.support.emulator import NEW, OLD, Api
from tests.support.pricing_probes import PRICING_PROBES

GROUPS = "/v2/customers/groups"
SEARCH = "/v2/customers/search"
BOGUS = {"group": {"name": "a", "bogus": 1}}
JSON = {"Content-Type": "application/json"}


def _status(api: Api, method: str, path: str, **kwargs: Any) -> int:
    return api.request(method, path, **kwargs).status_code


def _error(api: Api, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    error: dict[str, Any] = api.request(method, path, **kwargs).json()["errors"][0]
    return error


def _reuse(api: Api) -> tuple[int, str | None, int]:
    """Create twice with one key: (second status, second name, groups existing)."""
    api.request("POST", GROUPS, json={"idempotency_key": "k", "group": {"name": "A"}})
    second = api.request("POST", GROUPS, json={"idempotency_key": "k", "group": {"name": "B"}})
    name = second.json()["group"]["name"] if second.status_code == 200 else None
    return second.status_code, name, len(api.ok("GET", GROUPS)["groups"])


def _membership_left(api: Api, delete_group: bool) -> bool:
    customer, group = api.customer()["id"], api.group()["id"]
    api.ok("PUT", f"/v2/customers/{customer}/groups/{group}")
    if delete_group:
        api.ok("DELETE", f"{GROUPS}/{group}")
    else:
        api.ok("DELETE", f"/v2/customers/{customer}/groups/{group}")
    return "group_ids" in api.ok("GET", f"/v2/customers/{customer}")["customer"]


def _paged_ids(api: Api, groups: int, limit: int) -> tuple[int, int, bool]:
    """(distinct ids seen, first page size, last page has cursor) over at most 5 pages."""
    for i in range(groups):
        api.group(f"g{i}")
    seen: list[str] = []
    body = api.ok("GET", GROUPS, params={"limit": limit})
    first = len(body["groups"])
    for _ in range(5):
        seen += [g["id"] for g in body.get("groups", [])]
        if "cursor" not in body or len(set(seen)) == groups:
            break
        body = api.ok("GET", GROUPS, params={"limit": limit, "cursor": body["cursor"]})
    return len(set(seen)), first, "cursor" in body


def _search_count(api: Api, rule: str) -> int:
    a, b = api.group("A")["id"], api.group("B")["id"]
    for groups in ([a], [a, b], []):
        customer = api.customer()["id"]
        for group in groups:
            api.ok("PUT", f"/v2/customers/{customer}/groups/{group}")
    flt = {"all": [a, b]} if rule == "all" else {"none": [a]}
    body = api.ok("POST", SEARCH, json={"query": {"filter": {"group_ids": flt}}, "count": True})
    return int(body.get("count", 0))


def _position(api: Api) -> str:
    detail = _error(api, "POST", GROUPS, content=b'{"bogus": 1}', headers=JSON)["detail"]
    return "(" + str(detail).rsplit("(", 1)[-1]


def _two_sellers(api: Api) -> int:
    api.group("mine")
    other = Api(str(api.http.base_url).rstrip("/"), NEW)
    seen = len(other.ok("GET", GROUPS).get("groups", []))
    other.close()
    return seen


def _unknown_field_error(api: Api) -> dict[str, Any]:
    return _error(api, "POST", GROUPS, json=BOGUS)


def _bogus_status(api: Api) -> int:
    return _status(api, "POST", GROUPS, json=BOGUS)


def _echoed(api: Api) -> str | None:
    echoed: str | None = api.request("GET", GROUPS).headers.get("Square-Version")
    return echoed


def _timestamp_marks(api: Api) -> str:
    group = api.group()
    return str(group["created_at"][10] + group["updated_at"][-1])


Probe = Callable[[Api], object]
# fault name: (version the probe runs under, probe, what the clean emulator gives)
PROBES: dict[str, tuple[str, Probe, object]] = {
    "old-rejects-unknown-fields": (OLD, _bogus_status, 200),
    "new-ignores-unknown-fields": (NEW, _bogus_status, 400),
    "old-replays-idempotency": (OLD, _reuse, (400, None, 1)),
    "new-rejects-idempotency": (NEW, _reuse, (200, "A", 1)),
    "version-header-ignored": (OLD, _echoed, OLD),
    "idempotency-ignored": (NEW, _reuse, (200, "A", 1)),
    "replay-new-name": (NEW, _reuse, (200, "A", 1)),
    "replay-creates-duplicate": (NEW, _reuse, (200, "A", 1)),
    "remove-group-keeps-membership": (NEW, lambda a: _membership_left(a, False), False),
    "delete-group-keeps-membership": (NEW, lambda a: _membership_left(a, True), False),
    "cursor-repeats-first-page": (NEW, lambda a: _paged_ids(a, 3, 2), (3, 2, False)),
    "cursor-on-last-page": (NEW, lambda a: _paged_ids(a, 2, 2), (2, 2, False)),
    "limit-ignored": (NEW, lambda a: _paged_ids(a, 3, 1), (3, 1, False)),
    "group-name-strict": (
        NEW,
        lambda a: _status(a, "POST", GROUPS, json={"group": {"name": "Corner-shop regulars"}}),
        200,
    ),
    "search-all-as-any": (NEW, lambda a: _search_count(a, "all"), 1),
    "search-none-ignored": (NEW, lambda a: _search_count(a, "none"), 1),
    "search-never-consistent": (NEW, lambda a: _search_count(a, "none"), 1),
    "shared-sellers": (NEW, _two_sellers, 0),
    "auth-not-enforced": (NEW, lambda a: a.http.get(GROUPS).status_code, 401),
    "unknown-field-wrong-code": (NEW, lambda a: _unknown_field_error(a)["code"], "BAD_REQUEST"),
    "unknown-field-missing-field": (NEW, lambda a: _unknown_field_error(a).get("field"), "bogus"),
    "position-off-by-one": (NEW, _position, "(line 1, character 2)"),
    "wrong-error-category": (
        NEW,
        lambda a: _error(a, "GET", f"{GROUPS}/NOPE")["category"],
        "INVALID_REQUEST_ERROR",
    ),
    "malformed-json-500": (
        NEW,
        lambda a: _status(a, "POST", GROUPS, content=b"{", headers=JSON),
        400,
    ),
    "timestamps-not-rfc3339": (NEW, _timestamp_marks, "TZ"),
    "group-ids-empty-list": (NEW, lambda a: "group_ids" in a.customer(), False),
    "version-not-echoed": (NEW, _echoed, NEW),
}
PROBES.update(COMMERCE_PROBES)
PROBES.update(PRICING_PROBES)


def test_catalogue_is_documented_and_probed() -> None:
    """Every fault has a description, known behaviours, and a probe below (16 at least)."""
    table = load_table()
    assert len(CATALOGUE) >= 16
    assert set(PROBES) == set(CATALOGUE)
    for name, fault in CATALOGUE.items():
        assert fault.name == name and fault.description
        assert fault.behaviours and all(b in table.behaviours for b in fault.behaviours)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_fault_deviates_from_the_clean_emulator(server: EmulatorServer, name: str) -> None:
    """The probe sees the clean answer on the clean emulator and another one with the fault."""
    version, probe, clean = PROBES[name]
    clean_api = Api(server.url, version)
    assert probe(clean_api) == clean
    clean_api.close()
    with EmulatorServer(port=0, faults=(name,)) as faulty:
        faulty_api = Api(faulty.url, version)
        assert probe(faulty_api) != clean
        faulty_api.close()


def test_unknown_fault_name_is_refused() -> None:
    """EmulatorServer refuses a fault name that is not in the catalogue."""
    with pytest.raises(ValueError, match="no-such-fault"):
        EmulatorServer(faults=("no-such-fault",))


def test_list_faults(capsys: pytest.CaptureFixture[str]) -> None:
    """`serve --list-faults` prints one line per fault with its behaviours and exits 0."""
    assert main(["serve", "--list-faults"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(CATALOGUE)
    assert lines[0].startswith(f"{next(iter(CATALOGUE))}: ")
