"""What a run created, so that it deletes exactly that and nothing else.

Every group and customer the run creates is recorded here (by the client, from the create
response). Each test deletes what it created, even when it fails; the session ends with a sweep
of what is left; `squarecheck sweep --prefix P` removes leftovers of a crashed run by name
prefix. Nothing outside the ledger (or, for the sweep command, outside the prefix) is touched.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from squarecheck.errors import ToolError, UsageError

Kind = Literal["group", "customer"]


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


MIN_PREFIX = 6  # a sweep prefix shorter than this could match someone else's data


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


def cleanup(entries: list[Entry], client_for: Callable[[str | None], Deleter]) -> int:
    """Delete `entries` (customers first), each as its own seller; returns how many remain."""
    remaining = 0
    ordered = [e for e in entries if e.kind == "customer"] + [
        e for e in entries if e.kind == "group"
    ]
    for entry in ordered:
        if entry.deleted:
            continue
        client = client_for(entry.token)
        try:
            if entry.kind == "customer":
                resp = client.delete_customer(entry.id)
            else:
                resp = client.delete_group(entry.id)
        except (ToolError, AssertionError):
            remaining += 1
            continue
        if resp.status in (200, 404):
            entry.deleted = True
        else:
            remaining += 1
    return remaining


def check_prefix(prefix: str) -> None:
    """Refuse a sweep prefix that could match resources some other process created."""
    if len(prefix.strip()) < MIN_PREFIX:
        raise UsageError(
            f"--prefix must be at least {MIN_PREFIX} characters (got {prefix!r}); "
            "use the prefix a run printed, e.g. sqc-20260101t000000-ab12-"
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


def sweep_prefix(client: Deleter, prefix: str) -> list[tuple[str, str, str]]:
    """Delete groups named `prefix...` and customers whose given or company name starts with it.

    Returns (kind, id, name) for each deleted resource. `client` must have guard=False: the
    prefix, not the ledger, is what limits this sweep.
    """
    check_prefix(prefix)
    deleted: list[tuple[str, str, str]] = []
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
