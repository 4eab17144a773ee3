"""Render an openness report (OSAID 1.0 and MOF) as text, markdown with SVG badges, or JSON."""

from __future__ import annotations

import base64
import json
from html import escape

from aiprov.analysis.openness import OpennessReport
from aiprov.report._escape import markdown, plain

__all__ = ["badge_svg", "mof_badge", "openness_json", "openness_markdown", "openness_text", "osaid_badge"]

#: the sign before each requirement and component status, here and in the HTML view
MARK = {"met": "✔", "not_met": "✖", "insufficient": "?"}
COMPONENT_MARK = {
    "included": "✔",
    "missing": "–",
    "unlicensed": "✖",
    "not_open": "✖",
    "wrong_type": "▲",
    "unknown": "?",
}
_GREEN, _RED, _GREY, _BLUE = "#4c1", "#e05d44", "#9f9f9f", "#007ec6"


def badge_svg(label: str, value: str, color: str) -> str:
    """A flat two-part badge (shields.io style) as an SVG string; widths from a 7 px-per-character estimate."""
    lw, vw = 6 * len(label) + 12, 6 * len(value) + 12
    width = lw + vw
    label_e, value_e = escape(label), escape(value)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{label_e}: {value_e}"><title>{label_e}: {value_e}</title>'
        f'<rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{vw}" height="20" fill="{color}"/>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{lw / 2}" y="14">{label_e}</text><text x="{lw + vw / 2}" y="14">{value_e}</text></g></svg>'
    )


def osaid_badge(report: OpennessReport) -> str:
    osaid = report.osaid
    if osaid is None:
        return badge_svg("OSAID 1.0", "not evaluated", _GREY)
    color = _GREY if osaid.conformant is None else _GREEN if osaid.conformant else _RED
    return badge_svg(f"OSAID {osaid.version}", osaid.status, color)


def mof_badge(report: OpennessReport) -> str:
    mof = report.mof
    if mof is None:
        return badge_svg("MOF", "not evaluated", _GREY)
    value = mof.label if mof.mof_class else "Unclassified"
    return badge_svg("MOF", value, _BLUE if mof.mof_class else _GREY)


def _img(svg: str, alt: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"![{alt}](data:image/svg+xml;base64,{data})"


def openness_json(report: OpennessReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def openness_text(report: OpennessReport) -> str:
    lines = [f"Openness of {report.name or 'the release'}"]
    osaid, mof = report.osaid, report.mof
    if osaid is not None:
        lines += ["", f"Open Source AI Definition {osaid.version}: {osaid.status.upper()}"]
        for item in osaid.requirements:
            lines.append(f"  {MARK[item.status]} {item.title}: {item.reason}")
            for ev in item.evidence:
                lic = f" [{ev.license}]" if ev.license else ""
                lines.append(f"      {ev.label}{lic}{' - ' + ev.rule if ev.rule else ''}")
            if item.missing:
                lines.append(f"      missing: {item.missing}")
    if mof is not None:
        pct = ", ".join(
            f"Class {'I' * k if k < 3 else 'III'} {v:.0f}%" for k, v in sorted(mof.completeness.items())
        )
        lines += ["", f"Model Openness Framework {mof.framework_version}: {mof.label}  ({pct})"]
        mot_pct = ", ".join(f"{k}: {v:.0f}%" for k, v in sorted(mof.mot_progress.items()))
        lines.append(f"  Model Openness Tool's rule: {mof.mot_label}  (progress {mot_pct})")
        for comp in mof.components:
            req = "" if comp.required else " (optional)"
            how = " (inferred)" if comp.inferred else ""
            lines.append(
                f"  {COMPONENT_MARK[comp.status]} [class {comp.mof_class}] {comp.name}{req}: "
                f"{comp.status.replace('_', ' ')}{how} - {comp.reason}"
            )
        for diff in mof.differences:
            lines.append(f"  differs from the MOT: {diff}")
        for finding in mof.findings:
            lines.append(f"  note: {finding}")
    # names, labels, licenses and reasons come from the input: no line of theirs forges another
    return "\n".join(plain(line) for line in lines) + "\n"


def _cell(text: str | None) -> str:
    """Input-derived text for a Markdown heading, list item or table cell."""
    return markdown(text or "")


def openness_markdown(report: OpennessReport) -> str:
    out = [f"# Openness of {_cell(report.name) or 'the release'}", ""]
    badges = []
    if report.osaid is not None:
        badges.append(_img(osaid_badge(report), f"OSAID {report.osaid.version}: {report.osaid.status}"))
    if report.mof is not None:
        badges.append(_img(mof_badge(report), f"MOF: {report.mof.label}"))
    out += [" ".join(badges), ""]
    osaid, mof = report.osaid, report.mof
    if osaid is not None:
        out += [
            f"## Open Source AI Definition {osaid.version}: {osaid.status}",
            "",
            "| | Requirement | Status | Evidence | Missing |",
            "|---|---|---|---|---|",
        ]
        for req in osaid.requirements:
            ev = "; ".join(e.label + (f" ({e.license})" if e.license else "") for e in req.evidence)
            out.append(
                f"| {MARK[req.status]} | {_cell(req.title)} | {_cell(req.reason)} | {_cell(ev)} | "
                f"{_cell(req.missing)} |"
            )
        out.append("")
    if mof is not None:
        out += [f"## Model Openness Framework {mof.framework_version}: {mof.label}", ""]
        out.append(
            "Completeness: " + ", ".join(f"Class {k}: {v:.0f}%" for k, v in sorted(mof.completeness.items()))
        )
        out.append("")
        out.append(
            f"The Model Openness Tool's rule gives **{mof.mot_label}** (progress "
            + ", ".join(f"{k}: {v:.0f}%" for k, v in sorted(mof.mot_progress.items()))
            + ")."
        )
        out += ["", "| | Class | Component | Status | MOT | License | Why |", "|---|---|---|---|---|---|---|"]
        for comp in mof.components:
            lic = "; ".join(e.license or "-" for e in comp.evidence)
            name = comp.name + ("" if comp.required else " (optional)")
            out.append(
                f"| {COMPONENT_MARK[comp.status]} | {comp.mof_class} | {_cell(name)} | "
                f"{comp.status.replace('_', ' ')}{' (inferred)' if comp.inferred else ''} | {comp.mot_status} | "
                f"{_cell(lic)} | {_cell(comp.reason)} |"
            )
        if mof.differences or mof.findings:
            out.append("")
            out += [f"- differs from the MOT: {_cell(d)}" for d in mof.differences]
            out += [f"- note: {_cell(f)}" for f in mof.findings]
        out.append("")
    return "\n".join(out)
