"""`aiprov check --format sarif`: SARIF 2.1.0 that code scanning accepts, placed on the input's lines."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aiprov.analysis.checks import CODES
from aiprov.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*/aibom.yaml"))
SCHEMA = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"


@cache
def validator() -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def sarif_of(capsys: pytest.CaptureFixture[str], path: Path | str, *extra: str) -> dict[str, Any]:
    code = main(["check", str(path), "--format", "sarif", "--fail-on", "never", *extra])
    assert code == 0
    log: dict[str, Any] = json.loads(capsys.readouterr().out)
    return log


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_example_validates(capsys: pytest.CaptureFixture[str], example: Path) -> None:
    """The SARIF log of every shipped example is valid against the SARIF 2.1.0 JSON schema."""
    log = sarif_of(capsys, example)
    errors = sorted(validator().iter_errors(log), key=lambda e: list(e.path))
    assert not errors, errors[0].message
    assert log["runs"][0]["results"], "every shipped example has findings"


def test_fingerprints_are_stable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Two runs give the same fingerprints, and moving an artifact's lines keeps its alert."""
    example = ROOT / "examples" / "chat-product" / "aibom.yaml"
    first = sarif_of(capsys, example)["runs"][0]["results"]
    second = sarif_of(capsys, example)["runs"][0]["results"]
    prints = [r["partialFingerprints"] for r in first]
    assert prints == [r["partialFingerprints"] for r in second]
    assert len({p["aiprovFinding/v1"] for p in prints}) == len(prints), "one alert per finding"
    moved = tmp_path / "aibom.yaml"
    moved.write_text("# a comment that moves every line down\n\n" + example.read_text(encoding="utf-8"))
    third = sarif_of(capsys, moved)["runs"][0]["results"]
    assert sorted(p["aiprovFinding/v1"] for p in prints) == sorted(
        r["partialFingerprints"]["aiprovFinding/v1"] for r in third
    )


def test_results_point_at_the_artifact_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Each result is placed on the line of the manifest that declares its subject."""
    example = ROOT / "examples" / "chat-product" / "aibom.yaml"
    lines = example.read_text(encoding="utf-8").splitlines()
    run = sarif_of(capsys, example)["runs"][0]
    for result in run["results"]:
        location = result["locations"][0]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith("examples/chat-product/aibom.yaml")
        line = lines[physical["region"]["startLine"] - 1]
        subject = result["properties"]["subject"]
        assert f"id: {subject}" in line, (subject, line)
        assert location["logicalLocations"][0]["name"] == subject


def test_levels_rules_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    """Severity maps to SARIF levels; every rule has help text and a link to docs/findings.md."""
    run = sarif_of(capsys, ROOT / "examples" / "chat-product" / "aibom.yaml")["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= set(CODES)
    for rule in rules:
        assert rule["helpUri"].endswith(f"docs/findings.md#{rule['id']}")
        assert rule["help"]["text"]
    levels = {r["properties"]["subject"] + "/" + r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["acme-chat-8b/naming-requirement"] == "error"
    assert levels["acme-support-lora/output-restriction"] == "warning"
    assert "note" in levels.values()
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_cyclonedx_input_is_placed_on_its_bom_ref(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A finding about a CycloneDX component points at the line holding the component's bom-ref."""
    bom = tmp_path / "bom.json"
    assert (
        main(
            [
                "convert",
                str(ROOT / "examples" / "chat-product" / "aibom.yaml"),
                "--to",
                "cyclonedx-json",
                "-o",
                str(bom),
            ]
        )
        == 0
    )
    capsys.readouterr()
    text = bom.read_text(encoding="utf-8").splitlines()
    run = sarif_of(capsys, bom)["runs"][0]
    placed = 0
    for result in run["results"]:
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        if line > 1:
            placed += 1
            assert '"bom-ref"' in text[line - 1]
            assert json.dumps(result["properties"]["subject"]) in text[line - 1]
    assert placed == len(run["results"])


def test_hostile_ids_stay_data(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Ids with markup, control characters and quotes come out as JSON strings in a valid log."""
    manifest = tmp_path / "aibom.json"
    hostile = '<img src=x onerror=alert(1)>\x1b[2J"\n'
    manifest.write_text(
        json.dumps({"aibom": 1, "artifacts": [{"id": hostile, "kind": "model", "license": "CC-BY-NC-4.0"}]}),
        encoding="utf-8",
    )
    log = sarif_of(capsys, manifest, "--commercial")
    assert not list(validator().iter_errors(log))
    subjects = {r["properties"]["subject"] for r in log["runs"][0]["results"]}
    assert subjects == {hostile}
