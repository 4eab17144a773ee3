"""Provenance: a model, weights or dataset whose origin cannot be verified, and what the policy's
``require`` demands of every artifact.

Under ``require: [signed]`` check judges each model and weights artifact by the ``signature``
property ``aiprov verify`` records (:meth:`~aiprov.provenance.verify.VerifyReport.annotate`): check
reads that record and trusts it, it verifies nothing; ``aiprov verify`` checks the signature itself
and reports on what it finds, not on the record."""

from __future__ import annotations

from aiprov.analysis.rules._context import Context
from aiprov.graph import Artifact

CODES = {
    "provenance-missing": "an artifact lacks provenance: no source, purl or hashes (or what the policy requires)",
    "signature-invalid": "a trusted signer's model signature does not verify (as recorded by aiprov verify)",
    "signature-missing": "under require: [signed], a model or weights artifact without a verified signature",
}

#: kinds whose origin must be verifiable
TRACEABLE = frozenset({"model", "weights", "dataset"})
#: kinds ``require: [signed]`` applies to (the model signatures aiprov verify checks)
SIGNABLE = frozenset({"model", "weights"})

_RECORD = (
    "run `aiprov verify` on the BOM with your trusted signers and keep the BOM it annotates "
    "(VerifyReport.annotate records `signature: verified`)"
)


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
    if req.signed and artifact.kind in SIGNABLE:
        _signature(ctx, artifact)
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


def _signature(ctx: Context, artifact: Artifact) -> None:
    """What the BOM records of the artifact's signature, judged: ``verified`` passes, ``invalid`` is
    ``signature-invalid``, anything else (``untrusted``, ``unsigned``, nothing) ``signature-missing``.
    Settled either way: the record says so, and check does not look behind it."""
    recorded = artifact.properties.get("signature")
    status = recorded.strip().lower() if isinstance(recorded, str) else None
    if status == "verified":
        return
    if status == "invalid":
        signer = artifact.properties.get("signed_by")
        by = f" by {signer}" if isinstance(signer, str) and signer else ""
        ctx.add(
            "signature-invalid",
            "error",
            artifact.id,
            f"{artifact.label}: the BOM records that its model signature{by} does not verify "
            "(signature: invalid, from aiprov verify), and the policy requires a verified one",
            remedy="restore the files changed since signing (aiprov verify names them) or re-sign the "
            f"model with model_signing, then {_RECORD}",
        )
        return
    what = "no signature recorded" if recorded is None else f"signature: {recorded}"
    ctx.add(
        "signature-missing",
        "error",
        artifact.id,
        f"{artifact.label} ({artifact.kind}) has no verified signature in the BOM ({what}), which the "
        "policy requires",
        remedy=f"sign the model folder with model_signing (`model_signing sign`), then {_RECORD}",
    )
