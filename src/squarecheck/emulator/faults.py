"""Injected faults: named, realistic implementation bugs the suites must catch (selftest)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from squarecheck.emulator.config import EmulatorConfig


@dataclass(frozen=True)
class Fault:
    """One injectable bug: its name, a one-line description, and the behaviours it breaks."""

    name: str
    description: str
    behaviours: tuple[str, ...]


CATALOGUE: dict[str, Fault] = {}


def version_header(config: EmulatorConfig, header: str | None) -> str | None:
    """The Square-Version header as the emulator reads it."""
    return header


def version_overrides(config: EmulatorConfig) -> tuple[tuple[str, str], ...]:
    """Behaviours a fault makes act as under a fixed version."""
    return ()


def transform(
    config: EmulatorConfig,
    operation: str,
    status: int,
    body: dict[str, Any],
    headers: dict[str, str],
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Bend a finished response the way an active fault would."""
    return status, body, headers
