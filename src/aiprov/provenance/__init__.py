"""Provenance you can prove: files checked against the digests a BOM records, OpenSSF model
signatures verified against the signers the user trusts, and in-toto attestations of the BOM and
of the check verdict (see docs/provenance.md)."""

from aiprov.provenance.attest import (
    BOM_PREDICATE,
    CHECK_PREDICATE,
    Attestation,
    pae,
    sign_envelope,
    statement,
    verify_attestation,
)
from aiprov.provenance.signatures import SignatureCheck, TrustedSigners, check_folder
from aiprov.provenance.verify import ArtifactSignature, FileCheck, VerifyReport, locate, verify

__all__ = [
    "BOM_PREDICATE",
    "CHECK_PREDICATE",
    "ArtifactSignature",
    "Attestation",
    "FileCheck",
    "SignatureCheck",
    "TrustedSigners",
    "VerifyReport",
    "check_folder",
    "locate",
    "pae",
    "sign_envelope",
    "statement",
    "verify",
    "verify_attestation",
]
