"""SPDX 3.0.1 JSON-LD: loss-free round trips, validity against the official schema and SHACL
shapes, conformance on documents in the spec's style, and clear errors for bad input."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from aiprov.exceptions import ParseError
from aiprov.formats import loads as load_any
from aiprov.formats import spdx3
from aiprov.graph import AIBOM, Artifact
from tests.strategies import graphs

DATA = Path(__file__).parent / "data" / "spdx3"
spdx3_context = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
STANDARD = Path(__file__).resolve().parents[2] / "shared" / "standards" / "spdx-3.0.1"
needs_standard = pytest.mark.skipif(
    not (STANDARD / "schema.json").is_file(),
    reason=f"the offline SPDX 3.0.1 schema and model are not at {STANDARD}",
)


def _same(a: AIBOM, b: AIBOM) -> None:
    assert {x.id: x for x in a} == {x.id: x for x in b}
    assert {(r.source, r.kind, r.target): dict(r.properties) for r in a.relations} == {
        (r.source, r.kind, r.target): dict(r.properties) for r in b.relations
    }


def realistic() -> AIBOM:
    bom = AIBOM()
    bom.add(
        Artifact(
            id="llama-3.1-8b",
            kind="model",
            name="Llama-3.1-8B",
            version="3.1",
            supplier="Meta",
            license="llama3.1",
            purl="pkg:huggingface/meta-llama/Llama-3.1-8B",
            source="https://huggingface.co/meta-llama/Llama-3.1-8B",
            hashes=(("sha256", "ab" * 32),),
            properties={
                "domain": ["nlp"],
                "hyperparameters": {"learning_rate": 0.001, "epochs": "3"},
                "task": "text-generation",
                "architecture_family": "transformer",
                "limitations": "May produce false statements.",
            },
        )
    )
    bom.add(Artifact(id="acme-chat", kind="model", name="acme-chat", license="A custom research license"))
    bom.add(
        Artifact(id="acme-chat-gguf", kind="weights", hashes=(("blake3", "cd" * 32), ("sha3-256", "ef" * 32)))
    )
    bom.add(
        Artifact(
            id="ultrachat",
            kind="dataset",
            name="UltraChat 200k",
            license="MIT",
            properties={
                "dataset_type": "text",
                "known_bias": "English-centric",
                "sensitive_personal_information": "no",
            },
        )
    )
    bom.add(
        Artifact(id="synthetic", kind="dataset", name="synthetic dialogues", concluded_license="NOASSERTION")
    )
    bom.add(
        Artifact(
            id="openai-api",
            kind="service",
            name="OpenAI API",
            license="LicenseRef-scancode-openai-tou-20241211",
        )
    )
    bom.add(Artifact(id="model-card", kind="document", name="acme-chat model card", license="CC-BY-4.0"))
    bom.add(Artifact(id="trl", kind="code", name="trl", version="0.12.1", license="Apache-2.0"))
    bom.relate("acme-chat", "fine_tuned_from", "llama-3.1-8b")
    bom.relate("acme-chat", "trained_on", "ultrachat")
    bom.relate("acme-chat", "trained_on", "synthetic", share="40%")
    bom.relate("acme-chat", "evaluated_on", "ultrachat")
    bom.relate("synthetic", "generated_by", "openai-api")
    bom.relate("acme-chat-gguf", "quantized_from", "acme-chat")
    bom.relate("acme-chat", "contains", "model-card")
    bom.relate("acme-chat", "built_with", "trl")
    return bom


def _graph(text: str) -> list[dict[str, Any]]:
    graph: list[dict[str, Any]] = json.loads(text)["@graph"]
    return graph


# -- round trips -------------------------------------------------------------------------
def test_realistic_graph_round_trips_without_loss() -> None:
    """manifest -> SPDX 3 -> manifest keeps every artifact, relation, license, hash, purl and property."""
    bom = realistic()
    _same(spdx3.loads(spdx3.dumps(bom)), bom)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_generated_graphs_round_trip(bom: AIBOM) -> None:
    """Any generated graph survives manifest -> SPDX 3 -> manifest unchanged."""
    _same(spdx3.loads(spdx3.dumps(bom)), bom)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(max_artifacts=30, fitting_only=False))
def test_generated_graphs_round_trip_many(bom: AIBOM) -> None:
    """Many larger graphs, also with relations between unusual kinds, round-trip unchanged."""
    _same(spdx3.loads(spdx3.dumps(bom)), bom)


def test_writing_is_deterministic_and_independent_of_insertion_order() -> None:
    """The same graph gives byte-identical output, whatever order it was built in."""
    bom = realistic()
    reordered = AIBOM(reversed(bom.artifacts), reversed(bom.relations))
    assert spdx3.dumps(bom) == spdx3.dumps(bom) == spdx3.dumps(reordered)


def test_rewriting_a_read_document_gives_the_same_bytes() -> None:
    """write -> read -> write is a fixed point."""
    text = spdx3.dumps(realistic())
    assert spdx3.dumps(spdx3.loads(text)) == text


def test_creation_date_comes_from_metadata() -> None:
    """creationInfo.created is fixed unless the graph's metadata gives one."""
    bom = realistic()
    assert _graph(spdx3.dumps(bom))[0]["created"] == "1970-01-01T00:00:00Z"
    bom.metadata["created"] = "2025-03-01T12:00:00Z"
    assert _graph(spdx3.dumps(bom))[0]["created"] == "2025-03-01T12:00:00Z"


# -- what is written ---------------------------------------------------------------------
def test_ai_and_dataset_profiles_are_used() -> None:
    """Models are ai_AIPackage with AI fields, datasets dataset_DatasetPackage with dataset fields."""
    nodes = {n.get("name"): n for n in _graph(spdx3.dumps(realistic()))}
    llama = nodes["Llama-3.1-8B"]
    assert llama["type"] == "ai_AIPackage"
    assert llama["ai_typeOfModel"] == ["transformer"]
    assert llama["ai_domain"] == ["nlp"]
    assert llama["ai_limitation"] == "May produce false statements."
    assert {e["key"] for e in llama["ai_hyperparameter"]} == {"learning_rate", "epochs"}
    assert llama["software_packageUrl"] == "pkg:huggingface/meta-llama/Llama-3.1-8B"
    data = nodes["UltraChat 200k"]
    assert data["type"] == "dataset_DatasetPackage"
    assert data["dataset_datasetType"] == ["text"]
    assert data["dataset_knownBias"] == ["English-centric"]
    assert data["dataset_hasSensitivePersonalInformation"] == "no"
    assert nodes["trl"]["type"] == "software_Package"
    assert nodes["acme-chat model card"]["software_primaryPurpose"] == "documentation"


def test_relations_map_to_spdx_relationship_types() -> None:
    """trained_on -> trainedOn, evaluated_on -> testedOn, derivations -> descendantOf with the exact
    kind in the comment, generated_by -> generates (reversed), built_with -> usesTool."""
    bom = realistic()
    text = spdx3.dumps(bom)
    names = {n["spdxId"]: n.get("name") for n in _graph(text) if "spdxId" in n}
    rels = {
        (names[n["from"]], n["relationshipType"], names[n["to"][0]]): n.get("comment")
        for n in _graph(text)
        if n.get("type") == "Relationship" and not n["relationshipType"].startswith("has")
    }
    assert ("acme-chat", "trainedOn", "UltraChat 200k") in rels
    assert ("acme-chat", "testedOn", "UltraChat 200k") in rels
    assert rels[("acme-chat", "descendantOf", "Llama-3.1-8B")] == "aiprov:relation=fine_tuned_from"
    assert ("OpenAI API", "generates", "synthetic dialogues") in rels
    assert ("acme-chat", "usesTool", "trl") in rels
    assert ("acme-chat", "contains", "acme-chat model card") in rels


def test_licenses_are_expressions_with_custom_licenses_for_refs() -> None:
    """Declared licenses are LicenseExpression elements; each LicenseRef- has a CustomLicense."""
    graph = _graph(spdx3.dumps(realistic()))
    exprs = {
        n["simplelicensing_licenseExpression"]: n
        for n in graph
        if n["type"] == "simplelicensing_LicenseExpression"
    }
    assert "LicenseRef-scancode-llama-3.1-license-2024" in exprs
    custom = {n["spdxId"]: n for n in graph if n["type"] == "expandedlicensing_CustomLicense"}
    entry = exprs["LicenseRef-scancode-llama-3.1-license-2024"]["simplelicensing_customIdToUri"][0]
    assert custom[entry["value"]]["name"] == "Llama 3.1 Community License Agreement"
    free = [n for n in custom.values() if n["name"] == "A custom research license"]
    assert free and free[0]["simplelicensing_licenseText"] == "A custom research license"


# -- validity ----------------------------------------------------------------------------
@functools.cache
def _validator(definition: str) -> Any:
    import jsonschema

    schema = json.loads((STANDARD / "schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}", "unevaluatedProperties": False}
    )


def _schema_errors(doc: Any) -> list[str]:
    """Errors against the official schema. The schema's top level is ``@context`` (a constant) and
    ``@graph``, each item ``AnyClass`` (any of the class definitions, told apart by ``type``); each
    item is checked against the definition its ``type`` names — the same check, several times faster."""
    errors = [] if doc.get("@context") == spdx3_context else ["@context is not the SPDX 3.0.1 context"]
    for item in doc.get("@graph", []):
        definition = (
            item.get("type") if item.get("type") in _validator("AnyClass").schema["$defs"] else "AnyClass"
        )
        errors += [f"{item.get('spdxId')}: {e.message}" for e in _validator(definition).iter_errors(item)]
    return errors


@needs_standard
@pytest.mark.slow
def test_output_is_valid_against_the_whole_official_schema() -> None:
    """Written documents validate against the SPDX 3.0.1 JSON Schema as a whole (the slow, direct check)."""
    import jsonschema

    schema = json.loads((STANDARD / "schema.json").read_text(encoding="utf-8"))
    errors = [
        e.message
        for e in jsonschema.Draft202012Validator(schema).iter_errors(json.loads(spdx3.dumps(realistic())))
    ]
    assert errors == []


def _shacl(doc: dict[str, Any]) -> tuple[bool, str]:
    import pyshacl
    import rdflib

    context = json.loads((STANDARD / "spdx-context.jsonld").read_text(encoding="utf-8"))
    data = rdflib.Graph().parse(data=json.dumps({**doc, "@context": context["@context"]}), format="json-ld")
    shapes = rdflib.Graph().parse(STANDARD / "spdx-model.ttl", format="turtle")
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, ont_graph=shapes, inference="none")
    return bool(conforms), str(report)


@needs_standard
def test_output_is_valid_against_the_official_schema() -> None:
    """Written documents validate against the SPDX 3.0.1 JSON Schema."""
    assert _schema_errors(json.loads(spdx3.dumps(realistic()))) == []


@needs_standard
@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(graphs())
def test_generated_output_is_schema_valid(bom: AIBOM) -> None:
    """Whatever the graph, the output validates against the SPDX 3.0.1 JSON Schema."""
    assert _schema_errors(json.loads(spdx3.dumps(bom))) == []


@needs_standard
def test_output_conforms_to_the_shacl_shapes() -> None:
    """A mid-size written document conforms to the SPDX 3.0.1 SHACL model."""
    conforms, report = _shacl(json.loads(spdx3.dumps(realistic())))
    assert conforms, report


@needs_standard
@pytest.mark.slow
@settings(max_examples=5, deadline=None)
@given(graphs(max_artifacts=40))
def test_big_generated_output_conforms_to_the_shacl_shapes(bom: AIBOM) -> None:
    """Large generated documents conform to the SPDX 3.0.1 SHACL model too."""
    conforms, report = _shacl(json.loads(spdx3.dumps(bom)))
    assert conforms, report


@needs_standard
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.json")))
def test_example_documents_are_valid_spdx(name: str) -> None:
    """The conformance examples are themselves valid SPDX 3.0.1, and stay valid when rewritten."""
    text = (DATA / name).read_text(encoding="utf-8")
    assert _schema_errors(json.loads(text)) == []
    assert _schema_errors(json.loads(spdx3.dumps(spdx3.loads(text)))) == []


# -- conformance on documents others write -------------------------------------------------
@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.json")))
def test_example_documents_read_and_rewrite_without_loss(name: str) -> None:
    """Reading an example, writing it and reading it again gives the same graph and the same bytes."""
    bom = spdx3.loads((DATA / name).read_text(encoding="utf-8"), name)
    text = spdx3.dumps(bom)
    again = spdx3.loads(text)
    _same(again, bom)
    assert spdx3.dumps(again) == text


def test_fine_tune_example_maps_ai_and_dataset_facts() -> None:
    """AI and dataset fields of a spec-style document land in the well-known properties."""
    bom = spdx3.loads((DATA / "ai-finetune.json").read_text(encoding="utf-8"))
    base = "https://example.com/acme/acme-chat-1.0/"
    chat = bom[base + "model/acme-chat"]
    assert chat.kind == "model" and chat.supplier == "ACME ML Platform Team"
    assert chat.license == "LicenseRef-Llama-3.1-Community"
    assert chat.properties["hyperparameters"] == {"learning_rate": "2e-5", "epochs": "3"}
    assert chat.properties["spdx3:ai_safetyRiskAssessment"] == "low"
    data = bom[base + "dataset/ultrachat"]
    assert data.kind == "dataset" and data.license == "MIT"
    assert list(data.properties["known_bias"]) == ["English-centric", "Reflects the generating model's style"]
    kinds = {(r.source.rsplit("/", 1)[-1], r.kind, r.target.rsplit("/", 1)[-1]) for r in bom.relations}
    assert kinds == {
        ("acme-chat", "fine_tuned_from", "llama-3.1-8b"),
        ("acme-chat", "trained_on", "ultrachat"),
        ("acme-chat", "evaluated_on", "mt-bench"),
        ("acme-chat", "built_with", "trl"),
    }
    assert bom[base + "package/trl"].concluded_license == "Apache-2.0"


def test_lineage_both_ways_and_expanded_licensing() -> None:
    """ancestorOf and descendantOf both become derived_from pointing at the older model; generates is
    reversed; license sets, listed and custom licenses become expressions; unknown elements are kept."""
    bom = spdx3.loads((DATA / "other-tool-lineage.json").read_text(encoding="utf-8"))
    rels = {(r.source.rsplit("-", 1)[-1], r.kind, r.target.rsplit("-", 1)[-1]) for r in bom.relations}
    assert rels == {
        ("instruct", "derived_from", "base"),
        ("quant", "derived_from", "instruct"),
        ("synthetic", "generated_by", "instruct"),
    }
    by_name = {a.name: a for a in bom}
    assert by_name["mistral-7b-instruct.Q4_K_M.gguf"].kind == "weights"
    assert by_name["mistral-7b-instruct"].license == "Apache-2.0 OR MIT"
    assert by_name["mistral-7b"].concluded_license == "Apache-2.0"
    assert by_name["self-instruct-synthetic"].license == "LicenseRef-synthetic-terms"
    text = spdx3.dumps(bom)
    assert "build_Build" in text and "Outputs may not be used to train competing models." in text


def test_format_is_detected_from_content() -> None:
    """aiprov.formats.loads recognizes SPDX 3 JSON-LD without being told."""
    bom = load_any(spdx3.dumps(realistic()))
    assert bom.metadata["source_format"] == "spdx3-json"


# -- bad input -----------------------------------------------------------------------------
_CI = {
    "type": "CreationInfo",
    "@id": "_:ci",
    "created": "2024-01-01T00:00:00Z",
    "createdBy": ["urn:a"],
    "specVersion": "3.0.1",
}
_AGENT = {"type": "Organization", "spdxId": "urn:a", "creationInfo": "_:ci", "name": "a"}


def _doc(*nodes: dict[str, Any], context: str = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld") -> str:
    return json.dumps({"@context": context, "@graph": [_CI, _AGENT, *nodes]})


def _model(spdx_id: str = "urn:m", **fields: Any) -> dict[str, Any]:
    return {"type": "ai_AIPackage", "spdxId": spdx_id, "creationInfo": "_:ci", "name": "m", **fields}


def _rel(source: str, rtype: str, *targets: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "Relationship",
        "spdxId": f"urn:r-{source}-{rtype}",
        "creationInfo": "_:ci",
        "from": source,
        "relationshipType": rtype,
        "to": list(targets),
        **fields,
    }


@pytest.mark.parametrize(
    ("text", "message", "location"),
    [
        pytest.param(
            '{"@context": "x", "@graph": [', "not valid JSON", "line 1, column 30", id="invalid-json"
        ),
        pytest.param("[1, 2]", "expected a JSON-LD object", None, id="not-an-object"),
        pytest.param('{"@graph": []}', "no @context", None, id="no-context"),
        pytest.param(
            _doc(context="https://spdx.org/rdf/3.0.0/spdx-context.jsonld"),
            "unsupported SPDX version 3.0.0",
            "@context",
            id="spdx-3.0.0",
        ),
        pytest.param(_doc(_model(name=42)), "expected a string", "@graph[2].name", id="name-not-a-string"),
        pytest.param(
            _doc(_model(), _rel("urn:m", "frobnicates", "urn:m")),
            "unknown relationshipType",
            "@graph[3].relationshipType",
            id="bad-relationship-type",
        ),
        pytest.param(
            _doc(_model(), _rel("urn:m", "trainedOn", "urn:nowhere")),
            "dangling reference 'urn:nowhere'",
            "@graph[3].to[0]",
            id="dangling-to",
        ),
        pytest.param(
            _doc(_model(suppliedBy="urn:ghost")),
            "dangling reference",
            "@graph[2].suppliedBy",
            id="dangling-supplier",
        ),
        pytest.param(
            _doc({"type": "FooPackage", "spdxId": "urn:x"}),
            "unknown SPDX 3.0.1 type",
            "@graph[2].type",
            id="unknown-type",
        ),
        pytest.param(
            _doc(_model(), _model(name="other")),
            "duplicate spdxId 'urn:m': two different elements (first at @graph[2])",
            "@graph[3]",
            id="duplicate-id",
        ),
        pytest.param(
            _doc(_model(verifiedUsing=[{"type": "Hash", "algorithm": "sha256"}])),
            "hashValue",
            "@graph[2].verifiedUsing[0]",
            id="hash-without-value",
        ),
    ],
)
def test_bad_input_is_a_parse_error_naming_file_and_place(
    text: str, message: str, location: str | None
) -> None:
    """Invalid JSON, schema-invalid documents, other versions, dangling references: one ParseError
    that names the file and the place, never another exception."""
    with pytest.raises(ParseError) as info:
        spdx3.loads(text, "bom.spdx3.json")
    assert info.value.source == "bom.spdx3.json"
    assert message in info.value.message
    if location is not None:
        assert info.value.location == location


def test_unknown_spec_version_is_refused() -> None:
    """A creationInfo.specVersion outside 3.0.x is refused, naming the place."""
    doc = json.loads(_doc(_model()))
    doc["@graph"][0]["specVersion"] = "4.0.0"
    with pytest.raises(ParseError, match="specVersion") as info:
        spdx3.loads(json.dumps(doc), "x.json")
    assert info.value.location == "@graph[0].specVersion"


def test_deeply_nested_json_is_a_parse_error() -> None:
    """JSON nested thousands deep is refused cleanly."""
    text = (
        '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": ['
        + "[" * 100_000
        + "]" * 100_000
        + "]}"
    )
    with pytest.raises(ParseError, match="nested too deeply"):
        spdx3.loads(text, "deep.json")


def test_moderately_nested_json_is_a_parse_error() -> None:
    """Nesting below the JSON parser's limit but inside an element is refused cleanly too."""
    depth = 900  # json.loads accepts this; walking it recursively would not
    deep = '{"type": "ext:Thing", "v": ' * depth + '"x"' + "}" * depth
    text = _doc(_model(**{"ext:deep": "PLACEHOLDER"})).replace('"PLACEHOLDER"', deep)
    with pytest.raises(ParseError, match="nested too deeply"):
        spdx3.loads(text, "deep.json")


def test_huge_document_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document over the size limit is a ParseError, not a long parse."""
    monkeypatch.setattr(spdx3, "MAX_DOCUMENT_CHARS", 1000)
    with pytest.raises(ParseError, match="larger than the limit") as info:
        spdx3.loads(_doc(*(_model(f"urn:m{i}") for i in range(50))), "huge.json")
    assert info.value.source == "huge.json"


def test_imported_references_are_not_dangling() -> None:
    """Relationships to elements declared in the document's imports are kept, not refused."""
    doc = {
        "type": "SpdxDocument",
        "spdxId": "urn:doc",
        "creationInfo": "_:ci",
        "import": [{"type": "ExternalMap", "externalSpdxId": "urn:elsewhere"}],
    }
    bom = spdx3.loads(_doc(doc, _model(), _rel("urn:m", "trainedOn", "urn:elsewhere")))
    assert [a.id for a in bom] == ["urn:m"]
    assert "urn:elsewhere" in spdx3.dumps(bom)


def test_inline_elements_are_read() -> None:
    """Elements written inline (as objects instead of references) are read like top-level ones."""
    data = {
        "type": "dataset_DatasetPackage",
        "spdxId": "urn:d",
        "creationInfo": "_:ci",
        "name": "d",
        "dataset_datasetType": ["text"],
    }
    bom = spdx3.loads(_doc(_model(), _rel("urn:m", "trainedOn", "urn:d") | {"to": [data]}))
    assert [(r.source, r.kind, r.target) for r in bom.relations] == [("urn:m", "trained_on", "urn:d")]


def test_an_element_written_twice_identically_is_one_element() -> None:
    """Identical duplicates (as in spdx-examples' ai/example01, which passes the SPDX schema and SHACL)
    are one element, not a refusal."""
    bom = spdx3.loads(_doc(_model(), _model(), _model("urn:n"), _rel("urn:n", "trainedOn", "urn:m")))
    assert sorted(a.id for a in bom) == ["urn:m", "urn:n"]
    assert len(bom.relations) == 1
