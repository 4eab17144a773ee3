"""Terms on outputs reaching a model trained with them: a ban on improving other models (Llama 2 and
Meta Llama 3 §1.b.v; a model of the licensor's family is exempt) and on building competing models
(OpenAI Terms of Use, FLUX.1 [dev] §2.d), which aiprov cannot judge."""

from __future__ import annotations

from aiprov.analysis._finding import Finding
from aiprov.analysis._propagate import Key
from aiprov.analysis.rules._context import Context, Reach, Render
from aiprov.graph import Artifact
from aiprov.licenses.terms import LicenseTerms

CODES = {"output-restriction": "the artifact was made with outputs whose terms restrict that use"}


def reads(terms: LicenseTerms) -> bool:
    """The family exemption reads whether the artifact is itself of the license's family."""
    return "improve-other-models" in terms.output_restriction_categories


def facts(ctx: Context, artifact: Artifact, key: Key, terms: LicenseTerms) -> bool:
    """Whether the artifact is of the licensor's family (declares or derives from the license)."""
    state = ctx.prop.state[artifact.id]
    return (terms.id, "own") in state or (terms.id, "derivation") in state


def check(ctx: Context, reach: Reach) -> None:
    if not (reach.output and reach.modelish):
        return
    terms = reach.terms
    cats = terms.output_restriction_categories
    if "improve-other-models" in cats and not facts(ctx, reach.artifact, reach.key, terms):
        ctx.flag(
            "output-restriction",
            "error",
            reach,
            "output_restrictions",
            "output-improve",
            remedy=f"train on outputs whose terms allow it, or build on a {terms.short_name or terms.id} "
            "model instead",
        )
    if "competing-models" in cats:
        ctx.flag(
            "output-restriction",
            "warning",
            reach,
            "output_restrictions",
            "output-competing",
            remedy="confirm the model does not compete with the provider and record it in a waiver "
            "with a reason",
        )


def _output_improve(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    return (
        f"{artifact.label} was improved with outputs of a {terms.short_name or terms.id} model, which "
        f"{terms.cite('output_restrictions')} forbids for models outside its family{origin}"
    )


def _output_competing(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    return (
        f"{artifact.label} was trained with outputs under {terms.short_name or terms.id}, whose "
        f"{terms.cite('output_restrictions')} forbids using them for models that compete with the "
        f"provider: confirm this model does not{origin}"
    )


MESSAGES = {"output-improve": _output_improve, "output-competing": _output_competing}
