"""What an artifact declares: a license that is missing, unparsable or unknown, a choice an OR
expression offers, a license the policy denies."""

from __future__ import annotations

from aiprov.analysis.rules._context import Context
from aiprov.graph import Artifact
from aiprov.licenses.terms import LicenseTerms

CODES = {
    "license-missing": "an artifact declares no license",
    "license-unknown": "the declared license is not one aiprov knows, or names no license (other, unknown)",
    "license-invalid": "the declared license expression cannot be parsed",
    "license-choice": "an OR expression offers a choice; aiprov reports the option that fits the policy",
    "policy-denied": "a license the policy denies",
}


def check(ctx: Context, artifact: Artifact) -> None:
    res = ctx.prop.resolved[artifact.id]
    norm = res.normalized
    if norm is None:
        severity = "warning" if artifact.kind in ("document", "service") else "error"
        ctx.add(
            "license-missing",
            severity,
            artifact.id,
            f"{artifact.label} ({artifact.kind}) declares no license",
            remedy="declare the license its source gives (an SPDX expression or a LicenseRef-)",
        )
        return
    if norm.status == "invalid":
        ctx.add(
            "license-invalid",
            "error",
            artifact.id,
            f"license {norm.input!r} of {artifact.label} cannot be parsed: {norm.reason}",
            remedy="write the license as an SPDX expression (e.g. 'MIT AND Apache-2.0')",
        )
        return
    if norm.status == "unknown" and norm.input.strip() not in ctx.policy.proprietary:
        ctx.add(
            "license-unknown",
            "warning",
            artifact.id,
            f"license {norm.input!r} of {artifact.label}: {norm.reason}; its terms cannot be checked",
            certainty="unverified",
            remedy="declare the SPDX id of the license, or read its text and record the outcome in a "
            "waiver with a reason",
        )
    if res.choice is not None:
        ctx.add(
            "license-choice",
            "info",
            artifact.id,
            f"{norm.expression} offers a choice: {res.choice} fits the policy best",
            remedy=f"record the choice: declare the concluded license {res.choice}",
        )
    for license_id in res.ids:
        terms = ctx.prop.terms(license_id)
        if terms is None:
            continue
        if denied(ctx, terms):
            ctx.add(
                "policy-denied",
                "error",
                artifact.id,
                f"{artifact.label} is under {terms.id} ({terms.category}), which the policy denies",
                terms=terms,
                remedy=f"replace {artifact.label}, or add {terms.id} to the policy's allow list",
            )
        if not terms.curated and terms.category in ("proprietary", "unknown"):
            ctx.add(
                "license-unknown",
                "warning",
                artifact.id,
                f"{terms.id} is not curated: {terms.basis}; review the text",
                terms=terms,
                certainty="unverified",
                remedy="read the license text and record the outcome in a waiver with a reason",
            )


def denied(ctx: Context, terms: LicenseTerms) -> bool:
    """The policy's ``deny`` names the license, its category or a trait, and ``allow`` does not."""
    names = {terms.id, terms.category}
    if terms.non_commercial:
        names.add("non-commercial")
    if terms.no_derivatives:
        names.add("no-derivatives")
    if terms.use_restrictions:
        names.add("use-restricted")
    return bool(names & set(ctx.policy.deny)) and not (names & set(ctx.policy.allow))
