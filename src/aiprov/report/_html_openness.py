"""HTML for an openness report: the OSAID verdict with its requirements, the MOF class with its
components (the same content as :func:`aiprov.report.openness.openness_markdown`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiprov.report._html import esc, wrap

if TYPE_CHECKING:
    from aiprov.analysis._openness_types import Evidence, MofResult, OpennessReport, OsaidResult

__all__ = ["openness_html"]

_MARK = {"met": "✔", "not_met": "✖", "insufficient": "?"}
_COMPONENT_MARK = {
    "included": "✔",
    "missing": "–",
    "unlicensed": "✖",
    "not_open": "✖",
    "wrong_type": "▲",
    "unknown": "?",
}


def _status(state: str, mark: str) -> str:
    return f'<span class="st-{esc(state)}">{mark} {esc(state.replace("_", " "))}</span>'


def _evidence(items: tuple[Evidence, ...]) -> str:
    return "<br>".join(
        esc(e.label)
        + (f" <code>{esc(e.license)}</code>" if e.license else "")
        + (f' <span class="clause">§{esc(e.clause)}</span>' if e.clause else "")
        for e in items
    )


def _osaid(osaid: OsaidResult, level: int) -> str:
    word = {True: "yes", False: "no", None: "unknown"}[osaid.conformant]
    rows = "".join(
        f'<tr><td>{_status(r.status, _MARK[r.status])}</td><th scope="row">{esc(r.title)}</th>'
        f"<td>{esc(r.reason)}</td><td>{_evidence(r.evidence)}</td><td>{esc(r.missing or '')}</td></tr>"
        for r in osaid.requirements
    )
    return (
        f"<h{level}>Open Source AI Definition {esc(osaid.version)}</h{level}>"
        f'<p class="verdict"><span class="sev {word}">{esc(osaid.status)}</span>'
        f" {len(osaid.failed())} of {len(osaid.requirements)} requirements not met</p>"
        '<table class="osaid"><thead><tr><th scope="col">Status</th><th scope="col">Requirement</th>'
        '<th scope="col">Why</th><th scope="col">Evidence</th><th scope="col">Missing</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _mof(mof: MofResult, level: int) -> str:
    complete = ", ".join(
        f"Class {'I' * k if k < 3 else 'III'}: {v:.0f}%" for k, v in sorted(mof.completeness.items())
    )
    mot = ", ".join(f"{k}: {v:.0f}%" for k, v in sorted(mof.mot_progress.items()))
    rows = "".join(
        f"<tr><td>{_status(c.status, _COMPONENT_MARK[c.status])}"
        + (' <span class="muted">(inferred)</span>' if c.inferred else "")
        + f'</td><td>{c.mof_class}</td><th scope="row">{esc(c.name)}'
        + ("" if c.required else ' <span class="muted">(optional)</span>')
        + f"</th><td>{esc(c.mot_status)}</td><td>{_evidence(c.evidence)}</td><td>{esc(c.reason)}</td></tr>"
        for c in mof.components
    )
    notes = [f"<li>differs from the MOT: {esc(d)}</li>" for d in mof.differences]
    notes += [f"<li>note: {esc(f)}</li>" for f in mof.findings]
    return (
        f"<h{level}>Model Openness Framework {esc(mof.framework_version)}</h{level}>"
        f'<p class="verdict"><span class="sev {"yes" if mof.mof_class else "unknown"}">{esc(mof.label)}</span>'
        f' <span class="muted">completeness: {esc(complete)}</span></p>'
        f"<p>The Model Openness Tool's rule gives <b>{esc(mof.mot_label)}</b> "
        f'<span class="muted">(progress {esc(mot)})</span>.</p>'
        '<table class="mof"><thead><tr><th scope="col">Status</th><th scope="col">Class</th>'
        '<th scope="col">Component</th><th scope="col">MOT</th><th scope="col">Evidence</th>'
        f'<th scope="col">Why</th></tr></thead><tbody>{rows}</tbody></table>'
        + (f"<ul>{''.join(notes)}</ul>" if notes else "")
    )


def openness_html(report: OpennessReport, *, level: int = 3, wrapped: bool = True) -> str:
    """The OSAID verdict and requirements, then the MOF class and components; headings at ``level``."""
    body = [f'<p class="title">Openness of <strong>{esc(report.name or "the release")}</strong></p>']
    if report.osaid is not None:
        body.append(_osaid(report.osaid, level))
    if report.mof is not None:
        body.append(_mof(report.mof, level))
    if report.osaid is None and report.mof is None:
        body.append('<p class="muted">No framework evaluated.</p>')
    text = "".join(body)
    return wrap(text) if wrapped else text
