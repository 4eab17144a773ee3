"""`aiprov diff OLD NEW`: what changed between two BOMs and which findings it brought or removed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiprov import load
from aiprov.cli import main
from aiprov.report.diff import diff

ROOT = Path(__file__).resolve().parents[1]
CHAT = ROOT / "examples" / "chat-product" / "aibom.yaml"


def relicensed(tmp_path: Path) -> Path:
    """The chat-product example with one license changed: synthetic-tickets CC-BY-4.0 -> CC-BY-NC-4.0."""
    text = CHAT.read_text(encoding="utf-8")
    before = "    name: synthetic-tickets\n    supplier: Acme\n    license: CC-BY-4.0\n"
    assert before in text
    path = tmp_path / "aibom.yaml"
    path.write_text(text.replace(before, before.replace("CC-BY-4.0", "CC-BY-NC-4.0")), encoding="utf-8")
    return path


def test_one_license_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The diff reports exactly that change, and the non-commercial error it causes (exit 1)."""
    new = relicensed(tmp_path)
    code = main(["diff", str(CHAT), str(new), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["artifacts"] == {
        "added": [],
        "removed": [],
        "changed": [
            {
                "id": "synthetic-tickets",
                "kind": "dataset",
                "changes": [{"field": "license", "old": "CC-BY-4.0", "new": "CC-BY-NC-4.0"}],
            }
        ],
    }
    assert data["relations"] == {"added": [], "removed": []}
    new_codes = {(f["code"], f["subject"], f["severity"]) for f in data["findings"]["new"]}
    assert ("noncommercial-use", "synthetic-tickets", "error") in new_codes
    assert all(f["license"] == "CC-BY-NC-4.0" for f in data["findings"]["new"])
    assert all(f["license"] == "CC-BY-4.0" for f in data["findings"]["gone"])


def test_same_bom_in_two_formats_has_no_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A manifest and the CycloneDX it converts to are the same supply chain: exit 0, nothing listed."""
    bom = tmp_path / "bom.cdx.json"
    assert main(["convert", str(CHAT), "--to", "cyclonedx-json", "-o", str(bom)]) == 0
    capsys.readouterr()
    result = diff(load(CHAT), load(bom))
    assert result.added == result.removed == ()
    assert not result.relations_added and not result.relations_removed
    assert not result.findings_new and not result.findings_gone
    assert main(["diff", str(CHAT), str(CHAT)]) == 0
    assert "no differences" in capsys.readouterr().out


def test_fail_on_threshold_and_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--fail-on never exits 0; markdown names the change; SARIF carries only the new findings."""
    new = relicensed(tmp_path)
    assert main(["diff", str(CHAT), str(new), "--fail-on", "never", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "| ✏️ | `synthetic-tickets` | license: CC-BY-4.0 → CC-BY-NC-4.0 |" in markdown
    assert main(["diff", str(CHAT), str(new), "--fail-on", "never", "--format", "sarif"]) == 0
    log = json.loads(capsys.readouterr().out)
    results = log["runs"][0]["results"]
    assert results and all(r["properties"]["license"] == "CC-BY-NC-4.0" for r in results)


def test_removing_an_artifact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An artifact and its relations removed are listed as removed; findings about it are gone."""
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(
        "aibom: 1\nartifacts:\n  - {id: m, kind: model, license: Apache-2.0}\n"
        "  - {id: d, kind: dataset, license: CC-BY-NC-4.0}\nrelations:\n  - {from: m, type: trained_on, to: d}\n",
        encoding="utf-8",
    )
    new.write_text("aibom: 1\nartifacts:\n  - {id: m, kind: model, license: Apache-2.0}\n", encoding="utf-8")
    assert main(["diff", str(old), str(new), "--format", "json", "--commercial"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [a["id"] for a in data["artifacts"]["removed"]] == ["d"]
    assert data["relations"]["removed"] == [{"from": "m", "type": "trained_on", "to": "d"}]
    assert "noncommercial-use" in {f["code"] for f in data["findings"]["gone"]}
    assert data["findings"]["new"] == []


def test_hostile_ids_do_not_forge_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An id with newlines or terminal escapes prints as visible escapes, one line per change."""
    old = tmp_path / "old.json"
    new = tmp_path / "new.json"
    evil = "m\n+ artifact forged\x1b[2J"
    old.write_text(json.dumps({"aibom": 1, "artifacts": []}), encoding="utf-8")
    new.write_text(
        json.dumps({"aibom": 1, "artifacts": [{"id": evil, "kind": "model", "license": "MIT"}]}),
        encoding="utf-8",
    )
    main(["diff", str(old), str(new), "--fail-on", "never"])
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "+ artifact forged" not in out.splitlines()
