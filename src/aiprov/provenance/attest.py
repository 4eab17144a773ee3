"""Attestations: an in-toto Statement v1 about the BOM's files, optionally signed in a DSSE envelope.

The statement's subjects are the files the BOM records digests for; its predicate is the
CycloneDX JSON BOM (``https://cyclonedx.org/bom``) or aiprov's check result
(:data:`CHECK_PREDICATE`, described by ``schemas/check-predicate-1.schema.json``). A DSSE envelope
signs the statement's bytes through the pre-authentication encoding of the DSSE spec (v1.0.2):
``"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body``, lengths as ASCII decimal byte counts.
Keys are ECDSA P-256 (SHA-256) or Ed25519, read through ``cryptography``.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from aiprov.analysis.policy import DEFAULT_POLICY, Policy
from aiprov.exceptions import InputError, ParseError
from aiprov.graph import AIBOM
from aiprov.provenance.digests import hashlib_name
from aiprov.provenance.verify import VerifyReport, locate

__all__ = [
    "BOM_PREDICATE",
    "CHECK_PREDICATE",
    "PAYLOAD_TYPE",
    "STATEMENT_TYPE",
    "Attestation",
    "open_envelope",
    "pae",
    "sign_envelope",
    "statement",
    "verify_attestation",
]

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
BOM_PREDICATE = "https://cyclonedx.org/bom"
CHECK_PREDICATE = "https://github.com/aiprov/aiprov/attestation/check/v1"
_CRYPTO_HINT = "signing and checking attestations needs 'cryptography': install 'aiprov[signing]'"


def pae(payload_type: str, payload: bytes) -> bytes:
    """The DSSE v1 pre-authentication encoding of a payload: what is signed."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload)


def _subjects(bom: AIBOM) -> list[dict[str, Any]]:
    subjects: list[dict[str, Any]] = []
    for artifact in bom:
        digest: dict[str, str] = {}
        for name, value in artifact.hashes:
            known = hashlib_name(name)
            if known is not None:
                digest.setdefault(known, str(value).strip().lower())
        if not digest:
            continue
        notes: dict[str, Any] = {"bom-ref": artifact.id}
        path = artifact.properties.get("path")
        if not (isinstance(path, str) and path) and artifact.source and locate(artifact) is not None:
            path = artifact.source
        if isinstance(path, str) and path:
            notes["path"] = path
            root = artifact.properties.get("root")
            if isinstance(root, str) and root:
                notes["root"] = root
        subjects.append({"name": notes.get("path", artifact.id), "digest": digest, "annotations": notes})
    if not subjects:
        raise InputError("nothing to attest: no artifact in the BOM records a digest hashlib knows")
    return sorted(subjects, key=lambda s: (s["name"], s["annotations"]["bom-ref"]))


def statement(bom: AIBOM, *, predicate: str = "bom", policy: Policy | None = None) -> dict[str, Any]:
    """The in-toto Statement v1 about a BOM's files: ``predicate="bom"`` carries the CycloneDX JSON
    BOM, ``predicate="check"`` the result of :func:`aiprov.check` under ``policy``."""
    from aiprov import __version__

    subjects = _subjects(bom)
    if predicate == "bom":
        from aiprov.formats import dumps

        body: dict[str, Any] = json.loads(dumps(bom, "cyclonedx-json"))
        kind = BOM_PREDICATE
    elif predicate == "check":
        from aiprov.analysis.checks import check

        report = check(bom, policy or DEFAULT_POLICY)
        body = {
            "tool": {"name": "aiprov", "version": __version__},
            "policy": report.policy.to_dict(),
            "summary": report.summary(),
            "findings": [f.to_dict() for f in report.findings],
        }
        kind = CHECK_PREDICATE
    else:
        raise InputError(f"unknown predicate {predicate!r} (bom or check)")
    return {"_type": STATEMENT_TYPE, "subject": subjects, "predicateType": kind, "predicate": body}


def _private_key(path: str | Path) -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    except ImportError:
        raise InputError(_CRYPTO_HINT) from None
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise InputError(f"not an unencrypted PEM private key ({exc})", source=str(path)) from None
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1":
        return key
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key
    raise InputError("the key must be ECDSA P-256 or Ed25519", source=str(path))


def _public_key(path: str | Path) -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    except ImportError:
        raise InputError(_CRYPTO_HINT) from None
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except ValueError as exc:
        raise InputError(f"not a PEM public key ({exc})", source=str(path)) from None
    if isinstance(key, ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey):
        return key
    raise InputError("the key must be ECDSA (P-256) or Ed25519", source=str(path))


def _keyid(public_key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def sign_envelope(body: dict[str, Any], key: str | Path) -> dict[str, Any]:
    """A DSSE envelope holding the statement ``body``, signed with the PEM private key at ``key``
    (ECDSA P-256 with SHA-256, DER signature; or Ed25519). ``keyid`` is the SHA-256 of the public
    key's DER SubjectPublicKeyInfo."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    private = _private_key(key)
    payload = json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    message = pae(PAYLOAD_TYPE, payload)
    if isinstance(private, ec.EllipticCurvePrivateKey):
        signature = private.sign(message, ec.ECDSA(hashes.SHA256()))
    else:
        signature = private.sign(message)
    return {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [
            {"keyid": _keyid(private.public_key()), "sig": base64.b64encode(signature).decode("ascii")}
        ],
    }


def _b64decode(text: Any, what: str, source: str) -> bytes:
    if not isinstance(text, str):
        raise ParseError(f"DSSE {what} must be a base64 string", source=source)
    try:  # DSSE accepts standard and URL-safe base64, padded or not
        padded = text + "=" * (-len(text) % 4)
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise ParseError(f"DSSE {what} is not base64", source=source) from None


def open_envelope(data: Any, source: str = "<string>") -> tuple[dict[str, Any], dict[str, Any] | None, bytes]:
    """(statement, envelope or None, payload bytes) of a parsed attestation: a bare in-toto Statement
    or a DSSE envelope around one. Nothing is verified here."""
    envelope = None
    payload = b""
    if isinstance(data, dict) and "payloadType" in data and "payload" in data:
        envelope = data
        if data["payloadType"] != PAYLOAD_TYPE:
            raise ParseError(f"DSSE payloadType {data['payloadType']!r} is not {PAYLOAD_TYPE}", source=source)
        payload = _b64decode(data["payload"], "payload", source)
        try:
            data = json.loads(payload)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ParseError(f"DSSE payload is not JSON ({exc})", source=source) from None
    if not isinstance(data, dict) or not str(data.get("_type", "")).startswith(
        "https://in-toto.io/Statement/v"
    ):
        raise ParseError("not an in-toto Statement (no _type https://in-toto.io/Statement/v1)", source=source)
    subjects = data.get("subject")
    if not isinstance(subjects, list) or not all(
        isinstance(s, dict) and isinstance(s.get("digest"), dict) for s in subjects
    ):
        raise ParseError(
            "in-toto Statement: subject must be a list of {name, digest}", source=source, location="subject"
        )
    return data, envelope, payload


class Attestation:
    """The outcome of :func:`verify_attestation`: whether a trusted key signed the envelope, the
    statement, and the check of its subjects against the files."""

    def __init__(
        self, *, signed: bool, keyid: str | None, statement: dict[str, Any], report: VerifyReport
    ) -> None:
        self.signed = signed
        self.keyid = keyid
        self.statement = statement
        self.report = report

    def to_dict(self) -> dict[str, Any]:
        return {
            "signature": "verified" if self.signed else "invalid",
            "keyid": self.keyid,
            "predicateType": self.statement.get("predicateType"),
            **self.report.to_dict(),
        }


def verify_attestation(
    path: str | Path, keys: list[str | Path], *, root: str | Path | None = None
) -> Attestation:
    """Check a DSSE-signed in-toto attestation: its signature against the public keys (any one
    suffices), then every subject's digest against the file (``annotations.path`` under ``root``,
    else the subject's recorded root, else the attestation's folder)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from aiprov.analysis.checks import Finding
    from aiprov.formats import parse_json, read_text
    from aiprov.graph import Artifact
    from aiprov.provenance.verify import verify

    source = str(path)
    body, envelope, payload = open_envelope(parse_json(read_text(path), source), source)
    public = [(_public_key(k), k) for k in keys]
    signed_by: str | None = None
    problem = "the attestation is a bare statement, not a signed DSSE envelope"
    if envelope is not None:
        message = pae(envelope["payloadType"], payload)
        signatures = envelope.get("signatures") or []
        problem = "no signature in the envelope verifies with the given key(s)"
        for entry in signatures if isinstance(signatures, list) else []:
            sig = _b64decode(entry.get("sig") if isinstance(entry, dict) else None, "signature", source)
            for key, _ in public:
                try:
                    if isinstance(key, ec.EllipticCurvePublicKey):
                        key.verify(sig, message, ec.ECDSA(hashes.SHA256()))
                    else:
                        key.verify(sig, message)
                except InvalidSignature:
                    continue
                signed_by = _keyid(key)
                break
            if signed_by:
                break
    # the subjects, as artifacts located like any other (path under root)
    bom = AIBOM()
    for i, subject in enumerate(body["subject"]):
        notes = subject.get("annotations") if isinstance(subject.get("annotations"), dict) else {}
        props = {k: notes[k] for k in ("path", "root") if isinstance(notes.get(k), str)}
        bom.add(
            Artifact(
                id=str(notes.get("bom-ref") or subject.get("name") or f"subject-{i}"),
                kind="document",
                name=str(subject.get("name")),
                hashes=tuple((str(k), str(v)) for k, v in subject["digest"].items()),
                properties=props,
            )
        )
    report = verify(bom, root, base=Path(path).parent)
    if signed_by is None:
        extra = Finding(
            code="signature-invalid",
            severity="error",
            subject=source,
            message=f"{source}: {problem}",
            path=(source,),
        )
        report = dataclasses.replace(
            report, findings=tuple(sorted((*report.findings, extra), key=Finding.sort_key))
        )
    return Attestation(signed=signed_by is not None, keyid=signed_by, statement=body, report=report)
