"""Whether the target's search and listings converge at all, learnt once per run.

Search on Square is eventually consistent, so checks poll it for up to --search-timeout. A
target whose search never shows a write would make every such check wait the whole timeout;
instead the first poll of a run runs one probe (create a group and a customer, add one to the
other, wait for both a search by the group and ListCustomers to show it). Where the probe saw
no convergence, later polls look once and judge; where it did, they wait as before. A probe
that cannot set itself up (a create refused) learns nothing, and polls wait as before.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from squarecheck.errors import ConformanceFailure
from squarecheck.target.client import Client
from squarecheck.target.ledger import cleanup

Kind = Literal["search", "list"]
KINDS: tuple[Kind, ...] = ("search", "list")


class Convergence:
    """What the run's probe learnt: per kind, converged (True), never (False), or unknown."""

    def __init__(self, timeout: float, probe: bool = True) -> None:
        self.timeout = timeout
        self.probe = probe
        self.learnt: dict[str, bool] = {}
        self.probed = False

    def wait_for(self, kind: Kind, client: Client) -> float:
        """Seconds a poll of `kind` may wait: the timeout, or 0 once the probe saw no change."""
        if self.probe and not self.probed:
            self.probed = True  # one probe per run, even when it ends in a tool error
            self.learnt = run_probe(client, self.timeout)
        return 0.0 if self.learnt.get(kind) is False else self.timeout


def _created(resp: Any, key: str) -> str | None:
    item = resp.get(key) if resp.status == 200 else None
    return str(item["id"]) if isinstance(item, dict) and item.get("id") else None


def _listed(client: Client, customer_id: str) -> bool:
    """True once ListCustomers shows the customer (every page is read)."""
    from squarecheck.checks.listing import all_pages

    try:
        customers = all_pages(client, "ListCustomers", "customers", 100)
    except ConformanceFailure:
        return False
    return any(c.get("id") == customer_id for c in customers)


def run_probe(base: Client, timeout: float) -> dict[str, bool]:
    """Create a member, wait up to `timeout` for search and ListCustomers to show it."""
    client = Client(base.conn, base.token, base.version, [], validate=False)
    ledger = client.conn.ledger
    mark = ledger.mark()
    interrupted = False
    try:
        group_id = _created(client.create_group(f"{ledger.prefix}probe"), "group")
        customer_id = _created(client.create_customer(f"{ledger.prefix}probe"), "customer")
        if not group_id or not customer_id:
            return {}
        if client.add_group(customer_id, group_id).status != 200:
            return {}
        return _wait(client, customer_id, group_id, timeout)
    except KeyboardInterrupt:
        interrupted = True  # SIGINT or SIGTERM: nothing more is sent; the ledger keeps the rest
        raise
    finally:
        if not interrupted:
            cleanup(
                ledger.since(mark),
                lambda token: Client(client.conn, token, None, [], validate=False),
            )


def _wait(client: Client, customer_id: str, group_id: str, timeout: float) -> dict[str, bool]:
    body = {"query": {"filter": {"group_ids": {"any": [group_id]}}}}
    seen: dict[str, bool] = dict.fromkeys(KINDS, False)
    deadline, delay = time.monotonic() + timeout, 0.05
    while True:
        if not seen["search"]:
            found = client.search_customers(body).get("customers") or []
            seen["search"] = any(isinstance(c, dict) and c.get("id") == customer_id for c in found)
        if not seen["list"]:
            seen["list"] = _listed(client, customer_id)
        if all(seen.values()) or time.monotonic() >= deadline:
            return seen
        time.sleep(delay)
        delay = min(delay * 2, 2.0)
