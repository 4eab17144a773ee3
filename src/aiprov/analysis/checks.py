"""Checks: pure functions from (graph, license knowledge, policy) to :class:`Finding` values.

Every finding has a stable ``code`` (documented in docs/findings.md), a severity, the
artifact it is about, a message, the path of artifacts that carried it (subject first,
origin last) and the license and clause it comes from. Findings are returned, never
raised; :func:`check` sorts them so that two runs give byte-identical output.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from aiprov._gc import paused_gc
from aiprov.analysis._propagate import Key, Propagation, propagate
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
    "license-mismatch": "the LICENSE file's text is a different license from the one declared",
}

_TRACEABLE = frozenset({"model", "weights", "dataset"})  # kinds whose origin must be verifiable

_DATA_NOTE = (
    "whether a dataset's terms bind a model trained on it is legally unsettled "
    "(policy data_terms_reach_models: {mode})"
)


class _FindingSlots:
    """The storage of a :class:`Finding` (shared with :class:`_LazyFinding`, which builds them): the
    code, severity and subject, the path (for a lazy finding, the key that carried the term), and
    the rest as one tuple (license, clause, message, renderer) that all the findings one plan makes
    share. Five slots, not eight: a large check makes millions of findings."""

    __slots__ = ("_path", "_rest", "code", "severity", "subject")


#: (license, clause, message, renderer): the message itself with no renderer, or for a lazy finding
#: the name of the :class:`_Messages` method that renders it.
_Rest = tuple["str | None", "str | None", str, "_Messages | None"]


class Finding(_FindingSlots):
    """One judgement about one artifact: immutable, compared and hashed by value.

    A check over a large graph yields millions of findings, so those about inherited terms are
    built light: the ``message`` and ``path`` are rendered when first read (from the propagation
    the check kept), never stored. Values are the same either way.
    """

    __slots__ = ()

    code: str
    severity: str
    subject: str
    _path: Any  # the path, or for a lazy finding the (license, channel) key at the subject
    _rest: _Rest

    def __init__(
        self,
        *,
        code: str,
        severity: str,
        subject: str,
        message: str,
        path: tuple[str, ...] = (),
        license: str | None = None,
        clause: str | None = None,
    ) -> None:
        for name, value in (
            ("code", code),
            ("severity", severity),
            ("subject", subject),
            ("_path", tuple(path)),
            ("_rest", (license, clause, message, None)),
        ):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Finding is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Finding is immutable (cannot delete {name!r})")

    @property
    def license(self) -> str | None:
        return self._rest[0]

    @property
    def clause(self) -> str | None:
        return self._rest[1]

    @property
    def message(self) -> str:
        render = self._rest[3]
        return self._rest[2] if render is None else render.message(self)

    @property
    def path(self) -> tuple[str, ...]:
        """Artifact ids from the subject back to the origin of the term."""
        render = self._rest[3]
        return self._path if render is None else render.path(self)

    def _path_length(self) -> int:
        render = self._rest[3]
        return len(self._path) if render is None else render.length(self)

    def _values(self) -> tuple[Any, ...]:
        license_id, clause, message, render = self._rest
        if render is None:
            path = self._path
        else:
            message, path = render.render(self)  # one walk of the path for both
        return (self.code, self.severity, self.subject, message, path, license_id, clause)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ("code", "severity", "subject", "message", "path", "license", "clause")
        return "Finding(" + ", ".join(f"{k}={v!r}" for k, v in zip(fields, self._values(), strict=True)) + ")"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_finding, self._values())

    def sort_key(self) -> tuple[Any, ...]:
        """Severity, subject, code, license, then path and message. After :func:`check` deduplicates,
        (subject, code, license) is unique among findings with a license, so the path and message (which
        cost a rendering) are only compared for findings without one."""
        if self.license is not None:
            return (_RANK[self.severity], self.subject, self.code, self.license)
        return (_RANK[self.severity], self.subject, self.code, "", self.path, self.message)

    def to_dict(self) -> dict[str, Any]:
        code, severity, subject, message, path, license_id, clause = self._values()
        return {
            "code": code,
            "severity": severity,
            "subject": subject,
            "message": message,
            "path": list(path),
            "license": license_id,
            "clause": clause,
        }


def _finding(
    code: str,
    severity: str,
    subject: str,
    message: str,
    path: tuple[str, ...],
    license: str | None,
    clause: str | None,
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        subject=subject,
        message=message,
        path=path,
        license=license,
        clause=clause,
    )


class _LazyFinding(_FindingSlots):
    """Builds a finding whose message (``rest[2]``, a :class:`_Messages` method name) and path (that
    of ``key`` at the subject) are rendered on demand by ``rest[3]``: it fills the slots with plain
    stores, then becomes a :class:`Finding` (same layout), which refuses any later change. Three
    times cheaper than setting each slot through ``object.__setattr__``, for the millions a large
    check makes."""

    __slots__ = ()

    def __init__(self, code: str, severity: str, subject: str, rest: _Rest, key: Key) -> None:
        self.code = code
        self.severity = severity
        self.subject = subject
        self._rest = rest
        self._path = key
        self.__class__ = Finding  # type: ignore[assignment]


#: ``_LazyFinding(...)``, typed as what it returns: a Finding.
_lazy_finding = cast("Callable[[str, str, str, _Rest, Key], Finding]", _LazyFinding)


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


def _chain_text(ids: tuple[str, ...], kinds: tuple[str, ...]) -> str:
    """`` via a -kind-> b -kind-> c``: the chain that carried an inherited term, for messages."""
    return " via " + " ".join([ids[0]] + [f"-{k}-> {n}" for k, n in zip(kinds, ids[1:], strict=False)])


class _Messages:
    """Renders the findings about inherited terms when they are read, from what the check kept: the
    propagation, the policy and the compatibility verdicts. One per :func:`check` run."""

    def __init__(self, prop: Propagation, verdicts: dict[tuple[str, str], Verdict]) -> None:
        self.prop = prop
        self.policy = prop.policy
        self.use = prop.policy.use
        self.verdicts = verdicts

    def path(self, finding: Finding) -> tuple[str, ...]:
        return self.prop.trace(finding.subject, finding._path)[0]

    def length(self, finding: Finding) -> int:
        return (self.prop.state[finding.subject][finding._path] >> 1) + 1

    def message(self, finding: Finding) -> str:
        return self.render(finding)[0]

    def render(self, finding: Finding) -> tuple[str, tuple[str, ...]]:
        """The message and the path, from one walk of the path."""
        subject, item = finding.subject, finding._path
        artifact = self.prop.bom[subject]
        terms = self.prop.terms(item[0])
        assert terms is not None
        ids, kinds = self.prop.trace(subject, item)
        origin = _chain_text(ids, kinds) if item[1] != "own" else ""
        write: Any = getattr(self, "_" + finding._rest[2].replace("-", "_"))
        return write(finding, artifact, item, terms, origin), ids

    def data_note(self, item: Key) -> str:
        return f"; {_DATA_NOTE.format(mode=self.policy.data_terms_reach_models)}" if item[1] == "data" else ""

    def _verdict(self, subject: str, terms: LicenseTerms) -> tuple[str, Verdict]:
        norm = self.prop.resolved[subject].normalized
        assert norm is not None and norm.expression is not None
        return norm.expression, self.verdicts[(norm.expression, terms.id)]

    # One method per kind of message; the check that raises it is named alike in _Checker.
    def _noncommercial(
        self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
    ) -> str:
        return (
            f"{artifact.label} is used commercially, but {terms.cite('non_commercial')} "
            f"forbids commercial use{origin}{self.data_note(item)}"
        )

    def _use_hit(self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
        hit = set(terms.use_restriction_categories) & self.use.restricted_categories()
        policy = f" (with {terms.use_policy})" if terms.use_policy else ""
        return (
            f"{terms.cite('use_restrictions')}{policy} restricts {', '.join(sorted(hit))}, "
            f"the intended field ({self.use.field}){origin}"
        )

    def _use_any(self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
        policy = f" (with {terms.use_policy})" if terms.use_policy else ""
        return (
            f"{artifact.label} cannot be used for any purpose: {terms.cite('use_restrictions')}"
            f"{policy} restrict its use{origin}"
        )

    def _threshold(self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
        assert terms.threshold is not None
        actual, what = _threshold_figure(terms, self.use)
        if actual is None:
            return (
                f"{terms.cite('commercial_use')}: above {terms.threshold:,} {what} a separate license is "
                f"needed; the policy does not state the figure{origin}"
            )
        return (
            f"{actual:,.0f} {what} exceeds the {terms.threshold:,} threshold of "
            f"{terms.cite('commercial_use')}: a separate license from the licensor is needed{origin}"
        )

    def _attribution(
        self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
    ) -> str:
        what = (
            f'display "{terms.attribution_text}"'
            if terms.attribution_text
            else "credit the source and keep its license notice"
        )
        return f"{terms.cite('attribution')} requires attribution: {what}{origin}"

    def _no_derivatives(
        self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
    ) -> str:
        return (
            f"{artifact.label} is an adaptation of {terms.id} material, which "
            f"{terms.cite('no_derivatives')} does not allow to be shared{origin}{self.data_note(item)}"
        )

    def _naming(self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
        name = artifact.name or artifact.id
        return f'{name!r} must begin with "{terms.naming_prefix}" ({terms.cite("naming")}){origin}'

    def _relicense(self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
        expression, verdict = self._verdict(artifact.id, terms)
        if f.severity == "error":
            return f"{artifact.label} is declared {expression}, but inherits {terms.id}{origin}: {verdict.reason}"
        return (
            f"{artifact.label} is declared {expression} and inherits {terms.id}{origin}; "
            f"aiprov cannot confirm the declared terms carry it: {verdict.reason}"
        )

    def _copyleft(self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
        expression, verdict = self._verdict(artifact.id, terms)
        if f.severity == "error":
            return f"{artifact.label} ({expression}) combines {terms.id} code{origin}: {verdict.reason}"
        return (
            f"{artifact.label} ({expression}) combines {terms.id} code{origin}; compatibility unknown: "
            f"{verdict.reason}"
        )

    def _share_alike_data(
        self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
    ) -> str:
        norm = self.prop.resolved[artifact.id].normalized
        declared = norm.expression if norm is not None and norm.expression else "no license"
        return (
            f"{artifact.label} ({declared}) is trained on {terms.id} data, whose {terms.cite('copyleft')} "
            f"asks adaptations to be shared alike{origin}{self.data_note(item)}"
        )

    def _output_improve(
        self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
    ) -> str:
        return (
            f"{artifact.label} was improved with outputs of a {terms.short_name or terms.id} model, which "
            f"{terms.cite('output_restrictions')} forbids for models outside its family{origin}"
        )

    def _output_competing(
        self, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str
    ) -> str:
        return (
            f"{artifact.label} was trained with outputs under {terms.short_name or terms.id}, whose "
            f"{terms.cite('output_restrictions')} forbids using them for models that compete with the "
            f"provider: confirm this model does not{origin}"
        )


def _threshold_figure(terms: LicenseTerms, use: Any) -> tuple[float | None, str]:
    """The figure a license threshold counts, as the policy states it (None: not stated), and its unit."""
    counted = terms.threshold_counted
    if counted == "monthly_active_users":
        return use.monthly_active_users, "monthly active users"
    if counted == "annual_revenue_usd":
        return use.revenue_usd, "USD annual revenue"
    return None, counted or "units"


#: One way a finding can come: the rest of its values (license, clause, message variant and the
#: renderer), and the (license, channel) it reached by.
_Choice = tuple[_Rest, Key]
#: A finding of a plan: code, severity, license, and its choices (several when channels give it alike).
_Entry = tuple[str, str, str, tuple[_Choice, ...]]
#: The findings of a plan, per severity (error, warning, info), each in (code, license) order.
_Plan = tuple[tuple[_Entry, ...], tuple[_Entry, ...], tuple[_Entry, ...]]
#: A plan whose every finding has one choice, as columns: (severity rank, codes, severities, rests,
#: keys, count) for each severity it has findings of. A subject's findings are then made by one
#: ``map`` per severity, not a loop.
_Direct = tuple[tuple[int, tuple[str, ...], tuple[str, ...], tuple["_Rest", ...], tuple[Key, ...], int], ...]


def _direct(plan: _Plan) -> _Direct | None:
    """``plan`` as :data:`_Direct`, or None if a finding has a choice of paths."""
    direct = []
    for rank, entries in enumerate(plan):
        if not entries:
            continue
        if any(len(choices) > 1 for *_, choices in entries):
            return None
        codes, severities, _, choices = zip(*entries, strict=True)
        rests, keys = zip(*(c[0] for c in choices), strict=True)
        direct.append((rank, codes, severities, rests, keys, len(entries)))
    return tuple(direct)


class _Template:
    """For one set of keys at one kind of artifact: what else its plans read, and the plans made."""

    __slots__ = ("combined", "own", "plans")

    def __init__(self, combined: tuple[Key, ...], own: tuple[tuple[Key, LicenseTerms], ...]) -> None:
        self.combined = combined  # derivation keys whose combined flag the checks read
        self.own = own  # keys whose license reads facts of the artifact itself
        self.plans: dict[tuple[Any, ...], tuple[_Plan, _Direct | None]] = {}


class _Checker:
    def __init__(self, prop: Propagation) -> None:
        self.prop = prop
        self.bom = prop.bom
        self.policy = prop.policy
        self.use = prop.policy.use
        self.out: list[Finding] = []
        self._verdicts: dict[tuple[str, str], Verdict] = {}
        self._clauses: dict[tuple[str, str], str | None] = {}
        self.messages = _Messages(prop, self._verdicts)
        self._plan: list[tuple[str, str, str | None, str]] = []
        #: signature of one (license, channel) at one artifact -> its findings (see _plan_for)
        self._plans: dict[tuple[Any, ...], tuple[tuple[str, str, str | None, str], ...]] = {}
        #: license id -> which facts of the artifact itself its checks read (None: none)
        self._reads: dict[str, tuple[str | None, bool, bool] | None] = {}
        self._data_severity = {s: self._severity_for_data(s) for s in SEVERITIES}

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
        terms: LicenseTerms | None = None,
        term: str | None = None,
    ) -> None:
        """A finding about the artifact itself (its declaration, its provenance): path is the subject."""
        self.out.append(
            Finding(
                code=code,
                severity=severity,
                subject=subject,
                message=message,
                path=(subject,),
                license=terms.id if terms is not None else None,
                clause=self.clause(terms, term) if terms is not None and term is not None else None,
            )
        )

    def clause(self, terms: LicenseTerms, term: str) -> str | None:
        key = (terms.id, term)
        try:
            return self._clauses[key]
        except KeyError:
            found = terms.clause(term)
            clause = self._clauses[key] = found.clause if found is not None else None
            return clause

    def flag(
        self,
        code: str,
        severity: str,
        subject: str,
        item: Key,
        terms: LicenseTerms,
        term: str,
        variant: str,
    ) -> None:
        """A finding about a term that reached ``subject`` as ``item``; its message is ``_Messages``'s
        method for ``variant``, rendered when read. Recorded in the plan being made (see :meth:`run`)."""
        self._plan.append((code, severity, self.clause(terms, term), variant))

    def judge(
        self,
        code: str,
        verdict: Verdict,
        subject: str,
        item: Key,
        terms: LicenseTerms,
        term: str,
        variant: str,
    ) -> None:
        """A compatibility verdict as a finding: an error when incompatible, a warning when unknown."""
        if verdict.compatible is False:
            self.flag(code, "error", subject, item, terms, term, variant)
        elif verdict.compatible is None:
            self.flag(code, "warning", subject, item, terms, term, variant)

    def _severity_for_data(self, normal: str) -> str | None:
        mode = self.policy.data_terms_reach_models
        if mode == "off":
            return None
        if mode == "warn":
            return "warning" if normal == "error" else normal
        return normal

    def data_severity(self, normal: str) -> str | None:
        return self._data_severity[normal]

    def grouped(self, artifact: Artifact) -> Iterator[tuple[Key, int, LicenseTerms, bool]]:
        """Each (license, channel) reaching the artifact with its state value, own first; the flag is True
        for the first channel of each license (license-wide checks run once per license)."""
        seen: set[str] = set()
        items = sorted(
            self.prop.state[artifact.id].items(),
            key=lambda kv: (_CHANNEL_RANK[kv[0][1]], kv[1] >> 1, kv[0][0]),
        )
        terms_of = self.prop.terms
        for key, value in items:
            license_id = key[0]
            terms = terms_of(license_id)
            if terms is None:
                continue
            first = license_id not in seen
            seen.add(license_id)
            yield key, value, terms, first

    # -- the checks ----------------------------------------------------------------------
    def run(
        self, warnings: list[GraphWarning], expired: list[Finding]
    ) -> tuple[tuple[list[Finding], list[Finding], list[Finding]], list[Finding]]:
        """All findings, deduplicated, waived and sorted: one list per severity, and the waived ones.

        The findings about terms that reach an artifact depend on few of its facts: the set of
        (license, channel) keys there, its kind, whether it is shipped, its declared license, the
        combined flag of its derivation keys, and for a few licenses its name, path or family. Each
        distinct set of facts gets a plan once (deduplicated and in report order); a million
        artifacts share some tens of thousands. Applying a plan only picks, where a finding could
        come by more than one channel, the shortest path (the rule of :func:`_dedupe`)."""
        early: dict[str, list[Finding]] = {}
        for warning in warnings:
            early.setdefault(warning.subject, []).append(
                Finding(
                    code=warning.code,
                    severity="warning",
                    subject=warning.subject,
                    message=warning.message,
                    path=(warning.subject,),
                )
            )
        late: dict[str, list[Finding]] = {}
        for finding in expired:
            late.setdefault(finding.subject, []).append(finding)
        waivers = {w.subject for w in self.policy.waivers}
        every = "*" in waivers
        artifacts, states = self.bom._artifacts, self.prop.state
        incoming, resolved = self.bom._in, self.prop.resolved
        demands = any(self.policy.require.to_dict().values())  # then provenance() sees every artifact
        templates: dict[tuple[Any, ...], _Template] = {}
        quiet: dict[tuple[int, str], bool] = {}  # (declared license, kind) -> declared() finds nothing
        by_rank: tuple[list[Finding], list[Finding], list[Finding]] = ([], [], [])
        waived: list[Finding] = []

        def settle(subject: str, found: list[Finding]) -> None:
            """The general way for a subject's findings: deduplicated, waived, then the expired waivers
            about it, sorted and dealt out by severity."""
            kept, dropped = _apply_waivers(_dedupe(found), self.policy)
            kept.extend(late.get(subject, ()))
            kept.sort(key=Finding.sort_key)
            for finding in kept:
                by_rank[_RANK[finding.severity]].append(finding)
            waived.extend(dropped)

        strays = (late.keys() | early.keys()) - artifacts.keys()
        subjects = artifacts.keys() | strays if strays else artifacts
        for subject in sorted(subjects):  # findings are ordered by (severity, subject, code, license)
            artifact = artifacts.get(subject)
            if artifact is None:  # an expired waiver (or, never, a warning) about an id not in the graph
                settle(subject, early.pop(subject, []))
                continue
            out = self.out = early.pop(subject, [])
            res_id = id(resolved[subject])  # Resolved values are shared per declared text
            kind = artifact.kind
            if quiet.get((res_id, kind)) is not True:
                before = len(out)
                self.declared(artifact)
                quiet[(res_id, kind)] = len(out) == before
            if demands or (
                kind in _TRACEABLE and not (artifact.source or artifact.purl or artifact.hashes)
            ):  # else provenance() finds nothing: the common case, decided without a call
                self.provenance(artifact)
            state = states[subject]
            facts = (frozenset(state), kind, subject not in incoming, res_id)
            template = templates.get(facts)
            if template is None:
                template = templates[facts] = self._template(state)
            variant: tuple[Any, ...] = ()
            if template.combined:
                variant = tuple([state[k] & 1 for k in template.combined])
            for key, terms in template.own:
                variant += (self._own_facts(artifact, key, terms),)
            found = template.plans.get(variant)
            if found is None:
                plan = self._plan_for(artifact)
                found = template.plans[variant] = (plan, _direct(plan))
            plan, direct = found
            # Commonly the plan is all there is about the subject: its findings go straight to their
            # severity's list. Otherwise (other findings, waivers) they join the general way below.
            plain = not (out or every or subject in waivers or subject in late)
            if plain and direct is not None:  # one choice each: each severity's findings in one call
                for rank, codes, severities, rests, keys, count in direct:
                    by_rank[rank].extend(
                        map(_lazy_finding, codes, severities, itertools.repeat(subject, count), rests, keys)
                    )
                continue
            for rank, entries in enumerate(plan):
                into = by_rank[rank] if plain else out
                for code, severity, _, choices in entries:
                    rest, key = choices[0] if len(choices) == 1 else self._shortest(subject, state, choices)
                    into.append(_lazy_finding(code, severity, subject, rest, key))
            if not plain:
                settle(subject, out)
        return by_rank, waived

    def _template(self, state: dict[Key, int]) -> _Template:
        """What a plan for this set of keys reads besides the keys: the combined flag of derivation keys
        (copyleft), and the own facts of licenses that need them (see :meth:`_own_facts`)."""
        combined, own = [], []
        for key in sorted(state):
            terms = self.prop.terms(key[0])
            if terms is None:
                continue
            if key[1] == "derivation":
                combined.append(key)
            if self._reads_own_facts(terms):
                own.append((key, terms))
        return _Template(tuple(combined), tuple(own))

    def _plan_for(self, artifact: Artifact) -> _Plan:
        """The findings of the terms reaching ``artifact``, as :func:`check` reports them: grouped by
        (code, license) as :func:`_dedupe` does (the most severe kept; where several channels give it,
        all are kept, in the order met, for :meth:`_shortest` to choose), in (code, license) order per
        severity. Built from per-(license, channel) plans, themselves memoized by their signature."""
        subject = artifact.id
        shipped = subject not in self.bom._in
        res_id = id(self.prop.resolved[subject])
        groups: dict[tuple[str, str], list[tuple[int, str, str | None, str, Key]]] = {}
        for key, value, terms, first in self.grouped(artifact):
            combined = value & 1 if key[1] == "derivation" else 0
            signature = (
                key,
                combined,
                first,
                shipped,
                artifact.kind,
                res_id,
                self._own_facts(artifact, key, terms),
            )
            plan = self._plans.get(signature)
            if plan is None:
                self._plan = []
                self.term_checks(artifact, key, terms, combined=bool(combined), first=first, shipped=shipped)
                plan = self._plans[signature] = tuple(self._plan)
            for code, severity, clause, message in plan:
                groups.setdefault((code, terms.id), []).append(
                    (_RANK[severity], severity, clause, message, key)
                )
        ranks: tuple[list[_Entry], list[_Entry], list[_Entry]] = ([], [], [])
        for (code, license_id), found in sorted(groups.items()):
            best = min(rank for rank, *_ in found)
            choices = tuple(
                ((license_id, clause, message, self.messages), key)
                for rank, _, clause, message, key in found
                if rank == best
            )
            ranks[best].append((code, SEVERITIES[best], license_id, choices))
        return tuple(ranks[0]), tuple(ranks[1]), tuple(ranks[2])

    def _shortest(self, subject: str, state: dict[Key, int], choices: tuple[_Choice, ...]) -> _Choice:
        """Of findings alike but for the channel, the one :func:`_dedupe` keeps: the shortest path, then
        the smallest path, then the first."""
        best = choices[0]
        length = state[best[1]] >> 1
        path: tuple[str, ...] | None = None
        for choice in choices[1:]:
            mine = state[choice[1]] >> 1
            if mine < length:
                best, length, path = choice, mine, None
            elif mine == length:
                if path is None:
                    path = self.prop.path(subject, best[1])
                other = self.prop.path(subject, choice[1])
                if other < path:
                    best, path = choice, other
        return best

    def _reads_own_facts(self, terms: LicenseTerms) -> tuple[str | None, bool, bool] | None:
        """What the checks of ``terms`` read of the artifact itself (None: nothing): the naming prefix
        (lower case), whether its path matters (no-derivatives), whether its family does."""
        if terms.id not in self._reads:
            needed = (
                terms.naming_prefix.lower() if terms.naming_required and terms.naming_prefix else None,
                bool(terms.no_derivatives),
                "improve-other-models" in terms.output_restriction_categories,
            )
            self._reads[terms.id] = needed if any(needed) else None
        return self._reads[terms.id]

    def _own_facts(self, artifact: Artifact, key: Key, terms: LicenseTerms) -> tuple[bool, ...] | None:
        """The facts about the artifact itself that the checks of ``terms`` read: whether its name meets the
        naming duty, whether its path is more than containment (no-derivatives), whether it is of the
        license's own family (output restrictions)."""
        reads = self._reads_own_facts(terms)
        if reads is None:
            return None
        prefix, no_derivatives, family = reads
        facts: tuple[bool, ...] = ()
        if prefix is not None:
            facts = ((artifact.name or artifact.id).lower().startswith(prefix),)
        if no_derivatives and key[1] in ("derivation", "data"):
            facts += (any(v != "contains" for v in self.prop.trace(artifact.id, key)[1]),)
        if family:
            state = self.prop.state[artifact.id]
            facts += ((terms.id, "own") in state or (terms.id, "derivation") in state,)
        return facts

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
        elif artifact.kind in _TRACEABLE and not (artifact.source or artifact.purl or artifact.hashes):
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
        self,
        artifact: Artifact,
        item: Key,
        terms: LicenseTerms,
        *,
        combined: bool,
        first: bool,
        shipped: bool,
    ) -> None:
        """``first``: the license's best channel here (license-wide checks run once). ``shipped``: nothing in
        the graph depends on the artifact; inherited notes (info, use warnings) are reported there and at
        the artifact that declares the license, not at every intermediate step."""
        channel = item[1]
        subject = artifact.id
        own = channel == "own"
        data = channel == "data"
        output = channel == "output"
        modelish = artifact.kind in ("model", "weights")
        whole = own or channel == "derivation"
        notes = own or shipped
        if not first:
            self.channel_checks(
                artifact, item, terms, combined=combined, own=own, data=data, output=output, modelish=modelish
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
                self.flag(
                    "noncommercial-use", severity, subject, item, terms, "non_commercial", "noncommercial"
                )

        # use restrictions
        carries_use = terms.use_restrictions and (
            whole or (output and "use-restrictions" in terms.output_restriction_categories)
        )
        if carries_use or (
            data and terms.use_restrictions and self.policy.data_terms_reach_models == "strict"
        ):
            if set(terms.use_restriction_categories) & self.use.restricted_categories():
                self.flag("use-restricted", "error", subject, item, terms, "use_restrictions", "use-hit")
            elif notes:
                self.flag("use-restricted", "warning", subject, item, terms, "use_restrictions", "use-any")

        # user / revenue thresholds
        if terms.commercial_use == "threshold" and terms.threshold is not None and (whole or output):
            actual, _ = _threshold_figure(terms, self.use)
            if actual is None:
                if notes:
                    self.flag("mau-threshold", "info", subject, item, terms, "commercial_use", "threshold")
            elif actual > terms.threshold:
                self.flag("mau-threshold", "error", subject, item, terms, "commercial_use", "threshold")

        self.channel_checks(
            artifact, item, terms, combined=combined, own=own, data=data, output=output, modelish=modelish
        )

        # attribution duties (display texts and data credit) once made available
        if (
            notes
            and terms.attribution_required
            and self.use.made_available
            and (terms.attribution_text or terms.kind in ("model", "data", "content"))
            and (whole or (output and "attribution" in terms.output_restriction_categories) or data)
        ):
            self.flag("attribution-required", "info", subject, item, terms, "attribution", "attribution")

    def channel_checks(
        self,
        artifact: Artifact,
        item: Key,
        terms: LicenseTerms,
        *,
        combined: bool,
        own: bool,
        data: bool,
        output: bool,
        modelish: bool,
    ) -> None:
        """Checks that depend on how the license arrived (derivation, combination, data, outputs)."""
        if own:
            return
        channel = item[1]
        # no-derivatives: being derived from ND material (not merely containing it)
        if terms.no_derivatives and channel in ("derivation", "data"):
            vias = self.prop.trace(artifact.id, item)[1]
            if any(v != "contains" for v in vias):
                severity = self.data_severity("error") if data else "error"
                if severity:
                    self.flag(
                        "no-derivatives",
                        severity,
                        artifact.id,
                        item,
                        terms,
                        "no_derivatives",
                        "no-derivatives",
                    )

        if channel == "derivation" or (output and modelish):
            self.inherited(artifact, item, terms)
        if channel == "link" or (channel == "derivation" and combined):
            self.copyleft(artifact, item, terms)
        if data:
            self.data_terms(artifact, item, terms)
        if output and modelish:
            self.outputs(artifact, item, terms)

    def inherited(self, artifact: Artifact, item: Key, terms: LicenseTerms) -> None:
        """Terms a derived artifact inherits: naming, relicensing."""
        subject = artifact.id
        naming_applies = (
            terms.naming_required
            and terms.naming_prefix
            and (item[1] == "derivation" or "naming" in terms.output_restriction_categories)
        )
        if naming_applies and artifact.kind in ("model", "weights") and self.use.made_available:
            assert terms.naming_prefix is not None
            name = artifact.name or artifact.id
            if not name.lower().startswith(terms.naming_prefix.lower()):
                self.flag("naming-requirement", "error", subject, item, terms, "naming", "naming")
        if item[1] != "derivation":
            return
        resolved = self.prop.resolved[subject]
        norm = resolved.normalized
        if terms.id in resolved.ids or norm is None or norm.status != "ok" or norm.expression is None:
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
            item,
            terms,
            "derivative_licensing",
            "relicense",
        )

    def copyleft(self, artifact: Artifact, item: Key, terms: LicenseTerms) -> None:
        """Combined code: a copyleft part binds the whole; a copyleft whole must take in every part."""
        resolved = self.prop.resolved[artifact.id]
        norm = resolved.normalized
        if norm is None or norm.status != "ok" or norm.expression is None:
            return
        if terms.id in resolved.ids:
            return
        strongest = {terms.copyleft} | {
            t.copyleft for i in resolved.ids if (t := self.prop.terms(i)) is not None
        }
        triggered = ("strong" in strongest and self.use.distributed) or (
            "network" in strongest and self.use.made_available
        )
        if not triggered:
            return
        self.judge(
            "copyleft-conflict",
            self.compatible(norm.expression, terms.id),
            artifact.id,
            item,
            terms,
            "copyleft",
            "copyleft",
        )

    def data_terms(self, artifact: Artifact, item: Key, terms: LicenseTerms) -> None:
        if terms.copyleft != "share-alike" or terms.copyleft_scope == "database":
            return  # a model is not a derivative database (ODbL / ODC-By: a Produced Work at most)
        if terms.id in self.prop.resolved[artifact.id].ids:
            return
        severity = self.data_severity("error")
        if severity is None:
            return
        self.flag("share-alike", severity, artifact.id, item, terms, "copyleft", "share-alike-data")

    def outputs(self, artifact: Artifact, item: Key, terms: LicenseTerms) -> None:
        cats = terms.output_restriction_categories
        if "improve-other-models" in cats:
            state = self.prop.state[artifact.id]
            family = (terms.id, "own") in state or (terms.id, "derivation") in state
            if not family:
                self.flag(
                    "output-restriction",
                    "error",
                    artifact.id,
                    item,
                    terms,
                    "output_restrictions",
                    "output-improve",
                )
        if "competing-models" in cats:
            self.flag(
                "output-restriction",
                "warning",
                artifact.id,
                item,
                terms,
                "output_restrictions",
                "output-competing",
            )


def check(bom: AIBOM, policy: Policy | None = None, catalog: Catalog | None = None) -> Report:
    """Judge a supply chain against a policy. Raises :class:`~aiprov.exceptions.GraphError` for a cycle."""
    policy = policy or DEFAULT_POLICY
    catalog = catalog or default_catalog()
    with paused_gc():
        warnings = bom.validate()
        prop = propagate(bom, catalog, policy)
        from aiprov.analysis._license_file import license_file_findings  # scan's LICENSE-text check

        mismatches, waived_mismatches = _apply_waivers(license_file_findings(bom), policy)
        by_rank, waived = _Checker(prop).run(warnings, _expired(policy) + mismatches)
        waived += waived_mismatches
        return Report(
            findings=tuple(itertools.chain(*by_rank)),
            policy=policy,
            artifacts=len(bom),
            relations=bom.relation_count,
            waived=tuple(sorted(waived, key=Finding.sort_key)),
        )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (code, subject, license): the most severe, then the shortest path."""
    best: dict[tuple[str, str, str | None, str], Finding] = {}
    for f in findings:
        key = (f.code, f.subject, f.license, f.message if f.license is None else "")
        current = best.get(key)
        if current is None:
            best[key] = f
            continue
        mine = (_RANK[f.severity], f._path_length())
        theirs = (_RANK[current.severity], current._path_length())
        if mine < theirs or (mine == theirs and f.path < current.path):
            best[key] = f
    return list(best.values())


def _apply_waivers(findings: list[Finding], policy: Policy) -> tuple[list[Finding], list[Finding]]:
    if not policy.waivers:
        return findings, []
    today = policy.as_of()
    kept, waived = [], []
    for f in findings:
        if any(
            w.code == f.code and w.subject in (f.subject, "*") and w.active(today) for w in policy.waivers
        ):
            waived.append(f)
        else:
            kept.append(f)
    return kept, waived


def _expired(policy: Policy) -> list[Finding]:
    """A ``waiver-expired`` finding for each waiver past its date."""
    today = policy.as_of()
    found = []
    for w in policy.waivers:
        if not w.active(today):
            found.append(
                Finding(
                    code="waiver-expired",
                    severity="warning",
                    subject=w.subject,
                    message=f"waiver of {w.code} on {w.subject} expired on {w.expires} "
                    f"({w.reason}); the finding applies again",
                    path=(w.subject,),
                )
            )
    return found
