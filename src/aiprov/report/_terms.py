"""The terms of one license as a reader sees them: which field of the record a term is read from, and
the words its value is written in. Shared by ``aiprov license show`` (text) and the notebook view
(:func:`aiprov.report._html_terms.terms_html`), so that both read a term the same way.

Each view keeps its own labels, order and the few details only it shows; what they have in common
(yes / no / unknown, thresholds, restriction categories, where a record says nothing) lives here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiprov.licenses.terms import LicenseTerms

__all__ = ["ATTRS", "fmt", "term_value"]

#: clause key -> the record attribute its value is read from, where the two names differ (the
#: ``*_requirement`` ones are properties of the record that put the requirement in words)
ATTRS = {
    "passthrough": "passthrough_required",
    "attribution": "attribution_requirement",
    "naming": "naming_requirement",
    "region_exclusion": "region_exclusions",
}


def fmt(value: object) -> str:
    """A field in words: None is unknown, booleans yes / no, an empty list none."""
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value) or "none"
    return str(value)


def term_value(record: LicenseTerms, term: str) -> str:
    """One term as a user reads it: unknown where the record cannot know, with the threshold or the
    categories that qualify it."""
    value = getattr(record, ATTRS.get(term, term))
    if term == "commercial_use" and record.threshold is not None:
        return f"{value} (above {record.threshold:,} {record.threshold_counted or ''})".rstrip()
    if term == "use_restrictions" and record.use_restriction_categories:
        text = f"{fmt(value)}: {', '.join(record.use_restriction_categories)}"
        return text + (f" (policy {record.use_policy})" if record.use_policy else "")
    if term == "naming" and value is None:
        return fmt(record.naming_required)  # "no" where the text has no naming duty
    if term == "attribution" and value is None:
        return fmt(record.attribution_required)
    if term == "termination" and (value is None or not record.curated):
        return "unknown"
    return fmt(value)
