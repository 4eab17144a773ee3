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
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
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
        ('{"a": 1, "a": 2}', {"a": 2}),
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
