"""The check engine: pure functions from (graph, license knowledge, policy) to :class:`Finding` values.

The rules themselves live in :mod:`aiprov.analysis.rules`, one module per family, each reading like
the clauses it enforces. This module is the machinery that runs them fast over a large graph: it
propagates the terms, asks the rules once per distinct set of facts at an artifact (a *plan*, reused
at every artifact alike), makes the findings light and renders their messages and paths when read,
deduplicates, applies waivers and sorts, so that two runs give byte-identical output. Findings are
returned, never raised.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from aiprov._gc import paused_gc
from aiprov.analysis import rules
from aiprov.analysis._finding import (
    CERTAINTIES,
    RANK,
    SEVERITIES,
    Finding,
    Report,
    Rest,
    lazy_finding,
)
from aiprov.analysis._propagate import Key, Propagation, propagate
from aiprov.analysis.policy import Policy
from aiprov.analysis.rules import Reach
from aiprov.analysis.rules._context import DATA_NOTE
from aiprov.graph import AIBOM, Artifact, GraphWarning
from aiprov.licenses.catalog import Catalog, default_catalog
from aiprov.licenses.compat import Verdict, is_compatible
from aiprov.licenses.terms import LicenseTerms

__all__ = ["CERTAINTIES", "CODES", "SEVERITIES", "Finding", "Report", "check"]

_RANK = RANK
_Rest = Rest
_lazy_finding = lazy_finding

#: Every finding code, with a one-line meaning (docs/findings.md has examples and the module of each).
CODES: dict[str, str] = {
    **rules.CODES,
    "waiver-expired": "a waiver in the policy has expired and no longer applies",
    "relation-kind-mismatch": "a relation joins artifact kinds it does not fit (e.g. trained_on a code artifact)",
    "containment-cycle": "artifacts contain one another in a ring (kept: each gets the terms of all)",
}

_CHANNEL_RANK = {"own": 0, "derivation": 1, "output": 2, "link": 3, "data": 4}


def _chain_text(ids: tuple[str, ...], kinds: tuple[str, ...]) -> str:
    """`` via a -kind-> b -kind-> c``: the chain that carried an inherited term, for messages."""
    return " via " + " ".join([ids[0]] + [f"-{k}-> {n}" for k, n in zip(kinds, ids[1:], strict=False)])


class _Messages:
    """Renders the findings about inherited terms when they are read, from what the check kept: the
    propagation, the policy and the compatibility verdicts, with the rule's renderer named in the
    finding. One per :func:`check` run."""

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
        write = rules.MESSAGES[finding._rest[2]]
        return write(self, finding, artifact, item, terms, origin), ids

    def data_note(self, item: Key) -> str:
        return f"; {DATA_NOTE.format(mode=self.policy.data_terms_reach_models)}" if item[1] == "data" else ""

    def verdict(self, subject: str, terms: LicenseTerms) -> tuple[str, Verdict]:
        norm = self.prop.resolved[subject].normalized
        assert norm is not None and norm.expression is not None
        return norm.expression, self.verdicts[(norm.expression, terms.id)]


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

    def __init__(
        self, combined: tuple[Key, ...], own: tuple[tuple[Key, LicenseTerms, tuple[Any, ...]], ...]
    ) -> None:
        self.combined = combined  # derivation keys whose combined flag the checks read
        self.own = own  # keys whose license reads facts of the artifact itself, with the rules that do
        self.plans: dict[tuple[Any, ...], tuple[_Plan, _Direct | None]] = {}


#: A finding a check flags for one (license, channel): code, severity, clause, message variant,
#: certainty, remedy.
_Flag = tuple[str, str, "str | None", str, str, "str | None"]


class _Checker:
    """Runs the rules over a propagation: the :class:`~aiprov.analysis.rules.Context` they see."""

    def __init__(self, prop: Propagation) -> None:
        self.prop = prop
        self.bom = prop.bom
        self.policy = prop.policy
        self.use = prop.policy.use
        self.out: list[Finding] = []
        self._verdicts: dict[tuple[str, str], Verdict] = {}
        self._clauses: dict[tuple[str, str], str | None] = {}
        self.messages = _Messages(prop, self._verdicts)
        self._plan: list[_Flag] = []
        #: signature of one (license, channel) at one artifact -> its findings (see _plan_for)
        self._plans: dict[tuple[Any, ...], tuple[_Flag, ...]] = {}
        #: the (key, per-key plan) of each key that flags anything, in order -> the plan they make (see _plan_for)
        self._made: dict[tuple[tuple[Key, int], ...], tuple[_Plan, _Direct | None]] = {}
        #: license id -> the rules whose findings read facts of the artifact itself (see rules.OWN_FACT_RULES)
        self._reads: dict[str, tuple[Any, ...]] = {}
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
        certainty: str = "settled",
        remedy: str | None,
        license: str | None = None,
        clause: str | None = None,
    ) -> None:
        """A finding about the artifact itself (its declaration, its provenance, a snippet in it): path is
        the subject; ``terms`` (or an expression, ``license``) names the license it is about, where
        there is one, and ``clause`` the clause it cites."""
        self.out.append(
            Finding(
                code=code,
                severity=severity,
                subject=subject,
                message=message,
                path=(subject,),
                license=license if license is not None else terms.id if terms is not None else None,
                clause=clause,
                certainty=certainty,
                remedy=remedy,
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
        reach: Reach,
        term: str,
        message: str,
        *,
        remedy: str | None,
        certainty: str | None = None,
    ) -> None:
        """A finding about a term that reached ``reach.artifact`` as ``reach.key``; ``message`` names the
        rule's renderer, run when the finding is read. Recorded in the plan being made (see :meth:`run`).
        ``certainty`` defaults to what the channel and the record allow: ``unsettled`` for dataset
        terms reaching a model, ``unverified`` for a record not curated from the text."""
        if certainty is None:
            terms = reach.terms
            certainty = "unsettled" if reach.data else "settled" if terms.curated else "unverified"
        self._plan.append((code, severity, self.clause(reach.terms, term), message, certainty, remedy))

    def judge(
        self, code: str, verdict: Verdict, reach: Reach, term: str, message: str, *, remedy: str
    ) -> None:
        """A compatibility verdict as a finding: an error when incompatible, a warning (unverified)
        when unknown."""
        if verdict.compatible is False:
            self.flag(code, "error", reach, term, message, remedy=remedy)
        elif verdict.compatible is None:
            certainty = "unsettled" if reach.data else "unverified"
            self.flag(code, "warning", reach, term, message, remedy=remedy, certainty=certainty)

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
                    remedy="correct the relation kind or the artifact kind",
                )
            )
        for rule in rules.BOM_RULES:  # rules over the document's kept metadata: once, not per artifact
            self.out = []
            rule.check(self, self.bom)
            for finding in self.out:
                early.setdefault(finding.subject, []).append(finding)
        late: dict[str, list[Finding]] = {}
        for finding in expired:
            late.setdefault(finding.subject, []).append(finding)
        waivers = {w.subject for w in self.policy.waivers}
        every = "*" in waivers
        artifacts, states = self.bom._artifacts, self.prop.state
        incoming, resolved = self.bom._in, self.prop.resolved
        demands = any(self.policy.require.to_dict().values())  # then provenance sees every artifact
        traceable = rules.provenance.TRACEABLE
        extra = rules.ARTIFACT_RULES[2:]  # artifact rules beyond the declared license and provenance
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
                rules.declared.check(self, artifact)
                quiet[(res_id, kind)] = len(out) == before
            if demands or (
                kind in traceable and not (artifact.source or artifact.purl or artifact.hashes)
            ):  # else the provenance rule finds nothing: the common case, decided without a call
                rules.provenance.check(self, artifact)
            for rule in extra:
                rule.check(self, artifact)
            state = states[subject]
            facts = (frozenset(state), kind, subject not in incoming, res_id)
            template = templates.get(facts)
            if template is None:
                template = templates[facts] = self._template(state)
            variant: tuple[Any, ...] = ()
            if template.combined:
                variant = tuple([state[k] & 1 for k in template.combined])
            for key, terms, reads in template.own:  # as _own_facts, without its look-ups
                variant += (tuple([m.facts(self, artifact, key, terms) for m in reads]),)
            found = template.plans.get(variant)
            if found is None:
                found = template.plans[variant] = self._plan_for(artifact)
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
            reads = self._reads_own_facts(terms)
            if reads:
                own.append((key, terms, reads))
        return _Template(tuple(combined), tuple(own))

    def _plan_for(self, artifact: Artifact) -> tuple[_Plan, _Direct | None]:
        """The findings of the terms reaching ``artifact``, as :func:`check` reports them: grouped by
        (code, license) as :func:`_dedupe` does (the most severe kept; where several channels give it,
        all are kept, in the order met, for :meth:`_shortest` to choose), in (code, license) order per
        severity, with the same as :data:`_Direct` (or None). Built from per-(license, channel) plans,
        themselves memoized by their signature; the plan depends only on the keys whose per-key plan flags
        something, so it is made once per sequence of them: keys that flag nothing (a permissive license
        linked in) make many sets of keys alike (the scale benchmark's 100k graph: 10,822 sets, 4,889 plans)."""
        subject = artifact.id
        shipped = subject not in self.bom._in
        res_id = id(self.prop.resolved[subject])
        flagging: list[tuple[Key, tuple[_Flag, ...], LicenseTerms]] = []
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
                reach = Reach(artifact, key, terms, bool(combined), first, shipped)
                for rule in rules.REACH_RULES:
                    rule.check(self, reach)
                plan = self._plans[signature] = tuple(self._plan)
            if plan:
                flagging.append((key, plan, terms))
        made = tuple([(key, id(plan)) for key, plan, _ in flagging])  # the plans live in self._plans
        cached = self._made.get(made)
        if cached is not None:
            return cached
        groups: dict[tuple[str, str], list[tuple[int, _Flag, Key]]] = {}
        for key, plan, terms in flagging:
            for flagged in plan:
                groups.setdefault((flagged[0], terms.id), []).append((_RANK[flagged[1]], flagged, key))
        ranks: tuple[list[_Entry], list[_Entry], list[_Entry]] = ([], [], [])
        for (code, license_id), found in sorted(groups.items()):
            best = min(rank for rank, *_ in found)
            choices = tuple(
                ((license_id, clause, message, self.messages, certainty, remedy), key)
                for rank, (_, _, clause, message, certainty, remedy), key in found
                if rank == best
            )
            ranks[best].append((code, SEVERITIES[best], license_id, choices))
        made_plan = tuple(ranks[0]), tuple(ranks[1]), tuple(ranks[2])
        cached = self._made[made] = (made_plan, _direct(made_plan))
        return cached

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

    def _reads_own_facts(self, terms: LicenseTerms) -> tuple[Any, ...]:
        """The rules whose findings about ``terms`` read facts of the artifact itself (its name, its
        path, its family): each rule's ``reads(terms)``, cached per license."""
        found = self._reads.get(terms.id)
        if found is None:
            found = self._reads[terms.id] = tuple(m for m in rules.OWN_FACT_RULES if m.reads(terms))
        return found

    def _own_facts(self, artifact: Artifact, key: Key, terms: LicenseTerms) -> tuple[Any, ...] | None:
        """The facts about the artifact itself that the rules for ``terms`` read (None: none)."""
        reads = self._reads_own_facts(terms)
        if not reads:
            return None
        return tuple([m.facts(self, artifact, key, terms) for m in reads])


def check(bom: AIBOM, policy: Policy | None = None, catalog: Catalog | None = None) -> Report:
    """Judge a supply chain against a policy: ``policy``, else the one the manifest carries inline
    (``policy:``), else the default, as ``aiprov check FILE`` does. Raises
    :class:`~aiprov.exceptions.GraphError` for a cycle."""
    policy = policy if policy is not None else Policy.of(bom)
    catalog = catalog or default_catalog()
    with paused_gc():
        warnings = bom.validate()
        prop = propagate(bom, catalog, policy)
        by_rank, waived = _Checker(prop).run(warnings, _expired(policy))
        return Report(
            findings=tuple(itertools.chain(*by_rank)),
            policy=policy,
            artifacts=len(bom),
            relations=bom.relation_count,
            waived=tuple(sorted(waived, key=Finding.sort_key)),
            bom=bom,
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
                    remedy="fix what the waiver covered, or renew it with a new date and reason",
                )
            )
    return found
