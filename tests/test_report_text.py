"""The text report, written one artifact at a time, says what each finding's own fields say."""

from __future__ import annotations

import io
from pathlib import Path

import aiprov
from aiprov.analysis import Policy, check
from aiprov.analysis.checks import Finding, Report
from aiprov.report import findings as render
from aiprov.report._escape import markdown

from .builders import chain

_ICONS = {"error": "✖", "warning": "▲", "info": "ℹ"}


def _expected(report: Report, bom: aiprov.AIBOM) -> str:
    """The report as the text format promises it, built from each finding's public fields."""
    by_subject: dict[str, list[Finding]] = {}
    for f in sorted(report.findings, key=lambda f: (f.subject, f.sort_key())):
        by_subject.setdefault(f.subject, []).append(f)
    out = []
    for subject, group in by_subject.items():
        artifact = bom[subject]
        out.append(f"{subject} ({artifact.kind}, {artifact.license or 'no license'})")
        for f in group:
            unsure = "" if f.certainty == "settled" else f" [{f.certainty}]"
            out.append(f"  {_ICONS[f.severity]} {f.severity:<7} {f.code}  {f.message}{unsure}")
            if len(f.path) > 1 and " via " not in f.message:
                out.append("      path: " + " → ".join(f.path))
            if f.license:
                out.append(f"      license: {f.license}" + (f" §{f.clause}" if f.clause else ""))
            if f.remedy:
                out.append(f"      remedy: {f.remedy}")
        out.append("")
    return "\n".join(out) + "\n"


def test_the_text_report_lists_each_finding_under_its_artifact() -> None:
    examples = Path(__file__).parent.parent / "examples"
    boms = [aiprov.load(examples / e / "aibom.yaml") for e in ("chat-product", "sd-finetune", "code-mixing")]
    boms.append(
        chain(
            *[(f"m{i}", "model", "llama3.1") for i in range(300)],
            relations=tuple((f"m{i + 1}", "fine_tuned_from", f"m{i}") for i in range(299)),
        )
    )
    for bom in boms:
        report = check(bom, Policy())
        assert report.findings
        stream = io.StringIO()
        render.write_findings_text(report, stream, bom)
        text = stream.getvalue()
        assert text == render.findings_text(report, bom)
        body, summary = text[: text.rstrip("\n").rfind("\n") + 1], text.rstrip("\n").rsplit("\n", 1)[1]
        assert body == _expected(report, bom)
        assert summary.startswith(f"{len(bom)} artifacts, {bom.relation_count} relations checked")


def test_a_path_the_message_does_not_name_gets_a_line_of_its_own() -> None:
    bom = chain(("a", "model", "MIT"), ("b", "dataset", None), relations=(("a", "trained_on", "b"),))
    said = Finding(code="license-missing", severity="error", subject="a", message="x", path=("a", "b"))
    named = Finding(
        code="attribution-required",
        severity="info",
        subject="a",
        message="y via a",
        path=("a", "b"),
        license="MIT",
    )
    report = Report(findings=(said, named), policy=Policy(), artifacts=2, relations=1)
    text = render.findings_text(report, bom)
    assert text.startswith(
        "a (model, MIT)\n  ✖ error   license-missing  x\n      path: a → b\n"
        "  ℹ info    attribution-required  y via a\n      license: MIT\n\n"
    )
    assert text == _expected(report, bom) + text.rstrip("\n").rsplit("\n", 1)[1] + "\n"


def test_the_markdown_report_has_a_row_of_each_findings_fields() -> None:
    bom = aiprov.load(Path(__file__).parent.parent / "examples" / "chat-product" / "aibom.yaml")
    report = check(bom, Policy())
    text = render.findings_markdown(report, bom)
    for f in report.findings:
        from_input = [f.message, f.remedy or "", " → ".join(f.path), f.license or "", f.clause or ""]
        cells = [f.severity, f.certainty, f"`{f.code}`", *(markdown(c) for c in from_input)]
        row = "| " + " | ".join(cells) + " |"
        assert row in text.splitlines()
