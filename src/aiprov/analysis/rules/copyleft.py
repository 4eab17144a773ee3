"""Copyleft in combined code (GPL-3.0 §5(c): the whole work is licensed under this License; AGPL-3.0
§13: also when users interact with it over a network): a copyleft part binds the whole, and a copyleft
whole must be able to take in every part."""

from __future__ import annotations

from aiprov.analysis._finding import Finding
from aiprov.analysis._propagate import Key
from aiprov.analysis.rules._context import Context, Reach, Render
from aiprov.graph import Artifact
from aiprov.licenses.terms import LicenseTerms

CODES = {"copyleft-conflict": "copyleft code is combined into a work whose license cannot carry it"}


def check(ctx: Context, reach: Reach) -> None:
    """Through linking (``depends_on``) or containment: strong copyleft triggers on distribution,
    network copyleft also when made available (saas). A whole whose license aiprov cannot read is
    still reported (a warning saying why it cannot decide); a ``LicenseRef-`` the policy declares
    proprietary is judged as proprietary."""
    if not (reach.channel == "link" or (reach.channel == "derivation" and reach.combined)):
        return
    terms = reach.terms
    resolved = ctx.prop.resolved[reach.artifact.id]
    norm = resolved.normalized
    if terms.id in resolved.ids or (norm is not None and norm.status == "invalid"):
        return  # an unparsable declaration is reported as license-invalid
    strongest = {terms.copyleft} | {t.copyleft for i in resolved.ids if (t := ctx.prop.terms(i)) is not None}
    triggered = ("strong" in strongest and ctx.use.distributed) or (
        "network" in strongest and ctx.use.made_available
    )
    if not triggered:
        return
    remedy = (
        f"license the whole under terms that can carry {terms.id}, replace the {terms.id} part, "
        "or keep it a separate program (not linked or combined)"
    )
    if declared_proprietary(ctx, reach.artifact.id):
        ctx.flag("copyleft-conflict", "error", reach, "copyleft", "copyleft-proprietary", remedy=remedy)
    elif norm is None or norm.status != "ok" or norm.expression is None:
        ctx.flag(
            "copyleft-conflict",
            "warning",
            reach,
            "copyleft",
            "copyleft-unreadable",
            remedy="declare the whole's license as an SPDX id, or list your LicenseRef- under the "
            f"policy's proprietary key; then: {remedy}",
            certainty="unverified",
        )
    else:
        ctx.judge(
            "copyleft-conflict",
            ctx.compatible(norm.expression, terms.id),
            reach,
            "copyleft",
            "copyleft",
            remedy=remedy,
        )


def declared_proprietary(ctx: Context, subject: str) -> bool:
    """The artifact's declared license is a ``LicenseRef-`` the policy lists under ``proprietary``."""
    proprietary = ctx.policy.proprietary
    if not proprietary:
        return False
    norm = ctx.prop.resolved[subject].normalized
    return norm is not None and (
        norm.input.strip() in proprietary or any(i in proprietary for i in ctx.prop.resolved[subject].ids)
    )


def _copyleft(r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
    expression, verdict = r.verdict(artifact.id, terms)
    if f.severity == "error":
        return f"{artifact.label} ({expression}) combines {terms.id} code{origin}: {verdict.reason}"
    return (
        f"{artifact.label} ({expression}) combines {terms.id} code{origin}; compatibility unknown: "
        f"{verdict.reason}"
    )


def _copyleft_proprietary(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    norm = r.prop.resolved[artifact.id].normalized
    declared = norm.input if norm is not None else "?"
    return (
        f"{artifact.label} ({declared}, proprietary by the policy) combines {terms.id} code{origin}: "
        f"{terms.cite('copyleft')} asks the whole to be licensed under {terms.id}, which a proprietary "
        "license does not do"
    )


def _copyleft_unreadable(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    norm = r.prop.resolved[artifact.id].normalized
    why = "declares no license" if norm is None else f"declares {norm.input!r}, a license aiprov cannot read"
    return (
        f"{artifact.label} combines {terms.id} code{origin}, whose {terms.cite('copyleft')} binds the whole; "
        f"the whole {why}, so aiprov cannot decide whether it can carry {terms.id}"
    )


MESSAGES = {
    "copyleft": _copyleft,
    "copyleft-proprietary": _copyleft_proprietary,
    "copyleft-unreadable": _copyleft_unreadable,
}
