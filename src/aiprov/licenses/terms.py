"""What one license says: :class:`LicenseTerms`, a frozen record with a clause for every term."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "COMMERCIAL_USE",
    "COPYLEFT",
    "DERIVATIVE_LICENSING",
    "Clause",
    "ExceptionTerms",
    "LicenseTerms",
    "Tri",
]

#: ``True``, ``False`` or ``None`` for "unknown": the text could not be read that far,
#: or the record is derived, not curated.
Tri = bool | None

COMMERCIAL_USE = ("allowed", "threshold", "forbidden", "unknown")
COPYLEFT = ("none", "weak", "strong", "network", "share-alike", "unknown")
DERIVATIVE_LICENSING = ("same", "carry-restrictions", "free", "none", "unknown")

CommercialUse = Literal["allowed", "threshold", "forbidden", "unknown"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Clause:
    """Where a term comes from: the section of the license text, with a note or a short quote."""

    clause: str | None
    note: str | None = None
    quote: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"clause": self.clause, "note": self.note, "quote": self.quote}

    def __str__(self) -> str:
        return self.clause or "(text silent)"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExceptionTerms:
    """What a license exception (the operand of ``WITH``) adds to the license it modifies.

    ``curated`` is false for an exception aiprov can name but whose text it has not read:
    ``effect`` then says so instead of guessing.
    """

    id: str
    name: str
    curated: bool
    effect: str
    clause: str | None = None
    quote: str | None = None
    applies_to: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "curated": self.curated,
            "effect": self.effect,
            "clause": self.clause,
            "quote": self.quote,
            "applies_to": list(self.applies_to),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class LicenseTerms:
    """The terms of one license, policy or terms of service.

    ``curated`` is true for the records read by hand from the license text (in
    ``license-data/``). Other ids of the SPDX list and ScanCode's index resolve to
    records derived from their category: such a record says so in ``basis`` and
    leaves what a category cannot tell as ``None`` (unknown).
    """

    id: str
    name: str
    kind: str
    category: str
    curated: bool
    basis: str
    short_name: str | None = None
    version: str | None = None
    date: str | None = None
    family: str | None = None
    source_url: str | None = None
    source_file: str | None = None
    scancode_category: str | None = None
    osi_approved: bool | None = None
    aliases: tuple[str, ...] = ()
    incorporates: tuple[str, ...] = ()
    notes: str | None = None

    any_purpose: Tri = None
    commercial_use: CommercialUse = "unknown"
    threshold: int | None = None
    threshold_counted: str | None = None
    threshold_measured: str | None = None
    use_restrictions: Tri = None
    use_restriction_categories: tuple[str, ...] = ()
    use_policy: str | None = None
    passthrough_required: Tri = None
    derivative_licensing: str = "unknown"
    copyleft: str = "unknown"
    copyleft_scope: str | None = None
    copyleft_compatible: tuple[str, ...] = ()
    non_commercial: Tri = None
    no_derivatives: Tri = None
    attribution_required: Tri = None
    attribution_text: str | None = None
    notice_file: bool | None = None
    naming_required: Tri = None
    naming_prefix: str | None = None
    naming_trigger: str | None = None
    output_restrictions: Tri = None
    output_restriction_categories: tuple[str, ...] = ()
    output_commercial: str | None = None
    derivative_definition: str | None = None
    includes_distillation: Tri = None
    region_exclusions: tuple[str, ...] = ()
    region_applies_to: str | None = None
    hosting: str = "unknown"
    hosting_scope: str | None = None
    termination: tuple[str, ...] | None = None
    governing_law: str | None = None
    patent_grant: Tri = None
    clauses: tuple[tuple[str, Clause], ...] = field(default=())

    def clause(self, term: str) -> Clause | None:
        """The clause a term comes from (``"naming"``, ``"output_restrictions"`` ...), if recorded."""
        for name, clause in self.clauses:
            if name == term:
                return clause
        return None

    def cite(self, term: str) -> str:
        """A short citation such as ``"Llama 3.1 §1.b.i"`` for messages."""
        clause = self.clause(term)
        label = self.short_name or self.id
        if clause is None or clause.clause is None:
            return label
        text = clause.clause
        if text[:1].isdigit() or text[:1] in "(":
            return f"{label} §{text}"
        return f"{label} {text}"

    @property
    def mau_threshold(self) -> int | None:
        """The monthly-active-users threshold above which the license needs a separate grant."""
        return self.threshold if self.threshold_counted == "monthly_active_users" else None

    @property
    def naming_requirement(self) -> str | None:
        if not self.naming_required:
            return None
        if self.naming_prefix:
            trigger = f" when {self.naming_trigger}" if self.naming_trigger else ""
            return f'a derived model\'s name must begin with "{self.naming_prefix}"{trigger}'
        return self.naming_trigger or "naming duty (see clause)"

    @property
    def attribution_requirement(self) -> str | None:
        if not self.attribution_required:
            return None
        parts = []
        if self.attribution_text:
            parts.append(f'display "{self.attribution_text}"')
        if self.notice_file:
            parts.append("include the license text / notice file with copies")
        if not parts:
            clause = self.clause("attribution")
            parts.append(
                (clause.note if clause and clause.note else None)
                or "give attribution as the license requires"
            )
        return "; ".join(parts)

    @property
    def restricts_use(self) -> bool:
        """Any term that takes away "use for any purpose"."""
        return bool(
            self.any_purpose is False
            or self.use_restrictions
            or self.non_commercial
            or self.commercial_use in ("threshold", "forbidden")
        )

    def _repr_html_(self) -> str:
        from aiprov.report._html_terms import terms_html

        return terms_html(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; the keys of ``aiprov license show --format json``."""
        return {
            "id": self.id,
            "name": self.name,
            "short_name": self.short_name,
            "version": self.version,
            "date": self.date,
            "family": self.family,
            "kind": self.kind,
            "category": self.category,
            "scancode_category": self.scancode_category,
            "curated": self.curated,
            "basis": self.basis,
            "source_url": self.source_url,
            "osi_approved": self.osi_approved,
            "aliases": list(self.aliases),
            "incorporates": list(self.incorporates),
            "any_purpose": self.any_purpose,
            "commercial_use": self.commercial_use,
            "mau_threshold": self.mau_threshold,
            "threshold": (
                None
                if self.threshold is None
                else {
                    "value": self.threshold,
                    "counted": self.threshold_counted,
                    "measured": self.threshold_measured,
                }
            ),
            "use_restrictions": self.use_restrictions,
            "use_restriction_categories": list(self.use_restriction_categories),
            "use_policy": self.use_policy,
            "passthrough_required": self.passthrough_required,
            "derivative_licensing": self.derivative_licensing,
            "copyleft": self.copyleft,
            "copyleft_scope": self.copyleft_scope,
            "copyleft_compatible": list(self.copyleft_compatible),
            "non_commercial": self.non_commercial,
            "no_derivatives": self.no_derivatives,
            "naming_required": self.naming_required,
            "naming_requirement": self.naming_requirement,
            "naming_prefix": self.naming_prefix,
            "attribution_required": self.attribution_required,
            "attribution_requirement": self.attribution_requirement,
            "attribution_text": self.attribution_text,
            "output_restrictions": self.output_restrictions,
            "output_restriction_categories": list(self.output_restriction_categories),
            "output_commercial": self.output_commercial,
            "derivative_definition": self.derivative_definition,
            "includes_distillation": self.includes_distillation,
            "region_exclusions": list(self.region_exclusions),
            "region_applies_to": self.region_applies_to,
            "hosting": self.hosting,
            "hosting_scope": self.hosting_scope,
            "termination": None if self.termination is None else list(self.termination),
            "governing_law": self.governing_law,
            "patent_grant": self.patent_grant,
            "notes": self.notes,
            "clauses": {name: clause.to_dict() for name, clause in self.clauses},
        }
