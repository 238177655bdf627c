"""What suites import: the per-check context, the assert helpers and the polling helpers.

Suites write `from squarecheck.checks import Check, expect_status, ...`; the pieces live in
`context` (Check), `expect` (assertions), `polling`, `listing` and `positions`.
"""

from squarecheck.checks.context import Check
from squarecheck.checks.expect import (
    acceptance,
    expect_equal,
    expect_error,
    expect_match,
    expect_status,
    expect_true,
    fail,
)
from squarecheck.checks.listing import all_pages, group_names
from squarecheck.checks.polling import search_for_member, settled
from squarecheck.checks.positions import key_positions, token_span
from squarecheck.errors import ConformanceFailure, ToolError, UsageError

__all__ = [
    "Check",
    "ConformanceFailure",
    "ToolError",
    "UsageError",
    "acceptance",
    "all_pages",
    "expect_equal",
    "expect_error",
    "expect_match",
    "expect_status",
    "expect_true",
    "fail",
    "group_names",
    "key_positions",
    "search_for_member",
    "settled",
    "token_span",
]
