"""Data terms reaching a model trained on the data. Whether they do is legally unsettled: the
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


def check(ctx: Context, reach: Reach) -> None:
    if not reach.data:
        return
    terms = reach.terms
    if terms.copyleft != "share-alike" or terms.copyleft_scope == "database":
        return
    if terms.id in ctx.prop.resolved[reach.artifact.id].ids:
        return
    severity = ctx.data_severity("error")
    if severity is None:
        return
    ctx.flag(
        "share-alike",
        severity,
        reach,
        "copyleft",
        "share-alike-data",
        remedy=f"license the model under {terms.id} (or a compatible license), replace the data, or "
        "record your reading in a waiver with a reason",
    )


def _share_alike_data(
    r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
) -> str:
    norm = r.prop.resolved[artifact.id].normalized
    declared = norm.expression if norm is not None and norm.expression else "no license"
    return (
        f"{artifact.label} ({declared}) is trained on {terms.id} data, whose {terms.cite('copyleft')} "
        f"asks adaptations to be shared alike{origin}{r.data_note(item)}"
    )


MESSAGES = {"share-alike-data": _share_alike_data}
