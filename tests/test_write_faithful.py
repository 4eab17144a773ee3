"""What aiprov writes says what it was given: the manifest's policy and metadata travel in every
format, CycloneDX keeps nesting, empty dependency entries, carriage returns and data flows, XML
never holds a character it cannot, and the same graph gives the same CycloneDX bytes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aiprov
from aiprov.cli import main
from aiprov.exceptions import InputError
from aiprov.formats import cyclonedx as cdx
from aiprov.graph import AIBOM, Artifact, Relation
from tests import validators
from tests.strategies import graphs

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*/aibom.yaml"))
#: every format that carries a graph (MOT is an openness view: only components travel)
GRAPH_FORMATS = (
    "manifest",
    "manifest-json",
    "cyclonedx-json",
    "cyclonedx-xml",
    "spdx3-json",
    "spdx2-json",
    "spdx2-tv",
)
SUFFIX = {
    "manifest": ".yaml",
    "manifest-json": ".json",
    "cyclonedx-json": ".cdx.json",
    "cyclonedx-xml": ".cdx.xml",
    "spdx3-json": ".spdx3.json",
    "spdx2-json": ".spdx.json",
    "spdx2-tv": ".spdx",
}


def _check_json(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    assert main(["check", str(path), "--format", "json", "--fail-on", "never"]) == 0
    return capsys.readouterr().out


# -- the policy and metadata of a manifest -----------------------------------------------
@pytest.mark.parametrize("fmt", [f for f in GRAPH_FORMATS if not f.startswith("manifest")])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_check_on_the_converted_file_gives_the_same_findings(
    example: Path, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`aiprov check` on a converted example finds what it finds on the manifest: its inline policy
    and metadata travel with it (SPDX: a document annotation; CycloneDX: document properties)."""
    expected = _check_json(capsys, example)
    out = tmp_path / f"converted{SUFFIX[fmt]}"
    assert main(["convert", str(example), "--to", fmt, "-o", str(out)]) == 0
    assert _check_json(capsys, out) == expected
    source, again = aiprov.load(example), aiprov.load(out)
    assert again.metadata.get("policy") == source.metadata.get("policy")
    assert again.metadata.get("manifest") == source.metadata.get("manifest")


@pytest.mark.parametrize("fmt", ["spdx3-json", "spdx2-json", "spdx2-tv", "cyclonedx-json", "cyclonedx-xml"])
def test_yaml_dates_in_policy_and_properties_are_written_as_iso_text(fmt: str) -> None:
    """Unquoted YAML dates (a waiver's expiry, a property) are written as ISO 8601 text, not a crash,
    and the policy read back expires on the same day."""
    from aiprov.analysis import Policy

    bom = aiprov.loads(
        "aibom: 1\nmetadata: {released: 2024-01-02}\n"
        "artifacts:\n  - {id: m, kind: model, license: MIT, properties: {released: 2024-01-02}}\n"
        "policy:\n  waivers: [{code: naming-requirement, subject: m, reason: r, expires: 2026-12-31}]\n"
    )
    again = aiprov.loads(aiprov.dumps(bom, fmt))
    assert again["m"].properties["released"] == "2024-01-02"
    assert again.metadata["manifest"] == {"released": "2024-01-02"}
    assert Policy.from_dict(again.metadata["policy"]) == Policy.from_dict(bom.metadata["policy"])


def test_values_json_cannot_hold_are_refused_by_name() -> None:
    """A YAML binary value cannot be written as JSON text: an InputError naming it, not its repr."""
    bom = aiprov.loads("aibom: 1\nartifacts:\n  - {id: m, kind: model, properties: {b: !!binary aGVsbG8=}}\n")
    for fmt in ("spdx3-json", "spdx2-json", "cyclonedx-json"):
        with pytest.raises(InputError, match="bytes"):
            aiprov.dumps(bom, fmt)


# -- CycloneDX -----------------------------------------------------------------------------
def _cdx(**doc: object) -> str:
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, **doc})


NESTED = _cdx(
    services=[
        {
            "bom-ref": "gateway",
            "name": "gateway",
            "services": [
                {"bom-ref": "inner", "name": "inner", "data": [{"flow": "inbound", "classification": "PII"}]}
            ],
        }
    ]
)


@pytest.mark.parametrize("writer", [cdx.dumps_json, cdx.dumps_xml])
def test_nested_services_stay_nested_without_invented_dependencies(writer: object) -> None:
    """A service nested in another is written nested, with no dependency entry the document did not
    have, and reads back as the same `contains` relation."""
    bom = cdx.loads(NESTED)
    assert [(r.source, r.kind, r.target) for r in bom.relations] == [("gateway", "contains", "inner")]
    text = writer(bom)  # type: ignore[operator]
    doc = cdx.loads(text)
    assert doc == bom
    written = json.loads(cdx.dumps_json(bom))
    assert [s["bom-ref"] for s in written["services"]] == ["gateway"]
    assert [s["bom-ref"] for s in written["services"][0]["services"]] == ["inner"]
    assert "dependencies" not in written
    assert not any(
        p["name"].startswith("aiprov:relation") for p in written["services"][0].get("properties", [])
    )


def test_empty_and_nesting_dependency_entries_are_written_back() -> None:
    """`{"ref": x, "dependsOn": []}` (x depends on nothing, which differs from "unknown") and an entry
    that repeats a nesting are written back as read."""
    deps = [{"ref": "gateway", "dependsOn": ["inner"]}, {"ref": "inner", "dependsOn": []}]
    text = json.loads(NESTED)
    text["dependencies"] = deps
    written = json.loads(cdx.dumps_json(cdx.loads(json.dumps(text))))
    assert written["dependencies"] == deps
    assert validators.errors("cyclonedx-json", json.dumps(written)) == []


def test_carriage_returns_survive_xml() -> None:
    """`\\r\\n` in a value is written as a character reference, so XML's line-end normalization
    does not turn it into `\\n`; tabs and newlines in attributes survive too."""
    bom = AIBOM([Artifact(id="m", kind="model", name="a\tb", properties={"notes": "one\r\ntwo\rthree\n"})])
    text = cdx.dumps_xml(bom)
    assert "&#13;" in text
    assert cdx.loads(text) == bom
    assert validators.errors("cyclonedx-xml", text) == []


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x1f", "\ufffe"])
def test_characters_xml_cannot_hold_are_refused_with_their_place(char: str, tmp_path: Path) -> None:
    """A control character XML 1.0 cannot carry is an InputError naming the field (CLI: exit 2), never
    an unreadable file; the same graph still writes as CycloneDX JSON and reads back."""
    bom = AIBOM([Artifact(id="m", kind="model", properties={"notes": f"a{char}b"})])
    with pytest.raises(InputError, match=r"components\[0\]\.properties\[\d\]\.value holds the character U\+"):
        cdx.dumps_xml(bom)
    assert cdx.loads(cdx.dumps_json(bom)) == bom
    path = tmp_path / "aibom.json"
    path.write_text(aiprov.dumps(bom, "manifest-json"), encoding="utf-8")
    assert main(["convert", str(path), "--to", "cyclonedx-xml", "-o", str(tmp_path / "out.xml")]) == 2
    assert not (tmp_path / "out.xml").exists()


def test_model_card_images_and_service_data_flows_validate_in_xml() -> None:
    """Model-card graphics' images carry contentType/encoding as attributes, and service data flows
    their required `flow` attribute, as the 1.6 XSD wants; both read back the same."""
    component = {
        "type": "machine-learning-model",
        "bom-ref": "m",
        "name": "m",
        "modelCard": {
            "quantitativeAnalysis": {
                "graphics": {
                    "description": "charts",
                    "collection": [
                        {
                            "name": "loss",
                            "image": {
                                "contentType": "image/png",
                                "encoding": "base64",
                                "content": "iVBORw0KGgo=",
                            },
                        }
                    ],
                }
            }
        },
    }
    flows = [
        {"flow": "inbound", "classification": "PII", "name": "orders", "source": ["https://a.example/x"]},
        {"flow": "outbound", "classification": "public"},
    ]
    doc = _cdx(components=[component], services=[{"bom-ref": "s", "name": "s", "data": flows}])
    bom = cdx.loads(doc)
    xml = cdx.dumps_xml(bom)
    assert validators.errors("cyclonedx-xml", xml) == []
    assert '<image contentType="image/png" encoding="base64">' in xml or 'content-type="image/png"' in xml
    assert cdx.loads(xml) == bom
    assert validators.errors("cyclonedx-json", cdx.dumps_json(cdx.loads(xml))) == []


def test_list_valued_dataset_type_is_written() -> None:
    """An SPDX 3 `dataset_datasetType` list (the SPDX dataset example's) converts to CycloneDX."""
    bom = AIBOM([Artifact(id="d", kind="dataset", properties={"dataset_type": ["text", "image"]})])
    for text in (cdx.dumps_json(bom), cdx.dumps_xml(bom)):
        assert cdx.loads(text) == bom


# -- same graph, same bytes ----------------------------------------------------------------
def _shuffled(bom: AIBOM, seed: int) -> AIBOM:
    rng = random.Random(seed)
    arts, rels = list(bom), list(bom.relations)
    rng.shuffle(arts)
    rng.shuffle(rels)
    out = AIBOM(
        [
            Artifact(
                **{
                    **a.to_dict(),
                    "hashes": tuple(a.hashes),
                    "properties": dict(reversed(list(a.properties.items()))),
                }
            )
            for a in arts
        ],
        [Relation(source=r.source, kind=r.kind, target=r.target, properties=r.properties) for r in rels],
    )
    out.metadata.update(bom.metadata)
    return out


def _with_properties(bom: AIBOM) -> AIBOM:
    """Give each artifact a few properties, so that their order is tested too."""
    out = AIBOM(relations=())
    for a in bom:
        out.add(
            Artifact(
                **{
                    **a.to_dict(),
                    "hashes": tuple(a.hashes),
                    "properties": {"z": "1", "a": [1, 2], "m": {"k": "v"}},
                }
            )
        )
    for r in bom.relations:
        out.add_relation(r)
    return out


@settings(max_examples=25)
@given(graphs(max_artifacts=8), st.integers(0, 2**16))
def test_same_graph_same_cyclonedx_bytes(bom: AIBOM, seed: int) -> None:
    """The same graph built in any order gives the same CycloneDX bytes (JSON and XML); writing, reading
    and writing again gives them again, also through a manifest."""
    bom = _with_properties(bom)
    for fmt in ("cyclonedx-json", "cyclonedx-xml"):
        first = aiprov.dumps(bom, fmt)
        assert aiprov.dumps(_shuffled(bom, seed), fmt) == first
        assert aiprov.dumps(aiprov.loads(first), fmt) == first
        via_manifest = aiprov.loads(aiprov.dumps(aiprov.loads(first), "manifest"))
        assert aiprov.dumps(via_manifest, fmt) == first


@settings(max_examples=10)
@given(graphs(max_artifacts=8))
def test_every_format_through_a_manifest_gives_the_same_cyclonedx(bom: AIBOM) -> None:
    """For a graph read from any format, converting to CycloneDX directly or through a manifest gives
    the same bytes (the eight cases: manifest YAML and JSON, CycloneDX JSON and XML, SPDX 3, SPDX 2.3
    JSON and tag-value, MOT)."""
    bom = _with_properties(bom)
    bom.metadata["policy"] = {"use": {"commercial": True}}
    for fmt in (*GRAPH_FORMATS, "mot"):
        read = aiprov.loads(aiprov.dumps(bom, fmt))
        direct = aiprov.dumps(read, "cyclonedx-json")
        through = aiprov.dumps(aiprov.loads(aiprov.dumps(read, "manifest")), "cyclonedx-json")
        assert through == direct, fmt


@pytest.mark.slow
@settings(max_examples=300)
@given(graphs(max_artifacts=20), st.integers(0, 2**16))
def test_same_graph_same_cyclonedx_bytes_at_size(bom: AIBOM, seed: int) -> None:
    """The same law on larger graphs (slow)."""
    test_same_graph_same_cyclonedx_bytes.hypothesis.inner_test(bom, seed)  # type: ignore[attr-defined]
