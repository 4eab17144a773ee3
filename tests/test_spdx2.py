"""SPDX 2.3 JSON and tag-value through spdx-tools: loss-free round trips (AI facts carried in
annotations and relationship comments), valid output, documents other tools write, bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from aiprov.exceptions import ParseError
from aiprov.formats import loads as load_any
from aiprov.formats import spdx2
from aiprov.graph import AIBOM, Artifact
from tests.strategies import graphs
from tests.test_spdx3 import realistic

DATA = Path(__file__).parent / "data" / "spdx2"
WRITERS = [pytest.param(spdx2.dumps_json, id="json"), pytest.param(spdx2.dumps_tv, id="tag-value")]
Writer = Callable[[AIBOM], str]


def _same(a: AIBOM, b: AIBOM) -> None:
    assert {x.id: x for x in a} == {x.id: x for x in b}
    assert {(r.source, r.kind, r.target): dict(r.properties) for r in a.relations} == {
        (r.source, r.kind, r.target): dict(r.properties) for r in b.relations
    }


def _validate(text: str, suffix: str, tmp_path: Path) -> list[str]:
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    path = tmp_path / f"out{suffix}"
    path.write_text(text, encoding="utf-8")
    return [m.validation_message for m in validate_full_spdx_document(parse_file(str(path)))]


@pytest.mark.parametrize("dump", WRITERS)
def test_realistic_graph_round_trips_without_loss(dump: Writer) -> None:
    """manifest -> SPDX 2.3 -> manifest keeps every artifact with its kind, every relation with its
    kind, licenses, hashes, purls and properties (what 2.3 lacks travels in annotations)."""
    bom = realistic()
    bom.add(Artifact(id="odd id/with:chars", kind="code", name=" spaced ", hashes=(("sha1", "ab" * 32),)))
    bom.relate("odd id/with:chars", "depends_on", "trl")
    _same(spdx2.loads(dump(bom)), bom)


@pytest.mark.parametrize("dump", WRITERS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bom=graphs(max_artifacts=8))
def test_generated_graphs_round_trip(dump: Writer, bom: AIBOM) -> None:
    """Any generated graph survives manifest -> SPDX 2.3 -> manifest unchanged."""
    _same(spdx2.loads(dump(bom)), bom)


@pytest.mark.slow
@pytest.mark.parametrize("dump", WRITERS)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bom=graphs(max_artifacts=25, fitting_only=False))
def test_generated_graphs_round_trip_many(dump: Writer, bom: AIBOM) -> None:
    """Many larger graphs round-trip unchanged through both SPDX 2.3 serializations."""
    _same(spdx2.loads(dump(bom)), bom)


@pytest.mark.parametrize("dump", WRITERS)
def test_writing_is_deterministic(dump: Writer) -> None:
    """The same graph gives byte-identical output whatever its insertion order; rewriting is a fixed point."""
    bom = realistic()
    text = dump(bom)
    assert dump(AIBOM(reversed(bom.artifacts), reversed(bom.relations))) == text
    assert dump(spdx2.loads(text)) == text


@pytest.mark.parametrize(("dump", "suffix"), [(spdx2.dumps_json, ".spdx.json"), (spdx2.dumps_tv, ".spdx")])
def test_output_is_valid_spdx_2_3(dump: Writer, suffix: str, tmp_path: Path) -> None:
    """spdx-tools' full validation finds nothing wrong with what aiprov writes."""
    assert _validate(dump(realistic()), suffix, tmp_path) == []


def test_ai_facts_travel_in_an_aiprov_annotation() -> None:
    """Kinds and AI properties SPDX 2.3 cannot express are in a package annotation by Tool: aiprov;
    trained_on is an OTHER relationship with the kind in its comment."""
    data = json.loads(spdx2.dumps_json(realistic()))
    llama = next(p for p in data["packages"] if p["name"] == "Llama-3.1-8B")
    statement = json.loads(llama["annotations"][0]["comment"])
    assert llama["annotations"][0]["annotator"] == "Tool: aiprov"
    assert statement["kind"] == "model" and statement["properties"]["task"] == "text-generation"
    comments = {r.get("comment") for r in data["relationships"] if r["relationshipType"] == "OTHER"}
    assert {"aiprov:relation=trained_on", "aiprov:relation=evaluated_on"} <= comments


@pytest.mark.parametrize("name", ["finetune.spdx.json", "finetune.spdx"])
def test_documents_from_other_tools_are_read(name: str) -> None:
    """Packages, licenses with extracted text, checksums, purls and lineage relationships (both
    directions) are read; rewriting keeps the extracted license text."""
    bom = spdx2.loads((DATA / name).read_text(encoding="utf-8"), name)
    llama = bom["llama"]
    assert llama.license == "LicenseRef-Llama-3.1" and llama.supplier == "Meta"
    assert llama.purl == "pkg:huggingface/meta-llama/Llama-3.1-8B"
    assert llama.hash_map["sha256"].startswith("5b3a")
    assert ("acme-chat", "derived_from", "llama") in {(r.source, r.kind, r.target) for r in bom.relations}
    for dump in (spdx2.dumps_json, spdx2.dumps_tv):
        text = dump(bom)
        assert "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT ... (full text)" in text
        _same(spdx2.loads(text), bom)


def test_reversed_relationship_types_are_read_in_aiprov_direction() -> None:
    """DEPENDENCY_OF, BUILD_TOOL_OF and GENERATES point from the dependency; aiprov turns them round."""
    json_bom = spdx2.loads((DATA / "finetune.spdx.json").read_text(encoding="utf-8"))
    tv_bom = spdx2.loads((DATA / "finetune.spdx").read_text(encoding="utf-8"))
    edges = {(r.source, r.kind, r.target) for r in (*json_bom.relations, *tv_bom.relations)}
    assert {
        ("acme-chat", "depends_on", "ultrachat"),
        ("acme-chat", "built_with", "trl"),
        ("synthetic", "generated_by", "llama"),
    } <= edges


def test_format_is_detected_from_content() -> None:
    """aiprov.formats.loads recognizes SPDX 2 JSON and tag-value without being told."""
    assert load_any(spdx2.dumps_json(realistic())).metadata["source_format"] == "spdx2-json"
    assert load_any(spdx2.dumps_tv(realistic())).metadata["source_format"] == "spdx2-tv"


# -- bad input -----------------------------------------------------------------------------
_TV = (DATA / "finetune.spdx").read_text(encoding="utf-8")
_JSON = (DATA / "finetune.spdx.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "message", "location"),
    [
        pytest.param(
            '{"spdxVersion": "SPDX-2.3", ', "not valid JSON", "line 1, column 29", id="invalid-json"
        ),
        pytest.param(
            _JSON.replace("SPDX-2.3", "SPDX-3.0"),
            "unsupported SPDX version 'SPDX-3.0'",
            "spdxVersion",
            id="json-version",
        ),
        pytest.param(
            _TV.replace("SPDX-2.3", "SPDX-1.2"),
            "unsupported SPDX version 'SPDX-1.2'",
            "line 1",
            id="tv-version",
        ),
        pytest.param(
            _TV.replace("FilesAnalyzed: false\n", "Frobnicate: yes\n", 1),
            "invalid SPDX 2 document",
            "line 14",
            id="tv-unknown-tag",
        ),
        pytest.param(
            _JSON.replace('"name": "trl"', '"name": 42'),
            "invalid SPDX 2 document",
            None,
            id="json-schema-invalid",
        ),
        pytest.param(
            _TV.replace("DEPENDS_ON SPDXRef-synthetic", "DEPENDS_ON SPDXRef-ghost"),
            "dangling reference 'SPDXRef-ghost'",
            "relationship SPDXRef-acme-chat DEPENDS_ON SPDXRef-ghost",
            id="dangling",
        ),
        pytest.param(
            '{"spdxVersion": "SPDX-2.3", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "nested too deeply",
            None,
            id="deep-json",
        ),
        pytest.param("[1, 2]", "expected a JSON object", None, id="json-array"),
    ],
)
def test_bad_input_is_a_parse_error_naming_file_and_place(
    text: str, message: str, location: str | None
) -> None:
    """Invalid JSON or tag-value, other versions, invalid fields and dangling references: one
    ParseError naming the file (and the place where known), never another exception."""
    with pytest.raises(ParseError) as info:
        spdx2.loads(text, "bom.spdx")
    assert info.value.source == "bom.spdx"
    assert message in info.value.message
    if location is not None:
        assert info.value.location == location


def test_huge_document_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document over the size limit is a ParseError, not a long parse."""
    monkeypatch.setattr(spdx2, "MAX_DOCUMENT_CHARS", 100)
    with pytest.raises(ParseError, match="larger than the limit"):
        spdx2.loads(_TV, "huge.spdx")
