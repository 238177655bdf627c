"""The Locations domain: every seller's one main location, derived, never stored; Orders name it."""
