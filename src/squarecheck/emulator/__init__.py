"""The embedded Square emulator: Customer Groups and the group parts of the Customers API.

It implements `specs/behaviours.yaml` for every Square-Version, so the suites have a default
target, and it can inject named faults (`faults.py`) so the suites can be shown to catch them.
"""

from __future__ import annotations
