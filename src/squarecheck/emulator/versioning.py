"""Per-request Square-Version: parse the header, resolve it against the behaviour table.

Logic elsewhere is written once and asks `ctx.expect(behaviour_id)` what the version in force
wants (never `if version == ...`). The version changes below document the cutovers the table
holds for the emulated endpoints; each one's docstring is its changelog line, and
`changelog()` lists them. Sources: https://developer.squareup.com/docs/build-basics/versioning-overview
(header format, pinned default, echo on success) and the table's own `source` keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from squarecheck.behaviours import Table, is_well_formed, load_table
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.errors import InvalidSquareVersionFormat

HEADER = "Square-Version"


class VersionChange:
    """One behaviour change at a cutover; the cutover date itself comes from the table."""

    behaviour: ClassVar[str] = ""

    @classmethod
    def since(cls, table: Table) -> str:
        """The version the change takes effect in, read from the behaviour table."""
        changes = table[cls.behaviour].changes
        return changes[0].since if changes else ""


class RejectUnrecognizedGroupFields(VersionChange):
    """CreateCustomerGroup and UpdateCustomerGroup reject unrecognized fields with 400 BAD_REQUEST naming the field and its line and character."""  # noqa: E501

    behaviour = "unrecognized-field"


class ReportUnrecognizedFieldPosition(VersionChange):
    """The unrecognized-field error points at the opening quote of the first unrecognized field in the body."""  # noqa: E501

    behaviour = "unrecognized-field-position"


class ReplayIdempotentGroupCreate(VersionChange):
    """CreateCustomerGroup with a reused idempotency key returns the original group (200) instead of 400 INVALID_VALUE."""  # noqa: E501

    behaviour = "idempotency-key-reuse"


class RejectOutOfRangeLimit(VersionChange):
    """An out-of-range `limit` on ListCustomerGroups, ListCustomers and SearchCustomers is 400 VALUE_TOO_LOW / VALUE_TOO_HIGH instead of being ignored."""  # noqa: E501

    behaviour = "limit-out-of-range"


class RejectUnrecognizedCustomerFields(VersionChange):
    """CreateCustomer and SearchCustomers reject unrecognized top-level fields with 400 BAD_REQUEST."""  # noqa: E501

    behaviour = "customers-unrecognized-field"


class AutoApplyPricingRules(VersionChange):
    """Orders accept pricing_options.auto_apply_discounts, which applies the seller's pricing rules."""  # noqa: E501

    behaviour = "auto-apply-discounts"


class NamePricingRuleOfDiscounts(VersionChange):
    """A discount applied by a pricing rule carries pricing_rule_id."""

    behaviour = "pricing-rule-id"


class HonourPricingBlocklists(VersionChange):
    """Order lines accept pricing_blocklists, which keep a rule's discount off the line."""

    behaviour = "pricing-blocklists"


class LimitPricingRulesToCustomerGroups(VersionChange):
    """CatalogPricingRule.customer_group_ids_any (BETA, GA from 2021-06-16) limits a rule to members of the listed customer groups."""  # noqa: E501

    behaviour = "group-discount-eligibility"


VERSION_CHANGES: tuple[type[VersionChange], ...] = (
    RejectUnrecognizedGroupFields,
    ReportUnrecognizedFieldPosition,
    ReplayIdempotentGroupCreate,
    RejectOutOfRangeLimit,
    RejectUnrecognizedCustomerFields,
    AutoApplyPricingRules,
    NamePricingRuleOfDiscounts,
    HonourPricingBlocklists,
    LimitPricingRulesToCustomerGroups,
)


def changelog(table: Table | None = None) -> list[str]:
    """`<since>: <changelog line>` for every version change, oldest first."""
    table = table or load_table()
    lines = [
        f"{change.since(table)}: {(change.__doc__ or '').strip()}" for change in VERSION_CHANGES
    ]
    return sorted(lines)


@dataclass(frozen=True)
class VersionContext:
    """The Square-Version a request is processed under, and what each behaviour expects then."""

    version: str
    table: Table
    overrides: tuple[tuple[str, str], ...] = ()

    @property
    def resolved(self) -> str:
        """The cutover this version behaves like."""
        return self.table.resolve(self.version)

    def expect(self, behaviour_id: str) -> dict[str, Any]:
        """The table's expectation for `behaviour_id` under this request's version.

        `overrides` (behaviour id -> version) let an injected fault make one behaviour act as
        under another version; the clean emulator has none.
        """
        version = dict(self.overrides).get(behaviour_id, self.version)
        return self.table[behaviour_id].expect(version)


def default_version(config: EmulatorConfig, table: Table | None = None) -> str:
    """The version used when a request carries no Square-Version header."""
    table = table or load_table()
    return config.default_version or table.newest_version


def context_for(
    header: str | None,
    config: EmulatorConfig,
    overrides: tuple[tuple[str, str], ...] = (),
) -> VersionContext:
    """Resolve a request's Square-Version header; raises InvalidSquareVersionFormat if malformed.

    Any well-formed date is accepted and behaves like the nearest earlier cutover (behaviour
    square-version-unreleased); only a malformed value is refused (square-version-malformed).
    """
    table = load_table()
    if header is None:
        return VersionContext(default_version(config, table), table, overrides)
    value = header.strip()
    if not is_well_formed(value):
        raise InvalidSquareVersionFormat(
            f"The Square-Version header value '{header}' is not formatted as YYYY-MM-DD.",
            field=HEADER,
        )
    return VersionContext(value, table, overrides)
