"""One function per Customer Groups operation and group membership operation.

Handlers receive a `Call` (already authenticated, version resolved, body parsed by the app) and
return the success body; failures are raised as `SquareError`s. What a version (or another
behaviour table) wants is read with `call.version.expect(...)`; the store applies decided
semantics. Shapes: square-facts §2 / spec-head paths for /v2/customers/groups. The profile
operations are in `profile_handlers.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType

from squarecheck.emulator.call import Body, Call
from squarecheck.emulator.core import cursors, schemacheck
from squarecheck.emulator.core import validate as v
from squarecheck.emulator.core.bodyparse import Path
from squarecheck.emulator.core.errors import InvalidValue, NotFound, by_code
from squarecheck.emulator.core.records import page_body
from squarecheck.emulator.customers.gates import gates_for

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


def _group_name(call: Call, known: Mapping[Path, frozenset[str]], schema: str) -> str:
    """Validate a Create/UpdateCustomerGroup body and return the group name: unknown fields as
    the version says, JSON types by the schema, a missing or empty name with the table's code."""
    assert call.body is not None
    body = v.body_object(call.body, call.version)
    v.reject_unrecognized(call.body, known, call.version, "unrecognized-field")
    codes = call.expect("group-name-required")
    group = v.required(body, "group", "object", "group", codes["code_missing"])
    name = v.required(group, "name", "string", "group.name", codes["code_missing"])
    v.non_empty(name, "group.name", codes["code_empty"])
    schemacheck.check_shape(schema, body)
    if gates_for(call.version, call.config).strict_group_names and "-" in name:
        raise InvalidValue("`group.name` may hold letters, digits and spaces.", field="group.name")
    return str(name)


# --- customer groups --------------------------------------------------------------------------


def list_customer_groups(call: Call) -> Body:
    limit = v.list_limit(call.query, call.version, 50)
    cursor = cursors.accept(call.query.get("cursor") or None, call.version)
    with cursors.cursor_errors(call.version):
        page = call.customers.list_groups(
            call.token, limit, cursor, gates_for(call.version, call.config)
        )
    return page_body(page, "groups", cursors.issue)


def create_customer_group(call: Call) -> Body:
    name = _group_name(call, CREATE_GROUP_FIELDS, "CreateCustomerGroupRequest")
    assert call.body is not None
    key = v.typed(call.body.value, "idempotency_key", "string", "idempotency_key")
    gates = gates_for(call.version, call.config)
    return {"group": call.customers.create_group(call.token, name, key, gates)}


def retrieve_customer_group(call: Call) -> Body:
    return {"group": call.customers.retrieve_group(call.token, call.path["group_id"])}


def update_customer_group(call: Call) -> Body:
    name = _group_name(call, UPDATE_GROUP_FIELDS, "UpdateCustomerGroupRequest")
    return {"group": call.customers.update_group(call.token, call.path["group_id"], name)}


def delete_customer_group(call: Call) -> Body:
    gates = gates_for(call.version, call.config)
    call.customers.delete_group(call.token, call.path["group_id"], gates)
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
    customer = call.customers.retrieve_customer(call.token, customer_id)
    call.customers.retrieve_group(call.token, group_id)
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


def add_group_to_customer(call: Call) -> Body:
    cid, gid = call.path["customer_id"], call.path["group_id"]
    _refuse_when(call, "add-group-idempotent", lambda: _member(call, cid, gid),
                 "The customer is already in the group.")  # fmt: skip
    with unknown_ids(call):
        call.customers.add_group(call.token, cid, gid, gates_for(call.version, call.config))
    return {}


def remove_group_from_customer(call: Call) -> Body:
    cid, gid = call.path["customer_id"], call.path["group_id"]
    _refuse_when(call, "remove-group-not-member", lambda: not _member(call, cid, gid),
                 "The customer is not in the group.")  # fmt: skip
    with unknown_ids(call):
        call.customers.remove_group(call.token, cid, gid, gates_for(call.version, call.config))
    return {}
