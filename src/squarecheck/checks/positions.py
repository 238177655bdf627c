"""Where a key stands in a JSON body, as Square's unrecognized-field errors count it."""

from __future__ import annotations

import re


def token_span(body: str, name: str, line: int, character: int) -> tuple[int, int] | None:
    """If (line, character), 1-based, falls on a `"name":` key token of `body`, its span.

    Returns the 1-based columns of the opening and closing quote of that token, else None.
    """
    lines = body.split("\n")
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    for match in re.finditer(rf'"{re.escape(name)}"\s*:', text):
        start, end = match.start() + 1, match.start() + len(name) + 2
        if start <= character <= end:
            return start, end
    return None


def key_positions(body: str, names: list[str]) -> list[tuple[int, int, str]]:
    """(line, opening-quote column, name) of each `"name":` key in `body`, in body order."""
    found = []
    for number, text in enumerate(body.split("\n"), start=1):
        for name in names:
            for match in re.finditer(rf'"{re.escape(name)}"\s*:', text):
                found.append((number, match.start() + 1, name))
    return sorted(found)
