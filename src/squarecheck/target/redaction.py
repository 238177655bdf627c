"""Secrets out of every text squarecheck writes: tokens become `[REDACTED]`.

A target may echo a token back in any form, so each secret is matched character by character
in every form a character can take in what squarecheck writes: itself, a JSON `\\uXXXX`
escape (behind any number of backslashes: the last one starts the match), a percent-encoded
byte (also double-encoded as `%25XX`) and an HTML numeric entity, in any mix and any hex
case. `deep` applies the same to every string (and key) of a record, so facts parsed out of a
body are covered too.
"""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDER = "[REDACTED]"


def _hex(value: int, width: int) -> str:
    """`value` in hex, each letter digit matching either case."""
    digits = f"{value:0{width}x}"
    return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in digits)


def _char_pattern(char: str) -> str:
    code = ord(char)
    forms = [re.escape(char)]
    if code < 0x10000:
        forms.append(rf"\\u{_hex(code, 4)}")
    forms += ["".join(rf"%(?:25)*{_hex(b, 2)}" for b in char.encode("utf-8"))]
    forms += [rf"&#0*{code};", rf"&#[xX]0*{_hex(code, 1)};"]
    if char == "/":
        forms.append(r"\\/")
    return "(?:" + "|".join(forms) + ")"


def secret_pattern(secret: str) -> str:
    """A regular expression matching `secret` in any of the forms above."""
    return "".join(_char_pattern(c) for c in secret)


class Redactor:
    """Replaces every secret (tokens) by a placeholder, in any text or structure."""

    # A "secret" of one to three characters (a throwaway emulator token such as "t") would
    # only shred every word it occurs in; real access tokens are far longer.
    MIN_LENGTH = 4

    def __init__(self, secrets: list[str | None]) -> None:
        self.secrets: list[str] = []
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= self.MIN_LENGTH and secret not in self.secrets:
            self.secrets = sorted([*self.secrets, secret], key=len, reverse=True)
            self._pattern = re.compile("|".join(secret_pattern(s) for s in self.secrets))

    def text(self, value: str) -> str:
        if self._pattern is None:
            return value
        return self._pattern.sub(PLACEHOLDER, value)

    def deep(self, value: Any) -> Any:
        """`value` with every string in it (dictionary keys too) redacted."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.deep(k): self.deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(v) for v in value]
        return value

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        out = {}
        for key, value in headers.items():
            out[key] = (
                f"Bearer {PLACEHOLDER}" if key.lower() == "authorization" else self.text(value)
            )
        return out
