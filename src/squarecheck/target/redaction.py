"""Secrets out of every text squarecheck writes: tokens become `[REDACTED]`.

A target may echo a token back encoded, and encode that again, any number of times: JSON
`\\uXXXX` escapes (and escaped backslashes, so `\\\\u0041` or `\\u005cu0041`), percent-encoding
(`%41`, `%2541`, multi-byte UTF-8), HTML character references, any case of the hex digits
and of the token itself, in any mix. So a text is decoded layer by layer, as a reader would
undo each encoding in turn (every layer remembers which characters of the original each of
its characters came from); a secret found in any layer, in any case, has the original
characters it came from replaced. Decoding is bounded: a text is followed through as many
layers as `WORK_FACTOR` passes over it (plus a small allowance, so a short text may be nested
hundreds deep) can decode; one still changing then is withheld whole. `deep` applies the same
to every string (and key) of a record, so facts parsed out of a body are covered too.
"""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDER = "[REDACTED]"
#: Decoding a text may scan it this many times over, plus WORK_ALLOWANCE characters; every
#: real text needs one or two layers.
WORK_FACTOR = 8
WORK_ALLOWANCE = 1 << 20
WITHHELD = f"{PLACEHOLDER} (a text encoded too many times over to follow is withheld whole)"

_HEX = "[0-9a-fA-F]"
# One escape of any encoding, leftmost first as a decoder reads them.
_ESCAPE = re.compile(
    rf"\\[uU](?P<hi>[dD][89abAB]{_HEX}{{2}})\\[uU](?P<lo>[dD][c-fC-F]{_HEX}{{2}})"
    rf"|\\[uU](?P<u>{_HEX}{{4}})"
    r'|\\(?P<simple>[\\/"bfnrt])'
    rf"|(?P<pct>(?:%{_HEX}{{2}})+)"
    r"|&#(?P<dec>[0-9]{1,8});"
    rf"|&#[xX](?P<hex>{_HEX}{{1,8}});"
    r"|&(?P<named>(?i:amp|lt|gt|quot|apos));"
)
_SIMPLE = {"\\": "\\", "/": "/", '"': '"', "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_INTRODUCERS = ("\\", "%", "&")
_INTRODUCER = re.compile(r"[\\%&]")  # where an escape may start: found fast, then matched

#: What one escape decodes to: (character, offset of its first source character in the escape).
Decoded = list[tuple[str, int]]


def _percent(run: str) -> Decoded:
    """A run of `%XX` as UTF-8 (bytes that are not become lone surrogates, never a secret)."""
    raw = bytes.fromhex(run.replace("%", ""))
    out: Decoded = []
    at = 0
    for char in raw.decode("utf-8", "surrogateescape"):
        out.append((char, 3 * at))
        at += 1 if "\udc80" <= char <= "\udcff" else len(char.encode("utf-8"))
    return out


def _decode(match: re.Match[str]) -> Decoded | None:
    """The characters `match` stands for, or None if it stands for no character."""
    kind = match.lastgroup
    if kind == "lo":  # a surrogate pair: one character
        high, low = int(match["hi"], 16), int(match["lo"], 16)
        return [(chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)), 0)]
    if kind == "pct":
        return _percent(match.group())
    if kind == "simple":
        return [(_SIMPLE[match["simple"]], 0)]
    if kind == "named":
        return [(_NAMED[match["named"].lower()], 0)]
    code = int(match[kind or "u"], 10 if kind == "dec" else 16)
    return [(chr(code), 0)] if code <= 0x10FFFF else None


def _layer(text: str, starts: list[int] | None) -> tuple[str, list[int] | None] | None:
    """`text` with every escape in it decoded once (None if there is none); `starts`, when
    given, maps each character to where it begins in the original, and is carried along."""
    pieces: list[str] = []
    new_starts: list[int] | None = [] if starts is not None else None
    last = 0
    for candidate in _INTRODUCER.finditer(text):
        match = _ESCAPE.match(text, candidate.start())
        if candidate.start() < last or match is None:
            continue
        decoded = _decode(match)
        if decoded is None:
            continue
        begin = match.start()
        pieces.append(text[last:begin])
        pieces.append("".join(char for char, _ in decoded))
        if starts is not None and new_starts is not None:
            new_starts += starts[last:begin]
            new_starts += [starts[begin + offset] for _, offset in decoded]
        last = match.end()
    if not pieces:
        return None
    pieces.append(text[last:])
    if starts is not None and new_starts is not None:
        new_starts += starts[last:]
    return "".join(pieces), new_starts


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
            alternatives = "|".join(re.escape(s) for s in self.secrets)
            self._pattern = re.compile(alternatives, re.IGNORECASE)

    def text(self, value: str) -> str:
        pattern = self._pattern
        if pattern is None:
            return value
        if not any(c in value for c in _INTRODUCERS):  # nothing encoded: one layer
            return pattern.sub(PLACEHOLDER, value)
        for _ in range(3):  # replacing may leave the rest of a deeper form; look again
            found = self._found(value, pattern)
            if found is None:
                return WITHHELD
            if not found:
                return value
            value = self._replace(value, pattern)
        return value if self._found(value, pattern) == [] else WITHHELD

    @staticmethod
    def _found(value: str, pattern: re.Pattern[str]) -> list[int] | None:
        """The layers in which a secret shows ([] if none); None if the text is too deep."""
        layers, current, depth = [], value, 0
        budget, spent = WORK_FACTOR * len(value) + WORK_ALLOWANCE, 0
        while spent <= budget:
            spent += len(current)
            if pattern.search(current):
                layers.append(depth)
            decoded = _layer(current, None)
            if decoded is None:
                return layers
            current, depth = decoded[0], depth + 1
        return None

    @staticmethod
    def _replace(value: str, pattern: re.Pattern[str]) -> str:
        """`value` with the original characters of every secret, in every layer, replaced."""
        spans: list[tuple[int, int]] = []
        current, starts = value, list(range(len(value)))
        while True:
            ends = [*starts[1:], len(value)]
            spans += [(starts[m.start()], ends[m.end() - 1]) for m in pattern.finditer(current)]
            decoded = _layer(current, starts)
            if decoded is None or decoded[1] is None:
                break
            current, starts = decoded[0], decoded[1]
        merged: list[list[int]] = []
        for begin, end in sorted(spans):
            if merged and begin <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([begin, end])
        pieces, last = [], 0
        for begin, end in merged:
            pieces += [value[last:begin], PLACEHOLDER]
            last = end
        return "".join(pieces) + value[last:]

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
