"""Secrets out of every text squarecheck writes: tokens become `[REDACTED]`."""

from __future__ import annotations


class Redactor:
    """Replaces every secret (tokens) by a placeholder, in any text or structure."""

    # A "secret" of one to three characters (a throwaway emulator token such as "t") would
    # only shred every word it occurs in; real access tokens are far longer.
    MIN_LENGTH = 4

    def __init__(self, secrets: list[str | None]) -> None:
        self.secrets: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= self.MIN_LENGTH and secret not in self.secrets:
            self.secrets = sorted([*self.secrets, secret], key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, "[REDACTED]")
        return value

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        out = {}
        for key, value in headers.items():
            out[key] = "Bearer [REDACTED]" if key.lower() == "authorization" else self.text(value)
        return out
