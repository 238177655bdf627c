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

from squarecheck.behaviours import Table, is_well_formed
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.errors import InvalidSquareVersionFormat, by_code

HEADER = "Square-Version"


class VersionChange:
    """One behaviour change at a cutover; the cutover date itself comes from the table."""

    behaviour: ClassVar[str] = ""
    nth: ClassVar[int] = 0  # which of the behaviour's changes (oldest first)

    @classmethod
    def since(cls, table: Table) -> str:
        """The version the change takes effect in, read from the behaviour table."""
        changes = table[cls.behaviour].changes
        return changes[cls.nth].since if len(changes) > cls.nth else ""


# fmt: off
class RetireLegacyGroupsField(VersionChange):
    """Customer profiles no longer carry the deprecated `groups` (CustomerGroupInfo) field."""
    behaviour = "legacy-groups-field"


class AddCustomerVersion(VersionChange):
    """Customer profiles carry `version`, starting at 0 and incremented by every update."""
    behaviour = "customer-version-field"


class EnforceCustomerVersion(VersionChange):
    """UpdateCustomer and DeleteCustomer refuse a stale `version` with 409 CONFLICT."""
    behaviour = "customer-version-mismatch"


class BumpVersionOnMembership(VersionChange):
    """AddGroupToCustomer and RemoveGroupFromCustomer increment Customer.version."""
    behaviour = "membership-bumps-version"


class AddListLimit(VersionChange):
    """ListCustomerGroups and ListCustomers honour a `limit` query parameter."""
    behaviour = "list-limit-parameter"


class RejectEmptyCustomerUpdate(VersionChange):
    """An empty UpdateCustomer body is 400 BAD_REQUEST instead of 200 with the profile."""
    behaviour = "update-customer-empty-body"


class RejectUnrecognizedGroupFields(VersionChange):
    """CreateCustomerGroup and UpdateCustomerGroup reject unrecognized fields with 400 BAD_REQUEST naming the field and its line and character."""  # noqa: E501
    behaviour = "unrecognized-field"


class ReportUnrecognizedFieldPosition(VersionChange):
    """The unrecognized-field error points at the opening quote of the field's name."""
    behaviour = "unrecognized-field-position"


class ReportFirstUnrecognizedField(VersionChange):
    """Of several unrecognized fields, one error names the first in body order."""
    behaviour = "unrecognized-field-order"


class ReplayIdempotentGroupCreate(VersionChange):
    """CreateCustomerGroup with a reused idempotency key returns the original group (200) instead of 400 INVALID_VALUE."""  # noqa: E501
    behaviour = "idempotency-key-reuse"


class ReplayAfterGroupDelete(VersionChange):
    """A CreateCustomerGroup key whose group was deleted replays the original response."""
    behaviour = "idempotency-replay-after-delete"


class RejectOutOfRangeLimit(VersionChange):
    """An out-of-range `limit` on ListCustomerGroups, ListCustomers and SearchCustomers is 400 VALUE_TOO_LOW / VALUE_TOO_HIGH instead of being ignored."""  # noqa: E501
    behaviour = "limit-out-of-range"


class RejectUnrecognizedCustomerFields(VersionChange):
    """CreateCustomer and SearchCustomers reject unrecognized fields with 400 BAD_REQUEST."""
    behaviour = "customers-unrecognized-field"


class RejectUnknownSegmentFilter(VersionChange):
    """A `segment_ids` search filter is an unrecognized field (400 BAD_REQUEST)."""
    behaviour = "search-segment-filter"


class SpecificContactErrorCodes(VersionChange):
    """An invalid email or phone is 400 INVALID_EMAIL_ADDRESS / INVALID_PHONE_NUMBER instead of INVALID_VALUE."""  # noqa: E501
    behaviour = "customer-contact-validation"


class RequireValidPhoneNumbers(VersionChange):
    """A phone number needs 9 to 16 digits (400 INVALID_PHONE_NUMBER)."""
    behaviour = "customer-phone-validity"


class LimitProfileFieldLengths(VersionChange):
    """Profile names, company, nickname, email and reference_id have maximum lengths (400 VALUE_TOO_LONG)."""  # noqa: E501
    behaviour = "customer-field-lengths"


class AcceptBirthdayWithoutYear(VersionChange):
    """A birthday may be given as MM-DD (stored with year 0000)."""
    behaviour = "customer-birthday-input"


class ReturnBirthdayAsDate(VersionChange):
    """Profiles return the birthday as YYYY-MM-DD instead of RFC 3339 with a midnight time."""
    behaviour = "customer-birthday-output"


class AddSegmentFilter(VersionChange):
    """SearchCustomers filters by `segment_ids`; an unknown segment is 400 BAD_REQUEST naming it."""
    behaviour = "search-segment-filter"
    nth = 1


class ExpireCursors(VersionChange):
    """Pagination cursors expire 5 minutes after they are issued."""
    behaviour = "cursor-lifetime"


class RetireCardsField(VersionChange):
    """Customer profiles never carry the retired `cards` field."""
    behaviour = "customer-cards-field"
# fmt: on


VERSION_CHANGES: tuple[type[VersionChange], ...] = tuple(VersionChange.__subclasses__())


def changelog(table: Table) -> list[str]:
    """`<since>: <changelog line>` for every version change, oldest first."""
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


def default_version(config: EmulatorConfig) -> str:
    """The version used when a request carries no Square-Version header."""
    return config.default_version or config.behaviours().newest_version


def context_for(
    header: str | None,
    config: EmulatorConfig,
    overrides: tuple[tuple[str, str], ...] = (),
) -> VersionContext:
    """Resolve a request's Square-Version header.

    A value that is no YYYY-MM-DD calendar date is 400 INVALID_SQUARE_VERSION_FORMAT
    (behaviour square-version-malformed); a date Square never released is refused with the
    error of behaviour square-version-unreleased-code.
    """
    table = config.behaviours()
    if header is None:
        return VersionContext(default_version(config), table, overrides)
    value = header.strip()
    if not is_well_formed(value):
        raise InvalidSquareVersionFormat(
            f"The Square-Version header value '{header}' is not formatted as YYYY-MM-DD.",
            field=HEADER,
        )
    if not table.is_known(value):
        expect = table["square-version-unreleased-code"].newest_expect()
        raise by_code(expect["code"])(
            f"Square-Version {value} does not exist; the newest is {table.newest_version}.",
            field=expect.get("field"),
        )
    return VersionContext(value, table, overrides)
