"""Provenance: a model, weights or dataset whose origin cannot be verified, and what the policy's
``require`` demands of every artifact."""

from __future__ import annotations

from aiprov.analysis.rules._context import Context
from aiprov.graph import Artifact

CODES = {
    "provenance-missing": "an artifact lacks provenance: no source, purl or hashes (or what the policy requires)",
}

#: kinds whose origin must be verifiable
TRACEABLE = frozenset({"model", "weights", "dataset"})


def check(ctx: Context, artifact: Artifact) -> None:
    req = ctx.policy.require
    missing = []
    if req.hashes and not artifact.hashes:
        missing.append("hashes")
    if req.source and not artifact.source:
        missing.append("a source (download location)")
    if req.supplier and not artifact.supplier:
        missing.append("a supplier")
    if missing:
        ctx.add(
            "provenance-missing",
            "error",
            artifact.id,
            f"{artifact.label} has no {', '.join(missing)}, which the policy requires",
            remedy=f"add {', '.join(missing)} to the artifact",
        )
    elif artifact.kind in TRACEABLE and not (artifact.source or artifact.purl or artifact.hashes):
        ctx.add(
            "provenance-missing",
            "warning",
            artifact.id,
            f"{artifact.label} ({artifact.kind}) has no source, purl or hashes: its origin cannot be verified",
            remedy="add its download location, purl or sha256 hash",
        )
    if req.osi_approved_weights and artifact.kind in ("model", "weights"):
        ids = ctx.prop.resolved[artifact.id].ids
        if not ids or not all((t := ctx.prop.terms(i)) is not None and t.osi_approved for i in ids):
            ctx.add(
                "policy-denied",
                "error",
                artifact.id,
                f"{artifact.label}: the policy requires OSI-approved licenses on weights",
                remedy="replace the weights with OSI-approved ones, or lift require.osi_approved_weights",
            )
