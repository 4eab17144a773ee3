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
    network copyleft also when made available (saas)."""
    if not (reach.channel == "link" or (reach.channel == "derivation" and reach.combined)):
        return
    terms = reach.terms
    resolved = ctx.prop.resolved[reach.artifact.id]
    norm = resolved.normalized
    if norm is None or norm.status != "ok" or norm.expression is None:
        return
    if terms.id in resolved.ids:
        return
    strongest = {terms.copyleft} | {t.copyleft for i in resolved.ids if (t := ctx.prop.terms(i)) is not None}
    triggered = ("strong" in strongest and ctx.use.distributed) or (
        "network" in strongest and ctx.use.made_available
    )
    if not triggered:
        return
    ctx.judge(
        "copyleft-conflict",
        ctx.compatible(norm.expression, terms.id),
        reach,
        "copyleft",
        "copyleft",
        remedy=f"license the whole under terms that can carry {terms.id}, replace the {terms.id} part, "
        "or keep it a separate program (not linked or combined)",
    )


def _copyleft(r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
    expression, verdict = r.verdict(artifact.id, terms)
    if f.severity == "error":
        return f"{artifact.label} ({expression}) combines {terms.id} code{origin}: {verdict.reason}"
    return (
        f"{artifact.label} ({expression}) combines {terms.id} code{origin}; compatibility unknown: "
        f"{verdict.reason}"
    )


MESSAGES = {"copyleft": _copyleft}
