"""Injected faults: named, realistic implementation bugs the suites must catch.

`base` (the Fault class and the response envelope), `customers` and `commerce` (the faults of
each domain), `catalogue` (every fault by name, and the version and response points).
"""
