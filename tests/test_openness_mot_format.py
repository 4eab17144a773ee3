"""The Model Openness Tool's YAML: reading, writing back, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings

import aiprov
from aiprov.analysis.openness import annotate_components, openness
from aiprov.exceptions import ParseError
from aiprov.formats import detect, mot
from tests.strategies import graphs

DATA = Path(__file__).parent / "data" / "mot"
GOOD = sorted(p for p in DATA.glob("*.yml") if p.name != "malformed.yml")


@pytest.mark.parametrize("path", GOOD, ids=[p.name for p in GOOD])
def test_read_write_read_keeps_every_field(path: Path) -> None:
    """Writing a MOT file back gives the same data, and reading that gives the same graph."""
    text = path.read_text(encoding="utf-8")
    bom = mot.loads(text, str(path))
    written = mot.dumps(bom)
    assert yaml.safe_load(written) == yaml.safe_load(text)
    assert mot.loads(written) == bom


@pytest.mark.parametrize("path", GOOD, ids=[p.name for p in GOOD])
def test_mot_files_are_detected(path: Path) -> None:
    """aiprov.load recognises MOT YAML by its framework and release keys."""
    assert detect(path.read_text(encoding="utf-8")) == "mot"


def test_components_become_artifacts_with_component_property() -> None:
    """Each component is an artifact with property component and the license the MOT applies."""
    bom = aiprov.load(DATA / "class1-complete.yml")
    weights = next(a for a in bom if a.properties.get("component") == "Model parameters (Final)")
    assert weights.kind == "weights" and weights.license == "CDLA-Permissive-2.0"
    assert weights.properties["mot:license_path"] == "https://cdla.dev/permissive-2-0/"
    assert bom.metadata["mot"]["framework"]["version"] == "1.0"


def test_component_not_included_is_absent_but_written_back() -> None:
    """Legacy `Component not included` entries make no artifact, yet survive a round trip."""
    bom = aiprov.load(DATA / "amber-style-legacy.yml")
    assert not any(a.properties.get("component") == "Model metadata" for a in bom)
    assert "Component not included" in mot.dumps(bom)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("framework: [\n", "not valid YAML"),
        ("framework: {name: Other}\nrelease: {name: x}\n", "is not 'Model Openness Framework'"),
        ("framework: {name: Model Openness Framework}\n", "missing `release:`"),
        ("framework: {version: '1.0'}\nrelease: {components: []}\n", "is required"),
        ("framework: {version: '1.0'}\nrelease: {name: x, components: {a: 1}}\n", "expected a list"),
        (
            "framework: {version: '1.0'}\nrelease: {name: x, components: [{name: Datasets}, {name: Datasets}]}\n",
            "duplicate component",
        ),
        (
            "framework: {version: '1.0'}\nrelease: {name: x, license: {weights: {name: MIT}}}\n",
            "unknown global license type",
        ),
        ("framework: &a {version: '1.0'}\nrelease: {name: *a}\n", "aliases"),
        (
            "framework: {version: '1.0'}\nrelease: {name: x, components: [{name: Datasets, license: [MIT]}]}\n",
            "expected a string",
        ),
    ],
)
def test_malformed_files_raise_a_clear_parse_error(text: str, message: str) -> None:
    """Bad MOT input raises ParseError naming the problem and the place, never a YAML exception."""
    with pytest.raises(ParseError, match=message):
        mot.loads(text, "bad.yml")


def test_malformed_fixture_names_the_line() -> None:
    """A YAML syntax error names the file and line."""
    with pytest.raises(ParseError) as info:
        aiprov.load(DATA / "malformed.yml")
    assert "malformed.yml" in str(info.value) and "line" in str(info.value)


def test_manifest_release_can_be_written_as_mot_yaml() -> None:
    """A graph from another format, annotated with inferred components, writes as MOT YAML the MOT can read."""
    bom = aiprov.load(Path(__file__).parent / "data" / "openness" / "pythia.yaml")
    text = mot.dumps(annotate_components(bom))
    data = yaml.safe_load(text)
    assert data["framework"]["name"] == "Model Openness Framework"
    names = [c["name"] for c in data["release"]["components"]]
    assert "Training code" in names and "Model parameters (Final)" in names
    assert openness(mot.loads(text)).mof is not None


def test_evaluation_is_written_as_a_classification_block() -> None:
    """An openness report adds the MOT-shaped classification (class, label, progress)."""
    bom = aiprov.load(DATA / "paper-for-report.yml")
    text = mot.dumps(bom, evaluation=openness(bom).to_dict())
    block = yaml.safe_load(text)["classification"]
    assert block["class"] == 2 and block["progress"][1] == pytest.approx(76.92)


@settings(max_examples=15, deadline=None)
@given(graphs())
def test_any_graph_writes_mot_yaml_that_reads_back(bom: aiprov.AIBOM) -> None:
    """Any graph, annotated, writes MOT YAML that aiprov reads without error."""
    text = mot.dumps(annotate_components(bom))
    again = mot.loads(text)
    assert again.get("release") is not None
