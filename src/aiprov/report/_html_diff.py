"""HTML for ``aiprov diff``: the artifacts and relations that came, went or changed, and the findings
that appeared or disappeared (the same content as :func:`aiprov.report.diff.diff_markdown`).

Changed values are shown old → new with the old struck through; a value that is not a string (hashes,
a list of properties) is shown as compact JSON. Every value comes from one of the two inputs and is
escaped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiprov.report._html import cards_html, esc, findings_html

if TYPE_CHECKING:
    from aiprov.graph import Artifact
    from aiprov.report.diff import BomDiff

__all__ = ["diff_artifacts", "diff_cards", "diff_findings", "diff_relations"]


def _value(value: Any) -> str:
    if value is None:
        return '<span class="muted">(none)</span>'
    if not isinstance(value, str):
        from aiprov.graph import thaw
        from aiprov.report import _json

        value = _json.dumps(thaw(value)).replace("\n", " ")
    return f"<code>{esc(value)}</code>"


def diff_cards(d: BomDiff) -> str:
    """Counts as cards: artifacts and relations added, removed, changed; findings new and gone."""
    cards = [
        ("added", "Artifacts added", len(d.added)),
        ("removed", "Artifacts removed", len(d.removed)),
        ("changed", "Artifacts changed", len(d.changed)),
        ("added", "Relations added", len(d.relations_added)),
        ("removed", "Relations removed", len(d.relations_removed)),
        ("error" if d.new_at_or_above("error") else "warning", "New findings", len(d.findings_new)),
        ("gone", "Findings gone", len(d.findings_gone)),
    ]
    return cards_html(cards, plain_when_zero=True)


def _artifact_row(sign: str, cls: str, a: Artifact) -> str:
    what = "added" if cls == "added" else "removed"
    return (
        f'<tr class="d-{cls}"><td class="sign">{sign}</td><th scope="row"><code>{esc(a.id)}</code></th>'
        f'<td><span class="kind kind-{esc(a.kind)}">{esc(a.kind)}</span></td>'
        f"<td>{what}: license {_value(a.license)}</td></tr>"
    )


def diff_artifacts(d: BomDiff) -> str:
    """One row per artifact added, removed or changed; a changed one lists each field old → new."""
    if not (d.added or d.removed or d.changed):
        return '<p class="none">No artifact added, removed or changed.</p>'
    rows = [_artifact_row("+", "added", a) for a in d.added]
    rows += [_artifact_row("−", "removed", a) for a in d.removed]
    for c in d.changed:
        fields = "".join(
            f'<li><span class="field">{esc(f)}</span>: <del>{_value(o)}</del> <span class="arrow">→</span> '
            f"<ins>{_value(n)}</ins></li>"
            for f, o, n in c.fields
        )
        rows.append(
            f'<tr class="d-changed"><td class="sign">~</td><th scope="row"><code>{esc(c.id)}</code></th>'
            f'<td><span class="kind kind-{esc(c.kind)}">{esc(c.kind)}</span></td>'
            f'<td><ul class="changes">{fields}</ul></td></tr>'
        )
    return (
        '<table class="diff"><colgroup><col class="c-sign"><col class="c-id"><col class="c-kind"><col></colgroup>'
        '<thead><tr><th scope="col"><span class="muted">±</span></th><th scope="col">Artifact</th>'
        '<th scope="col">Kind</th><th scope="col">Change</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def diff_relations(d: BomDiff) -> str:
    if not (d.relations_added or d.relations_removed):
        return '<p class="none">No relation added or removed.</p>'
    rows = [
        f'<tr class="d-{cls}"><td class="sign">{sign}</td><td><code>{esc(s)}</code></td>'
        f'<td><span class="rel">{esc(k)}</span></td><td><code>{esc(t)}</code></td></tr>'
        for sign, cls, relations in (("+", "added", d.relations_added), ("−", "removed", d.relations_removed))
        for s, k, t in relations
    ]
    return (
        '<table class="diff relations"><colgroup><col class="c-sign"><col><col class="c-kind"><col></colgroup>'
        '<thead><tr><th scope="col"><span class="muted">±</span></th><th scope="col">From</th>'
        '<th scope="col">Relation</th><th scope="col">To</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def diff_findings(d: BomDiff) -> tuple[str, str]:
    """The new findings (against the new BOM) and the gone ones (against the old), grouped by artifact."""
    new = (
        findings_html(d.findings_new, d.new_report.bom, max_rows=None, per_group=None)
        if d.findings_new
        else '<p class="none">No new finding.</p>'
    )
    gone = (
        findings_html(d.findings_gone, d.old_report.bom, max_rows=None, per_group=None)
        if d.findings_gone
        else '<p class="muted">No finding went away.</p>'
    )
    return new, gone
