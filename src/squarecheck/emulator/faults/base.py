"""The base of every injected fault, and the response envelope response-point faults rewrite.

See `faults.catalogue` for the catalogue and the three points where a fault acts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from squarecheck.emulator.config import EmulatorConfig


@dataclass
class Outgoing:
    """A response on its way out, as the response-point faults see it."""

    operation: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    def errors(self) -> list[dict[str, Any]]:
        found = self.body.get("errors")
        return found if isinstance(found, list) else []


class Fault:
    """Base class; a subclass's docstring is its one-line description."""

    name: ClassVar[str] = ""
    behaviours: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def on(cls, config: EmulatorConfig) -> bool:
        """True when this injected bug is switched on in `config`."""
        return cls.name in config.faults

    @property
    def description(self) -> str:
        return (type(self).__doc__ or "").strip().splitlines()[0]

    def version_header(self, header: str | None) -> str | None:
        return header

    def version_overrides(self) -> tuple[tuple[str, str], ...]:
        return ()

    def transform(self, response: Outgoing) -> None:
        return None
