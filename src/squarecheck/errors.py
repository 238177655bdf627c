"""Every squarecheck exception, drawn once; this module imports nothing of squarecheck.

    AssertionError
      ConformanceFailure   the target misbehaved: outcome `failed` (or `warned` for an
                           assumed behaviour without --strict), exit code 1
    Exception
      ToolError            squarecheck could not judge: unreachable target, exhausted 429
                           retries, broken spec file; outcome `error`, exit code 3
        UsageError         a bad option or configuration; one line on stderr, exit code 2
        ReportError        the report stage cannot read or write one of its files
          ResultsError     a results.json that is missing, unreadable or not in the format
    KeyboardInterrupt
      Interrupted          a signal (SIGINT, SIGTERM) stopped the run; the check in flight is
                           dropped, the reports of what ran are written, exit code 3

Lower layers raise these; the CLI and the pytest plugin turn them into outcomes and exit codes.
A failure is a statement about the target; an error never is.
"""

from __future__ import annotations

from typing import Any


class ConformanceFailure(AssertionError):
    """The target answered, and the answer is not what the behaviour table expects."""

    def __init__(
        self,
        message: str,
        *,
        operation: str = "",
        version: str = "",
        expected: Any = None,
        observed: Any = None,
        behaviour: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.version = version
        self.expected = expected
        self.observed = observed
        # A failure may belong to another behaviour than the check's own (e.g. a body that
        # breaks the schema is behaviour `error-shape`, whatever the check was about).
        self.behaviour = behaviour


class ToolError(Exception):
    """squarecheck could not reach a verdict; never a statement about the target."""


class UsageError(ToolError):
    """A bad option or configuration; the CLI prints it as one line and exits 2."""


class ReportError(ToolError):
    """The report stage cannot read one of its inputs or write one of its files."""


class ResultsError(ReportError):
    """A results.json that is missing, unreadable or not in the documented format."""


class Interrupted(KeyboardInterrupt):
    """A signal stopped the run: nothing more is sent. A KeyboardInterrupt, so that pytest
    and hypothesis stop at it and no `except Exception` swallows it; its argument is the
    signal's name."""
