"""The JSON writer of reports gives exactly the text json.dumps(indent=2) gives."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from aiprov.report import _json

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=25,
)


@given(_VALUES)
def test_the_same_text_as_the_standard_library(value: Any) -> None:
    """Any JSON value (NaN and infinities, non-ASCII and control characters, nesting, empty
    containers, tuples) is written byte for byte as json.dumps(indent=2, ensure_ascii=False)."""
    assert _json.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_keys_json_would_convert_are_left_to_it() -> None:
    value = {1: "a", None: [True, 2.5], "x": {"y": []}}
    assert _json.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)
