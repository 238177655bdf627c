"""Validation of customer profile input (CreateCustomer / UpdateCustomer bodies).

Constraints are those of spec-head's Customer and CreateCustomerRequest descriptions, as the
project's `specs/schemas/CreateCustomerRequest.json` records them: documented maximum lengths
(VALUE_TOO_LONG), phone numbers of 9-16 digits (INVALID_PHONE_NUMBER), email addresses
(INVALID_EMAIL_ADDRESS; both codes are listed in the spec's `x-endpoint-errors`), birthdays as
YYYY-MM-DD or MM-DD, returned as YYYY-MM-DD with year 0000 when none was given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from squarecheck.emulator import validate as v
from squarecheck.emulator.errors import (
    InvalidEmailAddress,
    InvalidEnumValue,
    InvalidPhoneNumber,
    InvalidValue,
    ValueTooLong,
)

ADDRESS_FIELDS = frozenset(
    {
        "address_line_1",
        "address_line_2",
        "address_line_3",
        "locality",
        "sublocality",
        "sublocality_2",
        "sublocality_3",
        "administrative_district_level_1",
        "administrative_district_level_2",
        "administrative_district_level_3",
        "postal_code",
        "first_name",
        "last_name",
        "country",
    }
)
TAX_ID_FIELDS = frozenset({"eu_vat"})
STRING_FIELDS = (
    "given_name",
    "family_name",
    "nickname",
    "company_name",
    "email_address",
    "phone_number",
    "birthday",
    "reference_id",
    "note",
)
MAX_LENGTH: Mapping[str, int] = MappingProxyType(
    {
        "given_name": 300,
        "family_name": 300,
        "company_name": 500,
        "nickname": 100,
        "email_address": 254,
        "reference_id": 100,
    }
)
_PHONE = re.compile(r"^\+?\(?(?:[0-9][ ().-]{0,2}){8,15}[0-9]$")
_BIRTHDAY = re.compile(r"^(?:([0-9]{4})-)?(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _string(body: Mapping[str, Any], name: str, nullable: bool) -> str | None:
    value = v.typed(body, name, "string", name, nullable=nullable)
    if value is None:
        return None
    limit = MAX_LENGTH.get(name)
    if limit is not None and len(value) > limit:
        raise ValueTooLong(f"`{name}` must be at most {limit} characters.", field=name)
    if name == "phone_number" and value and not _PHONE.match(value):
        raise InvalidPhoneNumber("The phone number is invalid.", field=name)
    if name == "email_address" and value:
        local, at, domain = value.rpartition("@")
        if not (at and local and domain) or any(ch.isspace() for ch in value):
            raise InvalidEmailAddress("The email address is invalid.", field=name)
    if name == "birthday" and value:
        match = _BIRTHDAY.match(value)
        if not match:
            raise InvalidValue("`birthday` must be YYYY-MM-DD or MM-DD.", field=name)
        return f"{match.group(1) or '0000'}-{match.group(2)}-{match.group(3)}"
    return str(value)


def _object(body: Mapping[str, Any], name: str, known: frozenset[str], nullable: bool) -> Any:
    """A nested object keeping only known, non-null string members (unknown ones are never echoed)."""  # noqa: E501
    value = v.typed(body, name, "object", name, nullable=nullable)
    if value is None:
        return None
    kept: dict[str, str] = {}
    for key in sorted(known & set(value), key=list(value).index):
        item = v.typed(value, key, "string", f"{name}.{key}", nullable=True)
        if item is not None:
            kept[key] = item
    if "country" in kept and not _COUNTRY.match(kept["country"]):
        raise InvalidEnumValue(
            "`address.country` must be an ISO 3166 alpha-2 code.", field="address.country"
        )
    if len(kept.get("eu_vat", "")) > 20:
        raise ValueTooLong(
            "`tax_ids.eu_vat` must be at most 20 characters.", field="tax_ids.eu_vat"
        )
    return kept or None


def profile_fields(body: Mapping[str, Any], nullable: bool) -> dict[str, Any]:
    """The profile fields present in `body`, validated; with `nullable`, null means remove."""
    fields: dict[str, Any] = {}
    for name in STRING_FIELDS:
        if name in body:
            fields[name] = _string(body, name, nullable)
    if "address" in body:
        fields["address"] = _object(body, "address", ADDRESS_FIELDS, nullable)
    if "tax_ids" in body:
        fields["tax_ids"] = _object(body, "tax_ids", TAX_ID_FIELDS, nullable)
    return fields
