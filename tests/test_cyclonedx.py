"""CycloneDX ML-BOM: schema-valid output, loss-free round trips, other tools' ML-BOMs, bad input."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from hypothesis import HealthCheck, given, settings

from aiprov.exceptions import InputError, ParseError
from aiprov.formats import cyclonedx as cdx
from aiprov.formats import dumps, load, loads
from aiprov.graph import AIBOM, Artifact
from tests.strategies import graphs

DATA = Path(__file__).parent / "data" / "cyclonedx"
VERSIONS = {"1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}


def assert_valid_json(text: str, spec: str) -> None:
    error = JsonStrictValidator(VERSIONS[spec]).validate_str(text)
    assert error is None, str(error)[:2000]


def assert_valid_xml(text: str, spec: str) -> None:
    pytest.importorskip(
        "lxml", reason="XML schema validation needs lxml (cyclonedx-python-lib[xml-validation])"
    )
    from cyclonedx.validation.xml import XmlValidator

    error = XmlValidator(VERSIONS[spec]).validate_str(text)
    assert error is None, str(error)[:2000]


def rich_bom() -> AIBOM:
    bom = AIBOM()
    bom.add(
        Artifact(
            id="base",
            kind="model",
            name="Llama-3.1-8B",
            license="llama3.1",
            supplier="Meta",
            purl="pkg:huggingface/meta-llama/Llama-3.1-8B",
            source="https://huggingface.co/meta-llama/Llama-3.1-8B",
            hashes=(("sha256", "a" * 64), ("git-sha1", "abc")),
            properties={
                "task": "text-generation",
                "architecture_family": "transformer",
                "model_architecture": "LlamaForCausalLM",
                "inputs": ["text"],
                "outputs": ["text"],
                "description": "base model",
                "domain": ["nlp"],
                "hyperparameters": {"lr": 0.0001, "epochs": 3},
                "limitations": "hallucinates",
                "spdx3:typeOfModel": ["transformer"],
            },
        )
    )
    bom.add(
        Artifact(
            id="tuned",
            kind="model",
            name="acme-chat",
            version="1.0",
            license="Llama 3.1 Community License",
            concluded_license="LicenseRef-scancode-llama-3.1-license-2024",
        )
    )
    bom.add(
        Artifact(
            id="ds",
            kind="dataset",
            name="alpaca",
            license="CC-BY-NC-4.0",
            properties={"sensitive_personal_information": "none", "dataset_type": "dataset"},
        )
    )
    bom.add(Artifact(id="ev", kind="dataset", name="mmlu", license="MIT"))
    bom.add(Artifact(id="w", kind="weights", name="model.safetensors", hashes=(("sha256", "b" * 64),)))
    bom.add(Artifact(id="card", kind="document", name="README.md", source="https://example.org/README.md"))
    bom.add(
        Artifact(
            id="torch",
            kind="code",
            name="torch",
            version="2.3.0",
            license="BSD-3-Clause",
            purl="pkg:pypi/torch@2.3.0",
        )
    )
    bom.add(Artifact(id="api", kind="service", name="OpenAI API", supplier="OpenAI", license="openai-tou"))
    bom.add(Artifact(id="syn", kind="dataset", license="MIT OR Apache-2.0"))
    bom.add(Artifact(id="odd", kind="code", name="odd", license="Some Custom Terms v2"))
    bom.relate("tuned", "fine_tuned_from", "base", note="LoRA merged into the base")
    bom.relate("tuned", "trained_on", "ds")
    bom.relate("tuned", "evaluated_on", "ev")
    bom.relate("tuned", "contains", "w")
    bom.relate("tuned", "built_with", "torch")
    bom.relate("tuned", "depends_on", "card")
    bom.relate("syn", "generated_by", "api")
    bom.relate("tuned", "trained_on", "syn")
    bom.relate("tuned", "depends_on", "odd")
    return bom


def same_graph(a: AIBOM, b: AIBOM) -> None:
    assert [x.id for x in a] == [x.id for x in b] or {x.id for x in a} == {x.id for x in b}
    for art in a:
        assert b[art.id] == art, art.id
    assert {(r.source, r.kind, r.target, tuple(sorted(r.properties.items()))) for r in a.relations} == {
        (r.source, r.kind, r.target, tuple(sorted(r.properties.items()))) for r in b.relations
    }


# -- writing: valid against the official schema --------------------------------------------
@pytest.mark.parametrize("spec", ["1.6", "1.7"])
def test_json_output_validates_strictly(spec: str) -> None:
    """Every JSON document written validates against the official schema in strict mode."""
    assert_valid_json(cdx.dumps_json(rich_bom(), spec), spec)


@pytest.mark.parametrize("spec", ["1.6", "1.7"])
def test_xml_output_validates(spec: str) -> None:
    """Every XML document written validates against the official XSD."""
    assert_valid_xml(cdx.dumps_xml(rich_bom(), spec), spec)


def test_models_and_datasets_carry_model_card_and_data() -> None:
    """Models are machine-learning-model components with a model card; datasets are data components."""
    doc = json.loads(cdx.dumps_json(rich_bom()))
    comps = {c["bom-ref"]: c for c in doc["components"]}
    base = comps["base"]
    assert base["type"] == "machine-learning-model"
    params = base["modelCard"]["modelParameters"]
    assert params["task"] == "text-generation"
    assert params["architectureFamily"] == "transformer"
    assert params["modelArchitecture"] == "LlamaForCausalLM"
    assert params["inputs"] == [{"format": "text"}]
    assert base["modelCard"]["considerations"]["technicalLimitations"] == ["hallucinates"]
    assert comps["tuned"]["modelCard"]["modelParameters"]["datasets"] == [  # by relation kind, then ref
        {"ref": "ev"},
        {"ref": "ds"},
        {"ref": "syn"},
    ]
    assert comps["ds"]["type"] == "data" and comps["ds"]["data"][0]["type"] == "dataset"
    assert comps["ds"]["data"][0]["sensitiveData"] == ["none"]
    assert comps["torch"]["type"] == "library" and comps["torch"]["purl"] == "pkg:pypi/torch@2.3.0"
    assert doc["services"][0]["bom-ref"] == "api"
    assert base["supplier"] == {"name": "Meta"}
    assert {"type": "distribution", "url": "https://huggingface.co/meta-llama/Llama-3.1-8B"} in base[
        "externalReferences"
    ]


def test_use_restrictions_are_considerations_with_their_source() -> None:
    """A model under a license with use restrictions names them, the clause and the license URL."""
    doc = json.loads(cdx.dumps_json(rich_bom()))
    base = next(c for c in doc["components"] if c["bom-ref"] == "base")
    ethical = base["modelCard"]["considerations"]["ethicalConsiderations"]
    assert ethical[0]["name"] == "aiprov use restriction: LicenseRef-scancode-llama-3.1-license-2024"
    assert "Llama 3.1" in ethical[0]["mitigationStrategy"]
    assert "https://" in ethical[0]["mitigationStrategy"]


def test_derivations_are_pedigree_ancestors_with_the_exact_kind() -> None:
    """A fine-tune is a pedigree ancestor whose aiprov:relation property keeps the exact kind."""
    doc = json.loads(cdx.dumps_json(rich_bom()))
    tuned = next(c for c in doc["components"] if c["bom-ref"] == "tuned")
    (ancestor,) = tuned["pedigree"]["ancestors"]
    props = {p["name"]: p["value"] for p in ancestor["properties"]}
    assert props == {"aiprov:relation": "fine_tuned_from", "aiprov:ref": "base"}
    assert "bom-ref" not in ancestor  # bom-refs stay unique in the document
    deps = {d["ref"]: d["dependsOn"] for d in doc["dependencies"]}
    assert set(deps["tuned"]) == {"base", "ds", "ev", "w", "torch", "card", "syn", "odd"}


@pytest.mark.parametrize(
    ("declared", "expected", "exact_kept"),
    [
        ("Apache-2.0", [{"license": {"id": "Apache-2.0"}}], False),
        ("apache 2.0", [{"license": {"id": "Apache-2.0"}}], True),
        ("MIT OR Apache-2.0", [{"expression": "MIT OR Apache-2.0"}], False),
        (
            "llama3.1",
            [
                {
                    "license": {
                        "name": "LicenseRef-scancode-llama-3.1-license-2024",
                        "url": "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE",
                    }
                }
            ],
            True,
        ),
        ("Some Custom Terms v2", [{"license": {"name": "Some Custom Terms v2"}}], False),
    ],
)
def test_license_mapping(declared: str, expected: list[dict[str, Any]], exact_kept: bool) -> None:
    """SPDX ids go to license.id, expressions to expression, LicenseRefs to name + URL; the text as written is kept."""
    bom = AIBOM([Artifact(id="m", kind="model", name="m", license=declared)])
    doc = json.loads(cdx.dumps_json(bom))
    comp = doc["components"][0]
    assert comp["licenses"] == expected
    props = {p["name"]: p["value"] for p in comp.get("properties", [])}
    assert (props.get("aiprov:declared-license") == declared) is exact_kept
    assert cdx.loads(json.dumps(doc))["m"].license == declared


def test_findings_and_obligations_are_embedded_as_document_properties() -> None:
    """Findings and obligations given to the writer are document-level aiprov: properties, still valid."""
    finding = {"code": "AIP101", "severity": "error", "subject": "tuned", "message": "non-commercial data"}
    obligation = {"subject": "tuned", "kind": "naming", "text": "prefix the name with Llama"}
    text = cdx.dumps_json(rich_bom(), findings=[finding], obligations=[obligation])
    assert_valid_json(text, "1.6")
    props = json.loads(text)["properties"]
    assert {"name": "aiprov:finding", "value": json.dumps(finding, sort_keys=True)} in props
    back = cdx.loads(text)
    assert back.metadata["embedded_findings"] == [finding]
    assert back.metadata["embedded_obligations"] == [obligation]
    assert "aiprov:finding" not in cdx.dumps_json(back)  # not carried over into the next write


def test_output_is_deterministic() -> None:
    """The same graph gives the same document, byte for byte (serial number included)."""
    assert cdx.dumps_json(rich_bom()) == cdx.dumps_json(rich_bom())
    assert cdx.dumps_xml(rich_bom(), "1.7") == cdx.dumps_xml(rich_bom(), "1.7")


def test_unknown_spec_version_to_write_is_refused() -> None:
    """Writing a version other than 1.6 or 1.7 is an input error, not a broken document."""
    with pytest.raises(InputError):
        cdx.dumps_json(rich_bom(), "1.3")


# -- round trips ---------------------------------------------------------------------------
@pytest.mark.parametrize("writer", ["cyclonedx-json", "cyclonedx-xml"])
def test_rich_graph_round_trips(writer: str) -> None:
    """Graph -> CycloneDX -> graph keeps every artifact, relation (with its properties), license, hash and purl."""
    bom = rich_bom()
    same_graph(bom, loads(dumps(bom, writer)))


def test_manifest_cyclonedx_manifest_is_identity() -> None:
    """manifest -> CycloneDX -> manifest gives the manifest back."""
    from aiprov.formats import manifest

    bom = rich_bom()
    bom.metadata["policy"] = {"use": {"commercial": True}}
    text = manifest.dumps(bom)
    again = manifest.to_dict(cdx.loads(cdx.dumps_json(manifest.loads(text))))
    original = manifest.to_dict(manifest.loads(text))
    by_id = {a["id"]: a for a in original["artifacts"]}
    assert {a["id"]: a for a in again["artifacts"]} == by_id  # services are written after components
    key = json.dumps
    assert sorted(map(key, again["relations"])) == sorted(map(key, original["relations"]))
    assert again["policy"] == original["policy"]


def _round_trip_law(bom: AIBOM, spec: str) -> None:
    text = cdx.dumps_json(bom, spec)
    assert_valid_json(text, spec)
    same_graph(bom, cdx.loads(text))
    xml = cdx.dumps_xml(bom, spec)
    if importlib.util.find_spec("lxml") is not None:
        assert_valid_xml(xml, spec)
    same_graph(bom, cdx.loads(xml))


@given(bom=graphs(max_artifacts=8, fitting_only=False))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_graphs_round_trip(bom: AIBOM) -> None:
    """Any graph survives CycloneDX JSON and XML unchanged, and its JSON validates (quick run)."""
    _round_trip_law(bom, "1.6")


@pytest.mark.slow
@given(bom=graphs(max_artifacts=14, fitting_only=False))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_graphs_round_trip_thorough(bom: AIBOM) -> None:
    """Any graph survives CycloneDX 1.7 JSON and XML unchanged, and its JSON validates (long run)."""
    _round_trip_law(bom, "1.7")


# -- reading other tools' ML-BOMs ----------------------------------------------------------
def _facts(bom: AIBOM) -> set[tuple[str, str, str]]:
    return {(r.source, r.kind, r.target) for r in bom.relations}


def test_owasp_generator_style() -> None:
    """OWASP-generator style: the base model from a model-card property, license names in license.id."""
    bom = load(DATA / "owasp-aibom-generator-1.6.json")
    model = "pkg:huggingface/acme/acme-chat-8b@3f1c2d"
    assert bom[model].kind == "model"
    assert bom[model].license == "llama3.1"
    assert bom[model].properties["task"] == "text-generation"
    assert bom[model].source == "https://huggingface.co/acme/acme-chat-8b"
    assert (model, "fine_tuned_from", "meta-llama/Llama-3.1-8B-Instruct") in _facts(bom)
    assert (model, "trained_on", "dataset-acme-support-dialogues") in _facts(bom)
    assert bom["dataset-acme-support-dialogues"].license == "cc-by-4.0"
    out = cdx.dumps_json(bom)
    assert_valid_json(out, "1.6")  # the license name written where it belongs


def test_pedigree_style_with_nested_and_inline_data() -> None:
    """Foreign pedigree ancestors become artifacts; nested components are contained; inline datasets kept."""
    bom = load(DATA / "mlbom-pedigree-1.5.json")
    base = "pkg:huggingface/distilbert/distilbert-base-uncased@1c4513b"
    assert bom[base].kind == "model" and bom[base].license == "Apache-2.0"
    facts = _facts(bom)
    assert ("distilbert-sst2", "fine_tuned_from", base) in facts
    assert ("distilbert-sst2", "trained_on", "sst2") in facts
    assert ("distilbert-sst2", "contains", "distilbert-sst2-weights") in facts
    assert bom["distilbert-sst2-weights"].kind == "weights"
    assert bom["distilbert-sst2-readme"].kind == "document"
    assert ("sentiment-service", "depends_on", "distilbert-sst2") in facts
    assert ("distilbert-sst2", "depends_on", "pkg:pypi/torch@2.4.1") in facts
    out = json.loads(cdx.dumps_json(bom))
    card = next(c for c in out["components"] if c["bom-ref"] == "distilbert-sst2")["modelCard"]
    assert card["modelParameters"]["approach"] == {"type": "supervised"}
    assert card["quantitativeAnalysis"]["performanceMetrics"][0]["value"] == "0.91"
    assert card["considerations"]["technicalLimitations"] == ["English only", "Short texts only"]
    inline = [d for d in card["modelParameters"]["datasets"] if "ref" not in d]
    assert inline[0]["name"] == "internal-reviews-2024"
    assert out["metadata"]["component"]["bom-ref"] == "sentiment-service"
    assert out["compositions"] == [{"aggregate": "incomplete", "assemblies": ["distilbert-sst2"]}]


def test_xml_data_governance_style() -> None:
    """An XML ML-BOM: acknowledged licenses, data governance, model card and tags map and survive."""
    bom = load(DATA / "mlbom-data-governance-1.6.xml")
    model = bom["vision-classifier"]
    assert model.license == "Apache-2.0" and model.concluded_license == "Apache-2.0"
    assert model.hashes == (
        (
            "sha512",
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
        ),
    )
    assert model.properties["domain"] == ("computer-vision",)
    assert model.properties["inputs"] == ("image",)
    assert ("vision-classifier", "fine_tuned_from", "resnet-50") in _facts(bom)
    assert ("vision-classifier", "trained_on", "imagenet-subset") in _facts(bom)
    data = bom["imagenet-subset"]
    assert data.license == "ImageNet Terms of Access" and data.source == "https://image-net.org/"
    out = json.loads(cdx.dumps_json(bom))
    governance = next(c for c in out["components"] if c["bom-ref"] == "imagenet-subset")["data"][0][
        "governance"
    ]
    assert governance["owners"] == [{"contact": {"name": "Dr. Data Owner", "email": "owner@example.org"}}]
    assert_valid_json(json.dumps(out), "1.6")
    assert_valid_xml(cdx.dumps_xml(bom), "1.6")


def test_services_and_legacy_tools_style() -> None:
    """A 1.4 SBOM: services become service artifacts, legacy tools and unmodelled fields are kept."""
    bom = load(DATA / "sbom-services-1.4.json")
    assert bom["openai-api"].kind == "service" and bom["openai-api"].supplier == "OpenAI"
    assert ("pkg:pypi/openai@0.27.4", "depends_on", "openai-api") in _facts(bom)
    assert bom["pkg:pypi/openai@0.27.4"].license == "MIT OR Apache-2.0"
    out = json.loads(cdx.dumps_json(bom))
    assert out["metadata"]["tools"] == [{"vendor": "CycloneDX", "name": "cyclonedx-py", "version": "3.11.0"}]
    assert out["services"][0]["endpoints"] == ["https://api.openai.com/v1/chat/completions"]
    assert next(c for c in out["components"] if c["name"] == "langchain")["author"] == "Harrison Chase"


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir()))
@pytest.mark.parametrize("spec", ["1.6", "1.7"])
def test_sample_documents_rewrite_valid_and_stable(name: str, spec: str) -> None:
    """Every sample reads, writes back schema-valid, and a second read-write changes nothing."""
    bom = load(DATA / name)
    text = cdx.dumps_json(bom, spec)
    assert_valid_json(text, spec)
    again = cdx.loads(text)
    same_graph(bom, again) if "owasp" not in name else None
    assert cdx.dumps_json(again, spec) == text


def test_cyclonedx_to_cyclonedx_keeps_unmodelled_fields() -> None:
    """Fields aiprov does not model (vulnerabilities, annotations, energy, authors, ...) are written back."""
    src = json.loads((DATA / "mlbom-extras-1.7.json").read_text())
    out = json.loads(cdx.dumps_json(load(DATA / "mlbom-extras-1.7.json"), "1.7"))
    for key in ("serialNumber", "version", "metadata", "vulnerabilities", "annotations"):
        assert out[key] == src[key], key
    assert {"name": "acme:release-channel", "value": "beta"} in out["properties"]
    model_in, model_out = src["components"][0], out["components"][0]
    for key in ("authors", "tags", "description", "purl", "licenses"):
        assert model_out[key] == model_in[key], key
    assert model_out["modelCard"]["considerations"] == model_in["modelCard"]["considerations"]
    assert out["components"][1]["data"] == src["components"][1]["data"]


# -- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", ', "not valid JSON"),
        ('{"bomFormat": "CycloneDX", "specVersion": "2.0"}', "unsupported CycloneDX specVersion"),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {}}', "expected an array"),
        (
            '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "x"}]}',
            "expected a string",
        ),
        (
            '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "a", '
            '"bom-ref": "a"}], "dependencies": [{"ref": "a", "dependsOn": ["ghost"]}]}',
            "unknown bom-ref 'ghost'",
        ),
        (
            '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "a", '
            '"bom-ref": "a"}, {"type": "library", "name": "b", "bom-ref": "a"}]}',
            "duplicate bom-ref",
        ),
        ("<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><components>", "not valid XML"),
        ("<bom xmlns='http://cyclonedx.org/schema/bom/1.9'/>", "unsupported CycloneDX specVersion"),
        ("<sbom xmlns='urn:other'/>", "not a CycloneDX XML document"),
    ],
)
def test_bad_documents_are_parse_errors(text: str, message: str) -> None:
    """Broken, schema-invalid or dangling documents raise a ParseError naming the file and the place."""
    with pytest.raises(ParseError, match=message) as info:
        cdx.loads(text, "bad.cdx")
    assert info.value.source == "bad.cdx"


def test_dangling_reference_names_its_place() -> None:
    """A dangling dependency names the JSON path where it is."""
    text = (
        '{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"type": "library", "name": "a", '
        '"bom-ref": "a"}], "dependencies": [{"ref": "a", "dependsOn": ["ghost"]}]}'
    )
    with pytest.raises(ParseError) as info:
        cdx.loads(text, "x.json")
    assert info.value.location == "dependencies[0].dependsOn[0]"


XXE = """<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"><components>
<component type="library"><name>&xxe;</name></component></components></bom>"""
BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE bom [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + ']>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library">'
    "<name>&i;</name></component></components></bom>"
)


@pytest.mark.parametrize("text", [XXE, BOMB], ids=["external-entity", "entity-expansion-bomb"])
def test_xml_entities_are_refused(text: str) -> None:
    """XML with a DTD or entities is refused: no entity is ever resolved or expanded."""
    with pytest.raises(ParseError, match="DTD, entity"):
        cdx.loads(text, "evil.xml")
    with pytest.raises(ParseError):
        loads(text, "evil.xml")


def test_deeply_nested_json_is_a_parse_error() -> None:
    """Pathologically nested JSON is a ParseError, not a RecursionError."""
    deep = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ParseError, match="nested too deeply"):
        cdx.loads(deep, "deep.json")


def test_deeply_nested_components_are_a_parse_error() -> None:
    """Components nested thousands deep are a ParseError, not a RecursionError."""
    depth = 5000
    text = (
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": ['
        + "".join(f'{{"type": "library", "name": "n{i}", "components": [' for i in range(depth))
        + '{"type": "library", "name": "leaf"}'
        + "]}" * depth
        + "]}"
    )
    with pytest.raises(ParseError, match="nested too deeply"):
        cdx.loads(text, "nested.json")


def test_hundred_megabyte_file_is_a_clear_error(tmp_path: Path) -> None:
    """A 100 MB file that is not a valid document is a ParseError with the place, quickly."""
    path = tmp_path / "huge.json"
    with path.open("w") as fh:
        fh.write('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [')
        fh.write(" " * (100 * 1024 * 1024))
        fh.write("oops")
    with pytest.raises(ParseError, match="not valid JSON") as info:
        load(path)
    assert info.value.location is not None and "line 1" in info.value.location
