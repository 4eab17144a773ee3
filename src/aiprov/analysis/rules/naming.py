"""Naming and attribution duties: a name prefix for derived models made available (Llama 3.1 §1.b.i:
"include 'Llama' at the beginning of any such AI model name"), display texts ("Built with Llama") and
the credit a dataset's or a model's license asks for."""

from __future__ import annotations

from aiprov.analysis._finding import Finding
from aiprov.analysis._propagate import Key
from aiprov.analysis.rules._context import Context, Reach, Render
from aiprov.graph import Artifact
from aiprov.licenses.terms import LicenseTerms

CODES = {
    "naming-requirement": "the artifact's name does not meet an inherited naming duty",
    "attribution-required": "an attribution or notice duty applies",
}


def reads(terms: LicenseTerms) -> bool:
    """The naming rule reads the artifact's own name."""
    return bool(terms.naming_required and terms.naming_prefix)


def facts(ctx: Context, artifact: Artifact, key: Key, terms: LicenseTerms) -> bool:
    """Whether the artifact's name already begins with the prefix."""
    assert terms.naming_prefix is not None
    return (artifact.name or artifact.id).lower().startswith(terms.naming_prefix.lower())


def check(ctx: Context, reach: Reach) -> None:
    naming(ctx, reach)
    attribution(ctx, reach)


def naming(ctx: Context, reach: Reach) -> None:
    """A model or weights made available that derives from the licensed model (or, where the terms say
    so, was trained on its outputs) must carry the prefix."""
    terms, artifact = reach.terms, reach.artifact
    if not (reach.channel == "derivation" or (reach.output and reach.modelish)):
        return
    applies = reads(terms) and (
        reach.channel == "derivation" or "naming" in terms.output_restriction_categories
    )
    if not applies or not reach.modelish or not ctx.use.made_available:
        return
    if not facts(ctx, artifact, reach.key, terms):
        ctx.flag(
            "naming-requirement",
            "error",
            reach,
            "naming",
            "naming",
            remedy=f'rename it to begin with "{terms.naming_prefix}"',
        )


def attribution(ctx: Context, reach: Reach) -> None:
    """Once made available: the display text or credit, where the artifact is declared or shipped."""
    terms = reach.terms
    if not (reach.first and reach.notes and terms.attribution_required and ctx.use.made_available):
        return
    if not (terms.attribution_text or terms.kind in ("model", "data", "content")):
        return
    if reach.whole or reach.data or (reach.output and "attribution" in terms.output_restriction_categories):
        ctx.flag(
            "attribution-required",
            "info",
            reach,
            "attribution",
            "attribution",
            remedy=f'display "{terms.attribution_text}" and ship the license notice'
            if terms.attribution_text
            else "credit the source and ship its license notice (aiprov obligations lists them)",
        )


def _naming(r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
    name = artifact.name or artifact.id
    return f'{name!r} must begin with "{terms.naming_prefix}" ({terms.cite("naming")}){origin}'


def _attribution(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    what = (
        f'display "{terms.attribution_text}"'
        if terms.attribution_text
        else "credit the source and keep its license notice"
    )
    return f"{terms.cite('attribution')} requires attribution: {what}{origin}"


MESSAGES = {"naming": _naming, "attribution": _attribution}
