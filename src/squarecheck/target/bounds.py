"""What a run allows a target: body size, text length, time per request; and text made safe.

A target's answers are untrusted input. `Limits` holds the bounds a run applies to every
exchange (`--max-body`, `--max-text`, `--request-deadline`); `clip` cuts a target's text to a
length and says how much was cut; `printable` turns control characters (terminal escapes,
carriage returns, bidirectional overrides) into visible escapes, so a target cannot repaint
a terminal or a log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Far above any Square response (a 100-item page of customers is well under 200 KiB).
MAX_BODY = 1024 * 1024
#: Characters of one target-controlled text kept in a message or report.
MAX_TEXT = 2000
#: Seconds one request may take in all: connect, send, every read, and waiting out 429s.
REQUEST_DEADLINE = 30.0
#: Tool errors in a row, the target answering nothing between them, after which a probe
#: decides whether the circuit breaker opens (a dead target will not answer the rest either);
#: and the tool errors of one check, under as many versions, after which it is given up.
MAX_ERRORS = 3
#: A failure message holds a few target texts (a detail, a body, a curl line) at most.
MESSAGE_FACTOR = 4

# C0 and C1 controls, DEL, the Unicode format characters that reorder or hide text, and what no
# output can encode (lone surrogates, which a JSON body may carry) or hold (noncharacters).
_HIDDEN = r"\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff"
_CONTROL = re.compile(rf"[\x00-\x1f{_HIDDEN}]")
_CONTROL_BUT_NEWLINE = re.compile(rf"[\x00-\x09\x0b-\x1f{_HIDDEN}]")


@dataclass(frozen=True)
class Limits:
    """The bounds of one run."""

    max_body: int = MAX_BODY
    max_text: int = MAX_TEXT
    deadline: float = REQUEST_DEADLINE

    @property
    def max_message(self) -> int:
        return self.max_text * MESSAGE_FACTOR

    def clip(self, text: str) -> str:
        return clip(text, self.max_text)


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, marked with how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters]"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """Control and bidi characters as visible `\\xNN` / `\\uNNNN`; `newlines` keeps line breaks."""
    return (_CONTROL_BUT_NEWLINE if newlines else _CONTROL).sub(_escape, text)
