"""Across standards: CycloneDX -> SPDX 3 -> CycloneDX keeps every artifact, relation, license, hash and purl."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import aiprov
from aiprov.graph import AIBOM

from .strategies import graphs


def _essence(bom: AIBOM) -> tuple[object, ...]:
    arts = sorted((a.id, a.kind, a.license, a.hashes, a.purl) for a in bom)
    rels = sorted((r.source, r.kind, r.target) for r in bom.relations)
    return tuple(arts), tuple(rels)


def _cdx_spdx3_cdx(bom: AIBOM) -> AIBOM:
    cdx = aiprov.loads(aiprov.dumps(bom, "cyclonedx-json"))
    spdx = aiprov.loads(aiprov.dumps(cdx, "spdx3-json"))
    return aiprov.loads(aiprov.dumps(spdx, "cyclonedx-json"))


@settings(max_examples=15)
@given(graphs(max_artifacts=8))
def test_cyclonedx_spdx3_cyclonedx_keeps_the_graph(bom: AIBOM) -> None:
    """A graph through CycloneDX, SPDX 3 and back to CycloneDX keeps kinds, relations, licenses, hashes, purls."""
    assert _essence(_cdx_spdx3_cdx(bom)) == _essence(bom)


@pytest.mark.slow
@settings(max_examples=150)
@given(graphs(max_artifacts=20))
def test_cyclonedx_spdx3_cyclonedx_at_size(bom: AIBOM) -> None:
    """The same law on larger graphs (slow)."""
    assert _essence(_cdx_spdx3_cdx(bom)) == _essence(bom)


def test_examples_survive_every_format() -> None:
    """Each shipped example keeps its check result through CycloneDX, SPDX 3 and SPDX 2.3."""
    from pathlib import Path

    from aiprov.analysis import Policy, check

    root = Path(__file__).resolve().parents[1] / "examples"
    for path in sorted(root.glob("*/aibom.yaml")):
        bom = aiprov.load(path)
        policy = Policy.from_dict(bom.metadata["policy"])
        expected = check(bom, policy).to_dict()["findings"]
        for fmt in ("cyclonedx-json", "cyclonedx-xml", "spdx3-json", "spdx2-json", "spdx2-tv"):
            again = aiprov.loads(aiprov.dumps(bom, fmt))
            assert check(again, policy).to_dict()["findings"] == expected, (path.parent.name, fmt)
