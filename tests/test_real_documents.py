"""Documents other tools and the standards' own projects wrote (tests/data/real, sources in its
README): each is read, converted to every graph format aiprov writes, each output validates against
its format's schema, and reading it back gives the same graph."""

from __future__ import annotations

from pathlib import Path

import pytest

import aiprov
from aiprov.graph import AIBOM
from tests import validators

REAL = Path(__file__).parent / "data" / "real"
#: MOT is left out: it is an openness view that carries components only, not the graph
FORMATS = ("manifest", "cyclonedx-json", "cyclonedx-xml", "spdx3-json", "spdx2-json", "spdx2-tv")
DOCUMENTS = sorted(str(p.relative_to(REAL)) for p in REAL.rglob("*") if p.is_file() and p.name != "README.md")


def _cases() -> list[object]:
    out = []
    for name in DOCUMENTS:
        for fmt in FORMATS:
            out.append(pytest.param(name, fmt, id=f"{name}->{fmt}"))
    return out


def _same(a: AIBOM, b: AIBOM) -> None:
    assert {x.id: x for x in a} == {x.id: x for x in b}
    assert {(r.source, r.kind, r.target): dict(r.properties) for r in a.relations} == {
        (r.source, r.kind, r.target): dict(r.properties) for r in b.relations
    }


def test_the_documents_are_there() -> None:
    """The SPDX examples, tools-python's, the CycloneDX specification's and bom-examples' documents."""
    assert {n.split("/")[0] for n in DOCUMENTS} == {
        "spdx-examples",
        "tools-python",
        "cyclonedx-specification",
        "bom-examples",
    }


@pytest.mark.parametrize(("name", "fmt"), _cases())
def test_real_document_converts_validly_and_round_trips(name: str, fmt: str) -> None:
    """Read, write as ``fmt``: the output validates against the format's schema, and reads back as the
    same graph (artifacts with every field and property, relations with their properties)."""
    bom = aiprov.load(REAL / name)
    text = aiprov.dumps(bom, fmt)
    assert validators.errors(fmt, text) == []
    _same(aiprov.loads(text, f"{name}->{fmt}", fmt), bom)
