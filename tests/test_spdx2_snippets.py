"""SPDX 2 snippets survive aiprov: read, written back (JSON and tag-value) field for field with what
points at them, and ``aiprov convert`` warns where a target cannot hold them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import aiprov
from aiprov.cli import main
from aiprov.graph import AIBOM, Artifact

TOOLS = Path(__file__).parent / "data" / "real" / "tools-python"
JSON_EXAMPLE = TOOLS / "SPDXJSONExample-v2.3.spdx.json"
INPUTS = [JSON_EXAMPLE, TOOLS / "SPDXTagExample-v2.3.spdx"]
SUFFIX = {"spdx2-json": ".spdx.json", "spdx2-tv": ".spdx"}


def _parse(path: Path) -> Any:
    from spdx_tools.spdx.parser.parse_anything import parse_file

    return parse_file(str(path))


def _write(text: str, fmt: str, tmp_path: Path) -> Path:
    path = tmp_path / f"out{SUFFIX[fmt]}"
    path.write_text(text, encoding="utf-8")
    return path


def _with_links(tmp_path: Path) -> Path:
    """The JSON example with a relationship from its snippet and an annotation of it (it has neither)."""
    data = json.loads(JSON_EXAMPLE.read_text())
    data["relationships"].append(
        {
            "spdxElementId": "SPDXRef-Snippet",
            "relationshipType": "COPY_OF",
            "relatedSpdxElement": "SPDXRef-Package",
            "comment": "copied from the package",
        }
    )
    data["snippets"][0]["annotations"] = [
        {
            "annotationDate": "2024-01-02T03:04:05Z",
            "annotationType": "REVIEW",
            "annotator": "Person: Sam Scanner",
            "comment": "license checked by hand",
        }
    ]
    data["snippets"][0]["attributionTexts"] = ["Portions by John Smith"]
    path = tmp_path / "linked.spdx.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("fmt", ["spdx2-json", "spdx2-tv"])
@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.name)
def test_snippets_are_written_back_field_for_field(source: Path, fmt: str, tmp_path: Path) -> None:
    """Every snippet field (id, file, byte and line ranges, licenses, copyright, comments, name,
    attribution) reads back equal in spdx-tools' own model, and the document validates."""
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    original = _parse(source)
    assert original.snippets
    out = _write(aiprov.dumps(aiprov.load(source), fmt), fmt, tmp_path)
    written = _parse(out)
    assert written.snippets == original.snippets
    assert [m.validation_message for m in validate_full_spdx_document(written)] == []
    # and a second round through aiprov keeps them too
    again = aiprov.load(out)
    assert again.metadata["spdx2"]["snippets"] == aiprov.load(source).metadata["spdx2"]["snippets"]


@pytest.mark.parametrize("fmt", ["spdx2-json", "spdx2-tv"])
def test_relationships_and_annotations_of_snippets_are_written_back(fmt: str, tmp_path: Path) -> None:
    source = _with_links(tmp_path)
    original = _parse(source)
    written = _parse(_write(aiprov.dumps(aiprov.load(source), fmt), fmt, tmp_path))
    assert written.snippets == original.snippets

    def about_snippet(doc: Any) -> tuple[list[Any], list[Any]]:
        return (
            [r for r in doc.relationships if r.spdx_element_id == "SPDXRef-Snippet"],
            [a for a in doc.annotations if a.spdx_id == "SPDXRef-Snippet"],
        )

    relationships, annotations = about_snippet(written)
    assert (relationships, annotations) == about_snippet(original)
    assert len(relationships) == 1 and len(annotations) == 1


def test_the_snippet_license_differing_from_its_file_is_kept() -> None:
    """The file is Apache-2.0; the GPL-2.0-only code copied into it is what a reviewer needs to see."""
    bom = aiprov.load(JSON_EXAMPLE)
    (snippet,) = bom.metadata["spdx2"]["snippets"]
    assert snippet["file"] == "SPDXRef-DoapSource"
    assert bom["DoapSource"].concluded_license == "Apache-2.0"
    assert (snippet["license_concluded"], snippet["license_info"]) == ("GPL-2.0-only", ["GPL-2.0-only"])
    assert (snippet["byte_range"], snippet["line_range"]) == ([310, 420], [5, 23])


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("spdx2-json", True),
        ("spdx2-tv", True),
        ("cyclonedx-json", False),
        ("cyclonedx-xml", False),
        ("spdx3-json", False),
        ("manifest", False),
    ],
)
def test_convert_warns_only_where_snippets_are_lost(
    target: str, kept: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", str(JSON_EXAMPLE), "--to", target, "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert ("SPDX 2 snippet SPDXRef-Snippet is not kept in the output" in err) is not kept
    assert ("Snippet" in (tmp_path / "out").read_text()) is kept


def test_a_snippet_whose_file_is_gone_is_left_out_validly_and_named(tmp_path: Path) -> None:
    """An edited graph without the snippet's file: the SPDX 2 output leaves the snippet out (SPDX 2
    needs its file) and still validates; the snippet is among what convert warns of."""
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    from aiprov.formats._spdx2_snippets import lost_snippets

    full = aiprov.load(JSON_EXAMPLE)
    bom = AIBOM()
    for artifact in full:
        if artifact.id != "DoapSource":
            bom.add(artifact)
    for relation in full.relations:
        if "DoapSource" not in (relation.source, relation.target):
            bom.add_relation(relation)
    bom.metadata.update(full.metadata)
    written = _parse(_write(aiprov.dumps(bom, "spdx2-json"), "spdx2-json", tmp_path))
    assert written.snippets == []
    assert [m.validation_message for m in validate_full_spdx_document(written)] == []
    assert lost_snippets(bom, "spdx2-json") == ["SPDX 2 snippet SPDXRef-Snippet"]
    assert lost_snippets(full, "spdx2-json") == []
    # an artifact added since with the snippet's SPDXID: the snippet is left out, not written twice
    full.add(Artifact(id="Snippet", kind="code"))
    assert lost_snippets(full, "spdx2-json") == ["SPDX 2 snippet SPDXRef-Snippet"]
    written = _parse(_write(aiprov.dumps(full, "spdx2-json"), "spdx2-json", tmp_path))
    assert written.snippets == []
    assert [m.validation_message for m in validate_full_spdx_document(written)] == []


def test_a_snippet_text_tag_value_cannot_carry_is_refused(tmp_path: Path) -> None:
    """A snippet comment with ``</text>`` would end the tag-value text early and forge tags."""
    from aiprov.exceptions import InputError

    data = json.loads(JSON_EXAMPLE.read_text())
    data["snippets"][0]["comment"] = "a\n</text>\nSnippetSPDXID: SPDXRef-forged"
    bom = aiprov.loads(json.dumps(data), "x", "spdx2-json")
    with pytest.raises(InputError, match=r"snippet 'SPDXRef-Snippet': comment holds"):
        aiprov.dumps(bom, "spdx2-tv")
    assert (
        "SPDXRef-forged"
        in _parse(_write(aiprov.dumps(bom, "spdx2-json"), "spdx2-json", tmp_path)).snippets[0].comment
    )
