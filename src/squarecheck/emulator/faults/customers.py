"""Faults of the customer side: versions, idempotency, membership, paging, search, errors.

Each is a realistic implementation bug of the Customer Groups or Customers API; the catalogue
and the points where a fault acts are described in `faults.catalogue`.
"""

from __future__ import annotations

import re
from typing import Any

from squarecheck.emulator.faults.base import Fault, Outgoing
from squarecheck.spec.table import load_table

_UNRECOGNIZED = re.compile(
    r"^The field named '[^']*' is unrecognized \(line (\d+), character (\d+)\)$"
)
# The JSON syntax errors of bodyparse, worded like Go's decoder (behaviour invalid-json-body).
_MALFORMED_JSON = re.compile(
    r"^(invalid character |unexpected end of JSON input|exceeded max depth)"
)
_NEW = "2022-03-16"


# --- version point ------------------------------------------------------------------------------


class OldRejectsUnknownFields(Fault):
    """New behaviour leaks into old versions: 2022-02-16 rejects unrecognized group fields."""

    name = "old-rejects-unknown-fields"
    behaviours = ("unrecognized-field",)

    def version_overrides(self) -> tuple[tuple[str, str], ...]:
        return (("unrecognized-field", _NEW), ("unrecognized-field-position", _NEW))


class NewIgnoresUnknownFields(Fault):
    """Old behaviour leaks into new versions: 2022-03-16 ignores unrecognized group fields."""

    name = "new-ignores-unknown-fields"
    behaviours = ("unrecognized-field", "unrecognized-field-position")

    def version_overrides(self) -> tuple[tuple[str, str], ...]:
        oldest = min(load_table().known_versions)
        return (("unrecognized-field", oldest), ("unrecognized-field-position", oldest))


class OldReplaysIdempotency(Fault):
    """New behaviour leaks into old versions: a reused key replays instead of INVALID_VALUE."""

    name = "old-replays-idempotency"
    behaviours = ("idempotency-key-reuse",)

    def version_overrides(self) -> tuple[tuple[str, str], ...]:
        return (("idempotency-key-reuse", _NEW),)


class NewRejectsIdempotency(Fault):
    """Old behaviour leaks into new versions: a reused key is 400 INVALID_VALUE, not a replay."""

    name = "new-rejects-idempotency"
    behaviours = ("idempotency-key-reuse",)

    def version_overrides(self) -> tuple[tuple[str, str], ...]:
        return (("idempotency-key-reuse", min(load_table().known_versions)),)


class VersionHeaderIgnored(Fault):
    """The Square-Version header is ignored; every request runs under the default version."""

    name = "version-header-ignored"
    behaviours = ("square-version-echo", "unrecognized-field", "idempotency-key-reuse")

    def version_header(self, header: str | None) -> str | None:
        return None


# --- store point (the store and handlers ask `<Fault>.on(config)`) ---------------------------


class IdempotencyIgnored(Fault):
    """CreateCustomerGroup ignores idempotency keys: a reused key creates a new group."""

    name = "idempotency-ignored"
    behaviours = ("idempotency-key-reuse",)


class ReplayNewName(Fault):
    """A replayed CreateCustomerGroup returns the original group with the new request's name."""

    name = "replay-new-name"
    behaviours = ("idempotency-key-reuse",)


class ReplayCreatesDuplicate(Fault):
    """A replayed CreateCustomerGroup returns the original group but also creates a second one."""

    name = "replay-creates-duplicate"
    behaviours = ("idempotency-key-reuse",)


class RemoveGroupKeepsMembership(Fault):
    """RemoveGroupFromCustomer answers 200 but leaves the group id in group_ids."""

    name = "remove-group-keeps-membership"
    behaviours = ("group-ids-field",)


class DeleteGroupKeepsMembership(Fault):
    """DeleteCustomerGroup leaves the deleted group's id in customers' group_ids."""

    name = "delete-group-keeps-membership"
    behaviours = ("delete-group-removes-membership",)


class CursorRepeatsFirstPage(Fault):
    """Following a pagination cursor returns the first page again."""

    name = "cursor-repeats-first-page"
    behaviours = ("list-groups-pagination",)


class CursorOnLastPage(Fault):
    """The last page of a listing still carries a cursor (to an empty page)."""

    name = "cursor-on-last-page"
    behaviours = ("list-groups-pagination",)


class LimitIgnored(Fault):
    """The `limit` parameter is ignored; pages always have the default size."""

    name = "limit-ignored"
    behaviours = ("list-groups-pagination", "limit-out-of-range")


class GroupNameStrict(Fault):
    """Valid requests refused: a group name with a hyphen is 400 INVALID_VALUE, though any
    string is a name."""

    name = "group-name-strict"
    behaviours = ("schema-conformance",)


class SearchAllAsAny(Fault):
    """SearchCustomers treats group_ids `all` like `any`."""

    name = "search-all-as-any"
    behaviours = ("search-group-filter",)


class SearchNoneIgnored(Fault):
    """SearchCustomers ignores group_ids `none`."""

    name = "search-none-ignored"
    behaviours = ("search-group-filter",)


class SearchNeverConsistent(Fault):
    """SearchCustomers never sees any write: results stay empty forever."""

    name = "search-never-consistent"
    behaviours = ("search-eventual-consistency",)


class SharedSellers(Fault):
    """Every access token reaches the same seller, so sellers see each other's data."""

    name = "shared-sellers"
    behaviours = ("seller-isolation",)


class AuthNotEnforced(Fault):
    """Requests without a valid bearer token are served instead of 401 UNAUTHORIZED."""

    name = "auth-not-enforced"
    behaviours = ("auth-required",)


# --- response point -----------------------------------------------------------------------------


class UnknownFieldWrongCode(Fault):
    """The unrecognized-field error says UNKNOWN_BODY_PARAMETER instead of BAD_REQUEST."""

    name = "unknown-field-wrong-code"
    behaviours = ("unrecognized-field",)

    def transform(self, response: Outgoing) -> None:
        for error in response.errors():
            if _UNRECOGNIZED.match(str(error.get("detail", ""))):
                error["code"] = "UNKNOWN_BODY_PARAMETER"


class UnknownFieldMissingField(Fault):
    """The unrecognized-field error has no `field` member."""

    name = "unknown-field-missing-field"
    behaviours = ("unrecognized-field",)

    def transform(self, response: Outgoing) -> None:
        for error in response.errors():
            if _UNRECOGNIZED.match(str(error.get("detail", ""))):
                error.pop("field", None)


class PositionOffByOne(Fault):
    """The unrecognized-field position counts characters from 0, one less than Square."""

    name = "position-off-by-one"
    behaviours = ("unrecognized-field-position",)

    def transform(self, response: Outgoing) -> None:
        for error in response.errors():
            detail = str(error.get("detail", ""))
            match = _UNRECOGNIZED.match(detail)
            if match:
                start, end = match.span(2)
                error["detail"] = f"{detail[:start]}{int(match.group(2)) - 1}{detail[end:]}"


class WrongErrorCategory(Fault):
    """Client errors are reported with category API_ERROR instead of INVALID_REQUEST_ERROR."""

    name = "wrong-error-category"
    behaviours = ("error-shape", "unrecognized-field", "group-not-found")

    def transform(self, response: Outgoing) -> None:
        for error in response.errors():
            if error.get("category") == "INVALID_REQUEST_ERROR":
                error["category"] = "API_ERROR"


class MalformedJson500(Fault):
    """Malformed JSON crashes the handler: 500 INTERNAL_SERVER_ERROR instead of 400."""

    name = "malformed-json-500"
    behaviours = ("invalid-json-body",)

    def transform(self, response: Outgoing) -> None:
        if any(_MALFORMED_JSON.match(str(e.get("detail", ""))) for e in response.errors()):
            response.status = 500
            response.body = {"errors": [{"code": "INTERNAL_SERVER_ERROR", "category": "API_ERROR"}]}


class TimestampsNotRfc3339(Fault):
    """created_at / updated_at lack the T and Z of RFC 3339 ("2022-04-22 21:54:57.863")."""

    name = "timestamps-not-rfc3339"
    behaviours = ("group-lifecycle",)

    def transform(self, response: Outgoing) -> None:
        _rewrite_timestamps(response.body)


class GroupIdsEmptyList(Fault):
    """A customer in no group has `group_ids: []` instead of no group_ids field."""

    name = "group-ids-empty-list"
    behaviours = ("group-ids-field",)

    def transform(self, response: Outgoing) -> None:
        customers = list(response.body.get("customers", []))
        if isinstance(response.body.get("customer"), dict):
            customers.append(response.body["customer"])
        for customer in customers:
            customer.setdefault("group_ids", [])


class VersionNotEchoed(Fault):
    """Successful responses carry no Square-Version header."""

    name = "version-not-echoed"
    behaviours = ("square-version-echo", "square-version-default")

    def transform(self, response: Outgoing) -> None:
        response.headers.pop("Square-Version", None)


def _rewrite_timestamps(value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("created_at", "updated_at") and isinstance(item, str):
                value[key] = item.replace("T", " ").rstrip("Z")
            else:
                _rewrite_timestamps(item)
    elif isinstance(value, list):
        for item in value:
            _rewrite_timestamps(item)


CUSTOMER_FAULTS: tuple[type[Fault], ...] = (
    OldRejectsUnknownFields,
    NewIgnoresUnknownFields,
    OldReplaysIdempotency,
    NewRejectsIdempotency,
    VersionHeaderIgnored,
    IdempotencyIgnored,
    ReplayNewName,
    ReplayCreatesDuplicate,
    RemoveGroupKeepsMembership,
    DeleteGroupKeepsMembership,
    CursorRepeatsFirstPage,
    CursorOnLastPage,
    LimitIgnored,
    GroupNameStrict,
    SearchAllAsAny,
    SearchNoneIgnored,
    SearchNeverConsistent,
    SharedSellers,
    AuthNotEnforced,
    UnknownFieldWrongCode,
    UnknownFieldMissingField,
    PositionOffByOne,
    WrongErrorCategory,
    MalformedJson500,
    TimestampsNotRfc3339,
    GroupIdsEmptyList,
    VersionNotEchoed,
)
