"""Reading whole listings, every page, for checks that need all of a seller's items."""

from __future__ import annotations

from typing import Any

from squarecheck.checks.expect import expect_status
from squarecheck.errors import ToolError
from squarecheck.target.client import Client


def all_pages(client: Client, operation: str, key: str, limit: int) -> list[dict[str, Any]]:
    """Every item of a listing, following cursors (a failing page is a conformance failure)."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    seen: set[str] = set()
    for _ in range(2_000):
        if operation == "ListCustomerGroups":
            resp = client.list_groups(limit=limit, cursor=cursor)
        else:
            resp = client.list_customers(limit=limit, cursor=cursor)
        expect_status(resp, 200, f"while listing every page of {operation}")
        page = [i for i in resp.get(key) or [] if isinstance(i, dict)]
        ids = {str(i.get("id")) for i in page}
        if seen and ids and ids <= seen:
            # a cursor leading back to listed items would loop until the page limit
            raise ToolError(f"{operation} led back to items it had already listed")
        seen |= ids
        items += page
        cursor = resp.get("cursor")
        if not cursor:
            return items
    raise ToolError(f"{operation} kept returning cursors after 2000 pages")


def group_names(client: Client) -> list[str]:
    """Names of every group the client's seller has."""
    return [str(g.get("name")) for g in all_pages(client, "ListCustomerGroups", "groups", 50)]
