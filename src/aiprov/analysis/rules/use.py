"""Use restrictions (RAIL Attachment A, acceptable-use policies, Gemma's prohibited uses): they pass
to derivatives and users, so the artifact does not grant use for every purpose (OSAID freedom 1);
an error where the policy's field of use meets a restricted category."""

from __future__ import annotations

from aiprov.analysis._finding import Finding
from aiprov.analysis._propagate import Key
from aiprov.analysis.policy import CONDITIONAL_CATEGORIES
from aiprov.analysis.rules._context import Context, Reach, Render
from aiprov.graph import Artifact
from aiprov.licenses.terms import LicenseTerms

CODES = {"use-restricted": "use restrictions reach the artifact: it does not grant use for every purpose"}


def check(ctx: Context, reach: Reach) -> None:
    """Restrictions reach by derivation, by outputs whose terms carry them, or (strict data policy) by
    training data."""
    terms = reach.terms
    if not reach.first or not terms.use_restrictions:
        return
    carries = reach.whole or (reach.output and "use-restrictions" in terms.output_restriction_categories)
    if not (carries or (reach.data and ctx.policy.data_terms_reach_models == "strict")):
        return
    hit = set(terms.use_restriction_categories) & ctx.use.restricted_categories()
    if hit and hit <= CONDITIONAL_CATEGORIES:
        # Llama AUP 1.d forbids "the unauthorized or unlicensed practice of any profession": a product
        # in the field is not barred; whether it is practised lawfully is a fact aiprov is not given.
        ctx.flag(
            "use-restricted",
            "warning",
            reach,
            "use_restrictions",
            "use-confirm",
            certainty="unverified",
            remedy="confirm the product is run under the licenses or authorizations the profession requires "
            "(and record it in a waiver with a reason)",
        )
    elif hit:
        ctx.flag(
            "use-restricted",
            "error",
            reach,
            "use_restrictions",
            "use-hit",
            remedy="keep the product out of the restricted uses, or use another model for this field",
        )
    elif reach.notes:
        ctx.flag(
            "use-restricted",
            "warning",
            reach,
            "use_restrictions",
            "use-any",
            remedy="pass the use restrictions on to your users (as the license requires) and keep "
            "your own use within them",
        )


def _use_hit(r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
    hit = set(terms.use_restriction_categories) & r.use.restricted_categories()
    policy = f" (with {terms.use_policy})" if terms.use_policy else ""
    return (
        f"{terms.cite('use_restrictions')}{policy} restricts {', '.join(sorted(hit))}, "
        f"the intended field ({r.use.field}){origin}"
    )


def _use_any(r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
    policy = f" (with {terms.use_policy})" if terms.use_policy else ""
    return (
        f"{artifact.label} does not grant use for every purpose (OSAID freedom 1): "
        f"{terms.cite('use_restrictions')}{policy} restrict its use{origin}"
    )


def _use_confirm(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    policy = f" (with {terms.use_policy})" if terms.use_policy else ""
    return (
        f"{terms.cite('use_restrictions')}{policy} forbids the unauthorized or unlicensed practice of a "
        f"profession, which the intended field ({r.use.field}) involves: confirm {artifact.label} is used "
        f"under the required licenses{origin}"
    )


MESSAGES = {"use-hit": _use_hit, "use-any": _use_any, "use-confirm": _use_confirm}
