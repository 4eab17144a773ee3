"""Obligations: what the user must do to ship, per artifact, each with the path that carried it.

``aiprov obligations`` lists, grouped by artifact and deduplicated: license texts and
notices to include, attribution to display, names to use, restrictions to pass on,
source to offer. Distribution duties are left out for internal use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiprov._gc import paused_gc
from aiprov.analysis._propagate import Carried, Propagation, propagate
from aiprov.analysis.policy import Policy
from aiprov.graph import AIBOM
from aiprov.licenses.catalog import Catalog, default_catalog
from aiprov.licenses.terms import LicenseTerms

if TYPE_CHECKING:
    import pandas

__all__ = ["ACTIONS", "Obligation", "ObligationReport", "obligations"]

#: Obligation actions, in the order they are listed.
ACTIONS = (
    "include-license",
    "include-notice",
    "display-attribution",
    "name-prefix",
    "pass-on-restrictions",
    "offer-source",
    "offer-network-source",
    "credit-data",
    "comply-with-policy",
)
_ORDER = {a: i for i, a in enumerate(ACTIONS)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Obligation:
    """One thing to do for one artifact, because of one license, carried along ``path``."""

    subject: str
    action: str
    license: str
    text: str
    clause: str | None
    path: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "action": self.action,
            "license": self.license,
            "text": self.text,
            "clause": self.clause,
            "path": list(self.path),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ObligationReport:
    obligations: tuple[Obligation, ...]
    policy: Policy

    def by_subject(self) -> dict[str, list[Obligation]]:
        out: dict[str, list[Obligation]] = {}
        for ob in self.obligations:
            out.setdefault(ob.subject, []).append(ob)
        return out

    def _repr_html_(self) -> str:
        from aiprov.report._html import obligations_html

        return obligations_html(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "artifacts": [
                {"subject": subject, "obligations": [o.to_dict() for o in obs]}
                for subject, obs in self.by_subject().items()
            ],
            "summary": {
                "obligations": len(self.obligations),
                "artifacts": len(self.by_subject()),
                "distribution": self.policy.use.distribution,
            },
        }

    def to_pandas(self) -> pandas.DataFrame:
        """One row per obligation (needs ``pip install 'aiprov[pandas]'``); see :mod:`aiprov.report._frames`."""
        from aiprov.report._frames import obligations_frame

        return obligations_frame(self)


def _clause(terms: LicenseTerms, term: str) -> str | None:
    found = terms.clause(term)
    return found.clause if found is not None else None


def _for_item(prop: Propagation, subject: str, item: Carried, terms: LicenseTerms) -> list[Obligation]:
    use = prop.policy.use
    channel = item.channel
    artifact = prop.bom[subject]
    path = prop.path(subject, item)
    out: list[Obligation] = []

    def add(action: str, text: str, term: str) -> None:
        out.append(
            Obligation(
                subject=subject,
                action=action,
                license=terms.id,
                text=text,
                clause=_clause(terms, term),
                path=path,
            )
        )

    whole = channel in ("own", "derivation")
    if terms.kind == "policy":
        return out
    if whole and use.made_available and terms.use_restrictions:
        policy = f" and {terms.use_policy}" if terms.use_policy else ""
        add(
            "comply-with-policy",
            f"use only as {terms.short_name or terms.id}{policy} permits",
            "use_restrictions",
        )
    if not use.made_available:
        return out
    if whole:
        if (
            terms.notice_file or (terms.attribution_required and terms.kind in ("code", "data", "content"))
        ) and (use.distributed or terms.kind == "model"):
            add("include-license", f"include the text of {terms.name} with copies", "attribution")
        quote = terms.clause("attribution")
        if (
            terms.notice_file
            and terms.kind == "model"
            and quote is not None
            and quote.quote
            and use.distributed
        ):
            add("include-notice", f"include the notice {quote.quote}", "attribution")
        if terms.attribution_text:
            add("display-attribution", f'display "{terms.attribution_text}" prominently', "attribution")
        if terms.passthrough_required and terms.use_restrictions:
            add(
                "pass-on-restrictions",
                f"make recipients bound by the use restrictions of {terms.short_name or terms.id}"
                f"{' (' + terms.use_policy + ')' if terms.use_policy else ''}",
                "passthrough",
            )
        if (
            channel == "derivation"
            and terms.naming_required
            and terms.naming_prefix
            and artifact.kind in ("model", "weights")
        ):
            add("name-prefix", f'begin the model name with "{terms.naming_prefix}"', "naming")
        if terms.copyleft == "strong" and use.distributed and (channel == "own" or item.combined):
            add("offer-source", f"provide the complete corresponding source under {terms.id}", "copyleft")
        if terms.copyleft == "network" and (channel == "own" or item.combined):
            add(
                "offer-network-source",
                f"offer the source of modified versions to network users ({terms.id})",
                "copyleft",
            )
    elif channel == "output":
        cats = terms.output_restriction_categories
        if "naming" in cats and terms.naming_prefix and artifact.kind in ("model", "weights"):
            add(
                "name-prefix",
                f'begin the model name with "{terms.naming_prefix}" (made with outputs)',
                "naming",
            )
        if "attribution" in cats and terms.attribution_text:
            add("display-attribution", f'display "{terms.attribution_text}" prominently', "attribution")
    elif channel == "data" and terms.attribution_required and prop.policy.data_terms_reach_models != "off":
        add("credit-data", f"credit the {terms.id} data source as its license asks", "attribution")
    return out


def obligations(bom: AIBOM, policy: Policy | None = None, catalog: Catalog | None = None) -> ObligationReport:
    """What must be done to ship every artifact in ``bom`` under ``policy``."""
    policy = policy if policy is not None else Policy.of(bom)
    catalog = catalog or default_catalog()
    with paused_gc():
        bom.validate()
        prop = propagate(bom, catalog, policy)
        return _collect(prop, policy)


def _collect(prop: Propagation, policy: Policy) -> ObligationReport:
    bom = prop.bom
    found: dict[tuple[str, str, str], Obligation] = {}
    for artifact in bom:
        for item in prop.items(artifact.id):
            terms = prop.terms(item.license)
            if terms is None:
                continue
            for ob in _for_item(prop, artifact.id, item, terms):
                key = (ob.subject, ob.action, ob.license)
                current = found.get(key)
                if current is None or (len(ob.path), ob.path) < (len(current.path), current.path):
                    found[key] = ob
    ordered = sorted(found.values(), key=lambda o: (o.subject, _ORDER[o.action], o.license))
    return ObligationReport(obligations=tuple(ordered), policy=policy)
