"""Fixtures for the provenance tests: a model folder on disk, a manifest describing it the way
`aiprov scan` records files (hashes.sha256, properties.path and .root), throw-away keys."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

WEIGHTS = b"\x00\x01safetensors-ish weights\x00" * 4096
CONFIG = b'{"architectures": ["LlamaForCausalLM"]}\n'


def write_key(folder: Path, name: str, kind: str = "ec") -> tuple[Path, Path]:
    """A throw-away key pair as PEM files: (private, public)."""
    key: Any = (
        ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else ed25519.Ed25519PrivateKey.generate()
    )
    private = folder / f"{name}.pem"
    public = folder / f"{name}.pub"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


def model_folder(root: Path) -> Path:
    folder = root / "models" / "acme-7b"
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(WEIGHTS)
    (folder / "config.json").write_bytes(CONFIG)
    return folder


def sign(folder: Path, private_key: Path) -> Path:
    """Sign the folder the way `model_signing sign key` does (the signature file left out)."""
    import model_signing

    signature = folder / "model.sig"
    hashing = model_signing.hashing.Config().set_ignored_paths(paths=[signature.name])
    model_signing.signing.Config().use_elliptic_key_signer(private_key=private_key).set_hashing_config(
        hashing
    ).sign(folder, signature)
    return signature


def manifest(
    root: Path, *, recorded_root: Path | None = None, extra: list[dict[str, Any]] | None = None
) -> Path:
    """A JSON manifest of the model folder: a model artifact containing two file artifacts."""
    scan_root = str(recorded_root if recorded_root is not None else root)
    artifacts: list[dict[str, Any]] = [
        {
            "id": "acme-7b",
            "kind": "model",
            "name": "acme-7b",
            "license": "Apache-2.0",
            "properties": {"path": "models/acme-7b", "root": scan_root},
        },
        {
            "id": "acme-7b/model.safetensors",
            "kind": "weights",
            "license": "Apache-2.0",
            "hashes": {"sha256": hashlib.sha256(WEIGHTS).hexdigest()},
            "properties": {"path": "models/acme-7b/model.safetensors", "root": scan_root},
        },
        {
            "id": "acme-7b/config.json",
            "kind": "document",
            "license": "Apache-2.0",
            "hashes": {
                "SHA-512": hashlib.sha512(CONFIG).hexdigest(),
                "sha256": hashlib.sha256(CONFIG).hexdigest(),
            },
            "properties": {"path": "models/acme-7b/config.json", "root": scan_root},
        },
        *(extra or []),
    ]
    relations = [
        {"from": "acme-7b", "type": "contains", "to": "acme-7b/model.safetensors"},
        {"from": "acme-7b", "type": "contains", "to": "acme-7b/config.json"},
    ]
    path = root / "aibom.json"
    path.write_text(json.dumps({"aibom": 1, "artifacts": artifacts, "relations": relations}))
    return path


def flip_byte(path: Path, at: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def write_ca_and_leaf(folder: Path, name: str, email: str) -> tuple[Path, Path, Path]:
    """A throw-away certificate authority and a signing certificate it issued (KeyUsage
    digitalSignature, SAN email): (CA certificate, leaf private key, leaf certificate), as PEM."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, email)]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, key_path, cert_path = folder / f"{name}-ca.crt", folder / f"{name}.key", folder / f"{name}.crt"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_path, key_path, cert_path


def sign_with_certificate(folder: Path, key: Path, certificate: Path, chain: Path) -> Path:
    import model_signing

    signature = folder / "model.sig"
    hashing = model_signing.hashing.Config().set_ignored_paths(paths=[signature.name])
    model_signing.signing.Config().use_certificate_signer(
        private_key=key, signing_certificate=certificate, certificate_chain=[chain]
    ).set_hashing_config(hashing).sign(folder, signature)
    return signature
