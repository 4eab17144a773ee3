"""Render check reports and obligation lists for people (text, markdown) and machines (JSON)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TextIO

from aiprov.analysis.checks import Finding, Report
from aiprov.analysis.obligations import ObligationReport
from aiprov.graph import AIBOM
from aiprov.report import _json

__all__ = [
    "findings_json",
    "findings_markdown",
    "findings_text",
    "obligations_json",
    "obligations_markdown",
    "obligations_text",
    "write_finding_groups",
    "write_findings_json",
    "write_findings_text",
]

#: Nodes in the Mermaid graph of the Markdown report: Mermaid draws each relation as its own line,
#: so a smaller picture than the SVG's stays readable.
_GRAPH_NODES = 40
_COLORS = {"error": "31;1", "warning": "33;1", "info": "36"}
_ICONS = {"error": "✖", "warning": "▲", "info": "ℹ"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def _chain(path: Sequence[str]) -> str:
    return " → ".join(path)


def _label(bom: AIBOM | None, subject: str) -> str:
    if bom is None or subject not in bom:
        return subject
    artifact = bom[subject]
    return f"{subject} ({artifact.kind}, {artifact.license or 'no license'})"


def findings_json(report: Report) -> str:
    """``report.to_dict()`` as JSON (indented by two spaces, then a newline)."""
    out = io.StringIO()
    write_findings_json(report, out)
    return out.getvalue()


def write_findings_json(report: Report, stream: TextIO) -> None:
    """:func:`findings_json`, written to ``stream`` a thousand findings at a time: a report of millions
    of findings is never held whole, as dicts or as text."""
    findings = report.findings
    stream.write('{\n  "findings": ')
    if not findings:
        stream.write("[]")
    for start in range(0, len(findings), 1000):
        chunk = findings[start : start + 1000]
        stream.write(
            ("[" if start == 0 else ",")
            + "\n    "
            + ",\n    ".join([_json.dumps(f.to_dict(), 2) for f in chunk])
        )
    if findings:
        stream.write("\n  ]")
    stream.write(',\n  "summary": ' + _json.dumps(report.summary(), 1) + "\n}\n")


def _groups(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (f.subject, f.sort_key())):
        groups.setdefault(f.subject, []).append(f)
    return groups


def findings_text(report: Report, bom: AIBOM | None = None, *, color: bool = False) -> str:
    """Grouped by artifact; each finding with its path as a chain and its clause."""
    out = io.StringIO()
    write_findings_text(report, out, bom, color=color)
    return out.getvalue()


def write_findings_text(
    report: Report, stream: TextIO, bom: AIBOM | None = None, *, color: bool = False
) -> None:
    """:func:`findings_text`, written to ``stream`` one artifact at a time; each finding's message and
    path come from one walk of its path."""
    write_finding_groups(report, stream, bom, color=color)
    s = report.summary()
    verdict = f"{s['errors']} error(s), {s['warnings']} warning(s), {s['infos']} info"
    if s["waived"]:
        verdict += f", {s['waived']} waived"
    use = report.policy.use
    stream.write(
        f"{s['artifacts']} artifacts, {s['relations']} relations checked "
        f"(use: {'commercial' if use.commercial else 'non-commercial'}, {use.distribution}): {verdict}\n"
    )


def write_finding_groups(
    report: Report, stream: TextIO, bom: AIBOM | None = None, *, color: bool = False
) -> None:
    """The findings grouped by artifact, without the closing summary line (``aiprov verify`` writes
    its own)."""
    for subject, group in _groups(report.findings).items():
        lines = [_paint(_label(bom, subject), "1", color)]
        for f in group:
            _, severity, _, message, path, license_id, clause, certainty, remedy = f._values()
            head = _paint(f"  {_ICONS[severity]} {severity:<7} {f.code}", _COLORS[severity], color)
            lines.append(f"{head}  {message}" + ("" if certainty == "settled" else f" [{certainty}]"))
            if len(path) > 1 and " via " not in message:
                lines.append(f"      path: {_chain(path)}")
            if license_id:
                lines.append(f"      license: {license_id}" + (f" §{clause}" if clause else ""))
            if remedy:
                lines.append(f"      remedy: {remedy}")
        lines.append("")
        stream.write("\n".join(lines) + "\n")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def findings_markdown(
    report: Report, bom: AIBOM | None = None, *, title: str = "aiprov check", graph: bool = True
) -> str:
    """The findings as Markdown, grouped by artifact; given the ``bom`` (and ``graph``), a ``## Graph``
    section with the supply chain as a Mermaid flowchart, coloured by the worst finding."""
    s = report.summary()
    out = [
        f"# {title}",
        "",
        f"**{s['errors']} error(s), {s['warnings']} warning(s), {s['infos']} info** "
        f"over {s['artifacts']} artifacts and {s['relations']} relations.",
        "",
    ]
    for subject, group in _groups(report.findings).items():
        out += [
            f"## {_md(_label(bom, subject))}",
            "",
            "| severity | certainty | code | message | remedy | path | license | clause |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for f in group:
            code, severity, _, message, path, license_id, clause, certainty, remedy = f._values()
            out.append(
                f"| {severity} | {certainty} | `{code}` | {_md(message)} | {_md(remedy or '')} | "
                f"{_md(_chain(path))} | {_md(license_id or '')} | {_md(clause or '')} |"
            )
        out.append("")
    if bom is not None and graph and len(bom):
        from aiprov.report.mermaid import graph_mermaid

        out += [
            "## Graph",
            "",
            "```mermaid",
            graph_mermaid(bom, report, max_nodes=_GRAPH_NODES).rstrip("\n"),
            "```",
            "",
        ]
    return "\n".join(out)


def obligations_json(report: ObligationReport) -> str:
    return _json.dumps(report.to_dict()) + "\n"


def obligations_text(report: ObligationReport, bom: AIBOM | None = None, *, color: bool = False) -> str:
    lines: list[str] = []
    for subject, obs in report.by_subject().items():
        lines.append(_paint(_label(bom, subject), "1", color))
        for ob in obs:
            clause = f" [{ob.license} §{ob.clause}]" if ob.clause else f" [{ob.license}]"
            lines.append(f"  • {ob.action}: {ob.text}{clause}")
            if len(ob.path) > 1:
                lines.append(f"      path: {_chain(ob.path)}")
        lines.append("")
    if not report.obligations:
        lines.append(
            "nothing to do for this use"
            + (
                " (internal use: distribution duties do not apply)"
                if report.policy.use.distribution == "internal"
                else ""
            )
        )
    else:
        lines.append(f"{len(report.obligations)} obligation(s) over {len(report.by_subject())} artifact(s)")
    return "\n".join(lines) + "\n"


def obligations_markdown(report: ObligationReport, bom: AIBOM | None = None) -> str:
    out = ["# aiprov obligations", ""]
    for subject, obs in report.by_subject().items():
        out += [
            f"## {_md(_label(bom, subject))}",
            "",
            "| action | what to do | license | clause | path |",
            "|---|---|---|---|---|",
        ]
        for ob in obs:
            out.append(
                f"| {ob.action} | {_md(ob.text)} | {_md(ob.license)} | {_md(ob.clause or '')} | "
                f"{_md(_chain(ob.path))} |"
            )
        out.append("")
    return "\n".join(out)
