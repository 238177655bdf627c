"""The fuzz suite's own checks on generated requests, as Square's schema and the table say.

Schemathesis' checks judge against the (per-version) document. Three checks here stand on
Square's ground instead:

- `unrecognized_field_conformance` asks the behaviour table what an unknown property must get
  under the Square-Version the request carried;
- `square_negative_data_rejection` fails an accepted invalid request only when Square's own
  schema for the version refuses it (`squarecheck.fuzz.square`): breaking a constraint that is
  only squarecheck's own (specs/constraints.yaml) may be accepted;
- `valid_request_accepted` fails a generated valid request that is refused as malformed (a
  4xx whose error code says the request itself is wrong); an answer about the world, such as
  NOT_FOUND for an id that names nothing, is fine.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.specs.openapi import checks as openapi_checks

from squarecheck.fuzz.document import UNKNOWN_FIELD_BEHAVIOURS, strict_bodies, unknown_fields
from squarecheck.fuzz.square import square_problems
from squarecheck.spec.table import load_table

#: Rows whose codes answer a well-formed request about the world (an id that names nothing,
#: a stale version, a reference to no object): a valid generated request may get them.
BUSINESS_ROWS = (
    "group-not-found", "membership-unknown-ids", "invalid-cursor", "customer-version-mismatch",
    "add-group-idempotent", "remove-group-not-member", "search-segment-filter",
    "catalog-update-missing-object", "catalog-version-mismatch", "catalog-retrieve-deleted",
    "catalog-delete-referenced", "catalog-search-unknown-attribute", "order-unknown-location",
    "order-unknown-catalog-object", "order-unknown-customer", "order-currency-mismatch",
    "locations-main", "pricing-rule-references", "update-order-version-mismatch",
    "catalog-idempotency-key-reused", "create-order-idempotency",
)  # fmt: skip
#: Statuses of a refusal that can say a request is malformed.
REFUSALS = frozenset({400, 415, 422})
#: Codes that say the request itself is malformed, whatever else the table chose.
MALFORMED = frozenset({
    "EXPECTED_ARRAY", "EXPECTED_BOOLEAN", "EXPECTED_FLOAT", "EXPECTED_INTEGER",
    "EXPECTED_JSON_BODY", "EXPECTED_MAP", "EXPECTED_OBJECT", "EXPECTED_STRING", "INCORRECT_TYPE",
    "INVALID_ARRAY_VALUE", "INVALID_ENUM_VALUE", "INVALID_CONTENT_TYPE", "INVALID_EMAIL_ADDRESS",
    "INVALID_PHONE_NUMBER", "INVALID_SQUARE_VERSION_FORMAT", "INVALID_TIME",
    "MISSING_REQUIRED_PARAMETER", "UNKNOWN_BODY_PARAMETER", "UNKNOWN_QUERY_PARAMETER",
    "VALUE_EMPTY", "VALUE_REGEX_MISMATCH", "VALUE_TOO_HIGH", "VALUE_TOO_LONG", "VALUE_TOO_LOW",
    "VALUE_TOO_SHORT", "ARRAY_EMPTY", "ARRAY_LENGTH_TOO_LONG", "ARRAY_LENGTH_TOO_SHORT",
})  # fmt: skip


def behaviour_for_unknown_fields(operation_id: str) -> str | None:
    table = load_table()
    for behaviour_id in UNKNOWN_FIELD_BEHAVIOURS:
        if operation_id in table[behaviour_id].operations:
            return behaviour_id
    return None


def _sent_version(response: schemathesis.Response) -> str | None:
    value = response.request.headers.get("Square-Version")
    return str(value) if value else None


@schemathesis.check
def unrecognized_field_conformance(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Case[Any]
) -> bool | None:
    """An unknown property is ignored or rejected as the table says for the version sent.

    behaviour unrecognized-field; https://developer.squareup.com/docs/customer-groups-api/what-it-does#migration-notes
    behaviour customers-unrecognized-field; https://developer.squareup.com/docs/changelog/connect-logs/2022-03-16
    """
    operation_id = case.operation.definition.raw.get("operationId", "")
    behaviour_id = behaviour_for_unknown_fields(operation_id)
    version = _sent_version(response)
    strict = strict_bodies().get(operation_id)
    if behaviour_id is None or version is None or strict is None:
        return None
    unknown = unknown_fields(strict[0], strict[1], case.body)
    if not unknown:
        return None
    expect = load_table()[behaviour_id].expect(version)
    status = response.status_code
    names = ", ".join(unknown)
    if expect.get("outcome") == "ignored":
        if status != 400:
            return True
        body = response.json() if response.content else None
        errors = body.get("errors") if isinstance(body, dict) else None
        for error in errors if isinstance(errors, list) else []:
            if not isinstance(error, dict):
                continue
            named = str(error.get("field") or "")
            detail = str(error.get("detail") or "")
            leaves = {n: n.rsplit(".", 1)[-1] for n in unknown}
            hit = [
                n
                for n, leaf in leaves.items()
                if leaf and (named in (n, leaf) or f"'{leaf}'" in detail)
            ] or ([names] if "unrecogni" in detail.lower() else [])
            if hit:
                raise AssertionError(
                    f"under {version} unknown properties are ignored ({behaviour_id}), "
                    f"but {status} names {', '.join(hit)}"
                )
        return True
    allowed = {int(expect["status"])}
    if case.path_parameters:
        allowed.add(404)  # the addressed resource may not exist; either answer is a refusal
    if status not in allowed:
        raise AssertionError(
            f"under {version} an unknown property ({names}) is rejected with "
            f"{expect['status']} ({behaviour_id}); got {status}"
        )
    return True


def _error_codes(response: schemathesis.Response) -> list[str]:
    try:
        body = response.json() if response.content else None
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    return (
        [str(e.get("code")) for e in errors if isinstance(e, dict)]
        if isinstance(errors, list)
        else []
    )


def business_codes(operation_id: str, version: str) -> frozenset[str]:
    """The error codes a well-formed request to `operation_id` may get under `version`."""
    table = load_table()
    codes = {"NOT_FOUND"}
    for row in BUSINESS_ROWS:
        if operation_id not in table[row].operations:
            continue
        expect = table[row].expect(version)
        codes |= {str(v) for k, v in expect.items() if "code" in k and isinstance(v, str)}
    return frozenset(codes)


def business_code_assumed(operation_id: str, version: str) -> bool:
    """Whether the code of some answer about the world to `operation_id` is squarecheck's
    guess under `version`: a target may answer that with a code of its own choosing."""
    table = load_table()
    return any(
        operation_id in table[row].operations and table[row].basis_at(version) == "assumed"
        for row in BUSINESS_ROWS
    )


def _integral_float(value: Any) -> bool:
    """A number written with a zero fraction somewhere (behaviour integral-numbers)."""
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, dict):
        return any(_integral_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_integral_float(v) for v in value)
    return False


@schemathesis.check
def square_negative_data_rejection(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Case[Any]
) -> bool | None:
    """An accepted invalid request fails only when Square's own schema for the version sent
    refuses it (behaviour schema-conformance; specs/constraints.yaml)."""
    try:
        return openapi_checks.negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData:
        version = _sent_version(response)
        if version is not None and not square_problems(case, version):
            return None  # it breaks only squarecheck's own constraints: accepting it is fine
        raise


@schemathesis.check
def valid_request_accepted(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Case[Any]
) -> bool | None:
    """A generated valid request is not refused as malformed (behaviour schema-conformance).

    A 400, 415 or 422 whose error codes are not all answers about the world (NOT_FOUND and
    the codes of BUSINESS_ROWS) says the request itself is wrong, which it is not. Where the
    code of such an answer is assumed, only a code that names a malformed request
    (MALFORMED) fails. A request with an undeclared property, or with a number written 2.0,
    is left to its own rows (unrecognized fields, integral-numbers).
    """
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if response.status_code not in REFUSALS:
        return None
    operation_id = str(case.operation.definition.raw.get("operationId"))
    version = _sent_version(response)
    strict = strict_bodies().get(operation_id)
    undeclared = strict and unknown_fields(strict[0], strict[1], case.body, everywhere=True)
    if version is None or undeclared or _integral_float(case.body):
        return None
    codes = _error_codes(response)
    unexplained = set(codes) - business_codes(operation_id, version)
    if codes and not unexplained:
        return None
    if business_code_assumed(operation_id, version) and not unexplained & MALFORMED:
        return None  # perhaps an answer about the world, in the target's own words
    if square_problems(case, version):
        return None  # not valid under Square's own schema after all
    raise AssertionError(
        f"a valid request was refused as malformed under {version}: "
        f"{response.status_code} {', '.join(codes) or '(no error code)'}"
    )


#: Checks whose verdict on an answer does not depend on the version sent (responses are the
#: same in every version's document), and those that judge a request as that version's
#: expectations say (what is invalid, whether unknown properties are refused).
VERSIONLESS = (
    not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
)
VERSIONED = (
    square_negative_data_rejection,
    valid_request_accepted,
    unrecognized_field_conformance,
)
CHECKS = VERSIONLESS + VERSIONED
