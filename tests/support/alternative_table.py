"""A behaviour table that makes the other plausible choice on every `assumed` expectation.

A server following it behaves as Square's public evidence shows wherever there is evidence
(content type, routing, everything documented, observed or inferred) and differently wherever
squarecheck had to guess. A run against it must not fail: guesses only warn.
"""

from __future__ import annotations

import copy
from typing import Any

from squarecheck.spec.table import Table, load_table, table_from

INVALID = "INVALID_REQUEST_ERROR"
# (behaviour id, since of the change, or None for the initial expectation) -> the other choice
ALTERNATIVES: dict[tuple[str, str | None], dict[str, Any]] = {
    ("unrecognized-field-order", "2022-03-16"): {
        "outcome": "reported", "order": "last-in-body", "errors": 1,
    },
    ("update-customer-unrecognized-field", None): {
        "outcome": "rejected", "status": 400, "code": "BAD_REQUEST", "category": INVALID,
    },
    ("idempotency-replay-after-delete", None): {"outcome": "created", "status": 200},
    ("idempotency-replay-after-delete", "2022-03-16"): {"outcome": "created", "status": 200},
    ("create-customer-idempotency", None): {
        "outcome": "rejected", "status": 400, "code": "IDEMPOTENCY_KEY_REUSED",
    },
    ("invalid-cursor", None): {"status": 400, "code": "BAD_REQUEST", "category": INVALID},
    ("group-name-required", None): {
        "status": 400, "category": INVALID, "code_missing": "BAD_REQUEST",
        "code_empty": "INVALID_VALUE",
    },
    ("add-group-idempotent", None): {"outcome": "rejected", "status": 400, "code": "BAD_REQUEST"},
    ("remove-group-not-member", None): {"outcome": "rejected", "status": 404, "code": "NOT_FOUND"},
    ("membership-unknown-ids", None): {"status": 400, "code": "INVALID_VALUE", "category": INVALID},
    ("delete-group-removes-membership", None): {"status": 200, "prunes": False},
    ("membership-bumps-version", "2021-04-21"): {"outcome": "unchanged"},
    ("customer-version-mismatch", None): {
        "outcome": "rejected", "status": 409, "code": "CONFLICT", "category": INVALID,
    },
    ("create-customer-needs-a-field", None): {
        "status": 400, "code": "MISSING_REQUIRED_PARAMETER", "category": INVALID,
    },
    ("customer-contact-validation", None): {
        "status": 400, "category": INVALID,
        "code_email": "BAD_REQUEST", "code_phone": "BAD_REQUEST",
    },
    ("customer-phone-validity", None): {
        "outcome": "rejected", "status": 400, "code": "INVALID_VALUE", "category": INVALID,
        "min_digits": 9, "max_digits": 16,
    },
    ("customer-field-lengths", None): {
        "outcome": "rejected", "status": 400, "code": "VALUE_TOO_LONG", "category": INVALID,
        "max": {"given_name": 300, "family_name": 300, "company_name": 500, "nickname": 100,
                "email_address": 254, "reference_id": 100},
    },
    ("customer-birthday-input", None): {"outcome": "accepted", "status": 200},
    ("customer-cards-field", None): {"outcome": "empty-list"},
    ("search-custom-attribute-filter", "2022-03-16"): {"outcome": "filter", "status": 200},
    ("square-version-unreleased-code", None): {
        "status": 400, "code": "API_VERSION_INCOMPATIBLE", "category": INVALID,
        "field": "Square-Version",
    },
    ("square-version-on-errors", None): {"echo": True},
    ("body-not-object", None): {"status": 400, "code": "BAD_REQUEST", "category": INVALID},
    ("body-too-large", None): {
        "status": 413, "code": "REQUEST_ENTITY_TOO_LARGE", "category": INVALID,
        "max_body_bytes": 4 * 1024 * 1024,
    },
    ("integral-numbers", None): {"outcome": "rejected", "status": 400, "code": "EXPECTED_INTEGER"},
    # group discounts: Catalog, Orders and pricing
    ("group-discount-deleted-group", None): {"converges": False},
    ("auto-apply-discounts", None): {"applies": "when-enabled"},
    ("pricing-rule-id", None): {"field": "present"},
    ("rule-discount-entries", None): {"scope": "LINE_ITEM", "entries": "per-line"},
    ("all-products-ad-hoc-lines", None): {"discounted": True},
    ("discount-fixed-amount", None): {"per": "line"},
    ("discount-rounding", None): {
        "rounds": "discount-half-down",
        "examples": [{"gross": 915, "percentage": "10", "applied": 91},
                     {"gross": 925, "percentage": "10", "applied": 92}],
    },
    ("discount-phase-order", None): {
        "within_phase": "smallest-first", "example": {"gross": 999, "catalog": 95, "ad_hoc": 50},
    },
    ("order-discount-split", None): {"remainder": "last-line", "shares": [33, 33, 34]},
    ("auto-apply-taxes", None): {"applies": "when-enabled"},
    ("pricing-rule-references", None): {"status": 200},
    ("order-limits", None): {
        "max_line_items": 500, "status": 400, "code": "ARRAY_LENGTH_TOO_LONG",
        "amount_code": "INVALID_VALUE", "category": INVALID,
    },
    ("update-order-version-mismatch", None): {
        "status": 409, "code": "CONFLICT", "category": INVALID,
    },
    ("pricing-rule-dates", None): {"inclusive": False},
    ("pricing-blocklists", None): {"blocked": True},
    ("order-unknown-location", None): {"status": 400, "code": "INVALID_VALUE", "category": INVALID},
    ("order-unknown-catalog-object", None): {
        "status": 400, "code": "INVALID_VALUE", "category": INVALID,
    },
    ("order-unknown-customer", None): {"status": 404, "code": "NOT_FOUND", "category": INVALID},
    ("order-currency-mismatch", None): {
        "status": 400, "code": "INVALID_VALUE", "category": INVALID,
    },
    ("create-order-idempotency", None): {
        "status": 200, "outcome": "replay", "other_body": "replayed",
    },
    ("catalog-idempotency-key-reused", None): {
        "status": 409, "code": "CONFLICT", "category": INVALID,
    },
    ("catalog-version-mismatch", None): {
        "status": 409, "code": "CONFLICT", "category": INVALID,
        "detail": "Object version does not match latest database version.",
    },
    ("catalog-update-missing-object", None): {
        "status": 400, "code": "BAD_REQUEST", "category": INVALID,
    },
    ("catalog-batch-failure-status", None): {"status": 400, "error": "generic"},
    ("catalog-retrieve-deleted", None): {
        "status": 400, "code": "INVALID_VALUE", "category": INVALID,
    },
    ("catalog-delete-referenced", None): {
        "status": 400, "code": "INVALID_VALUE", "category": INVALID,
    },
    ("catalog-orders-unrecognized-field", "2022-03-16"): {
        "outcome": "rejected", "status": 400, "code": "BAD_REQUEST", "category": INVALID,
    },
}  # fmt: skip


def assumed_periods(table: Table) -> set[tuple[str, str | None]]:
    """Every (behaviour, since) whose expectation is assumed; since None is the initial one."""
    found: set[tuple[str, str | None]] = set()
    for behaviour in table.behaviours.values():
        if behaviour.basis == "assumed":
            found.add((behaviour.id, None))
        found |= {(behaviour.id, c.since) for c in behaviour.changes if c.basis == "assumed"}
    return found


def alternative_table() -> Table:
    """The table with every assumed expectation replaced by its alternative."""
    raw = copy.deepcopy(load_table().raw)
    for row in raw["behaviours"]:
        if (row["id"], None) in ALTERNATIVES and row["basis"] == "assumed":
            row["initial"]["expect"] = ALTERNATIVES[(row["id"], None)]
        for change in row["changes"]:
            key = (row["id"], change["since"])
            if key in ALTERNATIVES and change["basis"] == "assumed":
                change["expect"] = ALTERNATIVES[key]
    return table_from(raw)
