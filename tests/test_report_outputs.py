"""The HTML pages of obligations, openness, diff and verify, and ``-o`` on every reporting command: a
file a reader can open or attach, whole, self-contained, with what they came for, and the same exit
code as on standard output."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

import aiprov
from aiprov.analysis import obligations, openness
from aiprov.cli import main
from aiprov.report._html import esc

from .test_report_html import EXAMPLES, ROOT, assert_self_contained, parse

CHAT = ROOT / "examples/chat-product/aibom.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().out


def page_at(path: Path) -> str:
    """The page written to ``path``: whole, self-contained, no http(s) URL anywhere in an attribute."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert_self_contained(parse(text))
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*https?:""", text)
    return text


def section(text: str, anchor: str) -> str:
    """The HTML of one section of a page."""
    match = re.search(rf'<section id="{anchor}".*?</section>', text, re.S)
    assert match is not None, anchor
    return match.group()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_obligations_page_lists_every_obligation_with_its_clause(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each obligation's text, license and clause is on the page, beside the lineage graph."""
    out = tmp_path / "obligations.html"
    code, stdout = run(
        capsys, "obligations", example, "--distribution", "weights", "--format", "html", "-o", out
    )
    assert code == 0 and stdout == ""
    text = page_at(out)
    assert "<svg" in section(text, "graph")
    bom = aiprov.load(example)
    report = obligations(bom, aiprov.Policy.of(bom, str(example)).with_use(distribution="weights"))
    listed = section(text, "obligations")
    for ob in report.obligations:
        assert esc(ob.text) in listed
        if ob.clause:
            assert f'<span class="clause">§{esc(ob.clause)}</span>' in listed
    assert "distribution: weights" in text


def test_obligations_page_for_chat_product_has_the_llama_duties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o.html"
    assert run(capsys, "obligations", CHAT, "--format", "html", "-o", out)[0] == 0
    text = page_at(out)
    assert "begin the model name with &quot;Llama&quot;" in text
    assert "§1.b.i; 5.a" in text
    assert (
        out.read_bytes() == (run(capsys, "obligations", CHAT, "--format", "html")[1]).encode()
    )  # same bytes


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_obligations_output_file_holds_what_stdout_would(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"o.{fmt}"
    code, stdout = run(capsys, "obligations", CHAT, "--format", fmt, "-o", out)
    assert code == 0 and stdout == ""
    assert out.read_text(encoding="utf-8") == run(capsys, "obligations", CHAT, "--format", fmt)[1]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_openness_page_gives_the_osaid_status_and_mof_class(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The OSAID status (in a badge and in words), every requirement, the MOF class and components."""
    out = tmp_path / "openness.html"
    code, stdout = run(capsys, "openness", example, "--format", "html", "-o", out)
    assert code == 0 and stdout == ""
    text = page_at(out)
    report = openness(aiprov.load(example))
    assert report.osaid is not None and report.mof is not None
    osaid = section(text, "osaid")
    assert f">{esc(report.osaid.status)}</span>" in osaid
    for requirement in report.osaid.requirements:
        assert esc(requirement.title) in osaid
    badges = re.search(r'<p class="badges">(.*?)</p>', text, re.S)
    assert badges is not None
    assert f"OSAID {report.osaid.version}: {report.osaid.status}" in badges.group(1)
    mof = section(text, "mof")
    assert esc(report.mof.label) in mof
    assert all(esc(c.name) in mof for c in report.mof.components)


def test_openness_framework_choice_leaves_the_other_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o.html"
    assert run(capsys, "openness", CHAT, "--framework", "osaid", "--format", "html", "-o", out)[0] == 0
    text = page_at(out)
    assert 'id="osaid"' in text and 'id="mof"' not in text


@pytest.fixture
def changed(tmp_path: Path) -> Path:
    """chat-product with support-mix relicensed from CC-BY-4.0 to CC-BY-NC-4.0 (used commercially)."""
    text = CHAT.read_text(encoding="utf-8")
    before = "    license: CC-BY-4.0\n    source: s3://acme-data/support-mix/"
    assert text.count(before) == 1
    path = tmp_path / "aibom.yaml"
    path.write_text(text.replace(before, before.replace("CC-BY-4.0", "CC-BY-NC-4.0")), encoding="utf-8")
    return path


def test_diff_page_shows_the_license_change_and_the_new_error(
    changed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """old → new for the license, the noncommercial-use error among the new findings in the error
    colour, and exit 1 for it even when the page goes to a file."""
    out = tmp_path / "diff.html"
    code, stdout = run(capsys, "diff", CHAT, changed, "--format", "html", "-o", out)
    assert code == 1 and stdout == ""
    text = page_at(out)
    artifacts = section(text, "changes")
    assert "<code>support-mix</code>" in artifacts
    assert (
        "<del><code>CC-BY-4.0</code></del>" in artifacts
        and "<ins><code>CC-BY-NC-4.0</code></ins>" in artifacts
    )
    new = section(text, "new")
    row = re.search(
        r'<tr class="finding row-error" data-sev="error" data-code="noncommercial-use">.*?</tr>', new
    )
    assert row is not None and "support-mix" in row.group() and "sev-error" in row.group()
    assert run(capsys, "diff", CHAT, changed, "--format", "html", "--fail-on", "never", "-o", out)[0] == 0


def test_diff_page_of_identical_boms_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "d.html"
    assert run(capsys, "diff", CHAT, CHAT, "--format", "html", "-o", out)[0] == 0
    text = page_at(out)
    assert "No differences." in text and "No new finding." in text


def test_verify_page_shows_the_changed_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A weights file changed since the BOM was written: the page lists it as a mismatch with the
    recorded and the found digest, and verify still exits 1 with -o."""
    pytest.importorskip("cryptography")
    from .provenance_fixtures import WEIGHTS, flip_byte, manifest, model_folder

    folder = model_folder(tmp_path)
    path = manifest(tmp_path)
    flip_byte(folder / "model.safetensors")
    out = tmp_path / "verify.html"
    code, stdout = run(capsys, "verify", path, "--format", "html", "-o", out)
    assert code == 1 and stdout == ""
    text = page_at(out)
    assert "<h1>Verification of aibom.json</h1>" in text
    assert 'data-code="hash-mismatch"' in section(text, "findings")
    files = section(text, "files")
    row = re.search(r"<tr><th scope=\"row\"><code>acme-7b/model.safetensors</code>.*?</tr>", files)
    assert row is not None and ">mismatch<" in row.group()
    recorded, found = WEIGHTS, (folder / "model.safetensors").read_bytes()
    assert f"sha256:{hashlib.sha256(recorded).hexdigest()}" in row.group()  # in full, in the tooltip
    assert f"sha256:{hashlib.sha256(found).hexdigest()}" in row.group()
    assert ">match<" in files


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_openness_output_file_holds_what_stdout_would(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"o.{fmt}"
    assert run(capsys, "openness", CHAT, "--format", fmt, "-o", out) == (0, "")
    assert out.read_text(encoding="utf-8") == run(capsys, "openness", CHAT, "--format", fmt)[1]
