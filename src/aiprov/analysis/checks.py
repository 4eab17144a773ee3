"""Checks: pure functions from (graph, license knowledge, policy) to :class:`Finding` values.

Every finding has a stable ``code`` (documented in docs/findings.md), a severity, the
artifact it is about, a message, the path of artifacts that carried it (subject first,
origin last) and the license and clause it comes from. Findings are returned, never
raised; :func:`check` sorts them so that two runs give byte-identical output.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiprov._gc import paused_gc
from aiprov.analysis._propagate import Carried, Propagation, propagate
from aiprov.analysis.policy import DEFAULT_POLICY, Policy
from aiprov.graph import AIBOM, Artifact, GraphWarning
from aiprov.licenses.catalog import Catalog, default_catalog
from aiprov.licenses.compat import Verdict, is_compatible
from aiprov.licenses.terms import LicenseTerms

__all__ = ["CODES", "SEVERITIES", "Finding", "Report", "check"]

SEVERITIES = ("error", "warning", "info")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}

#: Every finding code, with a one-line meaning (docs/findings.md has examples).
CODES: dict[str, str] = {
    "license-missing": "an artifact declares no license",
    "license-unknown": "the declared license is not one aiprov knows, or names no license (other, unknown)",
    "license-invalid": "the declared license expression cannot be parsed",
    "license-choice": "an OR expression offers a choice; aiprov reports the option that fits the policy",
    "copyleft-conflict": "copyleft code is combined into a work whose license cannot carry it",
    "noncommercial-use": "non-commercial terms reach an artifact used commercially",
    "no-derivatives": "an artifact is derived from no-derivatives material",
    "use-restricted": "use restrictions reach the artifact: it cannot be used for any purpose",
    "relicense-conflict": "an artifact declares terms that drop or contradict terms it inherits",
    "naming-requirement": "the artifact's name does not meet an inherited naming duty",
    "attribution-required": "an attribution or notice duty applies",
    "mau-threshold": "a user or revenue threshold of a license applies to the intended use",
    "output-restriction": "the artifact was made with outputs whose terms restrict that use",
    "share-alike": "share-alike material reaches an artifact not under the same (or a compatible) license",
    "policy-denied": "a license the policy denies",
    "provenance-missing": "an artifact lacks provenance: no source, purl or hashes (or what the policy requires)",
    "waiver-expired": "a waiver in the policy has expired and no longer applies",
    "relation-kind-mismatch": "a relation joins artifact kinds it does not fit (e.g. trained_on a code artifact)",
}

_DATA_NOTE = (
    "whether a dataset's terms bind a model trained on it is legally unsettled "
    "(policy data_terms_reach_models: {mode})"
)


@dataclass(frozen=True, slots=True, kw_only=True, order=False)
class Finding:
    """One judgement about one artifact."""

    code: str
    severity: str
    subject: str
    message: str
    path: tuple[str, ...] = ()
    license: str | None = None
    clause: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (_RANK[self.severity], self.subject, self.code, self.license or "", self.path, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "subject": self.subject,
            "message": self.message,
            "path": list(self.path),
            "license": self.license,
            "clause": self.clause,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """The findings of one check run, with the policy they were judged by."""

    findings: tuple[Finding, ...]
    policy: Policy
    artifacts: int
    relations: int
    waived: tuple[Finding, ...] = field(default=())

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def at_or_above(self, threshold: str) -> list[Finding]:
        if threshold == "never":
            return []
        limit = _RANK[threshold]
        return [f for f in self.findings if _RANK[f.severity] <= limit]

    def summary(self) -> dict[str, Any]:
        by_code: dict[str, int] = {}
        for f in self.findings:
            by_code[f.code] = by_code.get(f.code, 0) + 1
        return {
            "artifacts": self.artifacts,
            "relations": self.relations,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "infos": self.count("info"),
            "waived": len(self.waived),
            "by_code": dict(sorted(by_code.items())),
            "policy": self.policy.to_dict(),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"findings": [f.to_dict() for f in self.findings], "summary": self.summary()}


_CHANNEL_RANK = {"own": 0, "derivation": 1, "output": 2, "link": 3, "data": 4}


class _Trace:
    """The path of one item, computed once and only when a finding needs it."""

    __slots__ = ("_ids", "_kinds", "_text", "item", "prop", "subject")

    def __init__(self, prop: Propagation, subject: str, item: Carried) -> None:
        self.prop, self.subject, self.item = prop, subject, item
        self._text: str | None = None
        self._ids: tuple[str, ...] | None = None
        self._kinds: tuple[str, ...] = ()

    @property
    def path(self) -> tuple[str, ...]:
        if self._ids is None:
            self._ids, self._kinds = self.prop.trace(self.subject, self.item)
        return self._ids

    @property
    def kinds(self) -> tuple[str, ...]:
        _ = self.path
        return self._kinds

    def __str__(self) -> str:
        if self._text is None:
            if self.item.channel == "own":
                self._text = ""
            else:
                ids, kinds = self.path, self._kinds
                parts = [ids[0]] + [f"-{k}-> {n}" for k, n in zip(kinds, ids[1:], strict=False)]
                self._text = " via " + " ".join(parts)
        return self._text


class _Checker:
    def __init__(self, prop: Propagation) -> None:
        self.prop = prop
        self.bom = prop.bom
        self.policy = prop.policy
        self.use = prop.policy.use
        self.out: list[Finding] = []
        self._verdicts: dict[tuple[str, str], Verdict] = {}

    def compatible(self, outbound: str, inbound: str) -> Verdict:
        """is_compatible, cached per (declared expression, inherited license): few distinct pairs recur."""
        key = (outbound, inbound)
        found = self._verdicts.get(key)
        if found is None:
            found = self._verdicts[key] = is_compatible(outbound, inbound, self.prop.catalog)
        return found

    # -- helpers -------------------------------------------------------------------------
    def add(
        self,
        code: str,
        severity: str,
        subject: str,
        message: str,
        *,
        item: _Trace | None = None,
        terms: LicenseTerms | None = None,
        term: str | None = None,
        path: tuple[str, ...] | None = None,
    ) -> None:
        if path is None:
            path = item.path if item is not None else (subject,)
        clause = None
        if terms is not None and term is not None:
            found = terms.clause(term)
            clause = found.clause if found is not None else None
        self.out.append(
            Finding(
                code=code,
                severity=severity,
                subject=subject,
                message=message,
                path=path,
                license=terms.id if terms is not None else (item.item.license if item else None),
                clause=clause,
            )
        )

    def judge(
        self,
        code: str,
        verdict: Verdict,
        subject: str,
        *,
        conflict: str,
        unsure: str,
        origin: _Trace,
        terms: LicenseTerms,
        term: str,
    ) -> None:
        """A compatibility verdict as a finding: an error when incompatible, a warning when unknown."""
        if verdict.compatible is False:
            self.add(
                code, "error", subject, f"{conflict}: {verdict.reason}", item=origin, terms=terms, term=term
            )
        elif verdict.compatible is None:
            self.add(
                code, "warning", subject, f"{unsure}: {verdict.reason}", item=origin, terms=terms, term=term
            )

    def data_severity(self, normal: str) -> str | None:
        mode = self.policy.data_terms_reach_models
        if mode == "off":
            return None
        if mode == "warn":
            return "warning" if normal == "error" else normal
        return normal

    def data_note(self) -> str:
        return _DATA_NOTE.format(mode=self.policy.data_terms_reach_models)

    def grouped(self, artifact: Artifact) -> Iterator[tuple[Carried, LicenseTerms, bool]]:
        """Each (license, channel) reaching the artifact, own first; the flag is True for the first
        channel of each license (license-wide checks run once per license)."""
        seen: set[str] = set()
        items = sorted(
            self.prop.state[artifact.id].values(),
            key=lambda c: (_CHANNEL_RANK[c.channel], c.length, c.license),
        )
        for item in items:
            terms = self.prop.terms(item.license)
            if terms is None:
                continue
            first = item.license not in seen
            seen.add(item.license)
            yield item, terms, first

    # -- the checks ----------------------------------------------------------------------
    def run(self, warnings: list[GraphWarning]) -> list[Finding]:
        for warning in warnings:
            self.out.append(
                Finding(
                    code=warning.code,
                    severity="warning",
                    subject=warning.subject,
                    message=warning.message,
                    path=(warning.subject,),
                )
            )
        for artifact in self.bom:
            self.declared(artifact)
            self.provenance(artifact)
            shipped = not self.bom.incoming(artifact.id)
            for item, terms, first in self.grouped(artifact):
                self.term_checks(artifact, item, terms, first=first, shipped=shipped)
        return self.out

    def declared(self, artifact: Artifact) -> None:
        res = self.prop.resolved[artifact.id]
        norm = res.normalized
        if norm is None:
            severity = "warning" if artifact.kind in ("document", "service") else "error"
            self.add(
                "license-missing",
                severity,
                artifact.id,
                f"{artifact.label} ({artifact.kind}) declares no license",
            )
            return
        if norm.status == "invalid":
            self.add(
                "license-invalid",
                "error",
                artifact.id,
                f"license {norm.input!r} of {artifact.label} cannot be parsed: {norm.reason}",
            )
            return
        if norm.status == "unknown":
            self.add(
                "license-unknown",
                "warning",
                artifact.id,
                f"license {norm.input!r} of {artifact.label}: {norm.reason}; its terms cannot be checked",
            )
        if res.choice is not None:
            self.add(
                "license-choice",
                "info",
                artifact.id,
                f"{norm.expression} offers a choice: {res.choice} fits the policy best",
            )
        for license_id in res.ids:
            terms = self.prop.terms(license_id)
            if terms is None:
                continue
            if self.denied(terms):
                self.add(
                    "policy-denied",
                    "error",
                    artifact.id,
                    f"{artifact.label} is under {terms.id} ({terms.category}), which the policy denies",
                    terms=terms,
                )
            if not terms.curated and terms.category in ("proprietary", "unknown"):
                self.add(
                    "license-unknown",
                    "warning",
                    artifact.id,
                    f"{terms.id} is known only by its ScanCode category ({terms.scancode_category}): "
                    "its terms are not curated, review the text",
                    terms=terms,
                )

    def denied(self, terms: LicenseTerms) -> bool:
        names = {terms.id, terms.category}
        if terms.non_commercial:
            names.add("non-commercial")
        if terms.no_derivatives:
            names.add("no-derivatives")
        if terms.use_restrictions:
            names.add("use-restricted")
        return bool(names & set(self.policy.deny)) and not (names & set(self.policy.allow))

    def provenance(self, artifact: Artifact) -> None:
        req = self.policy.require
        missing = []
        if req.hashes and not artifact.hashes:
            missing.append("hashes")
        if req.source and not artifact.source:
            missing.append("a source (download location)")
        if req.supplier and not artifact.supplier:
            missing.append("a supplier")
        if missing:
            self.add(
                "provenance-missing",
                "error",
                artifact.id,
                f"{artifact.label} has no {', '.join(missing)}, which the policy requires",
            )
        elif artifact.kind in ("model", "weights", "dataset") and not (
            artifact.source or artifact.purl or artifact.hashes
        ):
            self.add(
                "provenance-missing",
                "warning",
                artifact.id,
                f"{artifact.label} ({artifact.kind}) has no source, purl or hashes: its origin cannot be verified",
            )
        if req.osi_approved_weights and artifact.kind in ("model", "weights"):
            ids = self.prop.resolved[artifact.id].ids
            if not ids or not all((t := self.prop.terms(i)) is not None and t.osi_approved for i in ids):
                self.add(
                    "policy-denied",
                    "error",
                    artifact.id,
                    f"{artifact.label}: the policy requires OSI-approved licenses on weights",
                )

    def term_checks(
        self, artifact: Artifact, item: Carried, terms: LicenseTerms, *, first: bool, shipped: bool
    ) -> None:
        """``first``: the license's best channel here (license-wide checks run once). ``shipped``: nothing in
        the graph depends on the artifact; inherited notes (info, use warnings) are reported there and at
        the artifact that declares the license, not at every intermediate step."""
        channel = item.channel
        subject = artifact.id
        own = channel == "own"
        data = channel == "data"
        output = channel == "output"
        modelish = artifact.kind in ("model", "weights")
        whole = channel in ("own", "derivation")
        origin = _Trace(self.prop, subject, item)
        notes = own or shipped
        if not first:
            self.channel_checks(
                artifact, item, terms, origin, own=own, data=data, output=output, modelish=modelish
            )
            return

        # non-commercial
        nc = terms.non_commercial or (
            output
            and (
                "non-commercial" in terms.output_restriction_categories
                or "commercial-use" in terms.output_restriction_categories
            )
        )
        if nc and self.use.commercial and (whole or data or output):
            severity = self.data_severity("error") if data else "error"
            if severity:
                note = f"; {self.data_note()}" if data else ""
                self.add(
                    "noncommercial-use",
                    severity,
                    subject,
                    f"{artifact.label} is used commercially, but {terms.cite('non_commercial')} "
                    f"forbids commercial use{origin}{note}",
                    item=origin,
                    terms=terms,
                    term="non_commercial",
                )

        # use restrictions
        carries_use = terms.use_restrictions and (
            whole or (output and "use-restrictions" in terms.output_restriction_categories)
        )
        if carries_use or (
            data and terms.use_restrictions and self.policy.data_terms_reach_models == "strict"
        ):
            hit = set(terms.use_restriction_categories) & self.use.restricted_categories()
            policy = f" (with {terms.use_policy})" if terms.use_policy else ""
            if hit:
                self.add(
                    "use-restricted",
                    "error",
                    subject,
                    f"{terms.cite('use_restrictions')}{policy} restricts {', '.join(sorted(hit))}, "
                    f"the intended field ({self.use.field}){origin}",
                    item=origin,
                    terms=terms,
                    term="use_restrictions",
                )
            elif notes:
                self.add(
                    "use-restricted",
                    "warning",
                    subject,
                    f"{artifact.label} cannot be used for any purpose: {terms.cite('use_restrictions')}"
                    f"{policy} restrict its use{origin}",
                    item=origin,
                    terms=terms,
                    term="use_restrictions",
                )

        # user / revenue thresholds
        if terms.commercial_use == "threshold" and terms.threshold is not None and (whole or output):
            self.threshold(artifact, item, terms, origin, notes=notes)

        self.channel_checks(
            artifact, item, terms, origin, own=own, data=data, output=output, modelish=modelish
        )

        # attribution duties (display texts and data credit) once made available
        if (
            notes
            and terms.attribution_required
            and self.use.made_available
            and (terms.attribution_text or terms.kind in ("model", "data", "content"))
            and (whole or (output and "attribution" in terms.output_restriction_categories) or data)
        ):
            what = (
                f'display "{terms.attribution_text}"'
                if terms.attribution_text
                else "credit the source and keep its license notice"
            )
            self.add(
                "attribution-required",
                "info",
                subject,
                f"{terms.cite('attribution')} requires attribution: {what}{origin}",
                item=origin,
                terms=terms,
                term="attribution",
            )

    def channel_checks(
        self,
        artifact: Artifact,
        item: Carried,
        terms: LicenseTerms,
        origin: _Trace,
        *,
        own: bool,
        data: bool,
        output: bool,
        modelish: bool,
    ) -> None:
        """Checks that depend on how the license arrived (derivation, combination, data, outputs)."""
        if own:
            return
        channel = item.channel
        # no-derivatives: being derived from ND material (not merely containing it)
        if terms.no_derivatives and item.channel in ("derivation", "data"):
            vias = origin.kinds
            if any(v != "contains" for v in vias):
                severity = self.data_severity("error") if data else "error"
                if severity:
                    note = f"; {self.data_note()}" if data else ""
                    self.add(
                        "no-derivatives",
                        severity,
                        artifact.id,
                        f"{artifact.label} is an adaptation of {terms.id} material, which "
                        f"{terms.cite('no_derivatives')} does not allow to be shared{origin}{note}",
                        item=origin,
                        terms=terms,
                        term="no_derivatives",
                    )

        if channel == "derivation" or (output and modelish):
            self.inherited(artifact, item, terms, origin)
        if channel == "link" or (channel == "derivation" and item.combined):
            self.copyleft(artifact, item, terms, origin)
        if data:
            self.data_terms(artifact, item, terms, origin)
        if output and modelish:
            self.outputs(artifact, item, terms, origin)

    def threshold(
        self, artifact: Artifact, item: Carried, terms: LicenseTerms, origin: _Trace, *, notes: bool
    ) -> None:
        assert terms.threshold is not None
        counted = terms.threshold_counted
        if counted == "monthly_active_users":
            actual: float | None = self.use.monthly_active_users
            what = "monthly active users"
        elif counted == "annual_revenue_usd":
            actual = self.use.revenue_usd
            what = "USD annual revenue"
        else:
            actual, what = None, counted or "units"
        if actual is None:
            if not notes:
                return
            self.add(
                "mau-threshold",
                "info",
                artifact.id,
                f"{terms.cite('commercial_use')}: above {terms.threshold:,} {what} a separate license is "
                f"needed; the policy does not state the figure{origin}",
                item=origin,
                terms=terms,
                term="commercial_use",
            )
        elif actual > terms.threshold:
            self.add(
                "mau-threshold",
                "error",
                artifact.id,
                f"{actual:,.0f} {what} exceeds the {terms.threshold:,} threshold of "
                f"{terms.cite('commercial_use')}: a separate license from the licensor is needed{origin}",
                item=origin,
                terms=terms,
                term="commercial_use",
            )

    def inherited(self, artifact: Artifact, item: Carried, terms: LicenseTerms, origin: _Trace) -> None:
        """Terms a derived artifact inherits: naming, relicensing."""
        subject = artifact.id
        modelish = artifact.kind in ("model", "weights")
        naming_applies = (
            terms.naming_required
            and terms.naming_prefix
            and (item.channel == "derivation" or "naming" in terms.output_restriction_categories)
        )
        if naming_applies and modelish and self.use.made_available:
            assert terms.naming_prefix is not None
            name = artifact.name or artifact.id
            if not name.lower().startswith(terms.naming_prefix.lower()):
                self.add(
                    "naming-requirement",
                    "error",
                    subject,
                    f'{name!r} must begin with "{terms.naming_prefix}" ({terms.cite("naming")}){origin}',
                    item=origin,
                    terms=terms,
                    term="naming",
                )
        if item.channel != "derivation":
            return
        own_ids = self.prop.resolved[subject].ids
        norm = self.prop.resolved[subject].normalized
        if terms.id in own_ids or norm is None or norm.status != "ok" or norm.expression is None:
            return
        binding = terms.derivative_licensing in ("same", "carry-restrictions") or (
            terms.passthrough_required and terms.use_restrictions
        )
        if not binding or terms.copyleft == "weak":
            return
        self.judge(
            "share-alike" if terms.copyleft == "share-alike" else "relicense-conflict",
            self.compatible(norm.expression, terms.id),
            subject,
            conflict=f"{artifact.label} is declared {norm.expression}, but inherits {terms.id}{origin}",
            unsure=f"{artifact.label} is declared {norm.expression} and inherits {terms.id}{origin}; "
            "aiprov cannot confirm the declared terms carry it",
            origin=origin,
            terms=terms,
            term="derivative_licensing",
        )

    def copyleft(self, artifact: Artifact, item: Carried, terms: LicenseTerms, origin: _Trace) -> None:
        """Combined code: a copyleft part binds the whole; a copyleft whole must take in every part."""
        norm = self.prop.resolved[artifact.id].normalized
        if norm is None or norm.status != "ok" or norm.expression is None:
            return
        own = [t for i in self.prop.resolved[artifact.id].ids if (t := self.prop.terms(i)) is not None]
        strongest = {terms.copyleft} | {t.copyleft for t in own}
        triggered = ("strong" in strongest and self.use.distributed) or (
            "network" in strongest and self.use.made_available
        )
        if not triggered or terms.id in self.prop.resolved[artifact.id].ids:
            return
        self.judge(
            "copyleft-conflict",
            self.compatible(norm.expression, terms.id),
            artifact.id,
            conflict=f"{artifact.label} ({norm.expression}) combines {terms.id} code{origin}",
            unsure=f"{artifact.label} ({norm.expression}) combines {terms.id} code{origin}; compatibility unknown",
            origin=origin,
            terms=terms,
            term="copyleft",
        )

    def data_terms(self, artifact: Artifact, item: Carried, terms: LicenseTerms, origin: _Trace) -> None:
        if terms.copyleft != "share-alike" or terms.copyleft_scope == "database":
            return  # a model is not a derivative database (ODbL / ODC-By: a Produced Work at most)
        norm = self.prop.resolved[artifact.id].normalized
        if terms.id in self.prop.resolved[artifact.id].ids:
            return
        severity = self.data_severity("error")
        if severity is None:
            return
        declared = norm.expression if norm is not None and norm.expression else "no license"
        self.add(
            "share-alike",
            severity,
            artifact.id,
            f"{artifact.label} ({declared}) is trained on {terms.id} data, whose {terms.cite('copyleft')} "
            f"asks adaptations to be shared alike{origin}; {self.data_note()}",
            item=origin,
            terms=terms,
            term="copyleft",
        )

    def outputs(self, artifact: Artifact, item: Carried, terms: LicenseTerms, origin: _Trace) -> None:
        cats = set(terms.output_restriction_categories)
        family = any(
            i.license == terms.id and i.channel in ("own", "derivation") for i in self.prop.items(artifact.id)
        )
        if "improve-other-models" in cats and not family:
            self.add(
                "output-restriction",
                "error",
                artifact.id,
                f"{artifact.label} was improved with outputs of a {terms.short_name or terms.id} model, which "
                f"{terms.cite('output_restrictions')} forbids for models outside its family{origin}",
                item=origin,
                terms=terms,
                term="output_restrictions",
            )
        if "competing-models" in cats:
            self.add(
                "output-restriction",
                "warning",
                artifact.id,
                f"{artifact.label} was trained with outputs under {terms.short_name or terms.id}, whose "
                f"{terms.cite('output_restrictions')} forbids using them for models that compete with the "
                f"provider: confirm this model does not{origin}",
                item=origin,
                terms=terms,
                term="output_restrictions",
            )


def check(bom: AIBOM, policy: Policy | None = None, catalog: Catalog | None = None) -> Report:
    """Judge a supply chain against a policy. Raises :class:`~aiprov.exceptions.GraphError` for a cycle."""
    policy = policy or DEFAULT_POLICY
    catalog = catalog or default_catalog()
    with paused_gc():
        warnings = bom.validate()
        prop = propagate(bom, catalog, policy)
        raw = _Checker(prop).run(warnings)
        findings, waived = _apply_waivers(_dedupe(raw), policy)
        return Report(
            findings=tuple(sorted(findings, key=Finding.sort_key)),
            policy=policy,
            artifacts=len(bom),
            relations=len(bom.relations),
            waived=tuple(sorted(waived, key=Finding.sort_key)),
        )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    best: dict[tuple[str, str, str | None, str], Finding] = {}
    for f in findings:
        key = (f.code, f.subject, f.license, f.message if f.license is None else "")
        current = best.get(key)
        if current is None or (_RANK[f.severity], len(f.path), f.path) < (
            _RANK[current.severity],
            len(current.path),
            current.path,
        ):
            best[key] = f
    return list(best.values())


def _apply_waivers(findings: list[Finding], policy: Policy) -> tuple[list[Finding], list[Finding]]:
    today = policy.as_of()
    kept, waived = [], []
    for f in findings:
        if any(
            w.code == f.code and w.subject in (f.subject, "*") and w.active(today) for w in policy.waivers
        ):
            waived.append(f)
        else:
            kept.append(f)
    for w in policy.waivers:
        if not w.active(today):
            kept.append(
                Finding(
                    code="waiver-expired",
                    severity="warning",
                    subject=w.subject,
                    message=f"waiver of {w.code} on {w.subject} expired on {w.expires} "
                    f"({w.reason}); the finding applies again",
                    path=(w.subject,),
                )
            )
    return kept, waived
