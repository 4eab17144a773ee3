"""Terms on outputs reaching a model trained with them: a ban on improving other models (Llama 2 and
Meta Llama 3 §1.b.v; a model of the licensor's family is exempt) and on building competing models
(FLUX.1 [dev] §2.d; the OpenAI Terms of Use, a contract binding the account that generated the
outputs rather than a license on them): a warning to confirm, an error when the policy's field is
``competing-products``."""

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
        contract = terms.kind == "terms-of-service"
        competing = "competing-models" in ctx.use.restricted_categories()  # field: competing-products
        ctx.flag(
            "output-restriction",
            "error" if competing else "warning",
            reach,
            "output_restrictions",
            ("output-contract" if contract else "output-competing") + ("" if competing else "-confirm"),
            remedy=(
                "do not train a competing product on these outputs: replace them with outputs whose terms allow it"
                if competing
                else "confirm the model does not compete with the provider and record it in a waiver with a reason"
            )
            + (
                "; the terms bind the account that generated the outputs: if a third party generated them, "
                "check the dataset's own license"
                if contract
                else ""
            ),
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


def _output_competing_confirm(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    return _output_competing(r, f, artifact, item, terms, origin)


def _output_contract(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    return (
        f"{artifact.label} is a competing product trained with outputs generated under "
        f"{terms.short_name or terms.id}, a contract binding the account that generated them (not a license "
        f"on the data), whose {terms.cite('output_restrictions')} forbids using outputs to develop models "
        f"that compete with the provider{origin}"
    )


def _output_contract_confirm(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    return (
        f"{artifact.label} was trained with outputs generated under {terms.short_name or terms.id}, a contract "
        f"binding the account that generated them (not a license on the data), whose "
        f"{terms.cite('output_restrictions')} forbids using outputs to develop models that compete with the "
        f"provider: confirm this model does not{origin}"
    )


MESSAGES = {
    "output-improve": _output_improve,
    "output-competing": _output_competing,
    "output-competing-confirm": _output_competing_confirm,
    "output-contract": _output_contract,
    "output-contract-confirm": _output_contract_confirm,
}
