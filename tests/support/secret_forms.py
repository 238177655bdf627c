"""The forms a target can give a token by encoding it again and again, and a reader that undoes
them, written apart from squarecheck's redactor so the two check each other.

Each transformation acts on the whole text so far, as a target would that escapes, quotes or
re-cases what it echoes: JSON `\\u` escapes (of every character or some), a JSON string's own
escaping (backslashes doubled), percent-encoding (every byte, or `quote`), HTML character
references and escaping, upper and lower case.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from urllib.parse import quote, unquote

Transform = Callable[[str], str]


def json_every(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


def json_some(text: str) -> str:
    """Every other character as `\\uXXXX`, the rest as a JSON string holds them."""
    return "".join(f"\\u{ord(c):04X}" if i % 2 else json_string(c) for i, c in enumerate(text))


def json_string(text: str) -> str:
    return json.dumps(text)[1:-1]


def percent_every(text: str) -> str:
    return "".join(f"%{b:02X}" for b in text.encode("utf-8", "surrogatepass"))


def percent_quote(text: str) -> str:
    return quote(text, safe="")


def references(text: str) -> str:
    return "".join(f"&#{ord(c)};" if i % 2 else f"&#x{ord(c):x};" for i, c in enumerate(text))


def html_escape(text: str) -> str:
    return html.escape(text)


TRANSFORMS: dict[str, Transform] = {
    "json_every": json_every,
    "json_some": json_some,
    "json_string": json_string,
    "percent_every": percent_every,
    "percent_quote": percent_quote,
    "references": references,
    "html_escape": html_escape,
    "upper": str.upper,
    "lower": str.lower,
}

_U_ESCAPE = re.compile(r"\\+[uU]([0-9a-fA-F]{4})")
_OTHER_ESCAPE = re.compile(r'\\+(["/])|\\\\')


def _once(text: str) -> str:
    """One layer of every decoding, as loosely as a reader might apply them."""
    text = _U_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = _OTHER_ESCAPE.sub(lambda m: m.group(1) or "\\", text)
    return unquote(html.unescape(text), errors="replace")


def views(text: str, limit: int = 1000) -> list[str]:
    """`text` and each layer a reader gets by decoding it again, until nothing changes."""
    found = [text]
    for _ in range(limit):
        decoded = _once(found[-1])
        if decoded == found[-1]:
            break
        found.append(decoded)
    return found


def leaks(secret: str, text: str) -> bool:
    """True if `secret` shows, in any case, in `text` or any layer of it decoded."""
    wanted = secret.lower()
    return any(wanted in view.lower() for view in views(text))
