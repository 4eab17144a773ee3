"""OpenSSF model signatures: the sigstore bundle ``model_signing sign`` writes beside a model
(``model.sig``), read and verified through the ``model-signing`` library against what the user trusts.

Reading the bundle (which files it lists, who it names as signer) needs nothing but the standard
library; proving it needs ``model-signing`` (``pip install 'aiprov[signing]'``). A signature aiprov
cannot prove is never called verified:

- ``verified``: the signature checks with a key, certificate chain or sigstore identity the user
  trusts, and every file it covers has the digest it records;
- ``invalid``: a trusted signer's signature that does not check, or files that changed since;
- ``untrusted``: a signature from no one the user trusts (or one aiprov could not check);
- ``unsigned``: no signature file.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

__all__ = [
    "INSTALL_HINT",
    "SIGNATURE_FILE",
    "STATUSES",
    "SignatureCheck",
    "TrustedSigners",
    "check_folder",
]

SIGNATURE_FILE = "model.sig"
STATUSES = ("verified", "invalid", "untrusted", "unsigned")
INSTALL_HINT = "install 'aiprov[signing]' (the model-signing library) to verify it"

#: Paths model_signing leaves out of a signature unless told otherwise.
_GIT_PATHS = (".git", ".gitattributes", ".github", ".gitignore")
_MODEL_SIGNING_PREDICATES = ("https://model_signing/signature/v1.0", "https://model_signing/Digests/v0.1")
#: Fulcio certificate extension holding the OIDC issuer (v2, then the legacy v1).
_ISSUER_OIDS = ("1.3.6.1.4.1.57264.1.8", "1.3.6.1.4.1.57264.1.1")


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustedSigners:
    """What the user trusts: public keys (PEM files), certificate chains (PEM files) and sigstore
    identities with their OIDC issuer."""

    keys: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    identities: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.keys or self.certificates or self.identities)

    def merged(self, other: TrustedSigners) -> TrustedSigners:
        return TrustedSigners(
            keys=tuple(dict.fromkeys(self.keys + other.keys)),
            certificates=tuple(dict.fromkeys(self.certificates + other.certificates)),
            identities=tuple(dict.fromkeys(self.identities + other.identities)),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SignatureCheck:
    """The verdict on one model folder's signature, with the files it covers against those present."""

    folder: str
    signature: str | None
    status: str
    signer: str | None = None
    method: str | None = None  # key | certificate | sigstore
    reason: str | None = None
    covered: tuple[str, ...] = ()
    present: tuple[str, ...] = ()

    @property
    def uncovered(self) -> tuple[str, ...]:
        """Files in the folder the signature does not cover (an unsigned extra file)."""
        covered = set(self.covered)
        return tuple(f for f in self.present if f not in covered)

    @property
    def absent(self) -> tuple[str, ...]:
        """Files the signature covers that are not in the folder."""
        present = set(self.present)
        return tuple(f for f in self.covered if f not in present)

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "signature_file": self.signature,
            "signature": self.status,
            "signed_by": self.signer,
            "method": self.method,
            "reason": self.reason,
            "covered": list(self.covered),
            "uncovered": list(self.uncovered),
            "absent": list(self.absent),
        }


@dataclass(frozen=True, slots=True)
class _Bundle:
    method: str
    signer: str
    key_hint: str | None
    covered: tuple[str, ...]
    ignored: tuple[str, ...]


def _b64(value: str) -> bytes:
    return base64.b64decode(value, validate=False)


def _certificate_signer(der: bytes) -> tuple[str, str | None]:
    """Who a certificate names (its SAN email or URI, else its subject) and the sigstore issuer."""
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    names: list[str] = []
    with contextlib.suppress(x509.ExtensionNotFound):
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(v) for v in san.get_values_for_type(x509.RFC822Name)]
        names += [str(v) for v in san.get_values_for_type(x509.UniformResourceIdentifier)]
    issuer: str | None = None
    for oid in _ISSUER_OIDS:
        with contextlib.suppress(x509.ExtensionNotFound):
            ext = cert.extensions.get_extension_for_oid(x509.ObjectIdentifier(oid)).value
            raw = bytes(getattr(ext, "value", b""))
            if raw[:1] == b"\x0c" and len(raw) > 1 and raw[1] < 0x80:  # DER UTF8String (v2)
                raw = raw[2 : 2 + raw[1]]
            issuer = raw.decode("utf-8", "replace") or None
            break
    return (names[0] if names else cert.subject.rfc4514_string()), issuer


def _read_bundle(path: Path) -> _Bundle:
    """The parts of a model signature aiprov reports, read without verifying anything.
    Raises ValueError when the file is not a model-signing sigstore bundle."""
    try:
        data = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a sigstore bundle (not JSON: {exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("dsseEnvelope"), dict):
        raise ValueError("not a sigstore bundle with a DSSE envelope")
    try:
        statement = json.loads(_b64(data["dsseEnvelope"]["payload"]))
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise ValueError(f"DSSE payload is not an in-toto statement ({exc})") from None
    if not isinstance(statement, dict) or statement.get("predicateType") not in _MODEL_SIGNING_PREDICATES:
        raise ValueError("not a model signature (predicate type is not model_signing's)")
    predicate = statement.get("predicate") or {}
    serialization = predicate.get("serialization") or {"method": "files"}
    if statement["predicateType"] == _MODEL_SIGNING_PREDICATES[0]:
        names = [str(r.get("name")) for r in predicate.get("resources", []) if isinstance(r, dict)]
    else:
        names = [str(s.get("name")) for s in statement.get("subject", []) if isinstance(s, dict)]
    if serialization.get("method") == "shards":  # "path:start:end" -> path
        names = [n.rsplit(":", 2)[0] for n in names]
    material = data.get("verificationMaterial") or {}
    hint = (material.get("publicKey") or {}).get("hint")
    certs: list[str] = []
    if isinstance(material.get("certificate"), dict):
        certs = [material["certificate"].get("rawBytes", "")]
    elif isinstance(material.get("x509CertificateChain"), dict):
        certs = [c.get("rawBytes", "") for c in material["x509CertificateChain"].get("certificates", [])]
    if certs and certs[0]:
        who, issuer = _certificate_signer(_b64(certs[0]))
        keyless = bool(material.get("tlogEntries"))
        method = "sigstore" if keyless else "certificate"
        signer = f"{who} (issuer {issuer})" if issuer else who
    elif "publicKey" in material:
        method, signer = "key", f"public key sha256:{hint}" if hint else "a public key (no hint)"
    else:
        raise ValueError("bundle names no public key or certificate")
    ignored = tuple(str(p) for p in serialization.get("ignore_paths", ()))
    return _Bundle(method, signer, hint, tuple(sorted(dict.fromkeys(names))), ignored)


def _present(folder: Path, signature: Path, ignored: Iterable[str]) -> tuple[str, ...]:
    """Files in the folder (POSIX, relative), leaving out the signature, git files and what the
    signature itself says it ignores."""
    skip = {PurePosixPath(p) for p in (*_GIT_PATHS, *ignored)}
    out: list[str] = []
    for top, dirs, files in os.walk(folder):
        rel_top = PurePosixPath(Path(top).relative_to(folder).as_posix())
        dirs[:] = sorted(d for d in dirs if (rel_top / d) not in skip and PurePosixPath(d) not in skip)
        for name in files:
            rel = rel_top / name if str(rel_top) != "." else PurePosixPath(name)
            full = Path(top) / name
            if full == signature or rel in skip or PurePosixPath(name) in skip:
                continue
            out.append(rel.as_posix())
    return tuple(sorted(out))


def _key_fingerprint(path: str) -> tuple[str, Any]:
    """The model-signing key hint of a PEM public key (sha256 of its SubjectPublicKeyInfo PEM)."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_public_key(Path(path).read_bytes())
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(pem).hexdigest(), key


def _run(config: Any, folder: Path, signature: Path) -> None:
    """Verify with ``config``, every covered file rehashed; files the signature does not cover are
    reported apart (``signature-uncovered-file``), so they do not make it invalid."""
    with contextlib.redirect_stdout(io.StringIO()):  # the library prints warnings to stdout
        config.set_ignore_unsigned_files(True).verify(folder, signature)


def check_folder(
    folder: str | Path, trusted: TrustedSigners, *, signature_name: str = SIGNATURE_FILE
) -> SignatureCheck:
    """The signature verdict on one model folder (see the module docstring for the four statuses)."""
    folder = Path(folder)
    signature = folder / signature_name
    if not signature.is_file():
        return SignatureCheck(folder=str(folder), signature=None, status="unsigned")
    base: dict[str, Any] = {"folder": str(folder), "signature": str(signature)}
    try:
        bundle = _read_bundle(signature)
    except ValueError as exc:
        present = _present(folder, signature, ())
        return SignatureCheck(**base, status="invalid", reason=str(exc), present=present)
    except ImportError:  # a certificate bundle without cryptography installed
        present = _present(folder, signature, ())
        return SignatureCheck(
            **base, status="untrusted", reason=f"not verified: {INSTALL_HINT}", present=present
        )
    facts: dict[str, Any] = {
        **base,
        "signer": bundle.signer,
        "method": bundle.method,
        "covered": bundle.covered,
        "present": _present(folder, signature, bundle.ignored),
    }
    try:
        from model_signing import verifying
    except ImportError:
        return SignatureCheck(
            **facts, status="untrusted", reason=f"signature present, not verified: {INSTALL_HINT}"
        )
    if bundle.method == "key":
        return _check_key(bundle, trusted, verifying, folder, signature, facts)
    if bundle.method == "certificate":
        return _check_certificate(trusted, verifying, folder, signature, facts)
    return _check_sigstore(trusted, verifying, folder, signature, facts)


def _failure(exc: BaseException) -> str:
    """model-signing's error as a sentence: the files that changed or went missing since signing."""
    text = str(exc) or type(exc).__name__
    changed = re.findall(r"Hash mismatch for \\?'([^'\\]+)", text)
    missing = re.findall(r"Missing files in model '[^']*': ([^\"\]]+)", text)
    if changed or missing:
        parts = [f"{', '.join(changed)} changed since signing"] if changed else []
        parts += [f"missing since signing: {m}" for m in missing]
        return "; ".join(parts)
    return text if len(text) <= 500 else text[:500] + "…"


def _check_key(
    bundle: _Bundle,
    trusted: TrustedSigners,
    verifying: Any,
    folder: Path,
    signature: Path,
    facts: dict[str, Any],
) -> SignatureCheck:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec

    candidates: list[tuple[str, str]] = []
    for path in trusted.keys:
        fingerprint, key = _key_fingerprint(path)
        if not isinstance(key, ec.EllipticCurvePublicKey):
            continue  # model-signing signs with EC keys only
        if bundle.key_hint is None or bundle.key_hint == fingerprint:
            candidates.append((path, fingerprint))
    if not candidates:
        why = (
            "signed by a key not in the trusted list"
            if trusted.keys
            else "no trusted key given (--trusted-key)"
        )
        return SignatureCheck(**facts, status="untrusted", reason=why)
    failure = ""
    for path, fingerprint in candidates:
        try:
            _run(verifying.Config().use_elliptic_key_verifier(public_key=path), folder, signature)
        except (ValueError, InvalidSignature, OSError) as exc:
            failure = _failure(exc)
            continue
        facts["signer"] = f"{Path(path).name} (public key sha256:{fingerprint})"
        return SignatureCheck(**facts, status="verified")
    if bundle.key_hint is None:  # no hint: none of the trusted keys made it
        return SignatureCheck(**facts, status="untrusted", reason=f"no trusted key verifies it ({failure})")
    return SignatureCheck(**facts, status="invalid", reason=failure)


def _check_certificate(
    trusted: TrustedSigners, verifying: Any, folder: Path, signature: Path, facts: dict[str, Any]
) -> SignatureCheck:
    if not trusted.certificates:
        return SignatureCheck(
            **facts, status="untrusted", reason="no trusted certificate given (--trusted-certificate)"
        )
    from cryptography.exceptions import InvalidSignature

    try:  # the chain is checked by pyOpenSSL, which model-signing uses for certificates
        from OpenSSL.crypto import X509StoreContextError
    except ImportError:  # pragma: no cover - model-signing imports it
        X509StoreContextError = ValueError  # type: ignore[misc,assignment]
    config = verifying.Config().use_certificate_verifier(certificate_chain=list(trusted.certificates))
    try:
        _run(config, folder, signature)
    except X509StoreContextError as exc:
        return SignatureCheck(
            **facts, status="untrusted", reason=f"certificate chain not trusted: {_failure(exc)}"
        )
    except (ValueError, InvalidSignature, OSError) as exc:
        message = _failure(exc)
        if "cannot be used for signing" in message:
            return SignatureCheck(**facts, status="untrusted", reason=message)
        return SignatureCheck(**facts, status="invalid", reason=message)
    return SignatureCheck(**facts, status="verified")


def _check_sigstore(
    trusted: TrustedSigners, verifying: Any, folder: Path, signature: Path, facts: dict[str, Any]
) -> SignatureCheck:
    if not trusted.identities:
        return SignatureCheck(
            **facts, status="untrusted", reason="no trusted sigstore identity given (--identity, --issuer)"
        )
    reasons = []
    for identity, issuer in trusted.identities:
        config = verifying.Config().use_sigstore_verifier(identity=identity, oidc_issuer=issuer)
        try:
            _run(config, folder, signature)
        except (
            Exception
        ) as exc:  # sigstore raises its own error types (and network errors); all mean "not proven"
            message = _failure(exc)
            if "Signature mismatch" in message:
                return SignatureCheck(**facts, status="invalid", reason=message)
            reasons.append(f"{identity}: {message}")
            continue
        facts["signer"] = f"{identity} (issuer {issuer})"
        return SignatureCheck(**facts, status="verified")
    return SignatureCheck(**facts, status="untrusted", reason="; ".join(reasons))
