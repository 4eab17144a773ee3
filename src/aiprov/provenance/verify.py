"""Verify a BOM against the files on disk: recompute every digest it records, and check the model
signatures found beside the files.

Where an artifact's file is: ``properties.path`` under ``properties.root`` (what ``aiprov scan``
records), the ``--root`` folder replacing ``root``; a ``path`` without ``root``, or a local ``source``
path, is resolved against ``--root`` or else the BOM file's folder. Digests are recomputed for every
algorithm the BOM names that :mod:`hashlib` has, each file read once, several files at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from aiprov.analysis.checks import Finding, Report
from aiprov.analysis.policy import DEFAULT_POLICY, Policy
from aiprov.exceptions import InputError
from aiprov.graph import AIBOM, Artifact
from aiprov.provenance.digests import hash_files, hashlib_name
from aiprov.provenance.signatures import SIGNATURE_FILE, SignatureCheck, TrustedSigners, check_folder

__all__ = ["CODES", "FILE_STATUSES", "ArtifactSignature", "FileCheck", "VerifyReport", "locate", "verify"]

#: The finding codes verify adds to those of check (docs/findings.md), with a one-line meaning.
CODES: dict[str, str] = {
    "hash-mismatch": "a file's recomputed digest differs from the one the BOM records: the file changed",
    "file-missing": "the BOM records a digest and a path, and no file is there",
    "hash-unverifiable": "a recorded digest that cannot be checked here (no local file, no hashlib algorithm)",
    "signature-invalid": "a trusted signer's model signature does not verify, or files it covers changed",
    "signature-uncovered-file": "a file in a signed model folder that the signature does not cover",
    "signature-missing": "under require: [signed], a model or weights artifact without a verified signature",
}

#: What verify found for a file: its digests match, differ, the file is missing, or it cannot be checked.
FILE_STATUSES = ("match", "mismatch", "missing", "unverifiable")
_SIGNABLE = frozenset({"model", "weights"})


@dataclass(frozen=True, slots=True, kw_only=True)
class FileCheck:
    """One artifact's recorded digests against its file."""

    subject: str
    path: str | None
    status: str
    expected: tuple[tuple[str, str], ...] = ()
    actual: tuple[tuple[str, str], ...] = ()
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "path": self.path,
            "status": self.status,
            "expected": dict(self.expected),
            "actual": dict(self.actual),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtifactSignature:
    """The signature status of one model or weights artifact, and the folder check it comes from."""

    subject: str
    status: str
    signer: str | None = None
    check: SignatureCheck | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"subject": self.subject, "signature": self.status, "signed_by": self.signer}
        if self.check is not None:
            out.update({k: v for k, v in self.check.to_dict().items() if k not in ("signature", "signed_by")})
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyReport(Report):
    """A :class:`~aiprov.analysis.checks.Report` (so every report renderer takes it) with the file
    and signature checks behind its findings."""

    files: tuple[FileCheck, ...] = ()
    signatures: tuple[ArtifactSignature, ...] = ()

    def file_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(FILE_STATUSES, 0)
        for f in self.files:
            counts[f.status] += 1
        return counts

    def signature_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("verified", "invalid", "untrusted", "unsigned"), 0)
        for s in self.signatures:
            counts[s.status] += 1
        return counts

    def summary(self) -> dict[str, Any]:
        out = Report.summary(self)
        out["files"] = self.file_counts()
        out["signatures"] = self.signature_counts()
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "files": [f.to_dict() for f in self.files],
            "signatures": [s.to_dict() for s in self.signatures],
            "summary": self.summary(),
        }

    def annotate(self, bom: AIBOM) -> AIBOM:
        """A copy of ``bom`` whose model and weights artifacts record ``signature`` (verified, invalid,
        untrusted, unsigned) and ``signed_by`` in their properties."""
        out = bom.copy()
        for s in self.signatures:
            artifact = out.get(s.subject)
            if artifact is None:
                continue
            props = {**artifact.properties, "signature": s.status}
            if s.signer:
                props["signed_by"] = s.signer
            out.replace(dataclasses.replace(artifact, properties=props))
        return out


def _local_source(source: str) -> str | None:
    """A source that names a local file (a relative or absolute path, or a file: URL)."""
    if "://" not in source:
        return None if source.startswith(("pkg:", "git+", "hf:")) else source
    parsed = urlparse(source)
    return unquote(parsed.path) if parsed.scheme == "file" else None


def locate(artifact: Artifact, root: str | Path | None = None, base: str | Path = ".") -> Path | None:
    """Where an artifact's file is on disk (None: the BOM records no local file)."""
    props = artifact.properties
    path = props.get("path")
    if isinstance(path, str) and path:
        if Path(path).is_absolute():
            return Path(path)
        if root is not None:
            return Path(root) / path
        recorded = props.get("root")
        return (Path(recorded) if isinstance(recorded, str) and recorded else Path(base)) / path
    if artifact.source:
        local = _local_source(artifact.source)
        if local:
            return (
                Path(local) if Path(local).is_absolute() else Path(root if root is not None else base) / local
            )
    return None


class _Verifier:
    def __init__(
        self, bom: AIBOM, root: Path | None, base: Path, policy: Policy, trusted: TrustedSigners
    ) -> None:
        self.bom = bom
        self.root = root
        self.base = base
        self.policy = policy
        self.trusted = trusted
        self.findings: list[Finding] = []
        self.places: dict[str, Path] = {}
        self.folders: dict[Path, SignatureCheck] = {}

    def finding(self, code: str, severity: str, subject: str, message: str) -> None:
        self.findings.append(
            Finding(code=code, severity=severity, subject=subject, message=message, path=(subject,))
        )

    # -- digests ------------------------------------------------------------------------
    def files(self) -> list[FileCheck]:
        wanted: list[tuple[str, Path, dict[str, tuple[str, str]]]] = []
        checks: list[FileCheck] = []
        for artifact in self.bom:
            place = locate(artifact, self.root, self.base)
            if place is not None:
                self.places[artifact.id] = place
            if artifact.hashes:
                self.expect(artifact.id, artifact.hashes, place, wanted, checks)
        for subject, recorded, place in self.attested():
            self.expect(subject, recorded, place, wanted, checks)
        jobs: dict[Path, frozenset[str]] = {}
        for _, place, algorithms in wanted:
            jobs[place] = jobs.get(place, frozenset()) | frozenset(algorithms)
        digests = hash_files(jobs)
        for subject, place, algorithms in wanted:
            checks.append(self.compare(subject, place, algorithms, digests[place]))
        return sorted(checks, key=lambda c: (c.subject, c.path or ""))

    def attested(self) -> Iterable[tuple[str, tuple[tuple[str, str], ...], Path | None]]:
        """The subjects of an in-toto statement this BOM was read from (see formats.intoto), those
        that no artifact already checks."""
        statement = self.bom.metadata.get("intoto")
        if not isinstance(statement, Mapping):
            return
        for subject in statement.get("subjects", ()):
            notes = subject.get("annotations") or {}
            ref = notes.get("bom-ref")
            if isinstance(ref, str) and ref in self.bom and self.bom[ref].hashes:
                continue
            path = notes.get("path") if isinstance(notes.get("path"), str) else None
            place = None
            if path:
                place = Path(path) if Path(path).is_absolute() else (self.root or self.base) / path
            digest = subject.get("digest") or {}
            yield (str(ref or subject.get("name")), tuple(sorted(digest.items())), place)

    def expect(
        self,
        subject: str,
        recorded: Iterable[tuple[str, str]],
        place: Path | None,
        wanted: list[tuple[str, Path, dict[str, tuple[str, str]]]],
        checks: list[FileCheck],
    ) -> None:
        recorded = tuple(recorded)
        algorithms: dict[str, tuple[str, str]] = {}
        for name, value in recorded:
            known = hashlib_name(name)
            if known is not None and known not in algorithms:
                algorithms[known] = (name, str(value).strip().lower())
        where = str(place) if place is not None else None
        if place is None:
            reason = "no local file: the BOM records no path for it (properties.path or a local source)"
            checks.append(
                FileCheck(subject=subject, path=None, status="unverifiable", expected=recorded, reason=reason)
            )
            self.finding("hash-unverifiable", "info", subject, f"digest not checked, {reason}")
        elif not algorithms:
            names = ", ".join(name for name, _ in recorded)
            reason = f"no digest algorithm hashlib has ({names})"
            checks.append(
                FileCheck(
                    subject=subject, path=where, status="unverifiable", expected=recorded, reason=reason
                )
            )
            self.finding("hash-unverifiable", "info", subject, f"{place}: digest not checked, {reason}")
        elif not place.exists():
            checks.append(FileCheck(subject=subject, path=where, status="missing", expected=recorded))
            self.finding(
                "file-missing",
                "error",
                subject,
                f"{place} does not exist (the BOM records its {', '.join(a for a, _ in algorithms.values())})",
            )
        elif place.is_dir():
            reason = "the path is a folder: digests are checked on files"
            checks.append(
                FileCheck(
                    subject=subject, path=where, status="unverifiable", expected=recorded, reason=reason
                )
            )
            self.finding("hash-unverifiable", "info", subject, f"{place}: {reason}")
        else:
            wanted.append((subject, place, algorithms))

    def compare(
        self,
        subject: str,
        place: Path,
        algorithms: dict[str, tuple[str, str]],
        result: dict[str, str] | OSError,
    ) -> FileCheck:
        expected = tuple((spelled, value) for spelled, value in algorithms.values())
        if isinstance(result, OSError):
            reason = f"cannot read: {result.strerror or result}"
            self.finding("hash-unverifiable", "info", subject, f"{place}: digest not checked, {reason}")
            return FileCheck(
                subject=subject, path=str(place), status="unverifiable", expected=expected, reason=reason
            )
        actual = tuple((spelled, result[name]) for name, (spelled, _) in algorithms.items())
        wrong = [
            (spelled, value, result[name])
            for name, (spelled, value) in algorithms.items()
            if result[name] != value
        ]
        for spelled, value, got in wrong:
            self.finding(
                "hash-mismatch",
                "error",
                subject,
                f"{place}: {spelled} is {got}, the BOM records {value}: the file changed",
            )
        status = "mismatch" if wrong else "match"
        return FileCheck(subject=subject, path=str(place), status=status, expected=expected, actual=actual)

    # -- signatures ---------------------------------------------------------------------
    def stop(self, artifact: Artifact) -> Path:
        recorded = artifact.properties.get("root")
        if self.root is not None:
            return self.root
        return Path(recorded) if isinstance(recorded, str) and recorded else self.base

    def signed_folder(self, artifact: Artifact, place: Path) -> Path | None:
        """The folder whose signature covers ``place``: the place itself when it is a folder, else the
        nearest folder up to the root that holds a ``model.sig``."""
        if place.is_dir():
            return place.resolve()
        stop = self.stop(artifact).resolve()
        folder = place.parent.resolve()
        while True:
            if (folder / SIGNATURE_FILE).is_file():
                return folder
            if folder == stop or folder.parent == folder or stop not in folder.parents:
                return None
            folder = folder.parent

    def folder_check(self, folder: Path) -> SignatureCheck:
        if folder not in self.folders:
            self.folders[folder] = check_folder(folder, self.trusted)
        return self.folders[folder]

    def signatures(self) -> list[ArtifactSignature]:
        out: dict[str, ArtifactSignature] = {}
        owners: dict[Path, str] = {}  # folder -> the artifact uncovered files are reported on
        files: dict[Path, str] = {}  # resolved file -> artifact
        for artifact_id, place in self.places.items():
            if place.is_file():
                files[place.resolve()] = artifact_id
        for artifact in self.bom:
            if artifact.kind not in _SIGNABLE or artifact.id not in self.places:
                continue
            place = self.places[artifact.id]
            folder = self.signed_folder(artifact, place)
            if folder is None:
                continue
            check = self.folder_check(folder)
            if check.status == "unsigned":
                continue
            if artifact.kind == "model" or folder not in owners:
                owners.setdefault(folder, artifact.id)
            if place.is_file() and place.resolve().relative_to(folder).as_posix() not in check.covered:
                reason = f"not covered by {check.signature}"
                out[artifact.id] = ArtifactSignature(
                    subject=artifact.id, status="unsigned", check=dataclasses.replace(check, reason=reason)
                )
                continue
            out[artifact.id] = ArtifactSignature(
                subject=artifact.id, status=check.status, signer=check.signer, check=check
            )
        for artifact in self.bom:  # a model without a place takes the signature of the files it contains
            if artifact.kind != "model" or artifact.id in out:
                continue
            for relation in self.bom.outgoing(artifact.id, ("contains",)):
                inner = out.get(relation.target)
                if inner is not None and inner.check is not None and inner.status != "unsigned":
                    out[artifact.id] = dataclasses.replace(inner, subject=artifact.id)
                    owners.setdefault(Path(inner.check.folder), artifact.id)
                    break
        for artifact in self.bom:
            if artifact.kind in _SIGNABLE and artifact.id not in out:
                out[artifact.id] = ArtifactSignature(subject=artifact.id, status="unsigned")
        self.signature_findings(out, owners, files)
        return [out[k] for k in sorted(out)]

    def signature_findings(
        self, out: dict[str, ArtifactSignature], owners: dict[Path, str], files: dict[Path, str]
    ) -> None:
        for s in out.values():
            if s.status == "invalid" and s.check is not None:
                self.finding(
                    "signature-invalid",
                    "error",
                    s.subject,
                    f"the model signature {s.check.signature} does not verify: {s.check.reason}",
                )
        for folder, check in sorted(self.folders.items()):
            if check.status == "unsigned":
                continue
            for name in check.uncovered:
                subject = files.get((folder / name).resolve(), owners.get(folder))
                if subject is None:
                    continue
                self.finding(
                    "signature-uncovered-file",
                    "warning",
                    subject,
                    f"{folder / name} is in the signed folder {folder} but its signature "
                    f"{check.signature} does not cover it",
                )
        if self.policy.require.signed:
            for s in out.values():
                if s.status in ("unsigned", "untrusted"):
                    why = (
                        s.check.reason
                        if s.check is not None and s.check.reason
                        else "no model signature found"
                    )
                    self.finding(
                        "signature-missing",
                        "error",
                        s.subject,
                        f"{s.subject} has no verified signature ({s.status}: {why}), which the policy requires",
                    )


def _trusted_from(policy: Policy) -> TrustedSigners:
    return TrustedSigners(
        keys=tuple(s.key for s in policy.trusted_signers if s.key),
        certificates=tuple(s.certificate for s in policy.trusted_signers if s.certificate),
        identities=tuple((s.identity, s.issuer) for s in policy.trusted_signers if s.identity and s.issuer),
    )


def _readable(trust: TrustedSigners) -> None:
    """Bad trust material is bad input (a typed error naming the file), not a verdict."""
    for path in (*trust.keys, *trust.certificates):
        if not Path(path).is_file():
            raise InputError("no such key or certificate file", source=str(path))
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
    except ImportError:  # then no signature is verified, and the report says so
        return
    for path in trust.keys:
        try:
            serialization.load_pem_public_key(Path(path).read_bytes())
        except ValueError:
            raise InputError("not a PEM public key", source=str(path)) from None
    for path in trust.certificates:
        try:
            x509.load_pem_x509_certificates(Path(path).read_bytes())
        except ValueError:
            raise InputError("not a PEM certificate chain", source=str(path)) from None


def verify(
    bom: AIBOM,
    root: str | Path | None = None,
    *,
    base: str | Path = ".",
    policy: Policy | None = None,
    trusted: TrustedSigners | None = None,
) -> VerifyReport:
    """Check the files a BOM describes: every recorded digest recomputed (``hash-mismatch``,
    ``file-missing``, ``hash-unverifiable``), every model signature found beside them verified
    against ``trusted`` and the policy's ``trusted_signers`` (``signature-invalid``,
    ``signature-uncovered-file``; ``signature-missing`` under ``require: [signed]``).

    ``root`` replaces the scan root each artifact records; ``base`` is where paths without a root
    are resolved when ``root`` is not given (the CLI passes the BOM file's folder)."""
    policy = policy or DEFAULT_POLICY
    trust = (trusted or TrustedSigners()).merged(_trusted_from(policy))
    _readable(trust)
    verifier = _Verifier(bom, Path(root) if root is not None else None, Path(base), policy, trust)
    files = verifier.files()
    signatures = verifier.signatures()
    today = policy.as_of()
    kept, waived = _waive(verifier.findings, policy, today)
    return VerifyReport(
        findings=tuple(sorted(kept, key=Finding.sort_key)),
        waived=tuple(sorted(waived, key=Finding.sort_key)),
        policy=policy,
        artifacts=len(bom),
        relations=bom.relation_count,
        files=tuple(files),
        signatures=tuple(signatures),
    )


def _waive(findings: list[Finding], policy: Policy, today: dt.date) -> tuple[list[Finding], list[Finding]]:
    kept: list[Finding] = []
    waived: list[Finding] = []
    for f in dict.fromkeys(findings):
        silenced = any(
            w.code == f.code and w.subject in (f.subject, "*") and w.active(today) for w in policy.waivers
        )
        (waived if silenced else kept).append(f)
    return kept, waived
