"""`aiprov verify`: digests recomputed against the files, model signatures verified through model-signing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import aiprov
from aiprov.analysis import Policy
from aiprov.cli import main
from aiprov.graph import AIBOM, Artifact
from aiprov.provenance import TrustedSigners, verify
from aiprov.provenance.digests import hash_files, hashlib_name
from aiprov.report.findings import findings_json
from tests.provenance_fixtures import (
    flip_byte,
    manifest,
    model_folder,
    sign,
    sign_with_certificate,
    write_ca_and_leaf,
    write_key,
)


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def codes(report: aiprov.analysis.checks.Report) -> set[tuple[str, str]]:
    return {(f.code, f.subject) for f in report.findings}


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(manifest, trusted public key, model folder) for a folder signed with a throw-away EC key."""
    private, public = write_key(tmp_path, "signer")
    folder = model_folder(tmp_path)
    sign(folder, private)
    return manifest(tmp_path), public, folder


def test_algorithm_names() -> None:
    """The spellings BOMs use map to hashlib; an algorithm hashlib lacks maps to None."""
    assert hashlib_name("sha256") == hashlib_name("SHA-256") == "sha256"
    assert hashlib_name("SHA3-512") == "sha3_512"
    assert hashlib_name("BLAKE2b-512") == "blake2b"
    assert hashlib_name("MD5") == "md5"
    assert hashlib_name("BLAKE3") is None


def test_hash_files_reads_each_file_once_for_every_algorithm(tmp_path: Path) -> None:
    """Every algorithm asked is computed, equal to hashlib's own digest; unreadable files report the error."""
    files = {}
    for i in range(5):
        path = tmp_path / f"f{i}"
        path.write_bytes(bytes([i]) * (3 << 20 if i == 0 else 1000 * i))
        files[path] = frozenset({"sha256", "sha512"})
    files[tmp_path / "absent"] = frozenset({"sha256"})
    out = hash_files(files)
    for path in files:
        if path.name == "absent":
            assert isinstance(out[path], OSError)
            continue
        assert out[path] == {
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "sha512": hashlib.sha512(path.read_bytes()).hexdigest(),
        }


def test_files_that_match_verify(tmp_path: Path) -> None:
    """A BOM whose files are untouched: every digest matches (both algorithms), no errors."""
    model_folder(tmp_path)
    report = verify(aiprov.load(manifest(tmp_path)))
    assert {f.subject: f.status for f in report.files} == {
        "acme-7b/model.safetensors": "match",
        "acme-7b/config.json": "match",
    }
    config = next(f for f in report.files if f.subject == "acme-7b/config.json")
    assert dict(config.actual).keys() == {"sha256", "SHA-512"}
    assert not report.at_or_above("error")


def test_changed_missing_and_unverifiable(tmp_path: Path) -> None:
    """A flipped byte is hash-mismatch, a deleted file file-missing, a digest with no file hash-unverifiable."""
    folder = model_folder(tmp_path)
    flip_byte(folder / "model.safetensors")
    (folder / "config.json").unlink()
    extra = [
        {
            "id": "remote-data",
            "kind": "dataset",
            "hashes": {"sha256": "ab" * 32},
            "source": "https://example.org/d.parquet",
        }
    ]
    report = verify(aiprov.load(manifest(tmp_path, extra=extra)))
    severities = {(f.code, f.subject): f.severity for f in report.findings}
    assert severities[("hash-mismatch", "acme-7b/model.safetensors")] == "error"
    assert severities[("file-missing", "acme-7b/config.json")] == "error"
    assert severities[("hash-unverifiable", "remote-data")] == "info"
    assert report.file_counts() == {"match": 0, "mismatch": 1, "missing": 1, "unverifiable": 1}


def test_root_replaces_the_recorded_root(tmp_path: Path) -> None:
    """--root replaces the scan root the BOM records (the files moved to another machine)."""
    model_folder(tmp_path)
    bom = aiprov.load(manifest(tmp_path, recorded_root=Path("/nonexistent/scan/root")))
    assert codes(verify(bom)) >= {("file-missing", "acme-7b/model.safetensors")}
    assert all(f.status == "match" for f in verify(bom, root=tmp_path).files)


def test_rootless_path_and_local_source_resolve_against_the_bom_folder(tmp_path: Path) -> None:
    """A path property without root, and a local source path, are resolved against the BOM file's folder."""
    (tmp_path / "w.bin").write_bytes(b"weights")
    (tmp_path / "d.csv").write_bytes(b"a,b\n")
    digest = {"sha256": hashlib.sha256(b"weights").hexdigest()}
    bom = AIBOM(
        [
            Artifact(id="w", kind="weights", hashes=tuple(digest.items()), properties={"path": "w.bin"}),
            Artifact(
                id="d",
                kind="dataset",
                source="d.csv",
                hashes=(("sha256", hashlib.sha256(b"a,b\n").hexdigest()),),
            ),
        ]
    )
    assert {f.status for f in verify(bom, base=tmp_path).files} == {"match"}
    assert {f.status for f in verify(bom).files} == {"missing"}  # resolved against the working folder


def test_signed_folder_verifies(signed: tuple[Path, Path, Path]) -> None:
    """A folder signed with model-signing and a trusted key: the model and its weights are `verified`."""
    path, public, _ = signed
    report = verify(aiprov.load(path), trusted=TrustedSigners(keys=(str(public),)))
    status = {s.subject: s.status for s in report.signatures}
    assert status == {"acme-7b": "verified", "acme-7b/model.safetensors": "verified"}
    model = next(s for s in report.signatures if s.subject == "acme-7b")
    assert model.signer is not None and "signer.pub" in model.signer
    assert model.check is not None and set(model.check.covered) == {"config.json", "model.safetensors"}
    assert not report.findings
    annotated = report.annotate(aiprov.load(path))
    assert annotated["acme-7b"].properties["signature"] == "verified"


def test_flipped_byte_is_hash_mismatch_and_signature_invalid(signed: tuple[Path, Path, Path]) -> None:
    """One flipped byte in a weight file: the BOM digest and the signature both fail."""
    path, public, folder = signed
    flip_byte(folder / "model.safetensors")
    report = verify(aiprov.load(path), trusted=TrustedSigners(keys=(str(public),)))
    found = codes(report)
    assert ("hash-mismatch", "acme-7b/model.safetensors") in found
    assert ("signature-invalid", "acme-7b") in found
    assert {s.status for s in report.signatures} == {"invalid"}
    message = next(f.message for f in report.findings if f.code == "signature-invalid")
    assert "model.safetensors changed since signing" in message


def test_unsigned_extra_file_is_reported(signed: tuple[Path, Path, Path]) -> None:
    """A file added after signing is `signature-uncovered-file`; the covered files still verify."""
    path, public, folder = signed
    (folder / "tokenizer.json").write_text("{}")
    report = verify(aiprov.load(path), trusted=TrustedSigners(keys=(str(public),)))
    uncovered = [f for f in report.findings if f.code == "signature-uncovered-file"]
    assert len(uncovered) == 1 and uncovered[0].severity == "warning"
    assert "tokenizer.json" in uncovered[0].message and uncovered[0].subject == "acme-7b"
    assert {s.status for s in report.signatures} == {"verified"}


def test_key_not_trusted_is_untrusted(signed: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """A signature by a key not in the trusted list is `untrusted`, never `verified`."""
    path, _, _ = signed
    _, other = write_key(tmp_path, "someone-else")
    report = verify(aiprov.load(path), trusted=TrustedSigners(keys=(str(other),)))
    assert {s.status for s in report.signatures} == {"untrusted"}
    model = next(s for s in report.signatures if s.subject == "acme-7b")
    assert model.check is not None and model.check.reason == "signed by a key not in the trusted list"
    assert {s.status for s in verify(aiprov.load(path)).signatures} == {"untrusted"}  # nobody trusted


def test_policy_require_signed(signed: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """require: [signed] makes an untrusted or unsigned model a signature-missing error; trusted_signers
    in the policy count as trusted."""
    path, public, _ = signed
    bom = aiprov.load(path)
    strict = Policy.from_dict({"require": ["signed"]})
    found = codes(verify(bom, policy=strict))
    assert ("signature-missing", "acme-7b") in found
    assert ("signature-missing", "acme-7b/model.safetensors") in found
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(f"require: [signed]\ntrusted_signers:\n  - {{name: acme, key: {public.name}}}\n")
    report = verify(bom, policy=Policy.load(policy_file))
    assert not report.findings
    assert {s.status for s in report.signatures} == {"verified"}


def test_policy_signers_are_checked() -> None:
    """A trusted signer names exactly one of key, certificate or identity (with its issuer)."""
    with pytest.raises(aiprov.ParseError, match="trusted_signers/0"):
        Policy.from_dict({"trusted_signers": [{"key": "a.pub", "identity": "x"}]})
    with pytest.raises(aiprov.ParseError, match="issuer"):
        Policy.from_dict({"trusted_signers": [{"identity": "me@example.org"}]})
    with pytest.raises(aiprov.ParseError, match="require/0"):
        Policy.from_dict({"require": ["sgined"]})


def test_without_model_signing_a_signature_is_present_but_unverified(
    signed: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the signing extra, a signature found is reported as present, not verified, with the install hint."""
    import sys

    path, public, _ = signed
    monkeypatch.setitem(sys.modules, "model_signing", None)
    report = verify(aiprov.load(path), trusted=TrustedSigners(keys=(str(public),)))
    model = next(s for s in report.signatures if s.subject == "acme-7b")
    assert model.status == "untrusted"
    assert model.check is not None and "aiprov[signing]" in (model.check.reason or "")


def test_cli_exit_codes_and_formats(
    signed: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """verify exits 0 when everything matches, 1 on a changed file, 2 on bad input; JSON has files and signatures."""
    path, public, folder = signed
    code, out, _ = run(capsys, "verify", path, "--trusted-key", public)
    assert code == 0 and "verified" in out
    code, out, _ = run(capsys, "verify", path, "--trusted-key", public, "--format", "json")
    data = json.loads(out)
    assert {s["signature"] for s in data["signatures"]} == {"verified"}
    assert data["summary"]["files"]["match"] == 2
    code, out, _ = run(capsys, "verify", path, "--format", "markdown")
    assert out.startswith("# aiprov verify") and "## Signatures" in out
    flip_byte(folder / "model.safetensors")
    code, out, _ = run(capsys, "verify", path, "--trusted-key", public)
    assert code == 1 and "hash-mismatch" in out and "signature-invalid" in out
    code, _, err = run(capsys, "verify", path, "--trusted-key", folder / "config.json")
    assert code == 2 and err.count("\n") == 1 and "not a PEM public key" in err
    code, _, err = run(capsys, "verify", folder / "config.json")
    assert code == 2 and err.count("\n") == 1


def test_verify_report_renders_like_a_check_report(signed: tuple[Path, Path, Path]) -> None:
    """The report renderers `check` uses take the verify report as it is."""
    path, _, folder = signed
    flip_byte(folder / "model.safetensors")
    report = verify(aiprov.load(path))
    data = json.loads(findings_json(report))
    assert any(f["code"] == "hash-mismatch" for f in data["findings"])


def test_certificate_signed_model(tmp_path: Path) -> None:
    """A model signed with a certificate: verified when its CA is trusted (signer: the certificate's
    email), untrusted under another CA, untrusted with no certificate trusted."""
    ca, key, cert = write_ca_and_leaf(tmp_path, "acme", "release@acme.example")
    other_ca, _, _ = write_ca_and_leaf(tmp_path, "other", "someone@other.example")
    folder = model_folder(tmp_path)
    sign_with_certificate(folder, key, cert, ca)
    bom = aiprov.load(manifest(tmp_path))
    trusted = verify(bom, trusted=TrustedSigners(certificates=(str(ca),)))
    model = next(s for s in trusted.signatures if s.subject == "acme-7b")
    assert (model.status, model.signer) == ("verified", "release@acme.example")
    assert model.check is not None and model.check.method == "certificate"
    other = verify(bom, trusted=TrustedSigners(certificates=(str(other_ca),)))
    assert {s.status for s in other.signatures} == {"untrusted"}
    assert {s.status for s in verify(bom).signatures} == {"untrusted"}
    flip_byte(folder / "model.safetensors")
    changed = verify(bom, trusted=TrustedSigners(certificates=(str(ca),)))
    assert ("signature-invalid", "acme-7b") in codes(changed)


def test_codes_are_documented() -> None:
    """docs/findings.md documents every finding code verify reports."""
    from aiprov.provenance.verify import CODES

    text = (Path(__file__).resolve().parents[1] / "docs" / "findings.md").read_text()
    assert [c for c in CODES if f"`{c}`" not in text] == []


def test_sigstore_identity_needs_its_issuer(
    signed: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """--identity without --issuer is a usage error (exit 2), before anything reaches the network."""
    path, _, _ = signed
    code, _, err = run(capsys, "verify", path, "--identity", "release@acme.example")
    assert code == 2 and "--identity and --issuer go together" in err
