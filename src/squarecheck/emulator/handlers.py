"""One function per Customer Groups operation and group membership operation.

Handlers receive a `Call` (already authenticated, version resolved, body parsed by the app) and
return the success body; failures are raised as `SquareError`s. What a version (or another
behaviour table) wants is read with `call.version.expect(...)`; the store applies decided
semantics. Shapes: square-facts §2 / spec-head paths for /v2/customers/groups. The customer
operations are in `customers.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from squarecheck.emulator import cursors
from squarecheck.emulator import validate as v
from squarecheck.emulator.bodyparse import ParsedBody, Path
from squarecheck.emulator.errors import InvalidCursor, NotFound, by_code
from squarecheck.emulator.faults import IdempotencyIgnored
from squarecheck.emulator.records import Page
from squarecheck.emulator.store import Reuse, Store
from squarecheck.emulator.versioning import VersionContext
from squarecheck.spec.table import Expect

Body = dict[str, Any]

GROUP_FIELDS = frozenset({"id", "name", "created_at", "updated_at"})
CREATE_GROUP_FIELDS: Mapping[Path, frozenset[str]] = MappingProxyType(
    {
        (): frozenset({"idempotency_key", "group"}),
        ("group",): GROUP_FIELDS,
    }
)
UPDATE_GROUP_FIELDS: Mapping[Path, frozenset[str]] = MappingProxyType(
    {
        (): frozenset({"group"}),
        ("group",): GROUP_FIELDS,
    }
)


@dataclass(frozen=True)
class Call:
    """Everything a handler may read about one request."""

    store: Store
    token: str
    version: VersionContext
    path: Mapping[str, str]
    query: Mapping[str, str]
    body: ParsedBody | None = None

    def expect(self, behaviour_id: str) -> Expect:
        return self.version.expect(behaviour_id)


@contextmanager
def cursor_errors(call: Call) -> Iterator[None]:
    """The store's unknown-cursor error, with the code of behaviour invalid-cursor."""
    try:
        yield
    except InvalidCursor as error:
        raise cursors.refused_by_store(error, call.version) from None


def page_body(page: Page, key: str) -> Body:
    body: Body = {}
    if page.items:
        body[key] = page.items
    if page.cursor:
        body["cursor"] = cursors.issue(page.cursor)
    if page.count is not None:
        body["count"] = page.count
    return body


def _group_name(call: Call, known: Mapping[Path, frozenset[str]]) -> str:
    """Validate a Create/UpdateCustomerGroup body and return the group name."""
    assert call.body is not None
    body = v.body_object(call.body, call.version)
    v.reject_unrecognized(call.body, known, call.version, "unrecognized-field")
    codes = call.expect("group-name-required")
    group = v.required(body, "group", "object", "group", codes["code_missing"])
    name = v.required(group, "name", "string", "group.name", codes["code_missing"])
    return v.non_empty(name, "group.name", codes["code_empty"])


# --- customer groups --------------------------------------------------------------------------


def list_customer_groups(call: Call) -> Body:
    limit = v.list_limit(call.query, call.version, 50)
    cursor = cursors.accept(call.query.get("cursor") or None, call.version)
    with cursor_errors(call):
        page = call.store.list_groups(call.token, limit, cursor)
    return page_body(page, "groups")


def create_customer_group(call: Call) -> Body:
    name = _group_name(call, CREATE_GROUP_FIELDS)
    assert call.body is not None
    key = v.typed(call.body.value, "idempotency_key", "string", "idempotency_key")
    replay = call.expect("idempotency-key-reuse")["outcome"] == "replay"
    on_reuse: Reuse = "replay" if replay else "error"
    if IdempotencyIgnored.on(call.store.config):
        on_reuse = "create"
    # behaviour idempotency-replay-after-delete: is a deleted group's key still spent?
    forget = call.expect("idempotency-replay-after-delete")["outcome"] == "created"
    return {"group": call.store.create_group(call.token, name, key, on_reuse, forget)}


def retrieve_customer_group(call: Call) -> Body:
    return {"group": call.store.retrieve_group(call.token, call.path["group_id"])}


def update_customer_group(call: Call) -> Body:
    name = _group_name(call, UPDATE_GROUP_FIELDS)
    return {"group": call.store.update_group(call.token, call.path["group_id"], name)}


def delete_customer_group(call: Call) -> Body:
    prune = bool(call.expect("delete-group-removes-membership")["prunes"])
    call.store.delete_group(call.token, call.path["group_id"], prune)
    return {}


# --- membership -------------------------------------------------------------------------------


@contextmanager
def unknown_ids(call: Call) -> Iterator[None]:
    """An unknown customer or group, with the error of behaviour membership-unknown-ids."""
    try:
        yield
    except NotFound as error:
        raise by_code(call.expect("membership-unknown-ids")["code"])(error.detail) from None


def _member(call: Call, customer_id: str, group_id: str) -> bool:
    customer = call.store.retrieve_customer(call.token, customer_id)
    call.store.retrieve_group(call.token, group_id)
    return group_id in (customer.get("group_ids") or [])


def _refuse_when(call: Call, behaviour: str, condition: Callable[[], bool], why: str) -> None:
    """Raise the behaviour's error when the table has it refuse and `condition` holds."""
    expect = call.expect(behaviour)
    if expect["outcome"] != "rejected":
        return
    with unknown_ids(call):
        holds = condition()
    if holds:
        raise by_code(expect["code"])(why)


def _bumps(call: Call) -> bool:
    """Whether a membership change commits a profile update (behaviour membership-bumps-version)."""
    return bool(call.expect("membership-bumps-version")["outcome"] != "unchanged")


def add_group_to_customer(call: Call) -> Body:
    cid, gid = call.path["customer_id"], call.path["group_id"]
    _refuse_when(call, "add-group-idempotent", lambda: _member(call, cid, gid),
                 "The customer is already in the group.")  # fmt: skip
    with unknown_ids(call):
        call.store.add_group(call.token, cid, gid, _bumps(call))
    return {}


def remove_group_from_customer(call: Call) -> Body:
    cid, gid = call.path["customer_id"], call.path["group_id"]
    _refuse_when(call, "remove-group-not-member", lambda: not _member(call, cid, gid),
                 "The customer is not in the group.")  # fmt: skip
    with unknown_ids(call):
        call.store.remove_group(call.token, cid, gid, _bumps(call))
    return {}


Handler = Callable[[Call], Body]
