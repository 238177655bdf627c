"""Locations: every seller has one ACTIVE main location, made on first use.

ListLocations lists it; RetrieveLocation takes its id or `main`; any other id is 404 NOT_FOUND
(spec-head RetrieveLocation, behaviour locations-main). Orders must name it in `location_id`.
Its time zone is UTC, so pricing-rule dates are read as UTC dates (behaviour pricing-rule-dates).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from squarecheck.emulator import clock
from squarecheck.emulator.commerce import Session, commerce_for
from squarecheck.emulator.errors import NotFound
from squarecheck.emulator.handlers import Call

Json = dict[str, Any]
_ALPHABET = string.ascii_uppercase + string.digits
CURRENCY = "USD"
TIMEZONE = "UTC"


def _short_id() -> str:
    """13 upper-case alphanumerics, like "18YC4JDH91E1H" in Square's examples."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(13))


def main_location(session: Session) -> Json:
    """The seller's main location (created the first time anything asks for it)."""
    found = session.location()
    if found is None:
        found = {
            "id": _short_id(),
            "name": "Main location",
            "business_name": "squarecheck emulator",
            "timezone": TIMEZONE,
            "capabilities": ["CREDIT_CARD_PROCESSING"],
            "status": "ACTIVE",
            "created_at": clock.rfc3339(clock.now()),
            "merchant_id": _short_id(),
            "country": "US",
            "language_code": "en-US",
            "currency": CURRENCY,
            "type": "PHYSICAL",
        }
        session.set_location(found)
    return found


def list_locations(call: Call) -> Json:
    with commerce_for(call.store).session(call.token) as session:
        return {"locations": [main_location(session)]}


def retrieve_location(call: Call) -> Json:
    wanted = call.path["location_id"]
    with commerce_for(call.store).session(call.token) as session:
        location = main_location(session)
    if wanted not in ("main", location["id"]):
        raise NotFound(f"Location with id '{wanted}' not found.", field="location_id")
    return {"location": location}
