"""`aiprov notice`: the attribution document a distributor ships, from the terms that reach it."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aiprov import load, obligations
from aiprov.analysis.policy import Policy
from aiprov.cli import main
from aiprov.report.notice import build_notice, notice_text

ROOT = Path(__file__).resolve().parents[1]
CHAT = ROOT / "examples" / "chat-product" / "aibom.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main([str(a) for a in argv]) == 0
    return capsys.readouterr().out


def test_chat_product_notice(capsys: pytest.CaptureFixture[str]) -> None:
    """Llama 3.1 §1.b.i: "prominently display 'Built with Llama'" and "provide a copy of this
    Agreement"; CC BY 4.0 §3(a)(1): identify the creator and link the licence — with the dataset's name."""
    text = run(capsys, "notice", CHAT)
    assert '"Built with Llama"' in text
    assert "Llama 3.1 Community License Agreement (LicenseRef-scancode-llama-3.1-license-2024)" in text
    assert "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE" in text
    assert "Llama 3.1 Acceptable Use Policy (https://llama.meta.com/llama3_1/use-policy)" in text
    credit = next(line for line in text.splitlines() if line.startswith("* customer-dialogs"))
    assert "by University Lab" in credit
    assert "https://example.org/datasets/customer-dialogs" in credit
    assert "Creative Commons Attribution-NonCommercial 4.0" in credit
    assert "support-mix by Acme" in text
    assert "§1.b.i; 1.b.iii" in text, "every duty names its clause"


def test_notice_json_names_the_shipped_product(capsys: pytest.CaptureFixture[str]) -> None:
    """By default the shipped artifacts are those nothing else depends on; --artifact chooses."""
    data = json.loads(run(capsys, "notice", CHAT, "--format", "json"))
    assert data["shipped"] == ["acme-support-lora"]
    assert {c["dataset"] for c in data["credits"]} == {"customer-dialogs-nc", "support-mix"}
    base = json.loads(run(capsys, "notice", CHAT, "--format", "json", "--artifact", "llama-3.1-8b-instruct"))
    assert base["shipped"] == ["llama-3.1-8b-instruct"]
    assert base["credits"] == [], "the base model was not trained on Acme's data"
    assert main(["notice", str(CHAT), "--artifact", "no-such-id"]) == 2


def test_database_name_placeholder_is_filled(tmp_path: Path) -> None:
    """ODbL 1.0 §4.3's example notice names the database: DATABASE NAME is replaced by its name."""
    manifest = tmp_path / "aibom.yaml"
    manifest.write_text(
        "aibom: 1\nartifacts:\n"
        "  - {id: osm, kind: dataset, name: OpenStreetMap extract, license: ODbL-1.0}\n"
        "  - {id: m, kind: model, name: geo-model, license: Apache-2.0}\n"
        "relations:\n  - {from: m, type: trained_on, to: osm}\n",
        encoding="utf-8",
    )
    bom = load(manifest)
    policy = Policy().with_use(distribution="weights")
    text = notice_text(build_notice(bom, obligations(bom, policy)))
    assert "DATABASE NAME" not in text
    assert "OpenStreetMap extract" in text


def test_hostile_names_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Names from the input cannot forge lines in text nor inject markup in HTML."""
    manifest = tmp_path / "aibom.json"
    evil = "evil\x1b[2J\n* forged line <script>alert(1)</script>"
    manifest.write_text(
        json.dumps(
            {
                "aibom": 1,
                "artifacts": [
                    {"id": "d", "kind": "dataset", "name": evil, "license": "CC-BY-4.0", "supplier": evil},
                    {"id": "m", "kind": "model", "license": "Apache-2.0"},
                ],
                "relations": [{"from": "m", "type": "trained_on", "to": "d"}],
            }
        ),
        encoding="utf-8",
    )
    text = run(capsys, "notice", manifest)
    assert "\x1b" not in text
    assert not any(line.startswith("* forged line") for line in text.splitlines())
    page = run(capsys, "notice", manifest, "--format", "html")
    assert "<script>" not in page

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

    parser = Tags()
    parser.feed(page)
    assert "script" not in parser.tags
    markdown = run(capsys, "notice", manifest, "--format", "markdown")
    assert "<script>" not in markdown


def test_notice_written_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-o writes the file and prints nothing."""
    out = tmp_path / "NOTICE.md"
    assert run(capsys, "notice", CHAT, "--format", "markdown", "-o", out) == ""
    assert out.read_text(encoding="utf-8").startswith("# Notices: acme-support-chat")
