"""The OpenAPI document as older Square-Versions had it: the profile and listing history.

`specs/openapi.yaml` describes the newest behaviour. For the fuzz suite, generated "invalid"
data must be only what the requested version really refuses, so `loosen_for_version` takes out
of a bundled copy of the document what the behaviour table says a version did not have yet
(and adds the one rule the schemas leave to the emulator's code, a new item's variation):
the list `limit` (list-limit-parameter), Customer `version` checks (customer-version-mismatch),
the refusal of an empty UpdateCustomer body (update-customer-empty-body), maximum lengths
(customer-field-lengths), the phone digit count (customer-phone-validity), MM-DD birthdays
(customer-birthday-input), `tax_ids` (customer-tax-ids), the SearchCustomers filters
(search-text-filters, search-segment-filter, search-custom-attribute-filter) and the variation
a new catalog item needs (catalog-item-needs-variation). Unknown properties and limit ranges
are loosened by `fuzz.document`.
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
#: Birthdays before MM-DD is accepted (behaviour customer-birthday-input).
DATE_WITH_YEAR = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
#: SearchCustomers filters a version has only once the row says `filter`.
FILTERS = {
    "search-text-filters": ("email_address", "phone_number", "reference_id"),
    "search-segment-filter": ("segment_ids",),
    "search-custom-attribute-filter": ("custom_attribute",),
}


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


def loosen_for_version(
    doc: dict[str, Any], table: Table, version: str, square: bool = False
) -> None:
    """Remove from `doc` (in place) the constraints `version` did not have yet.

    Where that a version lacked a constraint is itself assumed (no maximum length before
    2022-10-19, any number of phone digits), the document generated from keeps it: valid
    cases stay valid whichever way a target chose; Square's own document (`square`) drops
    it.
    """
    schemas: dict[str, Any] = doc["components"]["schemas"]

    def lacks(behaviour_id: str, outcome: str) -> bool:
        chosen = square or table[behaviour_id].basis_at(version) != "assumed"
        return chosen and expect[behaviour_id]["outcome"] != outcome

    expect = {b: table[b].expect(version) for b in (
        "list-limit-parameter", "customer-version-mismatch", "update-customer-empty-body",
        "customer-field-lengths", "customer-phone-validity", "customer-birthday-input",
        "customer-tax-ids", "catalog-item-needs-variation", *FILTERS,
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
        if lacks("customer-field-lengths", "rejected"):
            for field in LIMITED_FIELDS:
                properties[field].pop("maxLength", None)
        if lacks("customer-phone-validity", "rejected"):
            properties["phone_number"]["anyOf"][1]["pattern"] = PHONE_CHARACTERS
        if expect["customer-birthday-input"]["outcome"] != "accepted":
            properties["birthday"]["anyOf"][1]["pattern"] = DATE_WITH_YEAR
        if expect["customer-tax-ids"]["outcome"] != "stored":
            properties.pop("tax_ids", None)
    flt = schemas["CustomerFilter"]["properties"]
    for behaviour_id, fields in FILTERS.items():
        if expect[behaviour_id]["outcome"] != "filter":
            for field in fields:
                flt.pop(field, None)
    if expect["catalog-item-needs-variation"]["outcome"] == "rejected":
        # generated items are always new (fuzz.commerce makes ids `#` client ids), and a new
        # item needs a variation; the emulator's schemas leave that to the emulator's code
        item_data = schemas["CatalogItemWrite"]["properties"]["item_data"]
        item_data["required"] = [*item_data["required"], "variations"]
        item_data["properties"]["variations"]["minItems"] = 1
