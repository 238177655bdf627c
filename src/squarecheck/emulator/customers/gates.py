"""What the behaviour table and the injected faults decide about one customer request.

Handlers build one `Gates` per request (`gates_for`) and hand it to the store, which obeys it
and never asks the table or the faults itself; the commerce domain does the same with its own
gates. `Shape` holds the two faults that shape a whole store (decided once, when it opens).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.core.versioning import VersionContext
from squarecheck.emulator.faults.customers import (
    CursorOnLastPage,
    CursorRepeatsFirstPage,
    DeleteGroupKeepsMembership,
    GroupNameStrict,
    IdempotencyIgnored,
    LimitIgnored,
    RemoveGroupKeepsMembership,
    ReplayCreatesDuplicate,
    ReplayNewName,
    SearchAllAsAny,
    SearchNeverConsistent,
    SearchNoneIgnored,
    SharedSellers,
)

#: What a reused CreateCustomerGroup key does: replay the original, refuse, or (a fault) create.
Reuse = Literal["replay", "error", "create"]


@dataclass(frozen=True)
class Gates:
    """One request's choices; the defaults are the clean emulator under the newest version."""

    on_reuse: Reuse = "replay"  # idempotency-key-reuse
    forget_deleted: bool = False  # idempotency-replay-after-delete
    prune: bool = True  # delete-group-removes-membership
    bump: bool = True  # membership-bumps-version
    replay_customer: bool = True  # create-customer-idempotency
    # injected faults, all off in the clean emulator
    limit_ignored: bool = False
    cursor_repeats_first_page: bool = False
    cursor_on_last_page: bool = False
    replay_new_name: bool = False
    replay_creates_duplicate: bool = False
    remove_keeps_membership: bool = False
    search_all_as_any: bool = False
    search_none_ignored: bool = False
    strict_group_names: bool = False  # fault group-name-strict: refuse names with a hyphen


CLEAN = Gates()


def gates_for(version: VersionContext, config: EmulatorConfig) -> Gates:
    """The table's say under `version` and the faults switched on in `config`."""
    reuse: Reuse = (
        "create"
        if IdempotencyIgnored.on(config)
        else "replay"
        if version.expect("idempotency-key-reuse")["outcome"] == "replay"
        else "error"
    )
    return Gates(
        on_reuse=reuse,
        forget_deleted=version.expect("idempotency-replay-after-delete")["outcome"] == "created",
        prune=bool(version.expect("delete-group-removes-membership")["prunes"])
        and not DeleteGroupKeepsMembership.on(config),
        bump=version.expect("membership-bumps-version")["outcome"] != "unchanged",
        replay_customer=version.expect("create-customer-idempotency")["outcome"] == "replay",
        limit_ignored=LimitIgnored.on(config),
        cursor_repeats_first_page=CursorRepeatsFirstPage.on(config),
        cursor_on_last_page=CursorOnLastPage.on(config),
        replay_new_name=ReplayNewName.on(config),
        replay_creates_duplicate=ReplayCreatesDuplicate.on(config),
        remove_keeps_membership=RemoveGroupKeepsMembership.on(config),
        search_all_as_any=SearchAllAsAny.on(config),
        search_none_ignored=SearchNoneIgnored.on(config),
        strict_group_names=GroupNameStrict.on(config),
    )


@dataclass(frozen=True)
class Shape:
    """Faults that shape a whole store: every token one seller; search never catching up."""

    shared_sellers: bool = False
    search_never_consistent: bool = False


def shape_for(config: EmulatorConfig) -> Shape:
    return Shape(
        shared_sellers=SharedSellers.on(config),
        search_never_consistent=SearchNeverConsistent.on(config),
    )
