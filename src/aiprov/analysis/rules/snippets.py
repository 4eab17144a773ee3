"""SPDX 2 snippets under a license of their own: code pasted into a file (a GPL-2.0-only function in an
Apache-2.0 file) must be something the file's license can carry, or the file is not what it says.

A snippet is not an artifact: aiprov keeps SPDX 2 snippets in ``bom.metadata["spdx2"]["snippets"]``
(see :mod:`aiprov.formats._spdx2_snippets`). This rule reads them once per check, not per artifact
(:data:`aiprov.analysis.rules.BOM_RULES`), and judges each whose file is an artifact in the graph:
the snippet's license (concluded, else the licenses found in it) included in a work under the file's
license (concluded, else declared), by :func:`~aiprov.licenses.compat.is_compatible`. As with
``copyleft-conflict``, copyleft duties follow distribution: a copyleft snippet in a file used only
internally (or, but for network copyleft, as a service) is not reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aiprov.analysis.rules._context import Context
from aiprov.graph import AIBOM, Artifact
from aiprov.licenses.compat import Verdict
from aiprov.licenses.expression import normalize_license
from aiprov.licenses.terms import LicenseTerms

CODES = {
    "snippet-license-conflict": "an SPDX 2 snippet's license cannot be included in a file under its file's license",
    "snippet-license-unknown": "an SPDX 2 snippet's license is NOASSERTION or NONE: its fit in its file is unchecked",
}

#: SPDX 2's words for no license information: not a license to compare.
_NO_LICENSE = ("NOASSERTION", "NONE")
#: Copyleft kinds whose duties arise on distribution (weights, source), and on being made available.
_ON_DISTRIBUTION = ("strong", "weak", "share-alike")
_ON_AVAILABILITY = ("network",)


def snippets(bom: AIBOM) -> Iterator[tuple[dict[str, Any], Artifact]]:
    """The kept snippets whose file is an artifact in the graph, each with that artifact."""
    meta = bom.metadata.get("spdx2")
    kept = meta.get("snippets") if isinstance(meta, Mapping) else None
    for snippet in kept or ():
        if not isinstance(snippet, dict):
            continue
        file_id = snippet.get("file")
        aid = file_id.removeprefix("SPDXRef-") if isinstance(file_id, str) else None
        if aid is not None and aid in bom:
            yield snippet, bom[aid]


def snippet_license(snippet: Mapping[str, Any]) -> str | None:
    """The snippet's concluded license, else the licenses found in it (all of them: AND); None when
    it gives only NOASSERTION / NONE."""
    concluded = snippet.get("license_concluded")
    if isinstance(concluded, str) and concluded.strip() and concluded.strip() not in _NO_LICENSE:
        return concluded.strip()
    found = [
        x.strip()
        for x in snippet.get("license_info") or ()
        if isinstance(x, str) and x.strip() and x.strip() not in _NO_LICENSE
    ]
    if not found:
        return None
    return found[0] if len(found) == 1 else " AND ".join(f"({x})" if " " in x else x for x in found)


def where(snippet: Mapping[str, Any]) -> str:
    """``SPDXRef-Snippet (bytes 310-420, lines 5-23)``: the snippet and its range, for messages."""
    ranges = []
    for word, key in (("bytes", "byte_range"), ("lines", "line_range")):
        span = snippet.get(key)
        if isinstance(span, (list, tuple)) and len(span) == 2:
            ranges.append(f"{word} {span[0]}-{span[1]}")
    return f"{snippet.get('id')} ({', '.join(ranges)})" if ranges else str(snippet.get("id"))


def _terms(ctx: Context, expression: str) -> list[LicenseTerms | None]:
    norm = normalize_license(expression)
    if norm.parsed is None:
        return [None]
    return [ctx.prop.terms(i) for i in norm.parsed.ids()]


def _triggered(ctx: Context, terms: list[LicenseTerms | None]) -> bool:
    """Whether the policy's use brings the snippet license's duties into play. Copyleft binds on
    distribution (network copyleft also on being made available); an incompatibility that is not
    (only) copyleft, or a license aiprov has no record of, is reported whatever the use."""
    kinds = {t.copyleft if t is not None else "unknown" for t in terms}
    if ctx.use.distributed and kinds & set(_ON_DISTRIBUTION + _ON_AVAILABILITY):
        return True
    if ctx.use.made_available and kinds & set(_ON_AVAILABILITY):
        return True
    return not kinds <= set(_ON_DISTRIBUTION + _ON_AVAILABILITY)


def _clause(terms: list[LicenseTerms | None]) -> str | None:
    """The copyleft clause of the first license in the snippet that records one."""
    for t in terms:
        if t is not None and t.copyleft not in ("none", "unknown"):
            found = t.clause("copyleft")
            if found is not None and found.clause is not None:
                return found.clause
    return None


def _certainty(verdict: Verdict, terms: list[LicenseTerms | None]) -> str:
    if verdict.compatible is None or any(t is None or not t.curated for t in terms):
        return "unverified"
    return "settled"


def check(ctx: Context, bom: AIBOM) -> None:
    for snippet, artifact in snippets(bom):
        file_license = artifact.concluded_license or artifact.license
        if file_license is None:
            continue  # license-missing reports the file; there is nothing to compare against
        inbound = snippet_license(snippet)
        if inbound is None:
            ctx.add(
                "snippet-license-unknown",
                "info",
                artifact.id,
                f"snippet {where(snippet)} of {artifact.label} ({file_license}) gives no license "
                f"(concluded {snippet.get('license_concluded')}, found in it: "
                f"{', '.join(map(str, snippet.get('license_info') or ())) or 'none'}): "
                "whether the file's license can carry it is unchecked",
                certainty="unverified",
                remedy="record the snippet's license (concluded, or found in it) from where it was copied",
            )
            continue
        verdict = ctx.compatible(file_license, inbound)
        if verdict.compatible is True:
            continue
        terms = _terms(ctx, inbound)
        if not _triggered(ctx, terms):
            continue
        error = verdict.compatible is False
        ctx.add(
            "snippet-license-conflict",
            "error" if error else "warning",
            artifact.id,
            f"snippet {where(snippet)} of {artifact.label} is {inbound}, in a file under {file_license}"
            f"{'' if error else '; compatibility unknown'}: {verdict.reason}",
            license=inbound,
            clause=_clause(terms),
            certainty=_certainty(verdict, terms),
            remedy=f"relicense or remove the {inbound} snippet, or declare the file under a license "
            f"that can carry {inbound}",
        )
