"""The table's own check on generated requests: unknown properties ignored or rejected.

Schemathesis' checks judge against the (per-version) document; this one asks the behaviour
table what an unknown property must get under the Square-Version the request carried.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks as openapi_checks

from squarecheck.fuzz.document import UNKNOWN_FIELD_BEHAVIOURS, strict_bodies, unknown_fields
from squarecheck.spec.table import load_table


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


#: Checks whose verdict on an answer does not depend on the version sent (responses are the
#: same in every version's document), and those that judge a request as that version's
#: expectations say (what is invalid, whether unknown properties are refused).
VERSIONLESS = (
    not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
)
VERSIONED = (openapi_checks.negative_data_rejection, unrecognized_field_conformance)
CHECKS = VERSIONLESS + VERSIONED
