"""HTML for ``aiprov verify``: each file against its recorded digests, each model signature with its
signer and what it covers (the same content as :func:`aiprov.report.provenance.verify_markdown`).
File names, digests and signer identities come from the folder and the signatures: all escaped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiprov.report._html import cards_html, esc

if TYPE_CHECKING:
    from aiprov.provenance.verify import VerifyReport

__all__ = ["files_html", "signatures_html", "verify_cards"]

#: Status -> the class that colours it (the openness page's: green met, red not, amber unknown).
_STATUS = {
    "match": "st-met",
    "verified": "st-met",
    "mismatch": "st-not_met",
    "missing": "st-not_met",
    "invalid": "st-not_met",
    "untrusted": "st-insufficient",
    "unverifiable": "st-insufficient",
    "unsigned": "st-unknown",
}


def _status(status: str) -> str:
    return f'<span class="{_STATUS.get(status, "st-unknown")}">{esc(status)}</span>'


def verify_cards(report: VerifyReport) -> str:
    """Files by status, then signatures by status, as cards."""
    files = report.file_counts()
    signatures = report.signature_counts()
    cards = [
        ("ok", "Files verified", files.get("match", 0)),
        ("error", "Files changed", files.get("mismatch", 0)),
        ("error", "Files missing", files.get("missing", 0)),
        ("warning", "Unverifiable", files.get("unverifiable", 0)),
        ("ok", "Signatures verified", signatures["verified"]),
        ("error", "Signatures invalid", signatures["invalid"]),
        ("warning", "Untrusted", signatures["untrusted"]),
        ("plain", "Unsigned", signatures["unsigned"]),
    ]
    return cards_html(cards, plain_when_zero=True)


def _digests(pairs: tuple[tuple[str, str], ...]) -> str:
    return "<br>".join(
        f'<code title="{esc(k)}:{esc(v)}">{esc(k)}:{esc(v if len(v) <= 12 else v[:12] + "…")}</code>'
        for k, v in pairs
    )


def files_html(report: VerifyReport) -> str:
    if not report.files:
        return '<p class="muted">No file digest recorded.</p>'
    rows = "".join(
        f'<tr><th scope="row"><code>{esc(f.subject)}</code></th><td><code>{esc(f.path or "")}</code></td>'
        f"<td>{_status(f.status)}</td><td>{_digests(f.expected)}</td>"
        f"<td>{_digests(f.actual) if f.actual != f.expected else ''}</td><td>{esc(f.reason or '')}</td></tr>"
        for f in report.files
    )
    return (
        '<table class="files"><colgroup><col class="c-id"><col class="c-file"><col class="c-st">'
        '<col class="c-dg"><col class="c-dg"><col></colgroup><thead><tr><th scope="col">Artifact</th><th scope="col">File</th>'
        '<th scope="col">Status</th><th scope="col">Recorded</th><th scope="col">Found</th>'
        f'<th scope="col">Why</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def signatures_html(report: VerifyReport) -> str:
    if not report.signatures:
        return '<p class="muted">No model or weights artifact to sign.</p>'
    rows = []
    for s in report.signatures:
        where = covers = reason = ""
        if s.check is not None:
            where = f"<code>{esc(s.check.signature or '')}</code>"
            covers = f"{len(s.check.covered):,} file(s); {len(s.check.uncovered):,} present not covered"
            reason = esc(s.check.reason or "") if s.status != "verified" else ""
        rows.append(
            f'<tr><th scope="row"><code>{esc(s.subject)}</code></th><td>{_status(s.status)}</td>'
            f'<td class="signer">{esc(s.signer or "")}</td><td>{where}</td><td>{esc(covers)}</td><td>{reason}</td></tr>'
        )
    return (
        '<table class="signatures"><colgroup><col class="c-id"><col class="c-st"><col class="c-signer">'
        '<col class="c-file"><col class="c-covers"><col></colgroup><thead><tr><th scope="col">Artifact</th><th scope="col">Signature</th>'
        '<th scope="col">Signed by</th><th scope="col">File</th><th scope="col">Covers</th>'
        f'<th scope="col">Why</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
