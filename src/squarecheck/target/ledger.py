"""What a run created, so that it deletes exactly that and nothing else.

Every group, customer and catalog object the run creates is recorded here (by the client, from
the create or upsert response). Each test deletes what it created, even when it fails; the
session ends with a sweep of what is left; `squarecheck sweep --prefix P` removes leftovers of
a crashed run by name prefix. Nothing outside the ledger (or, for the sweep command, outside
the prefix) is touched. Orders cannot be deleted, so none is created on a remote target unless
`--create-orders` allows it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from squarecheck.errors import Interrupted, ToolError, UsageError
from squarecheck.target.bounds import clip, printable

Kind = Literal["group", "customer", "catalog"]
CATALOG_TYPES = "ITEM,ITEM_VARIATION,CATEGORY,DISCOUNT,PRODUCT_SET,PRICING_RULE"
DELETE_CHUNK = 200  # catalog ids per BatchDeleteCatalogObjects


class Answer(Protocol):
    """What the ledger reads of a response."""

    @property
    def status(self) -> int: ...

    @property
    def operation(self) -> str: ...

    def get(self, key: str) -> Any: ...


class Deleter(Protocol):
    """The client operations cleanup and sweeping need (a `target.client.Client`)."""

    def delete_customer(self, customer_id: str) -> Answer: ...

    def delete_group(self, group_id: str) -> Answer: ...

    def list_customers(self, limit: int | None = None, cursor: str | None = None) -> Answer: ...

    def list_groups(self, limit: int | None = None, cursor: str | None = None) -> Answer: ...

    def batch_delete_catalog(self, object_ids: list[str]) -> Answer: ...

    def list_catalog(self, types: str | None = None, cursor: str | None = None) -> Answer: ...


#: What `results.prefix_for` makes of a run id: `sqc-YYYYMMDDtHHMMSS-xxxx-`. A sweep takes
#: exactly one such prefix: a shorter one (`sqc-20`) matches every run's resources, a
#: concurrent run's too.
RUN_PREFIX = re.compile(r"sqc-\d{8}t\d{6}-[0-9a-f]{4}-")


@dataclass
class Entry:
    """One resource the run created, and the token (seller) it belongs to."""

    kind: Kind
    id: str
    name: str
    token: str | None
    deleted: bool = False


class Ledger:
    """The resources a run created, in creation order."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.entries: list[Entry] = []
        self._by_id: dict[str, Entry] = {}
        self._unknown: set[str] = set()

    def add(self, kind: Kind, rid: str, name: str, token: str | None) -> None:
        if rid in self._by_id:
            return  # an idempotent replay returns the resource already recorded
        entry = Entry(kind, rid, name, token)
        self.entries.append(entry)
        self._by_id[rid] = entry

    def unknown_id(self) -> str:
        """An id no target has issued, which the client may use in not-found checks."""
        rid = "SQCNOSUCH" + secrets.token_hex(8).upper()
        self._unknown.add(rid)
        return rid

    def owns(self, rid: str) -> bool:
        """True for ids this run created or invented."""
        return rid in self._by_id or rid in self._unknown

    def mark_deleted(self, rid: str) -> None:
        entry = self._by_id.get(rid)
        if entry is not None:
            entry.deleted = True

    def mark(self) -> int:
        """A checkpoint; `since(mark)` lists what was created after it."""
        return len(self.entries)

    def since(self, mark: int) -> list[Entry]:
        return [e for e in self.entries[mark:] if not e.deleted]

    def pending(self) -> list[Entry]:
        return [e for e in self.entries if not e.deleted]


def _delete_catalog(entries: list[Entry], client_for: Callable[[str | None], Deleter]) -> int:
    """Batch-delete catalog entries per seller; ids not deleted are already gone. Remaining."""
    remaining = 0
    sellers: dict[str | None, list[Entry]] = {}
    for entry in entries:
        if entry.kind == "catalog" and not entry.deleted:
            sellers.setdefault(entry.token, []).append(entry)
    for token, mine in sellers.items():
        for start in range(0, len(mine), DELETE_CHUNK):
            chunk = mine[start : start + DELETE_CHUNK]
            try:
                resp = client_for(token).batch_delete_catalog([e.id for e in chunk])
            except (ToolError, AssertionError, Interrupted):
                remaining += len(chunk)
                continue
            for entry in chunk:
                entry.deleted = resp.status == 200
            remaining += 0 if resp.status == 200 else len(chunk)
    return remaining


def cleanup(entries: list[Entry], client_for: Callable[[str | None], Deleter]) -> int:
    """Delete `entries` (customers, catalog objects, groups), each as its own seller.

    Returns how many remain.
    """
    remaining = _delete_catalog(entries, client_for)
    ordered = [e for e in entries if e.kind == "customer"] + [
        e for e in entries if e.kind == "group"
    ]
    for index, entry in enumerate(ordered):
        if entry.deleted:
            continue
        client = client_for(entry.token)
        try:
            if entry.kind == "customer":
                resp = client.delete_customer(entry.id)
            else:
                resp = client.delete_group(entry.id)
        except (ToolError, Interrupted):
            # No answer (deadline, body cap, 429s, a halted or interrupted run): the next delete
            # would cost another whole request deadline for nothing; what is left stays.
            return remaining + sum(1 for e in ordered[index:] if not e.deleted)
        except AssertionError:
            remaining += 1
            continue
        if resp.status in (200, 404):
            entry.deleted = True
        else:
            remaining += 1
    return remaining


def check_prefix(prefix: str) -> None:
    """Refuse a sweep prefix that is not one run's whole prefix (it could match other data)."""
    if RUN_PREFIX.fullmatch(prefix) is None:
        shown = clip(printable(prefix), 80)
        raise UsageError(
            f"--prefix must be one run prefix as the run printed it, e.g. "
            f"sqc-20260101t120000-ab12- (got {shown!r})"
        )


def _pages(fetch: Callable[[str | None], Answer], key: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(10_000):
        resp = fetch(cursor)
        if resp.status != 200:
            raise ToolError(f"{resp.operation} answered {resp.status} while sweeping")
        items += [i for i in resp.get(key) or [] if isinstance(i, dict)]
        cursor = resp.get("cursor")
        if not cursor:
            break
    return items


def _sweep_catalog(client: Deleter, prefix: str) -> list[tuple[str, str, str]]:
    """Delete the catalog objects (of the types runs create) whose name starts with `prefix`."""
    found = _pages(lambda c: client.list_catalog(types=CATALOG_TYPES, cursor=c), "objects")
    named = []
    for obj in found:
        data = next((v for k, v in obj.items() if k.endswith("_data") and isinstance(v, dict)), {})
        name = str(data.get("name") or "")
        if name.startswith(prefix):
            named.append(("catalog", str(obj["id"]), name))
    deleted: set[str] = set()
    for start in range(0, len(named), DELETE_CHUNK):
        resp = client.batch_delete_catalog(
            [rid for _, rid, _ in named[start : start + DELETE_CHUNK]]
        )
        if resp.status == 200:
            deleted |= {str(i) for i in resp.get("deleted_object_ids") or []}
    return [hit for hit in named if hit[1] in deleted]


def sweep_prefix(client: Deleter, prefix: str) -> list[tuple[str, str, str]]:
    """Delete groups named `prefix...`, customers whose given or company name starts with it,
    and catalog objects so named.

    Returns (kind, id, name) for each deleted resource. `client` must have guard=False: the
    prefix, not the ledger, is what limits this sweep.
    """
    check_prefix(prefix)
    deleted: list[tuple[str, str, str]] = []
    deleted += _sweep_catalog(client, prefix)
    customers = _pages(lambda c: client.list_customers(limit=100, cursor=c), "customers")
    for customer in customers:
        names = [str(customer.get("given_name") or ""), str(customer.get("company_name") or "")]
        hit = next((n for n in names if n.startswith(prefix)), None)
        if hit is not None and client.delete_customer(str(customer["id"])).status in (200, 404):
            deleted.append(("customer", str(customer["id"]), hit))
    groups = _pages(lambda c: client.list_groups(limit=50, cursor=c), "groups")
    for group in groups:
        name = str(group.get("name") or "")
        if name.startswith(prefix) and client.delete_group(str(group["id"])).status in (200, 404):
            deleted.append(("group", str(group["id"]), name))
    return deleted
