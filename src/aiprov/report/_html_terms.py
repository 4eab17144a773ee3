"""HTML for license knowledge: the terms of one license, and a compatibility verdict.

The terms are laid out as a reader of the license text thinks of them (what it permits, what it
asks in return, what it takes away), each with the clause it comes from, so that a notebook shows
a license the way ``aiprov license show`` prints it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiprov.report._html import esc, wrap

if TYPE_CHECKING:
    from aiprov.licenses.compat import Verdict
    from aiprov.licenses.terms import LicenseTerms

__all__ = ["terms_html", "verdict_html"]

#: (heading, [(clause key, label, attribute)]): the attribute is read from the record, or one of
#: the record's properties (``attribution_requirement``, ``naming_requirement``).
_SECTIONS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "Permissions",
        (
            ("any_purpose", "Use for any purpose", "any_purpose"),
            ("commercial_use", "Commercial use", "commercial_use"),
            ("derivative_licensing", "Derivatives may be licensed", "derivative_licensing"),
            ("patent_grant", "Patent grant", "patent_grant"),
            ("hosting", "Hosting as a service", "hosting"),
        ),
    ),
    (
        "Conditions",
        (
            ("attribution", "Attribution", "attribution_requirement"),
            ("naming", "Naming", "naming_requirement"),
            ("copyleft", "Copyleft", "copyleft"),
            ("passthrough", "Pass restrictions on", "passthrough_required"),
        ),
    ),
    (
        "Limitations",
        (
            ("non_commercial", "Non-commercial only", "non_commercial"),
            ("no_derivatives", "No derivatives", "no_derivatives"),
            ("use_restrictions", "Use restrictions", "use_restrictions"),
            ("output_restrictions", "Output restrictions", "output_restrictions"),
            ("region_exclusion", "Regions excluded", "region_exclusions"),
            ("termination", "Termination", "termination"),
        ),
    ),
    (
        "Definitions",
        (
            ("derivative_definition", "What is a derivative", "derivative_definition"),
            ("governing_law", "Governing law", "governing_law"),
        ),
    ),
)


_QUOTES = "\"'“”‘’ "


def _fmt(value: object) -> str:
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value) or "none"
    return str(value)


def _value(record: LicenseTerms, term: str, attr: str) -> str:
    value = getattr(record, attr)
    if term == "commercial_use" and record.threshold is not None:
        return f"{value} (above {record.threshold:,} {record.threshold_counted or ''})".rstrip()
    if term == "use_restrictions" and record.use_restriction_categories:
        text = f"{_fmt(value)}: {', '.join(record.use_restriction_categories)}"
        return text + (f" (policy {record.use_policy})" if record.use_policy else "")
    if term == "output_restrictions" and record.output_restriction_categories:
        return f"{_fmt(value)}: {', '.join(record.output_restriction_categories)}"
    if term == "copyleft" and record.copyleft_scope:
        return f"{value} ({record.copyleft_scope})"
    if term == "naming" and value is None:
        return _fmt(record.naming_required)
    if term == "attribution" and value is None:
        return _fmt(record.attribution_required)
    if term == "termination" and (value is None or not record.curated):
        return "unknown"
    return _fmt(value)


def terms_html(record: LicenseTerms) -> str:
    """``LicenseTerms._repr_html_``: name, family and category, then each term with its clause."""
    meta = [f"category: {record.category}", f"kind: {record.kind}"]
    if record.family:
        meta.insert(0, f"family: {record.family}")
    if record.osi_approved is not None:
        meta.append(f"OSI approved: {_fmt(record.osi_approved)}")
    meta.append("curated from the text" if record.curated else f"NOT curated: {record.basis}")
    body = [
        f'<p class="title"><code>{esc(record.id)}</code> <strong>{esc(record.name)}</strong></p>',
        f'<p class="muted">{esc(" · ".join(meta))}</p>',
    ]
    if record.source_url:
        body.append(f'<p class="muted">Text: <code>{esc(record.source_url)}</code></p>')
    for heading, terms in _SECTIONS:
        rows = []
        for term, label, attr in terms:
            clause = record.clause(term)
            where = ""
            if clause is not None and clause.clause:
                where = f'<span class="clause">§{esc(clause.clause)}</span>'
            detail = ""
            if clause is not None and record.curated and (clause.note or clause.quote):
                note = f"<div>{esc(clause.note)}</div>" if clause.note else ""
                quote = (
                    f'<div class="quote">“{esc(clause.quote.strip(_QUOTES))}”</div>' if clause.quote else ""
                )
                detail = f'<div class="muted">{note}{quote}</div>'
            rows.append(
                f'<tr><th scope="row">{esc(label)}</th><td>{esc(_value(record, term, attr))}{detail}</td>'
                f"<td>{where}</td></tr>"
            )
        body.append(
            f'<h3>{heading}</h3><table class="terms"><colgroup><col class="c-term"><col>'
            '<col class="c-clause"></colgroup><thead><tr><th scope="col">Term</th><th scope="col">Value</th>'
            f'<th scope="col">Clause</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        )
    if record.notes:
        body.append(f'<p class="muted">{esc(record.notes)}</p>')
    return wrap("".join(body))


_MAX_DEPTH = 6


_WORDS = {"yes": "compatible", "no": "not compatible", "unknown": "unknown"}


def _verdict(verdict: Verdict, depth: int) -> str:
    word = verdict.verdict
    out = (
        f'<div class="vd"><p class="verdict"><span class="sev {word}">{_WORDS[word]}</span> <code>{esc(verdict.inbound)}</code>'
        f' <span class="muted">into a work under</span> <code>{esc(verdict.outbound)}</code></p>'
        f"<p>{esc(verdict.reason)}</p>"
        f'<p class="muted">basis: {esc(verdict.basis)}'
        + (f" · choice: <code>{esc(verdict.choice)}</code>" if verdict.choice else "")
        + "</p></div>"
    )
    if verdict.parts and depth < _MAX_DEPTH:
        out += "<ul>" + "".join(f"<li>{_verdict(p, depth + 1)}</li>" for p in verdict.parts) + "</ul>"
    elif verdict.parts:
        out += f'<p class="more">… and {len(verdict.parts)} more parts not shown</p>'
    return out


def verdict_html(verdict: Verdict) -> str:
    """``Verdict._repr_html_``: yes / no / unknown in words and colour, the reason, and each part of
    an expression's verdict."""
    return wrap(_verdict(verdict, 0))
