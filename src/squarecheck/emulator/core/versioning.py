"""Per-request Square-Version: parse the header, resolve it against the behaviour table.

Logic elsewhere is written once and asks `ctx.expect(behaviour_id)` what the version in force
wants (never `if version == ...`); the cutovers themselves are rows of specs/behaviours.yaml.
Sources: https://developer.squareup.com/docs/build-basics/versioning-overview (header format,
pinned default, echo on success) and the table's own `source` keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.core.errors import InvalidSquareVersionFormat, by_code
from squarecheck.spec.table import Expect, Table, is_well_formed

HEADER = "Square-Version"


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

    def expect(self, behaviour_id: str) -> Expect:
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
