"""Customer profiles in and out: validation of Create/UpdateCustomer input, and the profile as
the requested Square-Version shows it.

Input constraints are those of spec-head's Customer and CreateCustomerRequest descriptions, in
force from the versions the behaviour table gives: maximum lengths (customer-field-lengths),
phone numbers of 9-16 digits (customer-phone-validity), the codes for an invalid email or phone
(customer-contact-validation), birthdays as YYYY-MM-DD, or MM-DD once customer-birthday-input
allows it; `tax_ids` once customer-tax-ids has it, and the address replaced whole or merged
(customer-address-update, customer-address-clear). Output: `version`
(customer-version-field), the legacy `groups` (legacy-groups-field), the birthday format
(customer-birthday-output), `cards` (customer-cards-field), `tax_ids`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from squarecheck.emulator.core import validate as v
from squarecheck.emulator.core.errors import InvalidEnumValue, InvalidValue, ValueTooLong, by_code
from squarecheck.emulator.core.versioning import VersionContext

ADDRESS_FIELDS = frozenset({
    "address_line_1", "address_line_2", "address_line_3", "locality", "sublocality",
    "sublocality_2", "sublocality_3", "administrative_district_level_1",
    "administrative_district_level_2", "administrative_district_level_3", "postal_code",
    "first_name", "last_name", "country",
})  # fmt: skip
TAX_ID_FIELDS = frozenset({"eu_vat"})
STRING_FIELDS = (
    "given_name", "family_name", "nickname", "company_name", "email_address", "phone_number",
    "birthday", "reference_id", "note",
)  # fmt: skip
#: 9-16 digits, optional + and country code, common separators (spec-head Customer.phone_number).
#: The patterns are anchored with `\A...\Z`: `$` would also accept a final newline ("US\n").
_VALID_PHONE = re.compile(r"\A\+?\(?(?:[0-9][ ().-]{0,2}){8,15}[0-9]\Z")
#: Characters a phone number can hold at all; anything else (letters, %) is invalid everywhere.
_PHONE_CHARACTERS = re.compile(r"\A\+?[0-9 ().-]*[0-9][0-9 ().-]*\Z")
_BIRTHDAY = re.compile(r"\A(?:([0-9]{4})-)?(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\Z")
_COUNTRY = re.compile(r"\A[A-Z]{2}\Z")
#: How birthdays were returned before 2022-10-19: the spec's examples' midnight (2022-02-16).
MIDNIGHT = "T00:00:00-00:00"


class ProfileRules:
    """What the requested version enforces on profile input, read once from the table."""

    def __init__(self, ctx: VersionContext) -> None:
        self.lengths = ctx.expect("customer-field-lengths")
        self.contact = ctx.expect("customer-contact-validation")
        self.phone = ctx.expect("customer-phone-validity")
        self.birthday = ctx.expect("customer-birthday-input")

    def max_length(self, name: str) -> int | None:
        if self.lengths["outcome"] != "rejected":
            return None
        limit = self.lengths.get("max", {}).get(name)
        return int(limit) if limit is not None else None

    def phone_number(self, value: str) -> None:
        if not _PHONE_CHARACTERS.match(value):
            code = self.contact["code_phone"]
            raise by_code(code)("The phone number is invalid.", field="phone_number")
        if self.phone["outcome"] == "rejected" and not _VALID_PHONE.match(value):
            raise by_code(self.phone["code"])(
                "The phone number must have 9 to 16 digits.", field="phone_number"
            )

    def email_address(self, value: str) -> None:
        local, at, domain = value.rpartition("@")
        if not (at and local and domain) or any(ch.isspace() for ch in value):
            code = self.contact["code_email"]
            raise by_code(code)("The email address is invalid.", field="email_address")

    def birthday_date(self, value: str) -> str:
        match = _BIRTHDAY.match(value)
        if not match:
            raise InvalidValue("`birthday` must be YYYY-MM-DD or MM-DD.", field="birthday")
        if match.group(1) is None and self.birthday["outcome"] != "accepted":
            raise by_code(self.birthday["code"])(
                "`birthday` needs a year (0000 when it is unknown).", field="birthday"
            )
        return f"{match.group(1) or '0000'}-{match.group(2)}-{match.group(3)}"


def _string(body: Mapping[str, Any], name: str, nullable: bool, rules: ProfileRules) -> Any:
    value = v.typed(body, name, "string", name, nullable=nullable)
    if value is None:
        return None
    limit = rules.max_length(name)
    if limit is not None and len(value) > limit:
        code = rules.lengths["code"]
        raise by_code(code)(f"`{name}` must be at most {limit} characters.", field=name)
    if name == "phone_number" and value:
        rules.phone_number(value)
    if name == "email_address" and value:
        rules.email_address(value)
    if name == "birthday" and value:
        return rules.birthday_date(value)
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


class AddressPatch(dict[str, str]):
    """A sparse address update (behaviour customer-address-update, from 2022-11-16): the
    members set; `unset` names those sent as null, which are removed."""

    def __init__(self, members: Mapping[str, str], unset: frozenset[str]) -> None:
        super().__init__(members)
        self.unset = unset

    def applied_to(self, stored: Mapping[str, str] | None) -> dict[str, str] | None:
        """The stored address with this patch applied (None when nothing is left)."""
        merged = {k: v for k, v in (stored or {}).items() if k not in self.unset}
        merged.update(self)
        return merged or None


def _address(body: Mapping[str, Any], ctx: VersionContext, clear_null: bool) -> Any:
    """An UpdateCustomer `address`: the whole new address (None removes it) until
    customer-address-update merges; from then on an `AddressPatch`, and null removes the
    address only with `X-Clear-Null: true` (behaviour customer-address-clear). Returns
    `...` when the address is to be left as it is."""
    kept = _object(body, "address", ADDRESS_FIELDS, nullable=True)
    if ctx.expect("customer-address-update")["outcome"] != "merged":
        return kept
    if body["address"] is None:
        return None if clear_null else ...
    unset = frozenset(k for k, value in body["address"].items() if value is None)
    return AddressPatch(kept or {}, unset & ADDRESS_FIELDS)


def profile_fields(
    body: Mapping[str, Any], nullable: bool, ctx: VersionContext, clear_null: bool = False
) -> dict[str, Any]:
    """The profile fields present in `body`, validated; with `nullable` (UpdateCustomer), null
    means remove, and `clear_null` is the request's `X-Clear-Null: true` header."""
    rules = ProfileRules(ctx)
    fields: dict[str, Any] = {}
    for name in STRING_FIELDS:
        if name in body:
            fields[name] = _string(body, name, nullable, rules)
    if "address" in body and nullable:
        address = _address(body, ctx, clear_null)
        if address is not ...:
            fields["address"] = address
    elif "address" in body:
        fields["address"] = _object(body, "address", ADDRESS_FIELDS, nullable)
    if "tax_ids" in body and ctx.expect("customer-tax-ids")["outcome"] == "stored":
        fields["tax_ids"] = _object(body, "tax_ids", TAX_ID_FIELDS, nullable)
    return fields


def present(
    customer: dict[str, Any], ctx: VersionContext, group_name: Callable[[str], str | None]
) -> dict[str, Any]:
    """The stored profile as `ctx`'s version shows it (a new dict; `customer` is untouched).

    `group_name` looks up a group's name for the legacy `groups` list (None: the group is gone).
    """
    shown = dict(customer)
    if ctx.expect("customer-version-field")["outcome"] == "absent":
        shown.pop("version", None)
    if ctx.expect("legacy-groups-field")["outcome"] == "present" and shown.get("group_ids"):
        names = {gid: group_name(gid) for gid in shown["group_ids"]}
        legacy = [{"id": gid, "name": name} for gid, name in names.items() if name is not None]
        if legacy:
            shown["groups"] = legacy
    birthday = ctx.expect("customer-birthday-output")
    if shown.get("birthday") and birthday.get("format") == "midnight-timestamp":
        shown["birthday"] = f"{shown['birthday']}{MIDNIGHT}"
    if ctx.expect("customer-cards-field")["outcome"] == "empty-list":
        shown["cards"] = []
    if ctx.expect("customer-tax-ids")["outcome"] != "stored":
        shown.pop("tax_ids", None)
    return shown
