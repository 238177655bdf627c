"""Unit tests of the position-aware JSON parser behind the unrecognized-field error."""

from __future__ import annotations

import json

import pytest

from squarecheck.emulator.core.bodyparse import JsonSyntaxError, parse


def test_values_match_the_standard_json_module() -> None:
    """The parser decodes the same values as `json.loads`."""
    text = '{"a": [1, 2.5, -3e2, true, false, null, "x\\u00e9\\n"], "b": {"c": {}}, "d": []}'
    assert parse(text).value == json.loads(text)


def test_positions_in_a_pretty_printed_body() -> None:
    """Keys report the 1-based line and character of their opening quote."""
    text = json.dumps({"group": {"name": "x", "bogus": 1}, "top": 2}, indent=4)
    parsed = parse(text)
    assert parsed.position(("group",)) == (2, 5)
    assert parsed.position(("group", "name")) == (3, 9)
    assert parsed.position(("group", "bogus")) == (4, 9)
    assert parsed.position(("top",)) == (6, 5)


def test_positions_count_characters_not_bytes() -> None:
    """A non-ASCII value before a key shifts its character by one per character, not per byte."""
    parsed = parse('{"name": "Zoë 😀", "bogus": 1}')
    assert parsed.position(("bogus",)) == (1, 19)


def test_positions_inside_arrays_carry_the_index() -> None:
    """Keys inside array elements are addressed by the element index."""
    parsed = parse('[{"a": 1}, {"b": 2}]')
    assert parsed.position(("1", "b")) == (1, 13)


def test_duplicate_keys_keep_the_last_value_and_position() -> None:
    """A repeated key behaves as in `json`: the last one wins."""
    parsed = parse('{"a": 1, "a": 2}')
    assert parsed.value == {"a": 2}
    assert parsed.position(("a",)) == (1, 10)


@pytest.mark.parametrize(
    ("text", "line", "character"),
    [
        ('{"a": }', 1, 7),
        ('{\n  "a": 1,\n}', 3, 1),
        ("", 1, 1),
        ("{'a': 1}", 1, 2),
        ('{"a": 1} x', 1, 10),
        ('{"a": "\x01"}', 1, 8),
        ('{"a": NaN}', 1, 7),
        ("[" * 300, 1, 202),
    ],
)
def test_syntax_errors_say_where(text: str, line: int, character: int) -> None:
    """Invalid JSON raises with the line and character where parsing failed."""
    with pytest.raises(JsonSyntaxError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.character) == (line, character)
