"""Every output of every command, given one supply chain whose ids, names, suppliers, licenses,
sources and properties were written by an attacker: text cannot clear the screen or forge a line,
Markdown and HTML carry no markup from the input, XML stays well-formed, JSON keeps the values.

A hostile name reaches a reviewer through a CI log (text), a pull-request comment (Markdown), a
code-scanning alert (SARIF), a notice page (HTML) or another tool (CycloneDX, SPDX).
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import aiprov
from aiprov import AIBOM, Artifact, Policy, check
from aiprov.cli import main
from aiprov.exceptions import InputError
from aiprov.report import findings as render
from aiprov.report._escape import markdown, markdown_code, plain
from aiprov.report._html import esc

FORGED = "  ✖ error   fake-code  forged"
#: Each way in: terminal control, line forging, raw HTML, a javascript: link out of a Markdown
#: link, a table cell and a code fence broken out of, a bidi override, NUL and a noncharacter.
PIECES = (
    "\x1b[2J\x1b[H",
    "\r" + FORGED,
    "\n" + FORGED,
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "](javascript:alert(1))",
    "| x |",
    "`tick` ``` \n```\n",
    "\u202e",
    "\x00",
    "\ufffe",
)
EVIL = "".join(PIECES)
#: The same without the characters XML 1.0 cannot carry at all (NUL, ESC, U+FFFE): for XML outputs,
#: which refuse those (tested below), this is what they must carry faithfully.
EVIL_XML = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe]", "", EVIL)
JS = "javascript:alert(1)"


def hostile_bom(evil: str = EVIL) -> AIBOM:
    """Code and a restricted model trained on non-commercial, attribution and free-text-licensed data,
    shipped together: findings, obligations, credits and openness all quote the hostile values."""
    bom = AIBOM()
    props = {"k" + evil: "v" + evil, "copyright": "(c) " + evil, "description": "d" + evil}
    bom.add(Artifact(id="app" + evil, kind="code", name="App" + evil, license="MIT", properties=props))
    bom.add(
        Artifact(id="model" + evil, kind="model", name="M" + evil, license="llama3.1", supplier="S" + evil)
    )
    bom.add(Artifact(id="nc" + evil, kind="dataset", name="NC" + evil, license="CC-BY-NC-4.0", source=JS))
    bom.add(
        Artifact(
            id="odbl" + evil, kind="dataset", name="O" + evil, license="ODbL-1.0", supplier=evil, source=JS
        )
    )
    bom.add(Artifact(id="free" + evil, kind="dataset", license="LicenseRef-x" + evil, source=JS + evil))
    for data in ("nc", "odbl", "free"):
        bom.relate("model" + evil, "trained_on", data + evil)
    return bom


IDS = {a.id for a in hostile_bom()}


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    """The hostile BOM as a manifest (JSON keeps every character)."""
    path = tmp_path / "aibom.json"
    path.write_text(aiprov.dumps(hostile_bom(), "manifest-json"), encoding="utf-8")
    assert {a.id for a in aiprov.load(path)} == IDS
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: Any, ok: tuple[int, ...] = (0, 1)) -> str:
    assert main([str(a) for a in argv]) in ok
    return capsys.readouterr().out


# -- what safe means, per destination --------------------------------------------------------------

_OUR_COLOURS = re.compile(r"\x1b\[[0-9;]*m")
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufffe\uffff]")


def assert_terminal_safe(text: str) -> None:
    """No control character but line feed and tab (once our own colour codes are taken out), no
    bidi override, no line that the input made."""
    bad = _RAW.search(_OUR_COLOURS.sub("", text))
    assert bad is None, f"raw U+{ord(bad.group()):04X} in {text[max(0, bad.start() - 40) : bad.end() + 40]!r}"
    for line in text.splitlines():
        assert not line.lstrip(" -+*#|").startswith("✖ error   fake-code"), line


def assert_markdown_safe(text: str) -> None:
    """Terminal-safe; no raw HTML, no link, no code fence from the input; tables keep their shape;
    and, rendered by a CommonMark parser with tables, no element but the report's own."""
    assert_terminal_safe(text)
    # aiprov's own fenced blocks (a Mermaid graph) are code: rendered as text, checked below
    prose = re.sub(r"^```mermaid\n.*?^```$", "", text, flags=re.M | re.S)
    outside_code = re.sub(r"(?<![\\`])(`+)(?!`).*?(?<!`)\1(?!`)", "", prose)
    assert not re.search(r"(?<!\\)<(img|script)", outside_code)
    assert not re.search(r"(?<!\\)\]\(javascript:", outside_code)
    assert not any(line.startswith("```") for line in prose.splitlines())
    columns = None
    for line in prose.splitlines():
        if line.startswith("|"):
            cells = len(re.findall(r"(?<!\\)\|", line))
            columns = columns or cells
            assert cells == columns, line
        else:
            columns = None
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(text)
    assert_html_safe(html)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_html_safe(page: str) -> None:
    """No script or img from the input, no event handler of its, no javascript: URL in any attribute."""
    parser = _Elements()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert tag != "script" or not any("alert" in (v or "") for _, v in attrs), tag
        assert tag != "img" or all((v or "").startswith("data:") for k, v in attrs if k == "src"), attrs
        for name, value in attrs:
            assert not (name.startswith("on") and "alert" in (value or "")), (tag, name, value)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
    assert "<script>alert" not in page
    # no control character or bidi override left raw: an id cannot reorder the text around it
    bad = _RAW.search(page)
    assert bad is None, f"raw U+{ord(bad.group()):04X} in {page[max(0, bad.start() - 40) : bad.end() + 40]!r}"


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from strings(v)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# -- the escaping functions ------------------------------------------------------------------------


def test_plain_shows_every_control_and_bidi_character() -> None:
    assert (
        plain("a\x1b[2J\nb\rc\u202ed\x00\ufffe\u2028") == "a\\x1b[2J\\x0ab\\x0dc\\u202ed\\x00\\ufffe\\u2028"
    )
    assert plain("acme/llama-3.1-8b → data (MIT)\ttab") == "acme/llama-3.1-8b → data (MIT)\ttab"


def test_markdown_escapes_markup_but_leaves_ordinary_ids_alone() -> None:
    assert (
        markdown("meta-llama/Llama-3.1-8B_v2 (model, llama3.1)")
        == "meta-llama/Llama-3.1-8B_v2 (model, llama3.1)"
    )
    assert markdown("<img>](x)|`&") == "\\<img\\>\\](x)\\|\\`\\&"


@pytest.mark.parametrize("text", ["plain", "a`b", "``x``", "` lead", "a|b", "x\ny", ""])
def test_markdown_code_is_one_code_span(text: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    span = markdown_code(text)
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(f"| a |\n|---|\n| {span} |\n")
    if text:
        assert html.count("<code>") == 1
        assert plain(text) in html.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


# -- check, obligations, openness, notice, diff: through the command line ---------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "sarif", "html"])
def test_check(manifest: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    try:
        out = run(capsys, "check", manifest, "--format", fmt)
    except SystemExit:  # a format this build does not have yet (html comes with the HTML report)
        pytest.skip(f"check --format {fmt} is not available")
    if fmt == "text":
        assert_terminal_safe(out)
        assert plain("model" + EVIL) in out  # shown, escaped, not dropped
    elif fmt == "markdown":
        assert_markdown_safe(out)
    elif fmt == "html":
        assert_html_safe(out)
        assert "&lt;img src=x onerror=alert(1)&gt;" in out
    else:
        data = json.loads(out)
        assert "model" + EVIL in set(strings(data))  # the ids, exactly as written
        if fmt == "sarif":
            for result in data["runs"][0]["results"]:
                assert not re.search(r"(?<!\\)\]\(javascript:", result["message"]["text"])
                assert result["properties"]["subject"] in IDS


def test_check_text_in_colour_keeps_only_its_own_escapes() -> None:
    bom = hostile_bom()
    out = render.findings_text(check(bom, Policy().with_use(distribution="weights")), bom, color=True)
    assert "\x1b[1m" in out
    assert_terminal_safe(out)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_obligations(manifest: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    out = run(capsys, "obligations", manifest, "--distribution", "weights", "--format", fmt)
    if fmt == "json":
        assert "model" + EVIL in set(strings(json.loads(out)))
    elif fmt == "markdown":
        assert_markdown_safe(out)
    elif fmt == "html":
        assert_html_safe(out)
        assert "&lt;img src=x onerror=alert(1)&gt;" in out
        assert "credit-data" in out
    else:
        assert_terminal_safe(out)
        assert "credit-data" in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_openness(manifest: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    out = run(capsys, "openness", manifest, "--format", fmt)
    if fmt == "json":
        assert "M" + EVIL in set(strings(json.loads(out)))
    elif fmt == "markdown":
        assert_markdown_safe(out)
    elif fmt == "html":
        assert_html_safe(out)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    else:
        assert_terminal_safe(out)
        assert plain("M" + EVIL) in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_notice(manifest: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    out = run(capsys, "notice", manifest, "--distribution", "weights", "--format", fmt)
    if fmt == "json":
        data = json.loads(out)
        assert {c["name"] for c in data["credits"]} >= {"NC" + EVIL, "O" + EVIL}
    elif fmt == "markdown":
        assert_markdown_safe(out)
    elif fmt == "html":
        assert_html_safe(out)
        assert_terminal_safe(out)  # the page's text: no control character either
    else:
        assert_terminal_safe(out)
        assert plain("O" + EVIL) in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "sarif", "html"])
def test_diff(manifest: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"aibom": 1, "artifacts": [{"id": "app" + EVIL, "kind": "code"}]}), "utf-8")
    out = run(capsys, "diff", old, manifest, "--format", fmt, "--fail-on", "never")
    if fmt == "text":
        assert_terminal_safe(out)
    elif fmt == "markdown":
        assert_markdown_safe(out)
    elif fmt == "html":
        assert_html_safe(out)
        assert f"<code>{esc('model' + EVIL)}</code>" in out  # the added ids, escaped
        assert "properties.k" + esc(EVIL) in out  # a changed field's name too
    else:
        data = json.loads(out)
        assert "model" + EVIL in set(strings(data))
        if fmt == "json":
            assert {a["id"] for a in data["artifacts"]["added"]} == IDS - {"app" + EVIL}


def test_an_error_quoting_a_hostile_id_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A derivation cycle's error names every id on it: as one line, controls shown."""
    path = tmp_path / "cycle.json"
    artifacts = [{"id": "a" + EVIL, "kind": "model"}, {"id": "b" + EVIL, "kind": "model"}]
    relations = [
        {"from": "a" + EVIL, "type": "derived_from", "to": "b" + EVIL},
        {"from": "b" + EVIL, "type": "derived_from", "to": "a" + EVIL},
    ]
    path.write_text(json.dumps({"aibom": 1, "artifacts": artifacts, "relations": relations}), "utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aiprov: error: ") and err.count("\n") == 1
    assert_terminal_safe(err)


# -- documents for other tools ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["cyclonedx-json", "spdx2-json", "spdx3-json", "manifest"])
def test_data_formats_keep_every_value(fmt: str) -> None:
    """JSON (and YAML) carry any string: written and read back, every id and name is unchanged."""
    bom = hostile_bom()
    text = aiprov.dumps(bom, fmt)
    if fmt != "manifest":
        json.loads(text)
    back = aiprov.loads(text, fmt)
    assert {a.id for a in back} == IDS
    assert {a.name for a in back} == {a.name for a in bom}
    assert {a.supplier for a in back} == {a.supplier for a in bom}


def test_cyclonedx_xml_is_well_formed_and_keeps_what_xml_can_carry() -> None:
    bom = hostile_bom(EVIL_XML)
    text = aiprov.dumps(bom, "cyclonedx-xml")
    root = ET.fromstring(text.encode("utf-8"))
    assert "<script>" not in text
    refs = {el.get("bom-ref") for el in root.iter() if el.get("bom-ref") is not None}
    assert {a.id for a in bom} <= refs
    back = aiprov.loads(text, "cyclonedx-xml")
    assert {a.id for a in back} == {a.id for a in bom}
    assert {a.name for a in back} == {a.name for a in bom}


def test_cyclonedx_xml_refuses_what_xml_cannot_carry_naming_the_artifact() -> None:
    with pytest.raises(InputError, match=r"U\+001B.*CycloneDX JSON") as info:
        aiprov.dumps(hostile_bom(), "cyclonedx-xml")
    assert "(in artifact 'app\\x1b[2J" in str(info.value)


def test_spdx2_tag_value_forges_no_tag() -> None:
    """A line break in a name would start a tag of the attacker's choosing: the one-line fields
    are escaped (the exact value kept in aiprov's annotation, so aiprov reads it back unchanged)."""
    bom = hostile_bom(EVIL_XML)
    text = aiprov.dumps(bom, "spdx2-tv")
    in_text = False
    for line in text.split("\n"):  # outside <text> blocks, every line is a tag of aiprov's
        if not in_text and line and not line.startswith("#"):
            assert re.match(r"[A-Za-z][A-Za-z0-9-]*: ", line), line
            assert "<text>" in line or "\r" not in line, line  # a lone CR is a line break to many
        in_text = (in_text or "<text>" in line) and not line.endswith("</text>")
    back = aiprov.loads(text, "spdx2-tv")
    assert {a.id for a in back} == {a.id for a in bom}
    assert {a.name for a in back} == {a.name for a in bom}


@pytest.mark.parametrize(
    "value",
    [
        "one\rPackageLicenseConcluded: GPL-3.0-only",
        "x\n</text>\nPackageLicenseConcluded: GPL-3.0-only\nPackageSummary: <text>y",
    ],
)
def test_spdx2_tag_value_refuses_a_value_that_would_forge_a_tag(value: str) -> None:
    bom = AIBOM()
    bom.add(Artifact(id="m", kind="model", license="MIT", properties={"description": value}))
    with pytest.raises(InputError, match=r"artifact 'm': properties\.description .*spdx2-json"):
        aiprov.dumps(bom, "spdx2-tv")
    assert aiprov.loads(aiprov.dumps(bom, "spdx2-json"), "spdx2-json")["m"].properties["description"] == value


@pytest.mark.parametrize("fmt", ["cyclonedx-json", "spdx2-json", "spdx2-tv", "spdx3-json"])
def test_convert_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    path = tmp_path / "aibom.json"
    path.write_text(aiprov.dumps(hostile_bom(EVIL_XML), "manifest-json"), encoding="utf-8")
    out = run(capsys, "convert", path, "--to", fmt, ok=(0,))
    assert {a.id for a in aiprov.loads(out, fmt)} == {a.id for a in hostile_bom(EVIL_XML)}


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_verify_report_shows_signature_files_and_signers_escaped(fmt: str) -> None:
    """A signature file's name and its signer's identity come from the folder and the signature."""
    from aiprov.provenance.signatures import SignatureCheck
    from aiprov.provenance.verify import ArtifactSignature, FileCheck, VerifyReport
    from aiprov.report.provenance import RENDERERS

    check_ = SignatureCheck(
        folder="m", signature="model.sig" + EVIL, status="invalid", signer="ci@x" + EVIL, reason="bad" + EVIL
    )
    report = VerifyReport(
        findings=(),
        policy=Policy(),
        artifacts=1,
        relations=0,
        files=(FileCheck(subject="model" + EVIL, path="w" + EVIL, status="mismatch"),),
        signatures=(
            ArtifactSignature(subject="model" + EVIL, status="invalid", signer="ci@x" + EVIL, check=check_),
        ),
    )
    if fmt == "html":
        from aiprov.report.html import verify_page

        out = verify_page(report, None, source="aibom" + EVIL)
        assert_html_safe(out)
        assert esc("ci@x" + EVIL) in out and esc("model.sig" + EVIL) in out
        return
    out = RENDERERS[fmt](report, None, False)
    if fmt == "text":
        assert_terminal_safe(out)
        assert plain("ci@x" + EVIL) in out
    else:
        assert_markdown_safe(out)


@pytest.mark.skipif(sys.platform == "win32", reason="file names cannot hold control characters there")
def test_a_scanned_file_name_neither_forges_a_warning_nor_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file in a scanned folder names an artifact and the scan's warnings: a name with ESC and a
    line break is shown, escaped, on stderr and in the report."""
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "llama"}', encoding="utf-8")
    (folder / ("w\x1b[2J\n" + FORGED + ".safetensors")).write_bytes(b"\xff" * 20)  # a broken header
    assert main(["check", str(folder)]) == 1  # the weights declare no license
    captured = capsys.readouterr()
    assert "aiprov: warning: w\\x1b[2J\\x0a" in captured.err
    assert "\x1b" not in captured.err
    assert_terminal_safe(captured.out)
    assert plain("w\x1b[2J\n" + FORGED) in captured.out
