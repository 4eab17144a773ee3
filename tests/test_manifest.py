"""The aibom manifest: its published schema, lossless round trips, and the shipped default policy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import aiprov
from aiprov.analysis import DEFAULT_POLICY, Policy
from aiprov.exceptions import ParseError
from aiprov.formats import manifest

from .strategies import graphs

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "src/aiprov/schemas/aibom-manifest-1.schema.json").read_text())
EXAMPLES = sorted((ROOT / "examples").glob("*/aibom.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_examples_validate_against_the_published_schema(path: Path) -> None:
    """Every shipped example is a valid manifest by the published JSON Schema."""
    jsonschema.Draft202012Validator(SCHEMA).validate(yaml.safe_load(path.read_text()))


@given(graphs())
def test_manifest_round_trip_loses_nothing(bom: aiprov.AIBOM) -> None:
    """Writing a graph as a manifest and reading it back gives the same graph (YAML and JSON)."""
    for fmt in ("yaml", "json"):
        again = manifest.loads(manifest.dumps(bom, fmt=fmt))
        assert again == bom
        assert [a.to_dict() for a in again] == [a.to_dict() for a in bom]


@given(graphs())
def test_written_manifests_validate(bom: aiprov.AIBOM) -> None:
    """What aiprov writes validates against the schema it publishes."""
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(manifest.dumps(bom, fmt="json")))


def test_properties_and_metadata_survive(tmp_path: Path) -> None:
    """Free properties, metadata and the inline policy are written back as read."""
    text = (ROOT / "examples/chat-product/aibom.yaml").read_text()
    bom = manifest.loads(text)
    again = manifest.loads(manifest.dumps(bom))
    assert again.metadata["manifest"] == {"name": "acme-support-chat", "owner": "Acme ML Platform"}
    assert again.metadata["policy"] == bom.metadata["policy"]
    assert again["synthetic-tickets"].properties["data_collection"].startswith("Generated with gpt-4o")


def test_shipped_default_policy_file_is_the_default() -> None:
    """examples/policies/commercial-weights.yaml says what DEFAULT_POLICY is."""
    loaded = Policy.load(ROOT / "examples/policies/commercial-weights.yaml")
    assert loaded.use == DEFAULT_POLICY.use
    assert loaded.require == DEFAULT_POLICY.require
    assert loaded.data_terms_reach_models == DEFAULT_POLICY.data_terms_reach_models


def test_aibom_built_in_code() -> None:
    """AIBOM can be built in code, iterated, looked up, and exported to networkx as a copy."""
    bom = aiprov.AIBOM()
    bom.add(aiprov.Artifact(id="base", kind="model", license="llama3.1"))
    bom.add(aiprov.Artifact(id="ft", kind="model", license="llama3.1"))
    bom.relate("ft", "fine_tuned_from", "base")
    assert [a.id for a in bom] == ["base", "ft"]
    assert bom["ft"].license == "llama3.1"
    graph = bom.to_networkx()
    assert list(graph.edges(keys=True)) == [("ft", "base", "fine_tuned_from")]
    graph.remove_node("ft")
    assert "ft" in bom  # a copy


def test_graph_refuses_bad_structure() -> None:
    """Unknown or duplicate ids and derivation cycles are refused with GraphError."""
    bom = aiprov.AIBOM([aiprov.Artifact(id="a", kind="model"), aiprov.Artifact(id="b", kind="model")])
    with pytest.raises(aiprov.GraphError, match="duplicate"):
        bom.add(aiprov.Artifact(id="a", kind="dataset"))
    with pytest.raises(aiprov.GraphError, match="unknown artifact id 'zz'"):
        bom.relate("a", "trained_on", "zz")
    with pytest.raises(aiprov.GraphError, match="unknown relation type"):
        bom.relate("a", "finetuned", "b")
    bom.relate("a", "fine_tuned_from", "b")
    assert bom.validate() == []  # kept until the graph changes
    bom.relate("b", "merged_from", "a")
    with pytest.raises(aiprov.GraphError, match="derivation cycle"):
        bom.validate()


def test_frozen_graph_refuses_changes() -> None:
    """A frozen AIBOM is a value: changing it is an error."""
    bom = aiprov.AIBOM([aiprov.Artifact(id="a", kind="model")]).freeze()
    with pytest.raises(aiprov.GraphError, match="frozen"):
        bom.add(aiprov.Artifact(id="b", kind="model"))


@given(graphs())
def test_json_manifests_read_alike_in_any_layout(bom: aiprov.AIBOM) -> None:
    """Large JSON manifests are read one entry at a time; any layout (indentation, key order, relations
    before artifacts) reads as json.loads would, and a repeated key is refused whatever the path."""
    data = manifest.to_dict(bom)
    reordered = dict(reversed(list(data.items())))
    texts = [
        json.dumps(data),
        json.dumps(data, indent=2),
        json.dumps(data, separators=(",", ":")),
        json.dumps(reordered, indent="\t"),
    ]
    for text in texts:
        assert manifest.loads(text, "m.json") == bom
    repeated = '{"artifacts": [{"id": "dropped", "kind": "code"}], ' + json.dumps(data)[1:]
    with pytest.raises(ParseError, match="duplicate key 'artifacts'"):
        manifest.loads(repeated, "m.json")


_MUTATIONS = (
    ("artifacts", "version", 2),  # a number where a string goes (the reader takes it as "2")
    ("artifacts", "kind", "robot"),
    ("artifacts", "id", "  "),
    ("artifacts", "id", "dup"),  # with the next one, a duplicate id
    ("artifacts", "colour", "red"),  # an unknown key
    ("artifacts", "hashes", {"sha256": ""}),
    ("artifacts", "properties", {"x": [1, {"y": None}]}),
    ("relations", "type", "inspired_by"),
    ("relations", "to", "nowhere"),
    ("relations", "properties", {"note": "kept"}),
    ("relations", "properties", "not a mapping"),
    ("metadata", None, ["not", "a", "mapping"]),
    ("aibom", None, 2),
)


def _outcome(read: Any) -> Any:
    """The graph read and its warnings, or the error's message."""
    try:
        bom = read()
    except aiprov.ParseError as exc:
        return str(exc)
    return manifest.to_dict(bom), [(w.code, w.subject, w.message) for w in bom.validate()]


@given(graphs(fitting_only=False), st.sampled_from(_MUTATIONS), st.integers(min_value=0, max_value=50))
def test_every_json_manifest_reads_as_the_ordinary_reader_reads_it(
    bom: aiprov.AIBOM, mutation: tuple[str, str | None, Any], index: int
) -> None:
    """Large JSON manifests take a fast typed path when they are plain. Plain or not, a manifest
    reads to the same graph, or fails with the same error, as the ordinary reader makes of
    json.loads' result."""
    data = manifest.to_dict(bom)
    section, key, value = mutation
    if key is None:
        data[section] = value
    elif data.get(section):
        entries = data[section]
        entries[index % len(entries)][key] = value
        if value == "dup" and len(entries) > 1:
            entries[(index + 1) % len(entries)]["id"] = "dup"
    text = json.dumps(data)
    reference = _outcome(lambda: manifest._Reader("m.json", None).document(json.loads(text)))
    assert _outcome(lambda: manifest.loads(text, "m.json")) == reference


@given(graphs(fitting_only=False))
def test_a_plain_json_manifest_is_read_on_the_typed_path(bom: aiprov.AIBOM) -> None:
    """What aiprov writes is of the plain shape, relations and hashes included: the typed path reads it
    (it does not fall back), to the graph that was written, with the same warnings."""
    text = json.dumps(manifest.to_dict(bom))
    read = manifest._plain_json(text.encode(), manifest._Reader("m.json", None))
    assert read is not None
    assert read == bom
    assert read.validate() == bom.validate()


def test_a_plain_json_manifest_keeps_its_kind_mismatch_warnings() -> None:
    """The typed path checks that relations fit their ends' kinds as it reads them: one that does not
    (trained_on a code artifact) still gives its warning, once, however many times it is listed."""
    text = json.dumps(
        {
            "aibom": 1,
            "artifacts": [
                {"id": "m", "kind": "model"},
                {"id": "c", "kind": "code"},
                {"id": "d", "kind": "dataset"},
            ],
            "relations": [
                {"from": "m", "type": "trained_on", "to": "d"},
                {"from": "m", "type": "trained_on", "to": "c"},
                {"from": "m", "type": "trained_on", "to": "c"},
            ],
        }
    )
    bom = manifest.loads(text, "m.json")
    assert [(w.code, w.subject) for w in bom.validate()] == [("relation-kind-mismatch", "m")]
    assert "trained_on expects model/weights -> dataset" in bom.validate()[0].message


def test_read_artifacts_and_relations_are_the_immutable_values_code_builds() -> None:
    """The bulk reader builds artifacts and relations its own (faster) way: they are still exactly the
    Artifact and Relation values, equal and hashed alike, and refuse changes."""
    import dataclasses

    text = json.dumps(
        {
            "aibom": 1,
            "artifacts": [{"id": "m", "kind": "model", "license": "MIT"}, {"id": "d", "kind": "dataset"}],
            "relations": [{"from": "m", "type": "trained_on", "to": "d"}],
        }
    )
    bom = manifest.loads(text, "m.json")
    artifact, relation = bom.get("m"), bom.relations[0]
    assert type(artifact) is aiprov.Artifact and type(relation) is aiprov.Relation
    expected = aiprov.Artifact(id="m", kind="model", license="MIT")
    assert artifact == expected and hash(artifact) == hash(expected)
    assert relation == aiprov.Relation(source="m", kind="trained_on", target="d")
    assert dataclasses.replace(artifact, name="x").name == "x"
    for value, name in ((artifact, "license"), (relation, "target")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, name, "changed")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"aibom": 1, "artifacts": [{"id": "a", "kind": "model"},]}', "line 1, column 57"),
        ('{"aibom": 1,\n "artifacts": [{"id": "a", "kind": "robot"}]}', "artifacts/0/kind"),
        ('{"aibom": 1, "artifacts": [{"id": " ", "kind": "model"}]}', "artifacts/0/id"),
        ('{"artifacts": [{"id": "a", "kind": "model"}], "aibom": 2}', "aibom"),
        (
            '{"aibom": 1, "artifacts": [{"id": "a", "kind": "model"}, {"id": "a", "kind": "code"}]}',
            "artifacts/1/id",
        ),
    ],
)
def test_json_manifest_errors_name_the_place(text: str, where: str) -> None:
    with pytest.raises(aiprov.ParseError) as info:
        manifest.loads(text, "m.json")
    assert info.value.source == "m.json"
    assert where in str(info.value)


@pytest.mark.parametrize(
    "content",
    [
        b'{"aibom": 1, "artifacts": [{"id": "m", "kind": "model", "license": "MIT"}], "relations": []}',
        b'\xef\xbb\xbf{"aibom": 1, "artifacts": [{"id": "m", "kind": "model"}]}',  # a byte-order mark
        b' \n{"aibom": 1, "artifacts": [{"id": "m", "kind": "model", "version": 2}]}',  # not plain
        '{"aibom": 1, "artifacts": [{"id": "m\u00e9", "kind": "model", "name": "\u00e9\u00e8"}]}'.encode(),
        b"aibom: 1\nartifacts:\n  - {id: m, kind: model}\n",
    ],
)
def test_a_manifest_file_reads_as_its_text(tmp_path: Path, content: bytes) -> None:
    """A JSON manifest file of the plain shape is decoded from its bytes; every manifest file reads
    to the graph its text reads to, through aiprov.load and manifest.read alike."""
    path = tmp_path / "aibom.json"
    path.write_bytes(content)
    expected = manifest.loads(content.decode("utf-8-sig"), str(path))
    for bom in (aiprov.load(path), aiprov.formats.load(path, "manifest-json"), manifest.read(path)):
        assert manifest.to_dict(bom) == manifest.to_dict(expected)
    assert aiprov.load(path).metadata["source_format"] == "manifest"


def test_a_manifest_file_that_is_not_utf8_is_a_placed_error(tmp_path: Path) -> None:
    path = tmp_path / "aibom.json"
    path.write_bytes(b'{"aibom": 1, "artifacts": [{"id": "a\xff", "kind": "model"}]}')
    for read in (aiprov.load, manifest.read):
        with pytest.raises(aiprov.ParseError, match=r"aibom\.json: not UTF-8 text \(byte 36\)"):
            read(path)


def test_a_json_manifest_file_is_tried_on_the_plain_path_once(tmp_path: Path, monkeypatch: Any) -> None:
    """A JSON manifest that is not of the plain shape falls back to the entry-by-entry reader
    without being decoded on the plain path a second time (as bytes, then as text)."""
    path = tmp_path / "aibom.json"
    path.write_text('{"aibom": 1, "artifacts": [{"id": "m", "kind": "model", "version": 2}]}')
    calls = []
    original = manifest._plain_json

    def counted(text: str | bytes, reader: Any) -> Any:
        calls.append(type(text))
        return original(text, reader)

    monkeypatch.setattr(manifest, "_plain_json", counted)
    for read in (aiprov.load, manifest.read):
        calls.clear()
        assert read(path).get("m").version == "2"
        assert calls == [bytes]
