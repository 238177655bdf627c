"""The keys a row of the behaviour table may use to say what a behaviour looks like."""

from __future__ import annotations

from typing import Any

from squarecheck.spec.expect_discounts import DiscountExpect


class Expect(DiscountExpect, total=False):
    """What a behaviour looks like under one version: every key a row of the table may use.

    A test keeps this list and the table in step, so a suite or the emulator that reads a key
    reads one the table can hold.
    """

    outcome: str
    status: int
    code: str
    category: str
    field: str
    detail: str
    detail_pattern: str
    body: dict[str, Any]
    schema: str
    # variants of one behaviour (status and code per kind of request)
    code_low: str
    code_high: str
    code_missing: str
    code_empty: str
    code_email: str
    code_phone: str
    max_body_bytes: int
    status_class: str
    refused_status: int
    # pagination
    min_limit: int
    max_limit: int
    default_limit: int
    expires: bool
    ttl_seconds: int
    # unrecognized-field position and order
    anchor: str
    order: str
    errors: int
    # membership, profiles, search, versioning
    absent_when_empty: bool
    prunes: bool
    initial_value: int
    min_digits: int
    max_digits: int
    max: dict[str, int]
    format: str
    converges: bool
    echo: bool
    clear_with: str
    # generated requests (schema-conformance)
    server_errors: bool
    declared_status: bool
    response_schema: bool
    invalid_rejected: bool


EXPECT_KEYS = frozenset(Expect.__annotations__)
