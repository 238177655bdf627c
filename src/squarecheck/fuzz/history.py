"""The OpenAPI document as older Square-Versions had it: the profile and listing history.

`specs/openapi.yaml` describes the newest behaviour. For the fuzz suite, generated "invalid"
data must be only what the requested version really refuses, so `loosen_for_version` takes out
of a bundled copy of the document what the behaviour table says a version did not have yet:
the list `limit` (list-limit-parameter), Customer `version` checks (customer-version-mismatch),
the refusal of an empty UpdateCustomer body (update-customer-empty-body), maximum lengths
(customer-field-lengths), the phone digit count (customer-phone-validity) and the `segment_ids`
filter (search-segment-filter). Unknown properties and limit ranges are loosened by
`fuzz.document`.
"""

from __future__ import annotations

from typing import Any

from squarecheck.spec.table import Table

LIMITED_FIELDS = (
    "given_name", "family_name", "company_name", "nickname", "email_address", "reference_id",
)  # fmt: skip
PROFILE_BODIES = ("CreateCustomerRequest", "UpdateCustomerRequest")
#: Characters a phone number can hold under every version (behaviour customer-contact-validation).
PHONE_CHARACTERS = r"^\+?[0-9 ().-]*[0-9][0-9 ().-]*$"


def _operation(doc: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for item in doc["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return operation
    raise KeyError(operation_id)


def _drop_parameter(doc: dict[str, Any], operation_id: str, name: str) -> None:
    operation = _operation(doc, operation_id)
    params = doc["components"].get("parameters", {})

    def named(param: dict[str, Any]) -> str:
        ref = param.get("$ref", "")
        target = params.get(ref.rsplit("/", 1)[-1], {}) if ref else param
        return str(target.get("name", ""))

    operation["parameters"] = [p for p in operation.get("parameters", []) if named(p) != name]


def loosen_for_version(doc: dict[str, Any], table: Table, version: str) -> None:
    """Remove from `doc` (in place) the constraints `version` did not have yet."""
    schemas: dict[str, Any] = doc["components"]["schemas"]
    expect = {b: table[b].expect(version) for b in (
        "list-limit-parameter", "customer-version-mismatch", "update-customer-empty-body",
        "customer-field-lengths", "customer-phone-validity", "search-segment-filter",
    )}  # fmt: skip
    if expect["list-limit-parameter"]["outcome"] != "applied":
        for operation_id in ("ListCustomerGroups", "ListCustomers"):
            _drop_parameter(doc, operation_id, "limit")
    if expect["customer-version-mismatch"]["outcome"] != "rejected":
        _drop_parameter(doc, "DeleteCustomer", "version")
        schemas["UpdateCustomerRequest"]["properties"].pop("version", None)
    if expect["update-customer-empty-body"]["outcome"] != "rejected":
        schemas["UpdateCustomerRequest"].pop("minProperties", None)
    for name in PROFILE_BODIES:
        properties = schemas[name]["properties"]
        if expect["customer-field-lengths"]["outcome"] != "rejected":
            for field in LIMITED_FIELDS:
                properties[field].pop("maxLength", None)
        if expect["customer-phone-validity"]["outcome"] != "rejected":
            properties["phone_number"]["pattern"] = PHONE_CHARACTERS
    if expect["search-segment-filter"]["outcome"] != "filter":
        schemas["CustomerFilter"]["properties"].pop("segment_ids", None)
