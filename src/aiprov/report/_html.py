"""HTML fragments for notebooks and the report page, built from the same parts.

Every string from the input (ids, names, licenses, messages, paths, clauses) goes through
:func:`esc` (control characters and bidirectional overrides shown as escapes, then ``html.escape``
with quotes) before it is written; nothing here writes a link, an image or a script, so a hostile
BOM can neither run code, reorder what is shown, nor make the reader's browser fetch anything.
The fragments share one stylesheet, :data:`CSS`, scoped under the ``aiprov`` class so that a
notebook's own styles are left alone.

A report can hold millions of findings: the notebook representations render at most a few hundred
rows (``max_rows``, and ``per_group`` for one artifact) and say how many they leave out, so showing
a large report costs one pass over its findings and a bounded amount of text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from aiprov.report._escape import visible
from aiprov.report._html_css import CSS

if TYPE_CHECKING:
    from aiprov.analysis.checks import Finding, Report
    from aiprov.analysis.obligations import Obligation, ObligationReport
    from aiprov.analysis.policy import Policy
    from aiprov.graph import AIBOM, Artifact

__all__ = [
    "CSS",
    "aibom_html",
    "artifact_table",
    "esc",
    "finding_html",
    "findings_html",
    "graph",
    "obligations_html",
    "policy_text",
    "report_html",
    "summary_cards",
    "wrap",
]

#: Rows a notebook representation renders at most, in all and for one artifact.
MAX_ROWS = 500
PER_GROUP = 50
#: Artifacts the artifact table of a notebook representation lists at most.
MAX_ARTIFACTS = 200

SEVERITY_ICON = {"error": "✖", "warning": "▲", "info": "ℹ"}
_PLURAL = {"error": "errors", "warning": "warnings", "info": "info"}
_RANK = {"error": 0, "warning": 1, "info": 2}


def esc(value: object) -> str:
    """``value`` as text safe inside an element or a quoted attribute: markup escaped, and control
    characters and bidirectional overrides shown as escapes (``\\u202e``), so an id can neither
    reorder the text around it nor hide in the page."""
    return html.escape(visible(str(value)), quote=True)


def wrap(body: str, extra_class: str = "") -> str:
    """A fragment in its scoped wrapper, with the stylesheet (a notebook output stands alone)."""
    cls = f"aiprov {extra_class}".strip()
    return f'<div class="{cls}"><style>{CSS}</style>{body}</div>'


def badge(severity: str, text: str | None = None) -> str:
    """A severity as a coloured label that also says it in words (colour is never the only signal)."""
    label = text if text is not None else severity
    return f'<span class="sev sev-{esc(severity)}">{SEVERITY_ICON.get(severity, "")} {esc(label)}</span>'


#: Paths longer than this show their two first and two last ids, the middle folded (still in the page).
_LONG_PATH = 6


def _hops(ids: Sequence[str], first: bool) -> str:
    return "".join(
        f"<code>{esc(p)}</code>"
        if first and i == 0
        else f'<span class="hop"><span class="arrow">→</span> <code>{esc(p)}</code></span>'
        for i, p in enumerate(ids)
    )


def chain(path: Sequence[str]) -> str:
    """A path of artifact ids as a chain of arrows: each arrow stays with the id it points from, lines
    break between hops, and the middle of a long path is folded into a ``<details>``."""
    if not path:
        return ""
    if len(path) <= _LONG_PATH:
        return f'<span class="path">{_hops(path, True)}</span>'
    middle = path[2:-2]
    return (
        f'<span class="path">{_hops(path[:2], True)}<details class="hops"><summary>… {len(middle)} more hops</summary>'
        f"{_hops(middle, False)}</details>{_hops(path[-2:], False)}</span>"
    )


def cite(license_id: str | None, clause: str | None) -> str:
    if not license_id and not clause:
        return ""
    out = f"<code>{esc(license_id)}</code>" if license_id else ""
    if clause:
        out += f' <span class="clause">§{esc(clause)}</span>'
    return out


def _n(count: int) -> str:
    return f"{count:,}"


def more_line(hidden: int, what: str, colspan: int | None = None) -> str:
    text = f"… and {_n(hidden)} more {what} not shown"
    if colspan is None:
        return f'<p class="more">{esc(text)}</p>'
    return f'<tr class="more"><td colspan="{colspan}">{esc(text)}</td></tr>'


# -- graph --------------------------------------------------------------------------------------------
def graph(bom: AIBOM, report: Report | None = None, *, title: str | None = None) -> str:
    """The lineage graph as inline SVG in a scrolling figure ("" for an empty graph)."""
    if len(bom) == 0:
        return ""
    from aiprov.report.svg import graph_svg

    # the drawing carries its own legend and a <title> per node: no caption to repeat them
    return f'<figure class="graph" aria-label="Lineage graph">{graph_svg(bom, report, title=title)}</figure>'


# -- artifacts ----------------------------------------------------------------------------------------
def _hashes(artifact: Artifact) -> str:
    parts = []
    for algorithm, value in artifact.hashes:
        short = value if len(value) <= 12 else value[:12] + "…"
        parts.append(f'<code title="{esc(algorithm)}:{esc(value)}">{esc(algorithm)}:{esc(short)}</code>')
    return "<br>".join(parts)


def _license_cell(artifact: Artifact) -> str:
    if not artifact.license and not artifact.concluded_license:
        return '<span class="muted">none declared</span>'
    out = f"<code>{esc(artifact.license)}</code>" if artifact.license else ""
    if artifact.concluded_license and artifact.concluded_license != artifact.license:
        out += f'<br><span class="muted">concluded</span> <code>{esc(artifact.concluded_license)}</code>'
    return out


def artifact_table(bom: AIBOM, *, max_rows: int | None = MAX_ARTIFACTS) -> str:
    """One row per artifact: id, kind, name and version, supplier, license, hashes (shortened)."""
    artifacts = bom.artifacts
    shown = artifacts if max_rows is None else artifacts[:max_rows]
    rows = []
    for a in shown:
        name = esc(a.name or "") + (f' <span class="muted">{esc(a.version)}</span>' if a.version else "")
        rows.append(
            f'<tr><th scope="row"><code>{esc(a.id)}</code></th><td><span class="kind kind-{esc(a.kind)}">'
            f"{esc(a.kind)}</span></td><td>{name}</td><td>{esc(a.supplier or '')}</td>"
            f"<td>{_license_cell(a)}</td><td>{_hashes(a)}</td></tr>"
        )
    if len(shown) < len(artifacts):
        rows.append(more_line(len(artifacts) - len(shown), "artifacts", 6))
    return (
        '<table class="artifacts"><thead><tr><th scope="col">ID</th><th scope="col">Kind</th>'
        '<th scope="col">Name / version</th><th scope="col">Supplier</th><th scope="col">License</th>'
        '<th scope="col">Hashes</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )


def relation_table(bom: AIBOM, *, max_rows: int | None = MAX_ARTIFACTS) -> str:
    relations = bom.relations
    shown = relations if max_rows is None else relations[:max_rows]
    rows = [
        f'<tr><td><code>{esc(r.source)}</code></td><td><span class="rel">{esc(r.kind)}</span></td>'
        f"<td><code>{esc(r.target)}</code></td></tr>"
        for r in shown
    ]
    if len(shown) < len(relations):
        rows.append(more_line(len(relations) - len(shown), "relations", 3))
    return (
        '<table class="relations"><thead><tr><th scope="col">From</th><th scope="col">Relation</th>'
        '<th scope="col">To</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )


def bom_title(bom: AIBOM) -> str | None:
    """The name the document gives itself (a manifest's ``metadata.name``), if any."""
    manifest = bom.metadata.get("manifest")
    if isinstance(manifest, dict):
        name = manifest.get("name")
        if isinstance(name, str) and name.strip():
            return name
    return None


def aibom_html(bom: AIBOM) -> str:
    """``AIBOM._repr_html_``: counts, the lineage graph, the artifacts and (folded) the relations."""
    name = bom_title(bom)
    head = f"<strong>{esc(name)}</strong> · " if name else ""
    body = [
        f'<p class="title">{head}AI-BOM: {_n(len(bom))} artifacts, {_n(bom.relation_count)} relations</p>',
        graph(bom),
        artifact_table(bom),
    ]
    if bom.relation_count:
        body.append(
            f"<details><summary>Relations ({_n(bom.relation_count)})</summary>{relation_table(bom)}</details>"
        )
    return wrap("".join(body))


# -- findings -----------------------------------------------------------------------------------------
def _finding_row(f: Finding) -> str:
    code, severity, _, message, path, license_id, clause, certainty, remedy = f._values()
    remedy_html = f'<div class="remedy"><b>Remedy:</b> {esc(remedy)}</div>' if remedy else ""
    return (
        f'<tr class="finding row-{esc(severity)}" data-sev="{esc(severity)}" data-code="{esc(code)}">'
        f'<td>{badge(severity)}<div class="cert cert-{esc(certainty)}">{esc(certainty)}</div></td>'
        f"<td><code>{esc(code)}</code></td><td>{esc(message)}{remedy_html}</td>"
        f"<td>{chain(path) if len(path) > 1 else ''}</td><td>{cite(license_id, clause)}</td></tr>"
    )


def counts_html(counts: dict[str, int]) -> str:
    return " ".join(
        badge(sev, f"{_n(counts[sev])} {_PLURAL[sev] if counts[sev] != 1 else sev}")
        for sev in ("error", "warning", "info")
        if counts.get(sev)
    )


def _label(bom: AIBOM | None, subject: str) -> str:
    artifact = bom.get(subject) if bom is not None else None
    out = f"<code>{esc(subject)}</code>"
    if artifact is not None:
        extra = [artifact.kind, artifact.license or "no license"]
        if artifact.name and artifact.name != subject:
            extra.insert(0, artifact.label)
        out += f' <span class="muted">{esc(" · ".join(extra))}</span>'
    return out


_HEAD = (
    '<colgroup><col class="c-sev"><col class="c-code"><col class="c-msg"><col class="c-path">'
    '<col class="c-lic"></colgroup><thead><tr><th scope="col">Severity</th><th scope="col">Code</th><th scope="col">Finding</th>'
    '<th scope="col">Path</th><th scope="col">License</th></tr></thead>'
)


def group_findings(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings by artifact, the artifacts with the worst findings first (then by id); each group in
    the report's order (severity first). One pass: nothing is rendered."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        group = groups.get(f.subject)
        if group is None:
            groups[f.subject] = [f]
        else:
            group.append(f)
    return sorted(groups.items(), key=lambda item: (min(_RANK[f.severity] for f in item[1]), item[0]))


def findings_html(
    findings: Sequence[Finding],
    bom: AIBOM | None = None,
    *,
    max_rows: int | None = MAX_ROWS,
    per_group: int | None = PER_GROUP,
) -> str:
    """Findings grouped by artifact, each group a ``<details>`` whose summary counts its findings by
    severity (open when it has an error). At most ``max_rows`` rows in all and ``per_group`` for
    one artifact; what is left out is counted, never silently dropped."""
    if not findings:
        return '<p class="none">No findings.</p>'
    out = []
    budget = len(findings) if max_rows is None else max_rows
    groups = group_findings(findings)
    shown_groups = 0
    for subject, group in groups:
        if budget <= 0:
            break
        shown_groups += 1
        counts = dict.fromkeys(_PLURAL, 0)
        for f in group:
            counts[f.severity] += 1
        take = min(len(group), budget, len(group) if per_group is None else per_group)
        budget -= take
        rows = [_finding_row(f) for f in group[:take]]
        if take < len(group):
            rows.append(more_line(len(group) - take, "findings for this artifact", 5))
        opened = " open" if counts["error"] else ""
        worst = next(sev for sev in _PLURAL if counts[sev])
        out.append(
            f'<details class="group worst-{worst}"{opened} data-subject="{esc(subject)}"><summary>'
            f'{_label(bom, subject)} <span class="counts">{counts_html(counts)}</span></summary>'
            f'<table class="findings">{_HEAD}<tbody>{"".join(rows)}</tbody></table></details>'
        )
    shown = (len(findings) if max_rows is None else max_rows) - budget
    if shown < len(findings):
        hidden_groups = len(groups) - shown_groups
        also = f" ({_n(hidden_groups)} more artifacts not listed)" if hidden_groups else ""
        out.append(
            f'<p class="more hidden-note">Showing {_n(shown)} of {_n(len(findings))} findings; '
            f"{_n(len(findings) - shown)} hidden{esc(also)}. All of them are in <code>to_dict()</code> "
            "and <code>aiprov check --format json</code>.</p>"
        )
    return "".join(out)


def finding_html(f: Finding) -> str:
    """``Finding._repr_html_``: one finding as a card."""
    code, severity, subject, message, path, license_id, clause, certainty, remedy = f._values()
    rows = [("Artifact", f"<code>{esc(subject)}</code>"), ("Certainty", esc(certainty))]
    if remedy:
        rows.append(("Remedy", esc(remedy)))
    if len(path) > 1:
        rows.append(("Path", chain(path)))
    if license_id or clause:
        rows.append(("License", cite(license_id, clause)))
    table = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return wrap(
        f'<p class="title">{badge(severity)} <code>{esc(code)}</code></p><p>{esc(message)}</p>'
        f'<table class="card">{table}</table>'
    )


def policy_text(policy: Policy) -> str:
    """The use the findings were judged for, in words."""
    use = policy.use
    parts = [
        "commercial" if use.commercial else "non-commercial",
        f"distribution: {use.distribution}",
        "MAU: " + ("not given" if use.monthly_active_users is None else _n(use.monthly_active_users)),
    ]
    if use.field:
        parts.append(f"field: {use.field}")
    if use.region:
        parts.append(f"region: {use.region}")
    parts.append(f"data terms reaching models: {policy.data_terms_reach_models}")
    return " · ".join(parts)


def summary_cards(report: Report) -> str:
    """Counts as cards: errors, warnings, info, waived, artifacts, relations."""
    s = report.summary()
    cards = [
        ("error", "Errors", s["errors"]),
        ("warning", "Warnings", s["warnings"]),
        ("info", "Info", s["infos"]),
        ("waived", "Waived", s["waived"]),
        ("plain", "Artifacts", s["artifacts"]),
        ("plain", "Relations", s["relations"]),
    ]
    return cards_html(cards)


def cards_html(cards: list[tuple[str, str, int]], *, plain_when_zero: bool = False) -> str:
    """(class, label, count) as a row of count cards; the class colours the card's top border (with
    ``plain_when_zero``, a zero count is drawn plain)."""
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card-n card-{"plain" if plain_when_zero and not n else cls}">'
            f'<span class="n">{_n(n)}</span> <span class="k">{label}</span></div>'
            for cls, label, n in cards
        )
        + "</div>"
    )


def report_html(report: Report) -> str:
    """``Report._repr_html_``: counts, the use judged, the graph (from ``report.bom``), the findings."""
    bom = report.bom
    body = [
        summary_cards(report),
        f'<p class="policy"><b>Judged for:</b> {esc(policy_text(report.policy))}</p>',
    ]
    if bom is not None:
        body.append(graph(bom, report))
    body.append(findings_html(report.findings, bom))
    if report.waived:
        body.append(
            f"<details><summary>Waived ({_n(len(report.waived))})</summary>"
            f"{findings_html(report.waived, bom, max_rows=100, per_group=20)}</details>"
        )
    return wrap("".join(body))


# -- obligations --------------------------------------------------------------------------------------
def _obligation_row(ob: Obligation) -> str:
    return (
        f'<tr><td><span class="action">{esc(ob.action)}</span></td><td>{esc(ob.text)}</td>'
        f"<td>{cite(ob.license, ob.clause)}</td><td>{chain(ob.path) if len(ob.path) > 1 else ''}</td></tr>"
    )


def obligations_html(
    report: ObligationReport,
    bom: AIBOM | None = None,
    *,
    max_rows: int | None = MAX_ROWS,
    wrapped: bool = True,
) -> str:
    """Obligations grouped by artifact: action, what to do, license §clause, path."""
    groups = report.by_subject()
    if not groups:
        internal = report.policy.use.distribution == "internal"
        text = "Nothing to do for this use" + (
            " (internal use: distribution duties do not apply)." if internal else "."
        )
        body = f'<p class="none">{esc(text)}</p>'
        return wrap(body) if wrapped else body
    out = [
        f'<p class="title">{_n(len(report.obligations))} obligations over {_n(len(groups))} artifacts '
        f'<span class="muted">({esc(policy_text(report.policy))})</span></p>'
    ]
    budget = len(report.obligations) if max_rows is None else max_rows
    for subject, obs in groups.items():
        if budget <= 0:
            break
        take = min(len(obs), budget)
        budget -= take
        rows = [_obligation_row(ob) for ob in obs[:take]]
        if take < len(obs):
            rows.append(more_line(len(obs) - take, "obligations for this artifact", 4))
        out.append(
            f'<details class="group" open><summary>{_label(bom, subject)} <span class="counts muted">'
            f"{_n(len(obs))} to do</span></summary>"
            '<table class="obligations"><colgroup><col class="c-act"><col class="c-msg"><col class="c-lic">'
            '<col class="c-path"></colgroup><thead><tr><th scope="col">Action</th><th scope="col">What to do</th>'
            '<th scope="col">License</th><th scope="col">Path</th></tr></thead><tbody>'
            + "".join(rows)
            + "</tbody></table></details>"
        )
    if budget <= 0 and max_rows is not None and len(report.obligations) > max_rows:
        out.append(
            more_line(
                len(report.obligations) - max_rows, "obligations (all are in to_dict() and --format json)"
            )
        )
    body = "".join(out)
    return wrap(body) if wrapped else body
