"""Data terms reaching a model trained on the data (any reciprocal license: share-alike, GPL, AGPL,
LGPL, MPL). Whether they do is legally unsettled: the
policy's ``data_terms_reach_models`` weighs them (strict: as given; warn: errors become warnings;
off: left out) and every such finding is ``unsettled``. Share-alike data (CC BY-SA §3(b): adapted
material under the same license) asks a model to be shared alike if the model is an adaptation;
database-scoped share-alike (ODbL, ODC-By) does not reach a model, which is at most a Produced Work."""

from __future__ import annotations

from aiprov.analysis._finding import Finding
from aiprov.analysis._propagate import Key
from aiprov.analysis.rules._context import Context, Reach, Render
from aiprov.graph import Artifact
from aiprov.licenses.terms import LicenseTerms

CODES: dict[str, str] = {}  # share-alike is documented with derivatives

#: Reciprocal terms whose reach into a trained model can be argued, and what triggers them: share-alike
#: (CC BY-SA §3(b): "If You Share Adapted Material") and network copyleft (AGPL-3.0 §13) when the
#: model is made available, strong copyleft (GPL-3.0 §5(c), GPL-2.0 §2(b): when you convey) and weak
#: copyleft (LGPL, MPL: the covered files or library) when copies change hands.
_RECIPROCAL = {
    "share-alike": "made_available",
    "network": "made_available",
    "strong": "distributed",
    "weak": "distributed",
}


def check(ctx: Context, reach: Reach) -> None:
    """Every license whose reciprocal terms could be argued to reach a model trained on the material
    goes through here, whatever its family: a finding at the data policy's weight, ``unsettled``."""
    if not reach.data:
        return
    terms = reach.terms
    trigger = _RECIPROCAL.get(terms.copyleft)
    if trigger is None or terms.copyleft_scope == "database":
        return  # a model is not a derivative database (ODbL / ODC-By: a Produced Work at most)
    if not getattr(ctx.use, trigger):
        return
    resolved = ctx.prop.resolved[reach.artifact.id]
    if terms.id in resolved.ids:
        return
    norm = resolved.normalized
    carried = (
        norm is not None
        and norm.status == "ok"
        and norm.expression is not None
        and ctx.compatible(norm.expression, terms.id).compatible is True
    )
    if carried:
        return  # the model's own license carries the terms
    severity = ctx.data_severity("warning" if terms.copyleft == "weak" else "error")
    if severity is None:
        return
    ctx.flag(
        "share-alike",
        severity,
        reach,
        "copyleft",
        "share-alike-data" if terms.copyleft == "share-alike" else "copyleft-data",
        remedy=f"license the model under {terms.id} (or a compatible license), replace the data, or "
        "record your reading in a waiver with a reason",
    )


def _trained_on(
    r: Render, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str, material: str, asks: str
) -> str:
    """'<model> (<its license>) is trained on <license> <material>, whose <clause> asks <asks>'."""
    norm = r.prop.resolved[artifact.id].normalized
    declared = norm.expression if norm is not None and norm.expression else "no license"
    return (
        f"{artifact.label} ({declared}) is trained on {terms.id} {material}, whose {terms.cite('copyleft')} "
        f"asks {asks}{origin}{r.data_note(item)}"
    )


def _share_alike_data(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    return _trained_on(
        r, artifact, item, terms, origin, "data", "adaptations to be shared alike if the model is one"
    )


def _copyleft_data(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    return _trained_on(
        r,
        artifact,
        item,
        terms,
        origin,
        "material",
        "works based on it to be licensed under its terms if the model is such a work",
    )


MESSAGES = {"share-alike-data": _share_alike_data, "copyleft-data": _copyleft_data}
