"""Where `specs/` and `suites/` live, whether squarecheck runs from a checkout or a wheel.

A wheel carries them inside the package (`squarecheck/specs`, `squarecheck/suites`); a checkout
or an editable install keeps them at the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def _locate(name: str) -> Path:
    for candidate in (_PACKAGE / name, _CHECKOUT / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"squarecheck data folder {name!r} is missing from this installation")


def specs_dir() -> Path:
    """The folder holding schemas, openapi.yaml and behaviours.yaml."""
    return _locate("specs")


def suites_dir() -> Path:
    """The folder holding the conformance suites (the product)."""
    return _locate("suites")
