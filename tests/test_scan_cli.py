"""The aiprov scan command, and check / obligations / openness on a folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import aiprov
from aiprov.cli import main

from .hf_fixtures import ADAPTER, build_cache, card, safetensors_bytes


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hfcli")
    build_cache(base / "cache", base)
    return base / "cache"


def test_scan_writes_a_yaml_manifest(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """aiprov scan PATH prints an aibom manifest (YAML) that aiprov reads back."""
    assert main(["scan", str(cache)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("aibom: 1\n")
    bom = aiprov.loads(out)
    assert bom[f"hf:{ADAPTER}"].license == "apache-2.0"


def test_scan_hf_cache_flag_and_format(cache: Path, tmp_path: Path) -> None:
    """--hf-cache DIR --to cyclonedx-json -o FILE writes a CycloneDX document."""
    out = tmp_path / "bom.json"
    assert main(["scan", "--hf-cache", str(cache), "--to", "cyclonedx-json", "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["bomFormat"] == "CycloneDX"
    purls = {c.get("purl") for c in doc["components"]}
    assert any(p and p.startswith(f"pkg:huggingface/{ADAPTER}@") for p in purls)


def test_hf_cache_default_is_huggingface_hubs(
    cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--hf-cache without DIR scans the cache huggingface_hub resolves (HF_HUB_CACHE / HF_HOME)."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    assert main(["scan", "--hf-cache", "--no-hash"]) == 0
    bom = aiprov.loads(capsys.readouterr().out)
    assert f"hf:{ADAPTER}" in bom
    assert not bom[f"hf:{ADAPTER}/adapter_model.safetensors"].hashes


def test_check_on_a_folder_scans_then_judges(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """aiprov check DIR: scanned, judged, same exit codes (1: errors found)."""
    assert main(["check", str(cache), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    codes = {(f["subject"], f["code"]) for f in report["findings"]}
    assert (f"hf:{ADAPTER}", "relicense-conflict") in codes
    assert (f"hf:{ADAPTER}", "naming-requirement") in codes


def test_obligations_and_openness_on_a_folder(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """obligations and openness accept a folder too."""
    assert main(["obligations", str(cache)]) == 0
    assert "Llama" in capsys.readouterr().out
    assert main(["openness", str(cache), "--format", "json"]) == 0
    json.loads(capsys.readouterr().out)


def test_scan_warnings_go_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Warnings are printed on stderr, one line each; the manifest on stdout stays clean."""
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: [unclosed\n---\n")
    (folder / "model.safetensors").write_bytes(safetensors_bytes())
    assert main(["scan", str(folder)]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("aiprov: warning: README.md: line ")
    assert aiprov.loads(captured.out)["file:m"].properties["scan_warnings"]


def test_nothing_to_scan_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """aiprov scan with no PATH, --hf-cache or --python is a usage error."""
    assert main(["scan"]) == 2
    assert "nothing to scan" in capsys.readouterr().err


def test_no_progress_bar_when_not_a_terminal(tmp_path: Path) -> None:
    """Output to a pipe: no progress bar, no escape codes on stderr."""
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text(card({"license": "mit"}))
    (folder / "model.safetensors").write_bytes(safetensors_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "aiprov", "scan", str(folder)], capture_output=True, text=True, check=True
    )
    assert done.stderr == ""
    assert "\x1b" not in done.stdout


def test_import_and_cli_start_stay_light() -> None:
    """import aiprov and aiprov --help import none of huggingface_hub, numpy, safetensors, gguf, askalono, rich."""
    code = (
        "import sys, aiprov\n"
        "from aiprov.cli import build_parser\n"
        "build_parser()\n"
        "heavy = {'huggingface_hub', 'numpy', 'safetensors', 'gguf', 'askalono', 'rich'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_scanned_graph_writes_valid_cyclonedx_and_reads_back_the_same(cache: Path) -> None:
    """A scan's graph (card data, headers, warnings as properties) is schema-valid CycloneDX, read back unchanged."""
    from aiprov.formats import cyclonedx as cdx

    from .test_cyclonedx import assert_valid_json, assert_valid_xml, same_graph

    bom = aiprov.scan(cache)
    text = cdx.dumps_json(bom, "1.6")
    assert_valid_json(text, "1.6")
    assert_valid_xml(cdx.dumps_xml(bom, "1.6"), "1.6")
    same_graph(bom, aiprov.loads(text))
