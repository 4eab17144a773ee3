"""Is a license open, and open for what? The judgements openness.py builds on.

Every verdict comes from the license catalog (:class:`~aiprov.licenses.LicenseTerms`),
never from a per-id table, and says which rule decided it:

* **restricted**: a term takes away a freedom (use restrictions, an acceptable-use
  policy, a user cap, non-commercial, no-derivatives): not open, naming the clause.
* **OSI-approved**: open source, whatever else the record says.
* **open data / open content**: a hand-curated record whose category is public-domain,
  permissive or share-alike (CC-BY-4.0, CDLA-Permissive-2.0, ODC-By, CC0, CC-BY-SA ...).
* anything derived from a category only (not curated, not OSI-approved): *unknown*,
  because a category cannot tell whether a use restriction was added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aiprov.licenses.catalog import Catalog, default_catalog
from aiprov.licenses.expression import LicenseExpression, parse_expression
from aiprov.licenses.terms import LicenseTerms

__all__ = ["ContentType", "LicenseVerdict", "judge"]

#: The MOF's content types: what a component is, hence which kind of license suits it.
ContentType = Literal["code", "data", "document", "any"]
Openness = Literal["open", "wrong-type", "restricted", "unknown", "none"]

_OPEN_CATEGORIES = frozenset({"public-domain", "permissive", "share-alike"})
_COPYLEFT_CATEGORIES = frozenset({"weak-copyleft", "copyleft", "network-copyleft"})
_RANK: dict[str, int] = {"open": 0, "wrong-type": 1, "unknown": 2, "none": 3, "restricted": 4}


@dataclass(frozen=True, slots=True, kw_only=True)
class LicenseVerdict:
    """The judgement on one license expression for one content type.

    ``openness``: ``open`` (open and suited to the content type), ``wrong-type`` (open,
    but a kind of license the MOF does not recommend for this content), ``restricted``
    (a term takes a freedom away), ``unknown`` (aiprov cannot tell) or ``none`` (no
    license). ``rule`` names the rule that decided; ``clause`` cites the license text
    when a term decided.
    """

    expression: str | None
    openness: Openness
    rule: str
    license_id: str | None = None
    clause: str | None = None
    osd_conformant: bool | None = None

    @property
    def is_open(self) -> bool:
        return self.openness == "open"


def _restriction(terms: LicenseTerms) -> tuple[str, str] | None:
    """(what, citation) for the first term that takes a freedom away, or None."""
    if terms.use_restrictions:
        what = "use restrictions"
        if terms.use_policy:
            what += f" (acceptable-use policy {terms.use_policy})"
        return what, terms.cite("use_restrictions")
    if terms.non_commercial:
        return "a non-commercial clause", terms.cite("non_commercial")
    if terms.commercial_use == "threshold":
        limit = (
            f" above {terms.threshold:,} {terms.threshold_counted or ''}".rstrip() if terms.threshold else ""
        )
        return f"a user cap{limit}", terms.cite("commercial_use")
    if terms.commercial_use == "forbidden":
        return "commercial use forbidden", terms.cite("commercial_use")
    if terms.any_purpose is False:
        return "use is not allowed for any purpose", terms.cite("any_purpose")
    if terms.no_derivatives:
        return "no derivatives allowed", terms.cite("no_derivatives")
    return None


def _judge_id(license_id: str, content: ContentType, catalog: Catalog) -> LicenseVerdict:
    if license_id.startswith("LicenseRef-unknown-"):
        return LicenseVerdict(
            expression=license_id,
            openness="unknown",
            rule="not a license aiprov knows",
            license_id=license_id,
        )
    terms = catalog.get(license_id)
    if terms is None:
        return LicenseVerdict(
            expression=license_id,
            openness="unknown",
            rule="not a license aiprov knows",
            license_id=license_id,
        )
    restriction = _restriction(terms)
    if restriction is not None:
        what, cite = restriction
        return LicenseVerdict(
            expression=license_id,
            openness="restricted",
            rule=f"{what} ({cite})",
            license_id=terms.id,
            clause=cite,
            osd_conformant=False,
        )
    if terms.osi_approved:
        if content in ("code", "document", "any"):
            return LicenseVerdict(
                expression=license_id,
                openness="open",
                rule="OSI-approved open source license",
                license_id=terms.id,
                osd_conformant=True,
            )
        return LicenseVerdict(
            expression=license_id,
            openness="wrong-type",
            rule="OSI-approved, but a software license: the MOF asks for an open data license for data "
            "and parameters",
            license_id=terms.id,
            osd_conformant=True,
        )
    if not terms.curated:
        return LicenseVerdict(
            expression=license_id,
            openness="unknown",
            rule=f"not hand-curated ({terms.basis}); cannot tell whether a freedom is restricted",
            license_id=terms.id,
        )
    if terms.category in _OPEN_CATEGORIES and terms.any_purpose is not False:
        osd = terms.any_purpose is True
        # A model license with open terms (OpenMDW) covers every kind of model material.
        suits = {
            "code": terms.kind == "model",
            "data": terms.kind in ("data", "content", "model"),
            "document": terms.kind in ("content", "data", "model"),
            "any": True,
        }[content]
        kind_word = {"data": "open data", "content": "open content", "model": "open model"}.get(
            terms.kind, terms.kind
        )
        if suits:
            return LicenseVerdict(
                expression=license_id,
                openness="open",
                rule=f"{kind_word} license ({terms.category}, curated)",
                license_id=terms.id,
                osd_conformant=osd,
            )
        return LicenseVerdict(
            expression=license_id,
            openness="wrong-type",
            rule=f"{kind_word} license ({terms.category}), not an OSI-approved license for code",
            license_id=terms.id,
            osd_conformant=osd,
        )
    if terms.category in _COPYLEFT_CATEGORIES and terms.any_purpose:
        return LicenseVerdict(
            expression=license_id,
            openness="open" if content in ("code", "any") else "wrong-type",
            rule=f"{terms.category} license (curated)",
            license_id=terms.id,
            osd_conformant=True,
        )
    if terms.any_purpose is None:
        return LicenseVerdict(
            expression=license_id,
            openness="unknown",
            rule=f"{terms.category} terms: the record does not say whether any purpose is allowed",
            license_id=terms.id,
        )
    return LicenseVerdict(
        expression=license_id,
        openness="restricted",
        rule=f"{terms.category} terms ({terms.name})",
        license_id=terms.id,
        osd_conformant=False,
    )


def _conjunction(parts: list[LicenseVerdict], expression: str) -> LicenseVerdict:
    worst = max(parts, key=lambda v: _RANK[v.openness])
    osd: bool | None = True
    for part in parts:
        if part.osd_conformant is False:
            osd = False
            break
        if part.osd_conformant is None:
            osd = None
    return LicenseVerdict(
        expression=expression,
        openness=worst.openness,
        rule=worst.rule if len(parts) == 1 else f"{worst.license_id}: {worst.rule}",
        license_id=worst.license_id,
        clause=worst.clause,
        osd_conformant=osd,
    )


def judge(
    expression: str | None, content: ContentType = "any", catalog: Catalog | None = None
) -> LicenseVerdict:
    """Judge a declared license expression for a content type.

    ``AND``: every license must be open; ``OR``: the best choice counts (the recipient
    may pick it).
    """
    catalog = catalog or default_catalog()
    if expression is None or not expression.strip():
        return LicenseVerdict(expression=None, openness="none", rule="no license given")
    norm = parse_expression(expression, catalog)
    parsed: LicenseExpression | None = norm.parsed
    if parsed is None:
        openness: Openness = "none" if norm.status == "unknown" and not norm.unknown_ids else "unknown"
        return LicenseVerdict(expression=expression, openness=openness, rule=norm.reason)
    best: LicenseVerdict | None = None
    for choice in parsed.choices():
        parts = [_judge_id(str(leaf.id), content, catalog) for leaf in choice]
        verdict = _conjunction(parts, str(parsed))
        if best is None or _RANK[verdict.openness] < _RANK[best.openness]:
            best = verdict
    assert best is not None
    return best
