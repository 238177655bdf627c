"""Talking to a target: which server (`resolve`), the HTTP client (`client`), what a run
created (`ledger`), evidence with curl commands (`evidence`) and secret redaction
(`redaction`). Nothing here imports pytest: `squarecheck sweep` uses it on its own.
"""
