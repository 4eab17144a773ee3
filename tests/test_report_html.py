"""The HTML report page and the notebook representations, as a reader (and an attacker) sees them."""

from __future__ import annotations

import base64
import hashlib
import json
import pickle
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import aiprov
from aiprov.analysis import Policy, check, obligations, openness
from aiprov.analysis.checks import Finding, Report
from aiprov.cli import main
from aiprov.graph import AIBOM, Artifact
from aiprov.report.html import report_page

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(ROOT.glob("examples/*/aibom.yaml"))
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Collects tags, attributes and text, and checks that every element it opens is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    assert page.errors == [], page.errors[:5]
    assert page.stack == [], page.stack
    return page


def links(page: Page) -> list[str]:
    return [
        value
        for _, attrs in page.tags
        for name, value in attrs.items()
        if name in ("src", "href", "xlink:href", "action", "formaction", "poster", "data")
        and value is not None
    ]


def assert_self_contained(page: Page) -> None:
    for value in links(page):
        assert value.startswith(("#", "data:")), value
    for tag, attrs in page.tags:
        assert tag not in ("img", "iframe", "object", "embed", "link", "base"), tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        if tag == "script":
            assert "src" not in attrs


def full_page(bom: AIBOM) -> tuple[str, Report]:
    report = check(bom)
    page = report_page(bom, report, obligations=obligations(bom, report.policy), openness=openness(bom))
    return page, report


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_example_page_is_whole_and_self_contained(example: Path) -> None:
    """The page parses with every tag closed, fetches nothing, draws the graph, lists every artifact
    and offers the filters."""
    bom = aiprov.load(example)
    text, report = full_page(bom)
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    page = parse(text)
    assert_self_contained(page)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*https?:""", text)
    assert "<svg" in text
    for artifact in bom:
        assert f"<code>{aiprov.report._html.esc(artifact.id)}</code>" in text
    if report.findings:
        assert 'id="filters"' in text
        boxes = [a for t, a in page.tags if t == "input" and a.get("name") == "sev"]
        assert {a["value"] for a in boxes} == {"error", "warning", "info"}
        assert all("checked" in a for a in boxes)  # everything shown until the reader filters
        codes = {a["value"] for t, a in page.tags if t == "option"} - {""}
        assert codes == {f.code for f in report.findings}
    assert text == full_page(aiprov.load(example))[0]  # deterministic


def test_page_script_is_the_only_one_and_allowed_by_its_hash() -> None:
    """The Content-Security-Policy lets the page's own filter script run and nothing else."""
    text, _ = full_page(aiprov.load(ROOT / "examples/chat-product/aibom.yaml"))
    page = parse(text)
    assert len(page.scripts) == 1
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode()).digest()).decode()
    csp = next(
        a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp


def test_without_scripts_every_finding_is_shown() -> None:
    """With JavaScript off the filters stay hidden and no finding row is hidden; groups with errors
    are open."""
    text, report = full_page(aiprov.load(ROOT / "examples/chat-product/aibom.yaml"))
    page = parse(text)
    form = next(a for t, a in page.tags if t == "form")
    assert "hidden" in form
    rows = [a for t, a in page.tags if t == "tr" and "finding" in (a.get("class") or "").split()]
    assert len(rows) == len(report.findings)
    assert not any("hidden" in a for a in rows)
    groups = [a for t, a in page.tags if t == "details" and "group" in (a.get("class") or "")]
    error_subjects = {f.subject for f in report.findings if f.severity == "error"}
    assert {a.get("data-subject") for a in groups if "open" in a} >= error_subjects


HOSTILE_ID = "<img src=x onerror=alert(1)>"
HOSTILE_NAME = "\"'><script>alert(1)</script>"


def hostile_bom() -> AIBOM:
    bom = AIBOM(metadata={"manifest": {"name": HOSTILE_NAME}})
    bom.add(Artifact(id="base", kind="model", license="llama3.1", name=HOSTILE_NAME))
    bom.add(
        Artifact(
            id=HOSTILE_ID,
            kind="model",
            license=HOSTILE_ID,
            name=HOSTILE_NAME,
            version=HOSTILE_NAME,
            supplier=HOSTILE_ID,
            source="javascript:alert(1)",
            hashes=(("sha256", HOSTILE_NAME),),
        )
    )
    bom.add(
        Artifact(
            id="javascript:alert(1)", kind="dataset", license="CC-BY-NC-4.0", source="javascript:alert(1)"
        )
    )
    bom.relate(HOSTILE_ID, "fine_tuned_from", "base")
    bom.relate(HOSTILE_ID, "trained_on", "javascript:alert(1)")
    return bom


def test_hostile_input_never_becomes_markup() -> None:
    """Ids, names, licenses and sources written as markup or script URLs stay text, in the page and
    in every notebook representation."""
    bom = hostile_bom()
    text, report = full_page(bom)
    assert report.findings  # the hostile artifact is judged, so its id is in messages and paths
    outputs = [
        text,
        bom._repr_html_(),
        report._repr_html_(),
        obligations(bom, report.policy)._repr_html_(),
        openness(bom)._repr_html_(),
        *(f._repr_html_() for f in report.findings if f.subject == HOSTILE_ID),
    ]
    for out in outputs:
        page = parse(out)
        assert_self_contained(page)
        assert "<img" not in out
        assert out.count("<script") == (1 if out is text else 0)
        assert not [v for v in links(page) if "javascript" in v.lower()]
        assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "&quot;&#x27;&gt;&lt;script&gt;" in text


def test_finding_repr_shows_what_a_reader_needs() -> None:
    """A finding in a notebook: code, severity in words, message, remedy, the path as a chain and
    the clause."""
    bom = aiprov.load(ROOT / "examples/chat-product/aibom.yaml")
    finding = next(f for f in check(bom).findings if f.code == "noncommercial-use" and len(f.path) > 2)
    out = finding._repr_html_()
    parse(out)
    assert f"<code>{finding.code}</code>" in out
    assert f'<span class="sev sev-{finding.severity}">' in out and f" {finding.severity}</span>" in out
    text = "".join(parse(out).text)
    assert " → ".join(finding.path) in re.sub(r"\s*→\s*", " → ", text)
    assert finding.clause and f"§{finding.clause}" in out
    assert finding.remedy and finding.remedy.split()[0] in out
    assert finding.certainty in out


def test_report_repr_shows_counts_policy_and_graph() -> None:
    """A report in a notebook: the counts, the use it was judged for, the lineage graph (from
    ``report.bom``) and the findings grouped by artifact."""
    bom = aiprov.load(ROOT / "examples/chat-product/aibom.yaml")
    report = check(bom)
    out = report._repr_html_()
    parse(out)
    s = report.summary()
    assert f'<span class="n">{s["errors"]}</span> <span class="k">Errors</span>' in out
    assert f'<span class="n">{s["warnings"]}</span> <span class="k">Warnings</span>' in out
    assert "<svg" in out
    assert "commercial" in out and report.policy.use.distribution in out
    assert out.count("<details") >= len({f.subject for f in report.findings})
    assert '<div class="aiprov"><style>.aiprov{' in out  # styles scoped under the wrapper


def large_report(groups: int, per: int) -> Report:
    findings = tuple(
        Finding(
            code="noncommercial-use",
            severity=("error", "warning", "info")[i % 3],
            subject=f"artifact-{g:05d}",
            message=f"finding {i} of artifact {g}",
            path=(f"artifact-{g:05d}", "origin"),
            license="CC-BY-NC-4.0",
            clause="1(i)",
        )
        for g in range(groups)
        for i in range(per)
    )
    return Report(findings=findings, policy=Policy(), artifacts=groups, relations=0)


@pytest.mark.parametrize(("groups", "per"), [(100, 50), (1, 5000), (5000, 1)])
def test_large_report_repr_is_bounded_and_says_what_it_hides(groups: int, per: int) -> None:
    """5,000 findings render at most 500 rows (50 for one artifact); the rest are counted."""
    out = large_report(groups, per)._repr_html_()
    parse(out)
    rows = out.count('<tr class="finding ')
    assert rows <= 500
    assert len(out) < 500_000
    assert f"Showing {rows:,} of 5,000 findings; {5000 - rows:,} hidden" in out
    if per > 50:
        assert f"… and {per - 50:,} more findings for this artifact not shown" in out


def test_obligations_openness_terms_and_verdict_reprs() -> None:
    """Each value a notebook shows: obligations with action, license and clause; the OSAID verdict
    and MOF class; a license's terms by kind with clauses; a compatibility verdict in words."""
    bom = aiprov.load(ROOT / "examples/chat-product/aibom.yaml")
    obs = obligations(bom)
    out = obs._repr_html_()
    parse(out)
    first = obs.obligations[0]
    assert first.action in out and aiprov.report._html.esc(first.text) in out
    assert first.clause and f"§{first.clause}" in out

    report = openness(bom)
    out = report._repr_html_()
    parse(out)
    assert report.osaid is not None and report.mof is not None
    assert report.osaid.status in out and report.mof.label in out
    assert all(aiprov.report._html.esc(r.title) in out for r in report.osaid.requirements)

    terms = aiprov.license_terms("llama3.1")
    out = terms._repr_html_()
    parse(out)
    for heading in ("Permissions", "Conditions", "Limitations"):
        assert f"<h3>{heading}</h3>" in out
    naming = terms.clause("naming")
    assert naming is not None and f"§{naming.clause}" in out
    assert "Llama" in out

    for outbound, inbound, word, text in (
        ("GPL-3.0-only", "MIT", "yes", "compatible"),
        ("MIT", "GPL-3.0-only", "no", "not compatible"),
    ):
        verdict = aiprov.is_compatible(outbound, inbound)
        out = verdict._repr_html_()
        parse(out)
        assert f'<span class="sev {word}">{text}</span>' in out
        assert aiprov.report._html.esc(verdict.reason) in out


def test_aibom_repr_lists_artifacts_and_draws_the_graph() -> None:
    bom = aiprov.load(ROOT / "examples/chat-product/aibom.yaml")
    out = bom._repr_html_()
    parse(out)
    assert "<svg" in out
    assert all(f"<code>{a.id}</code>" in out for a in bom)
    assert "acme-support-chat" in out  # the manifest's name


def test_report_keeps_its_bom_outside_its_value() -> None:
    """``check`` keeps the graph on the report for drawing; equality, to_dict, repr and pickling are
    those of the findings alone."""
    bom = aiprov.load(ROOT / "examples/sd-finetune/aibom.yaml")
    report = check(bom)
    assert report.bom is bom
    bare = Report(
        findings=report.findings,
        policy=report.policy,
        artifacts=report.artifacts,
        relations=report.relations,
        waived=report.waived,
    )
    assert bare == report and bare.to_dict() == report.to_dict() and repr(bare) == repr(report)
    assert "bom" not in report.to_dict()
    back = pickle.loads(pickle.dumps(report))
    assert back == report and back.bom is None
    out = back._repr_html_()  # without its graph, a report still shows its counts and findings
    parse(out)
    assert "<svg" not in out and '<span class="k">Errors</span>' in out and "relicense-conflict" in out


def test_import_aiprov_does_not_load_html_rendering() -> None:
    """Start-up stays light: the HTML builders load on the first representation, not at import."""
    code = (
        "import sys, aiprov; b = aiprov.load(sys.argv[1]); r = aiprov.check(b); "
        "print(sorted(m for m in sys.modules if m.startswith('aiprov.report._html')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "examples/chat-product/aibom.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_cli_check_html_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``aiprov check --format html -o FILE`` writes the page, prints nothing, and keeps the exit code."""
    target = tmp_path / "report.html"
    code = main(
        ["check", str(ROOT / "examples/chat-product/aibom.yaml"), "--format", "html", "-o", str(target)]
    )
    assert code == 1
    assert capsys.readouterr().out == ""
    text = target.read_text(encoding="utf-8")
    parse(text)
    assert '<h2 id="h-obligations">Obligations</h2>' in text
    assert '<h2 id="h-openness">Openness</h2>' in text
    code = main(
        [
            "check",
            str(ROOT / "examples/open-model/aibom.yaml"),
            "--format",
            "html",
            "--fail-on",
            "warning",
            "-o",
            str(target),
        ]
    )
    assert code == 0


def test_cli_output_option_writes_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``-o`` writes what standard output would have shown, for JSON as for text."""
    example = str(ROOT / "examples/sd-finetune/aibom.yaml")
    for fmt in ("json", "text", "markdown", "sarif"):
        code = main(["check", example, "--format", fmt])
        printed = capsys.readouterr().out
        target = tmp_path / f"out.{fmt}"
        assert main(["check", example, "--format", fmt, "--output", str(target)]) == code == 1
        assert capsys.readouterr().out == ""
        assert target.read_text(encoding="utf-8") == printed
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert {f["code"] for f in data["findings"]} >= {"relicense-conflict"}


def test_cli_output_to_a_missing_folder_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "check",
            str(ROOT / "examples/sd-finetune/aibom.yaml"),
            "--format",
            "html",
            "-o",
            str(tmp_path / "no" / "r.html"),
        ]
    )
    assert code == 2
    assert "no such file" in capsys.readouterr().err


def test_a_long_path_keeps_every_hop_and_folds_the_middle() -> None:
    """A path of twelve artifacts shows its ends and folds the middle into a <details>: every id is
    still in the page, in order."""
    path = tuple(f"hop-{i:02d}" for i in range(12))
    finding = Finding(code="x", severity="warning", subject=path[0], message="m", path=path)
    out = finding._repr_html_()
    page = parse(out)
    text = "".join(page.text)
    assert re.findall(r"hop-\d\d", text[text.index("Path") :]) == list(path)
    assert "<summary>… 8 more hops</summary>" in out


def test_page_bounds_the_rows_it_renders_and_counts_the_rest() -> None:
    report = large_report(10, 500)
    bom = AIBOM(artifacts=[Artifact(id=f"artifact-{g:05d}", kind="model") for g in range(10)])
    assert report_page(bom, report).count('<tr class="finding ') == 5000  # under the page's bound: all
    text = report_page(bom, report, max_rows=1000)
    parse(text)
    assert text.count('<tr class="finding ') == 1000
    assert "Showing 1,000 of 5,000 findings; 4,000 hidden" in text
