"""What a derivative inherits: no-derivatives terms (CC BY-ND §2(a)(1)(B): adapted material may not be
shared), and licenses that bind derivatives to the same terms or to carry their use restrictions
(Llama §1.b.i, OpenRAIL paragraph 4.a, CC BY-SA §3(b)): a derivative that declares terms which
cannot carry them drops them."""

from __future__ import annotations

from aiprov.analysis._finding import Finding
from aiprov.analysis._propagate import Key
from aiprov.analysis.rules._context import Context, Reach, Render
from aiprov.graph import Artifact
from aiprov.licenses.terms import LicenseTerms

CODES = {
    "no-derivatives": "an artifact is derived from no-derivatives material",
    "relicense-conflict": "an artifact declares terms that drop or contradict terms it inherits",
    "share-alike": "share-alike material reaches an artifact not under the same (or a compatible) license",
}


def reads(terms: LicenseTerms) -> bool:
    """The no-derivatives rule reads the artifact's own path (containment is not adaptation)."""
    return bool(terms.no_derivatives)


def facts(ctx: Context, artifact: Artifact, key: Key, terms: LicenseTerms) -> bool | None:
    """Whether the path to the no-derivatives material is more than containment."""
    if key[1] not in ("derivation", "data"):
        return None
    return any(v != "contains" for v in ctx.prop.trace(artifact.id, key)[1])


def check(ctx: Context, reach: Reach) -> None:
    no_derivatives(ctx, reach)
    relicense(ctx, reach)


def no_derivatives(ctx: Context, reach: Reach) -> None:
    """Being derived from (or, per the data policy, trained on) ND material; merely containing it is not."""
    if not reach.terms.no_derivatives or reach.channel not in ("derivation", "data"):
        return
    if not facts(ctx, reach.artifact, reach.key, reach.terms):
        return
    severity = ctx.data_severity("error") if reach.data else "error"
    if severity:
        ctx.flag(
            "no-derivatives",
            severity,
            reach,
            "no_derivatives",
            "no-derivatives",
            remedy="ship the material unmodified, get permission from the licensor, or replace it",
        )


def relicense(ctx: Context, reach: Reach) -> None:
    """A derivative's declared license must carry what the inherited license binds derivatives to."""
    terms, subject = reach.terms, reach.artifact.id
    if reach.channel != "derivation":
        return
    resolved = ctx.prop.resolved[subject]
    norm = resolved.normalized
    if terms.id in resolved.ids or norm is None or norm.status != "ok" or norm.expression is None:
        return
    binding = terms.derivative_licensing in ("same", "carry-restrictions") or (
        terms.passthrough_required and terms.use_restrictions
    )
    if not binding or terms.copyleft == "weak":
        return
    ctx.judge(
        "share-alike" if terms.copyleft == "share-alike" else "relicense-conflict",
        ctx.compatible(norm.expression, terms.id),
        reach,
        "derivative_licensing",
        "relicense",
        remedy=f"declare the inherited license: {norm.expression} AND {terms.id}, so its terms travel "
        "with the artifact",
    )


def _no_derivatives(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    if item[1] == "data":  # whether a trained model adapts its data is open: say so, not state it
        return (
            f"{artifact.label} is trained on {terms.id} material, which {terms.cite('no_derivatives')} does "
            f"not allow to be shared adapted, if the model is an adaptation{origin}{r.data_note(item)}"
        )
    return (
        f"{artifact.label} is an adaptation of {terms.id} material, which "
        f"{terms.cite('no_derivatives')} does not allow to be shared{origin}"
    )


def _relicense(r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
    expression, verdict = r.verdict(artifact.id, terms)
    if f.severity == "error":
        return f"{artifact.label} is declared {expression}, but inherits {terms.id}{origin}: {verdict.reason}"
    return (
        f"{artifact.label} is declared {expression} and inherits {terms.id}{origin}; "
        f"aiprov cannot confirm the declared terms carry it: {verdict.reason}"
    )


MESSAGES = {"no-derivatives": _no_derivatives, "relicense": _relicense}
