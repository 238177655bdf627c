"""JSON parsing that remembers where each object key stands in the raw body.

Square's unrecognized-field error names the line and character of the field (behaviour
unrecognized-field-position; https://developer.squareup.com/docs/customer-groups-api/what-it-does).
The standard `json` module forgets positions, so this is a small recursive-descent parser that
reuses `json.decoder.scanstring` for strings and records, for every key, the offset of its
opening quotation mark, keyed by the key's path (e.g. `("group", "name")`). Syntax errors are
worded like Go's JSON decoder, as Square's are (behaviour invalid-json-body).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WHITESPACE = " \t\n\r"
_LITERALS: Mapping[str, Any] = MappingProxyType({"true": True, "false": False, "null": None})
MAX_DEPTH = 200
#: Python's own limit on converting a decimal string to an int (sys.get_int_max_str_digits);
#: a longer integer literal is refused as malformed rather than crashing the conversion.
MAX_INT_DIGITS = 4300

Path = tuple[str, ...]
_END = "unexpected end of JSON input"
_scanstring: Any = getattr(json.decoder, "scanstring")  # noqa: B009 (untyped in typeshed)


def _invalid(char: str, context: str) -> str:
    """`invalid character 'c' looking for beginning of value`, as Go's JSON decoder says it."""
    shown = json.dumps(char, ensure_ascii=False)[1:-1].replace("'", "\\'") if char != '"' else '"'
    return f"invalid character '{shown}' {context}"


class JsonSyntaxError(ValueError):
    """The body is not valid JSON; `line` and `character` are 1-based."""

    def __init__(self, message: str, text: str, offset: int) -> None:
        self.line, self.character = position(text, offset)
        super().__init__(f"{message} (line {self.line}, character {self.character})")
        self.message = message


@dataclass
class ParsedBody:
    """The decoded value and the offset of each object key's opening quote, by key path."""

    text: str
    value: Any
    key_offsets: dict[Path, int] = field(default_factory=dict)

    def position(self, path: Path) -> tuple[int, int]:
        """1-based (line, character) of the opening quote of the key at `path`."""
        return position(self.text, self.key_offsets[path])


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and character (in characters, not bytes) of `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    return line, offset - line_start + 1


def parse(text: str) -> ParsedBody:
    """Parse a whole JSON document; raises JsonSyntaxError with the place it went wrong."""
    parser = _Parser(text)
    value = parser.document()
    return ParsedBody(text=text, value=value, key_offsets=parser.offsets)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.offsets: dict[Path, int] = {}

    def fail(self, message: str, offset: int | None = None) -> JsonSyntaxError:
        return JsonSyntaxError(message, self.text, self.pos if offset is None else offset)

    def _invalid_here(self, context: str) -> str:
        """Go's wording for the character at the current position, or the end of input."""
        if self.pos >= len(self.text):
            return _END
        return _invalid(self.text[self.pos], context)

    def skip(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        self.pos = pos

    def document(self) -> Any:
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail(_END)
        value = self.value((), 0)
        self.skip()
        if self.pos != len(self.text):
            raise self.fail(_invalid(self.text[self.pos], "after top-level value"))
        return value

    def value(self, path: Path, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail("exceeded max depth")
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail(_END)
        char = self.text[self.pos]
        if char == "{":
            return self.object(path, depth)
        if char == "[":
            return self.array(path, depth)
        if char == '"':
            return self.string()
        for literal, result in _LITERALS.items():
            if self.text.startswith(literal, self.pos):
                self.pos += len(literal)
                return result
        match = _NUMBER.match(self.text, self.pos)
        if match:
            return self.number(match.group())
        raise self.fail(_invalid(char, "looking for beginning of value"))

    def number(self, token: str) -> int | float:
        """An int, or a finite float; a literal no machine number can hold is a syntax error."""
        if not any(c in token for c in ".eE"):
            if len(token.lstrip("-")) > MAX_INT_DIGITS:
                raise self.fail(f"Number with more than {MAX_INT_DIGITS} digits")
            self.pos += len(token)
            return int(token)
        value = float(token)
        if math.isinf(value):
            raise self.fail("Number out of range")
        self.pos += len(token)
        return value

    def string(self) -> str:
        try:
            result, end = _scanstring(self.text, self.pos + 1, True)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.msg, exc.pos) from None
        self.pos = end
        return str(result)

    def object(self, path: Path, depth: int) -> dict[str, Any]:
        self.pos += 1
        result: dict[str, Any] = {}
        self.skip()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return result
        while True:
            self.skip()
            if not self.text.startswith('"', self.pos):
                raise self.fail(self._invalid_here("looking for beginning of object key string"))
            key_offset = self.pos
            key = self.string()
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.fail(self._invalid_here("after object key"))
            self.pos += 1
            key_path = (*path, key)
            # Duplicate keys: the last value wins (as in `json`); so does its position.
            result.pop(key, None)
            result[key] = self.value(key_path, depth + 1)
            self.offsets[key_path] = key_offset
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return result
            raise self.fail(self._invalid_here("after object key:value pair"))

    def array(self, path: Path, depth: int) -> list[Any]:
        self.pos += 1
        result: list[Any] = []
        self.skip()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return result
        while True:
            # Keys inside arrays are recorded under the array's own path plus the index.
            result.append(self.value((*path, str(len(result))), depth + 1))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return result
            raise self.fail(self._invalid_here("after array element"))
