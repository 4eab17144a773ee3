"""Reading JSON: a fast decoder first, with exactly the values and the errors of the standard library."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiprov.exceptions import ParseError
from aiprov.formats import parse_json
from aiprov.formats._json import refuse_repeats

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=25,
)


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values, with NaN equal to NaN and ints told from floats."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def _standard(text: str) -> Any:
    """json.loads, with a repeated key refused (aiprov's one departure: no silent "last one wins")."""
    try:
        return json.loads(text, object_pairs_hook=refuse_repeats)
    except (ValueError, RecursionError):
        return ParseError


def _ours(text: str) -> Any:
    try:
        return parse_json(text, "doc.json")
    except ParseError:
        return ParseError


@given(_VALUES, st.booleans(), st.sampled_from([None, 0, 2]))
def test_any_json_text_reads_as_the_standard_library_reads_it(
    value: Any, ascii: bool, indent: int | None
) -> None:
    """Every value json writes (NaN and infinities, escapes, non-ASCII, big integers, nesting) reads
    back as json.loads reads it, key order included."""
    text = json.dumps(value, ensure_ascii=ascii, indent=indent)
    assert _same(parse_json(text, "doc.json"), json.loads(text))


@given(st.text(alphabet=st.sampled_from('{}[]:,"\\ .-+0123456789eEtrufalsnNIiy\t\n\ud800é'), max_size=30))
def test_any_text_is_read_or_refused_as_the_standard_library_does(text: str) -> None:
    """Near-JSON text (trailing commas, lone surrogates, duplicate keys, stray characters): the
    same value, or a ParseError exactly where json.loads raises."""
    assert _same(_ours(text), _standard(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[NaN, Infinity, -Infinity]", None),
        ("-1e400", float("-inf")),
        ("123456789012345678901234567890", 123456789012345678901234567890),
        ('"\\ud800"', "\ud800"),
    ],
)
def test_what_json_accepts_beyond_the_standard_is_still_accepted(text: str, expected: Any) -> None:
    """Documents the fast decoder refuses but json.loads takes keep working as they always did."""
    value = parse_json(text, "doc.json")
    if expected is None:
        assert math.isnan(value[0]) and value[1:] == [math.inf, -math.inf]
    else:
        assert _same(value, expected)


def test_bad_json_names_the_line_and_column() -> None:
    with pytest.raises(ParseError) as info:
        parse_json('{\n  "aibom": 1,\n  "artifacts": [1,]\n}', "m.json")
    assert str(info.value) == "m.json: line 3, column 19: not valid JSON: Expecting value"


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1,\n "a": 2}',
        '{"x": [{"b": 1}, {"a": 1,\n "a": 1}]}',
        '{"a": ":",\n "a": "\\u003a"}',
        '{"a": NaN,\n "a": 2}',
    ],
)
def test_a_repeated_key_is_an_error_naming_the_key_and_line(text: str) -> None:
    """A key given twice in one object is refused, with its name and the line of the repetition."""
    with pytest.raises(ParseError, match=r"duplicate key 'a'") as info:
        parse_json(text, "doc.json")
    assert info.value.location == "line 2"


def test_an_integer_of_more_than_4300_digits_is_a_placed_error() -> None:
    """A number Python will not convert is a ParseError at its line, not an internal error."""
    with pytest.raises(ParseError, match="more than 4,300 digits") as info:
        parse_json('{"a":\n ' + "9" * 5000 + "}", "doc.json")
    assert info.value.location == "line 2"
