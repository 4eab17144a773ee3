"""`require: [signed]` in `aiprov check`: each model and weights artifact judged by the signature
status `aiprov verify` records in the BOM; verify itself judges by what it finds on disk."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import aiprov
from aiprov.analysis import Policy
from aiprov.analysis.checks import Report, check
from aiprov.cli import main
from aiprov.graph import AIBOM, Artifact
from aiprov.provenance import TrustedSigners, verify
from tests.provenance_fixtures import manifest, model_folder, sign, write_key

SIGNED = Policy.from_dict({"require": ["signed"]})


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def signature_findings(report: Report) -> list[tuple[str, str]]:
    """(code, subject) of every signature finding, repeated ones kept, so duplicates show."""
    return sorted((f.code, f.subject) for f in report.findings if f.code.startswith("signature-"))


def bom(**recorded: str | None) -> AIBOM:
    """A model, its weights, a dataset and code, the model and weights recording ``recorded``'s status."""

    def props(status: str | None) -> dict[str, str]:
        return {} if status is None else {"signature": status, "signed_by": "acme.pub"}

    return AIBOM(
        [
            Artifact(
                id="m",
                kind="model",
                license="MIT",
                source="https://example.org/m",
                properties=props(recorded.get("m")),
            ),
            Artifact(
                id="w",
                kind="weights",
                license="MIT",
                source="https://example.org/w",
                properties=props(recorded.get("w")),
            ),
            Artifact(id="d", kind="dataset", license="MIT", source="https://example.org/d"),
            Artifact(id="c", kind="code", license="MIT", source="https://example.org/c"),
        ]
    )


def test_nothing_recorded_is_signature_missing_on_models_and_weights_only() -> None:
    """A BOM with no signature properties: one settled signature-missing error per model and weights
    artifact, none for datasets or code."""
    report = check(bom(), policy=SIGNED)
    assert signature_findings(report) == [("signature-missing", "m"), ("signature-missing", "w")]
    for f in report.findings:
        if f.code == "signature-missing":
            assert f.severity == "error" and f.certainty == "settled"
            assert "no signature recorded" in f.message
            assert f.remedy is not None and "model_signing" in f.remedy and "aiprov verify" in f.remedy


def test_recorded_statuses() -> None:
    """verified passes; invalid is signature-invalid; untrusted and unsigned are signature-missing,
    naming the recorded status."""
    assert signature_findings(check(bom(m="verified", w="verified"), policy=SIGNED)) == []
    report = check(bom(m="invalid", w="untrusted"), policy=SIGNED)
    assert signature_findings(report) == [("signature-invalid", "m"), ("signature-missing", "w")]
    invalid = next(f for f in report.findings if f.code == "signature-invalid")
    assert invalid.severity == "error" and "acme.pub" in invalid.message
    missing = next(f for f in report.findings if f.code == "signature-missing")
    assert "signature: untrusted" in missing.message
    assert signature_findings(check(bom(m="unsigned", w="verified"), policy=SIGNED)) == [
        ("signature-missing", "m")
    ]


def test_without_the_requirement_nothing_is_said() -> None:
    """Without require: [signed], a recorded invalid or missing signature is no finding of check's."""
    assert signature_findings(check(bom(m="invalid"))) == []
    assert signature_findings(check(bom(), policy=Policy.from_dict({"require": ["hashes"]}))) == []


def test_cli_check_fails_unsigned_and_passes_after_verify_annotate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`aiprov check --policy` with require: [signed] exits 1 on an unannotated BOM of a signed model;
    `aiprov verify --annotate` records the verified signatures and check then passes."""
    private, public = write_key(tmp_path, "signer")
    sign(model_folder(tmp_path), private)
    path = manifest(tmp_path)
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"require: [signed]\ntrusted_signers:\n  - {{name: acme, key: {public.name}}}\n")
    code, out, _ = run(capsys, "check", path, "--policy", policy)
    assert code == 1 and "signature-missing" in out
    annotated = tmp_path / "signed.json"
    code, _, _ = run(capsys, "verify", path, "--policy", policy, "--annotate", annotated)
    assert code == 0
    assert aiprov.load(annotated)["acme-7b"].properties["signature"] == "verified"
    code, out, _ = run(capsys, "check", annotated, "--policy", policy)
    assert code == 0 and "signature-" not in out


def test_verify_annotate_keeps_the_input_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A CycloneDX BOM annotated by verify is CycloneDX with the statuses in its properties; an
    untrusted signature is recorded as such, and check then says signature-missing."""
    private, _ = write_key(tmp_path, "signer")
    sign(model_folder(tmp_path), private)
    cdx = tmp_path / "aibom.cdx.json"
    assert run(capsys, "convert", manifest(tmp_path), "--to", "cyclonedx-json", "-o", cdx)[0] == 0
    annotated = tmp_path / "annotated.cdx.json"
    assert run(capsys, "verify", cdx, "--root", tmp_path, "--annotate", annotated)[0] == 0
    assert '"bomFormat": "CycloneDX"' in annotated.read_text()
    assert aiprov.load(annotated)["acme-7b"].properties["signature"] == "untrusted"
    policy = tmp_path / "policy.yaml"
    policy.write_text("require: [signed]\n")
    code, out, _ = run(capsys, "check", annotated, "--policy", policy)
    assert code == 1 and "signature: untrusted" in out
    code, _, err = run(capsys, "verify", cdx, "--annotate", "-")
    assert code == 2 and "--annotate" in err


def test_verify_judges_by_what_it_finds_not_the_record(tmp_path: Path) -> None:
    """verify on a signed folder gives each signature finding once, from its live check: a BOM that
    records `verified` for a model whose signer is not trusted is still signature-missing (once), and
    one recording `invalid` for a model that verifies has no finding."""
    private, public = write_key(tmp_path, "signer")
    sign(model_folder(tmp_path), private)
    loaded = aiprov.load(manifest(tmp_path))
    trusted = TrustedSigners(keys=(str(public),))
    live = verify(loaded, policy=SIGNED, trusted=trusted)
    assert live.findings == ()
    untrusted = verify(loaded, policy=SIGNED)
    expected = [("signature-missing", "acme-7b"), ("signature-missing", "acme-7b/model.safetensors")]
    assert signature_findings(untrusted) == expected
    claims_verified = live.annotate(loaded)  # the record says verified; nobody is trusted now
    assert signature_findings(verify(claims_verified, policy=SIGNED)) == expected
    claims_invalid = untrusted.annotate(loaded)
    for a in list(claims_invalid):
        if "signature" in a.properties:
            claims_invalid.replace(
                dataclasses.replace(a, properties={**a.properties, "signature": "invalid"})
            )
    assert verify(claims_invalid, policy=SIGNED, trusted=trusted).findings == ()
