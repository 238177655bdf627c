"""Locations: every seller has one ACTIVE main location.

ListLocations lists it; RetrieveLocation takes its id or `main`; any other id is 404 NOT_FOUND
(spec-head RetrieveLocation, behaviour locations-main). Orders must name it in `location_id`.
Its time zone is UTC, so pricing-rule dates are read as UTC dates (behaviour pricing-rule-dates).
Nothing about it is stored: its ids are derived from a hash of the seller's token, so reading
it creates no seller, and it stays the same across restarts of a `--data` file.
"""

from __future__ import annotations

import hashlib
import string
from datetime import UTC, datetime
from typing import Any

from squarecheck.emulator.core import clock

Json = dict[str, Any]
_ALPHABET = string.ascii_uppercase + string.digits
CURRENCY = "USD"
TIMEZONE = "UTC"


#: when every emulated location was created: the oldest Square-Version the table covers
CREATED_AT = clock.rfc3339(datetime(2020, 4, 22, tzinfo=UTC))


def _short_id(token: str, purpose: str) -> str:
    """13 upper-case alphanumerics, like "18YC4JDH91E1H" in Square's examples, from the token."""
    digest = hashlib.sha256(f"{purpose}:{token}".encode("utf-8", "surrogatepass")).digest()
    return "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in digest[:13])


def main_location(token: str) -> Json:
    """The main location of the seller `token` stands for."""
    return {
        "id": _short_id(token, "location"),
        "name": "Main location",
        "business_name": "squarecheck emulator",
        "timezone": TIMEZONE,
        "capabilities": ["CREDIT_CARD_PROCESSING"],
        "status": "ACTIVE",
        "created_at": CREATED_AT,
        "merchant_id": _short_id(token, "merchant"),
        "country": "US",
        "language_code": "en-US",
        "currency": CURRENCY,
        "type": "PHYSICAL",
    }
