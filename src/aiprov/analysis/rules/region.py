"""Region exclusions: a license that withholds its grant from licensees in some regions (the Llama 3.2
and Llama 4 Acceptable Use Policies, incorporated by §1.b.iv: "With respect to any multimodal models
included in Llama 4, the rights granted under Section 1(a) ... are not being granted to you if you are
an individual domiciled in, or a company with a principal place of business in, the European Union").
Checked against the policy's ``use.region``: where the user (the licensee) is domiciled."""

from __future__ import annotations

from aiprov.analysis._finding import Finding
from aiprov.analysis._propagate import Key
from aiprov.analysis.rules._context import Context, Reach, Render
from aiprov.graph import Artifact
from aiprov.licenses.terms import LicenseTerms

CODES = {"region-excluded": "the license withholds its grant from licensees in the policy's region"}

#: Hugging Face pipeline tags of models that take more than one modality.
_MULTIMODAL_TAGS = frozenset(
    {"image-text-to-text", "visual-question-answering", "image-to-text", "any-to-any", "video-text-to-text"}
)


def reads(terms: LicenseTerms) -> bool:
    """An exclusion limited to multimodal models reads whether the artifact is one."""
    return terms.region_applies_to == "multimodal"


def facts(ctx: Context, artifact: Artifact, key: Key, terms: LicenseTerms) -> bool | None:
    """Whether the artifact is multimodal, as its properties say (None: they do not say)."""
    props = artifact.properties
    if isinstance(props.get("multimodal"), bool):
        return bool(props["multimodal"])
    tag = props.get("pipeline_tag") or props.get("task")
    if isinstance(tag, str):
        return tag in _MULTIMODAL_TAGS
    return None


def check(ctx: Context, reach: Reach) -> None:
    terms = reach.terms
    if not (reach.first and reach.whole and terms.region_exclusions):
        return
    if not set(terms.region_exclusions) & ctx.use.regions():
        return
    remedy = (
        "have an entity outside the excluded region hold the license, use a model whose grant reaches you "
        "(for Llama 3.2, the text-only 1B and 3B models), or ask the licensor for a license; end users of a "
        "product built on the model are not affected"
    )
    multimodal = True if terms.region_applies_to == "all" else facts(ctx, reach.artifact, reach.key, terms)
    if multimodal:
        ctx.flag("region-excluded", "error", reach, "region_exclusion", "region", remedy=remedy)
    elif multimodal is None and reach.notes:
        ctx.flag(
            "region-excluded",
            "warning",
            reach,
            "region_exclusion",
            "region-if-multimodal",
            certainty="unverified",
            remedy="state whether the model is multimodal (properties.multimodal or pipeline_tag); if it is: "
            + remedy,
        )


def _region(r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
    return (
        f"{terms.cite('region_exclusion')} withholds the license grant from licensees domiciled in "
        f"{', '.join(terms.region_exclusions)}, and the policy's region is {r.use.region}: no rights to "
        f"{artifact.label}{origin}"
    )


def _region_if_multimodal(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    return (
        f"{terms.cite('region_exclusion')} withholds the license grant for multimodal models from licensees "
        f"domiciled in {', '.join(terms.region_exclusions)} (the policy's region is {r.use.region}); "
        f"whether {artifact.label} is multimodal is not stated{origin}"
    )


MESSAGES = {"region": _region, "region-if-multimodal": _region_if_multimodal}
