"""The JSON writer of reports gives exactly the text json.dumps(indent=2) gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from aiprov.report import _json

from .builders import chain

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
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


@given(_VALUES, st.integers(min_value=0, max_value=3))
def test_a_value_written_nested(value: Any, level: int) -> None:
    """With a level, the text is the value's as json.dumps writes it nested that many lists deep."""
    nested: Any = value
    for _ in range(level):
        nested = [nested]
    opening = "".join("[\n" + "  " * (i + 1) for i in range(level))
    closing = "".join("\n" + "  " * i + "]" for i in reversed(range(level)))
    assert opening + _json.dumps(value, level) + closing == json.dumps(nested, indent=2, ensure_ascii=False)


def test_a_report_streamed_is_the_report_as_one_json_document(tmp_path: Path) -> None:
    """`aiprov check --format json` streams the report; the text is json.dumps(report.to_dict(),
    indent=2) exactly, with findings and without."""
    import aiprov
    from aiprov.analysis import Policy, check
    from aiprov.report import findings as render

    examples = Path(__file__).parent.parent / "examples"
    reports = [
        check(aiprov.load(examples / e / "aibom.yaml"), Policy()) for e in ("chat-product", "open-model")
    ]
    reports.append(check(aiprov.AIBOM(), Policy()))
    long_chain = chain(
        *[(f"m{i}", "model", "llama3.1") for i in range(1500)],
        relations=tuple((f"m{i + 1}", "fine_tuned_from", f"m{i}") for i in range(1499)),
    )
    reports.append(check(long_chain, Policy()))
    assert not reports[-2].findings and len(reports[-1].findings) > 2000  # streamed in several pieces
    for report in reports:
        expected = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
        assert render.findings_json(report) == expected
        with (tmp_path / "out.json").open("w", encoding="utf-8") as stream:
            render.write_findings_json(report, stream)
        assert (tmp_path / "out.json").read_text(encoding="utf-8") == expected
