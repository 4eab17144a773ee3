"""Render ``aiprov verify`` and ``aiprov verify-attestation`` reports: the findings as ``check``
renders them, then the files and signatures behind them.

:data:`RENDERERS` maps each ``--format`` to its renderer; a format that takes any
:class:`~aiprov.analysis.checks.Report` (SARIF) is added there, since a
:class:`~aiprov.provenance.verify.VerifyReport` is one.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TextIO

from aiprov.graph import AIBOM
from aiprov.provenance.verify import VerifyReport
from aiprov.report import _json
from aiprov.report.findings import _md, _paint, findings_markdown, write_finding_groups

__all__ = ["RENDERERS", "verify_json", "verify_markdown", "verify_text"]

_STATUS_COLORS = {"match": "32", "verified": "32", "mismatch": "31;1", "invalid": "31;1", "missing": "31;1"}


def _counts(report: VerifyReport) -> str:
    files = report.file_counts()
    signatures = report.signature_counts()
    parts = [
        f"{files['match']} file(s) verified",
        f"{files['mismatch']} changed",
        f"{files['missing']} missing",
        f"{files['unverifiable']} unverifiable",
    ]
    signed = ", ".join(f"{n} {status}" for status, n in signatures.items() if n)
    return "; ".join(parts) + (f"; signatures: {signed}" if signed else "")


def verify_text(report: VerifyReport, bom: AIBOM | None = None, *, color: bool = False) -> str:
    out = io.StringIO()
    write_verify_text(report, out, bom, color=color)
    return out.getvalue()


def write_verify_text(
    report: VerifyReport, stream: TextIO, bom: AIBOM | None = None, *, color: bool = False
) -> None:
    """Findings grouped by artifact, then each signature with its signer and coverage, then counts."""
    write_finding_groups(report, stream, bom, color=color)
    folders: dict[str, list[str]] = {}
    for s in report.signatures:
        if s.check is not None and s.status != "unsigned":
            folders.setdefault(s.check.folder, []).append(s.subject)
    shown = {s.check.folder: s for s in report.signatures if s.check is not None and s.status != "unsigned"}
    if shown:
        stream.write(_paint("signatures", "1", color) + "\n")
        for folder, s in sorted(shown.items()):
            assert s.check is not None
            status = _paint(s.status, _STATUS_COLORS.get(s.status, "33"), color)
            stream.write(
                f"  {s.check.signature}: {status}" + (f", signed by {s.signer}" if s.signer else "") + "\n"
            )
            stream.write(
                f"      covers {len(s.check.covered)} file(s); {len(s.check.uncovered)} present file(s) not covered"
                f"; artifacts: {', '.join(folders[folder])}\n"
            )
            if s.check.reason and s.status != "verified":
                stream.write(f"      {s.check.reason}\n")
        stream.write("\n")
    summary = report.summary()
    verdict = f"{summary['errors']} error(s), {summary['warnings']} warning(s), {summary['infos']} info"
    if summary["waived"]:
        verdict += f", {summary['waived']} waived"
    stream.write(f"{report.artifacts} artifacts: {_counts(report)}: {verdict}\n")


def verify_json(report: VerifyReport, bom: AIBOM | None = None) -> str:
    """``report.to_dict()`` as JSON: findings, files, signatures, summary."""
    return _json.dumps(report.to_dict()) + "\n"


def verify_markdown(report: VerifyReport, bom: AIBOM | None = None) -> str:
    out = [
        findings_markdown(report, bom, title="aiprov verify", graph=False).rstrip("\n"),
        "",
        f"{_counts(report)}.",
        "",
    ]
    if report.files:
        out += ["## Files", "", "| artifact | file | status | digests |", "|---|---|---|---|"]
        for f in report.files:
            digests = ", ".join(f"{k}" for k, _ in f.expected)
            out.append(f"| {_md(f.subject)} | {_md(f.path or '')} | {f.status} | {_md(digests)} |")
        out.append("")
    if report.signatures:
        out += ["## Signatures", "", "| artifact | signature | signed by | file |", "|---|---|---|---|"]
        for s in report.signatures:
            where = s.check.signature if s.check is not None and s.check.signature else ""
            out.append(f"| {_md(s.subject)} | {s.status} | {_md(s.signer or '')} | {_md(where)} |")
        out.append("")
    return "\n".join(out)


def _text(report: VerifyReport, bom: AIBOM | None, color: bool) -> str:
    return verify_text(report, bom, color=color)


#: ``--format`` name -> renderer(report, bom, color) -> text.
RENDERERS: dict[str, Callable[[VerifyReport, AIBOM | None, bool], str]] = {
    "text": _text,
    "json": lambda report, bom, color: verify_json(report, bom),
    "markdown": lambda report, bom, color: verify_markdown(report, bom),
}
