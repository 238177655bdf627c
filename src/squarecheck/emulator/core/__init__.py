"""The emulator's shared core: errors, versions, bodies, responses, time, cursors, schemas.

Nothing here knows a domain's operations; `customers` and `commerce` build on it.
"""
