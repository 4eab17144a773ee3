"""`aiprov attest` / `aiprov verify-attestation`: in-toto Statement v1 in a DSSE envelope, checked by
aiprov and by independent implementations (securesystemslib's DSSE, and the spec's PAE by hand)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

import aiprov
from aiprov.cli import main
from aiprov.formats import detect
from aiprov.provenance import pae, statement
from aiprov.provenance.attest import BOM_PREDICATE, CHECK_PREDICATE
from aiprov.provenance.verify import verify
from tests.provenance_fixtures import WEIGHTS, flip_byte, manifest, model_folder, write_key

SCHEMAS = Path(aiprov.__file__).parent / "schemas"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def attested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    """(envelope file, public key, model folder): `aiprov attest --key` over a manifest of real files."""
    private, public = write_key(tmp_path, "attester")
    folder = model_folder(tmp_path)
    out = tmp_path / "aibom.intoto.json"
    code, _, err = run(capsys, "attest", manifest(tmp_path), "--key", private, "-o", out)
    assert code == 0, err
    return out, public, folder


def test_pae_is_the_spec_encoding() -> None:
    """PAE per DSSE v1: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, byte lengths in decimal."""
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )
    assert pae("t", "é".encode()) == b"DSSEv1 1 t 2 \xc3\xa9"


def test_statement_layout(tmp_path: Path) -> None:
    """Statement v1: subjects are the BOM's files with their digests; the predicate is the CycloneDX BOM."""
    model_folder(tmp_path)
    body = statement(aiprov.load(manifest(tmp_path)))
    assert body["_type"] == "https://in-toto.io/Statement/v1"
    assert body["predicateType"] == BOM_PREDICATE == "https://cyclonedx.org/bom"
    assert body["predicate"]["bomFormat"] == "CycloneDX"
    weights = next(s for s in body["subject"] if s["name"] == "models/acme-7b/model.safetensors")
    assert weights["digest"] == {"sha256": hashlib.sha256(WEIGHTS).hexdigest()}
    config = next(s for s in body["subject"] if s["annotations"]["bom-ref"] == "acme-7b/config.json")
    assert set(config["digest"]) == {"sha256", "sha512"}  # in-toto digest names


def test_check_predicate_matches_its_schema(tmp_path: Path) -> None:
    """--predicate check: the check result under aiprov's predicate type, valid against the shipped schema."""
    model_folder(tmp_path)
    body = statement(aiprov.load(manifest(tmp_path)), predicate="check")
    assert body["predicateType"] == CHECK_PREDICATE
    schema = json.loads((SCHEMAS / "check-predicate-1.schema.json").read_text())
    jsonschema.validate(body["predicate"], schema)
    assert {"findings", "summary", "policy", "tool"} <= set(body["predicate"])


def test_aiprov_verifies_its_attestation(
    attested: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """verify-attestation: signature and subject digests check (exit 0); a changed file fails (exit 1)."""
    envelope, public, folder = attested
    code, out, err = run(capsys, "verify-attestation", envelope, "--key", public)
    assert code == 0, out + err
    assert "signature verified" in out
    flip_byte(folder / "model.safetensors")
    code, out, _ = run(capsys, "verify-attestation", envelope, "--key", public, "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["signature"] == "verified"
    assert any(f["code"] == "hash-mismatch" for f in data["findings"])


def test_wrong_key_or_tampered_payload_fails(
    attested: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another key, or one changed byte of the payload, and the signature no longer verifies."""
    envelope, _, _ = attested
    _, other = write_key(tmp_path, "other", "ed25519")
    code, out, _ = run(capsys, "verify-attestation", envelope, "--key", other)
    assert code == 1 and "NOT verified" in out
    data = json.loads(envelope.read_text())
    payload = base64.b64decode(data["payload"]).replace(b"acme-7b", b"acme-8b", 1)
    data["payload"] = base64.b64encode(payload).decode()
    envelope.write_text(json.dumps(data))
    code, out, _ = run(capsys, "verify-attestation", envelope, "--key", tmp_path / "attester.pub")
    assert code == 1 and "signature-invalid" in out


def test_securesystemslib_verifies_the_envelope(attested: tuple[Path, Path, Path]) -> None:
    """An independent DSSE implementation (securesystemslib) accepts aiprov's envelope and key id."""
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey

    envelope_path, public, _ = attested
    data = json.loads(envelope_path.read_text())
    key = serialization.load_pem_public_key(public.read_bytes())
    keyid = data["signatures"][0]["keyid"]
    assert (
        keyid
        == hashlib.sha256(
            key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        ).hexdigest()
    )
    envelope = Envelope.from_dict(data)
    accepted = envelope.verify([SSlibKey.from_crypto(key, keyid=keyid)], 1)
    assert list(accepted) == [keyid]
    assert json.loads(envelope.pae().split(b" ", 4)[4])["_type"] == "https://in-toto.io/Statement/v1"


def test_envelope_checked_by_hand_against_the_spec(attested: tuple[Path, Path, Path]) -> None:
    """The signature is ECDSA P-256 / SHA-256 over the spec's PAE of the decoded payload, built here by hand."""
    envelope_path, public, _ = attested
    data = json.loads(envelope_path.read_text())
    assert data["payloadType"] == "application/vnd.in-toto+json"
    payload = base64.b64decode(data["payload"])
    message = b"DSSEv1 %d application/vnd.in-toto+json %d " % (
        len(b"application/vnd.in-toto+json"),
        len(payload),
    )
    key = serialization.load_pem_public_key(public.read_bytes())
    assert isinstance(key, ec.EllipticCurvePublicKey)
    key.verify(base64.b64decode(data["signatures"][0]["sig"]), message + payload, ec.ECDSA(hashes.SHA256()))


def test_ed25519_keys_sign_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An Ed25519 key signs an attestation that verify-attestation accepts."""
    private, public = write_key(tmp_path, "ed", "ed25519")
    model_folder(tmp_path)
    out = tmp_path / "att.json"
    assert run(capsys, "attest", manifest(tmp_path), "--key", private, "-o", out)[0] == 0
    assert run(capsys, "verify-attestation", out, "--key", public)[0] == 0


def test_an_attestation_is_an_input_like_any_other(
    attested: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """An in-toto envelope or statement is read as its CycloneDX BOM; verify checks its files."""
    envelope, _, folder = attested
    assert detect(envelope.read_text()) == "intoto"
    bom = aiprov.load(envelope)
    assert "acme-7b/model.safetensors" in bom
    assert bom.metadata["intoto"]["signed"] is True
    statement_file = envelope.with_name("statement.json")
    statement_file.write_text(base64.b64decode(json.loads(envelope.read_text())["payload"]).decode())
    assert detect(statement_file.read_text()) == "intoto"
    assert aiprov.load(statement_file)["acme-7b"].kind == "model"
    assert not verify(bom, base=envelope.parent).at_or_above("error")
    flip_byte(folder / "model.safetensors")
    code, out, _ = run(capsys, "verify", envelope)
    assert code == 1 and "hash-mismatch" in out
    code, out, _ = run(capsys, "check", envelope, "--fail-on", "never")
    assert code == 0


def test_bad_attestations_are_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A statement of another predicate, or a broken envelope: one line, exit 2."""
    other = tmp_path / "slsa.json"
    other.write_text(
        json.dumps(
            {
                "_type": "https://in-toto.io/Statement/v1",
                "subject": [],
                "predicateType": "https://slsa.dev/provenance/v1",
                "predicate": {},
            }
        )
    )
    code, _, err = run(capsys, "check", other)
    assert code == 2 and "carries no BOM" in err and err.count("\n") == 1
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps({"payloadType": "application/vnd.in-toto+json", "payload": "%%%", "signatures": []})
    )
    code, _, err = run(capsys, "check", broken)
    assert code == 2 and "base64" in err
    _, public = write_key(tmp_path, "k")
    code, _, err = run(capsys, "verify-attestation", broken, "--key", public)
    assert code == 2 and err.count("\n") == 1
