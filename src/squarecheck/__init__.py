"""squarecheck: conformance suite and version-behaviour checker for Square's Customer Groups API."""

from __future__ import annotations

__version__ = "0.1.0"
