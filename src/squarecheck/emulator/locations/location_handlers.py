"""Handlers of ListLocations and RetrieveLocation: the seller's one main location
(`locations.main_location`); any id but its own or `main` is 404 NOT_FOUND (behaviour
locations-main)."""

from __future__ import annotations

from squarecheck.emulator.call import Call
from squarecheck.emulator.core.errors import NotFound
from squarecheck.emulator.locations.location import Json, main_location


def list_locations(call: Call) -> Json:
    return {"locations": [main_location(call.token)]}


def retrieve_location(call: Call) -> Json:
    wanted = call.path["location_id"]
    location = main_location(call.token)
    if wanted not in ("main", location["id"]):
        raise NotFound(f"Location with id '{wanted}' not found.", field="location_id")
    return {"location": location}
