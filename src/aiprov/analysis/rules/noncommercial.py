"""Non-commercial terms (CC BY-NC §1(i) and §2(a)(1), research-only licenses, outputs that may not be
used commercially): they fail when the policy's use is commercial."""

from __future__ import annotations

from aiprov.analysis._finding import Finding
from aiprov.analysis._propagate import Key
from aiprov.analysis.rules._context import Context, Reach, Render
from aiprov.graph import Artifact
from aiprov.licenses.terms import LicenseTerms

CODES = {"noncommercial-use": "non-commercial terms reach an artifact used commercially"}


def check(ctx: Context, reach: Reach) -> None:
    """Its own license or one inherited by derivation is non-commercial; or outputs whose terms forbid
    commercial use reached it; or (per the data policy) a non-commercial dataset it was trained on."""
    terms = reach.terms
    if not reach.first or not ctx.use.commercial:
        return
    nc = terms.non_commercial or (
        reach.output
        and (
            "non-commercial" in terms.output_restriction_categories
            or "commercial-use" in terms.output_restriction_categories
        )
    )
    if not nc or not (reach.whole or reach.data or reach.output):
        return
    if reach.output and (not terms.non_commercial or terms.output_commercial is not None):
        outputs(ctx, reach)
        return
    severity = ctx.data_severity("error") if reach.data else "error"
    if severity:
        ctx.flag(
            "noncommercial-use",
            severity,
            reach,
            "non_commercial",
            "noncommercial",
            remedy=f"replace the {terms.short_name or terms.id} material, get a commercial license "
            "from its licensor, or use it non-commercially only",
        )


def outputs(ctx: Context, reach: Reach) -> None:
    """Outputs used commercially: forbidden, allowed, or disputed where the text contradicts itself
    (FLUX.1 [dev] §2.d: "You may use Output for any purpose (including for commercial purposes), except
    as expressly prohibited herein", against §4.a: no use of "any data produced by the FLUX.1 [dev]
    Model" for "any commercial or production purposes")."""
    terms = reach.terms
    if terms.output_commercial == "allowed":
        return
    disputed = terms.output_commercial == "disputed"
    ctx.flag(
        "noncommercial-use",
        "warning" if disputed else "error",
        reach,
        "output_restrictions",
        "noncommercial-disputed" if disputed else "noncommercial",
        certainty="unsettled" if disputed else None,
        remedy=f"get a commercial license from the licensor of {terms.short_name or terms.id}, or have "
        "counsel confirm that the outputs may be used commercially"
        if disputed
        else f"replace the outputs, or get a commercial license from the licensor of {terms.short_name or terms.id}",
    )


def _noncommercial(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    if item[1] == "data":
        return (
            f"{artifact.label} is used commercially and trained on {terms.id} material, whose "
            f"{terms.cite('non_commercial')} forbids commercial use of it{origin}{r.data_note(item)}"
        )
    return (
        f"{artifact.label} is used commercially, but {terms.cite('non_commercial')} "
        f"forbids commercial use{origin}"
    )


def _noncommercial_disputed(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    return (
        f"{artifact.label} is used commercially and was made with outputs of a {terms.short_name or terms.id} "
        f"model, whose text contradicts itself on commercial use of outputs "
        f"({terms.cite('output_restrictions')}: one clause allows it, others restrict data the model "
        f"produces){origin}"
    )


MESSAGES = {"noncommercial": _noncommercial, "noncommercial-disputed": _noncommercial_disputed}
