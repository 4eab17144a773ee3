"""Propagation: which license terms reach which artifact, along which path.

Terms flow against the arrow of a relation, from what is depended on to the dependent.
What flows along a relation depends on its kind and on the license's own terms:

======================  =====================================================================
relation                what reaches the source artifact
======================  =====================================================================
fine_tuned_from,        the whole license (channel ``derivation``); data / output / link
adapter_of,             items the target carries keep their channel
merged_from,
quantized_from,
derived_from
distilled_from          as above, plus the target's output restrictions (channel ``output``);
                        from a service only the output restrictions
contains                as derivation, marked *combined* (copyleft applies)
trained_on              the dataset's licenses as channel ``data`` (their weight is a policy
                        choice); output restrictions carried by the data stay ``output``,
                        and become ``derivation`` where the license counts a model trained
                        on outputs as a derivative (e.g. Gemma)
generated_by            the generator's licenses that restrict outputs, as ``output``
depends_on              the linked code's licenses, as ``link`` (combined): a copyleft
                        dependency binds the dependent, and a copyleft dependent must be
                        able to take in what it links
built_with,             nothing: tools and evaluation do not pass terms on
evaluated_on
======================  =====================================================================

Each artifact keeps, for every (license, channel), the best path: the shortest, ties broken
by the neighbour's id and the relation kind, so results do not depend on insertion order.

For a million artifacts the state is lean: per artifact a dict from the shared (license,
channel) key to one small int, ``2 * length + combined`` (path length, and whether a
``contains`` / ``depends_on`` hop is on the path). Paths are not stored: the neighbour that
gave the shortest path is found again, by the same rule, when a path is asked for
(:meth:`Propagation.trace`). What crosses a relation is computed once per (relation kind,
target kind, key).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from aiprov.analysis.policy import Policy
from aiprov.graph import AIBOM, MODEL_DERIVATION, Relation
from aiprov.licenses.catalog import Catalog
from aiprov.licenses.expression import LicenseExpression, Normalized, parse_expression
from aiprov.licenses.terms import LicenseTerms

__all__ = ["Carried", "Propagation", "Resolved", "propagate"]

_SILENT = frozenset({"built_with", "evaluated_on"})
_COMBINING = frozenset({"contains", "depends_on"})
_FORKING = frozenset({"distilled_from"})  # the one kind that can carry a key on as two (derivation, output)
_WHOLE = MODEL_DERIVATION - {"distilled_from"} | {"derived_from"}

Key = tuple[str, str]  # (license id, channel): one best path per license and channel


class Carried(NamedTuple):
    """One license reaching an artifact: through which channel, from which origin, by which neighbour
    (``pred``, over a ``via`` relation, where it travelled as ``pred_channel``)."""

    license: str
    channel: str
    origin: str
    pred: str | None
    pred_channel: str | None
    via: str | None
    length: int
    combined: bool

    @property
    def key(self) -> Key:
        return (self.license, self.channel)


@dataclass(frozen=True, slots=True)
class Resolved:
    """An artifact's declared license, normalized, with the option chosen where it offers a choice."""

    normalized: Normalized | None
    ids: tuple[str, ...]
    choice: str | None


class Propagation:
    """The result: for each artifact, what reaches it. Built by :func:`propagate`."""

    def __init__(self, bom: AIBOM, catalog: Catalog, policy: Policy) -> None:
        self.bom = bom
        self.catalog = catalog
        self.policy = policy
        #: artifact id -> {(license, channel): 2 * path length + combined}. Read-only: artifacts that
        #: nothing reaches share one dict per declared license text.
        self.state: dict[str, dict[Key, int]] = {}
        self.resolved: dict[str, Resolved] = {}
        self._terms: dict[str, LicenseTerms | None] = {}
        self._keys: dict[Key, Key] = {}
        #: (relation kind, target kind) -> {key reaching the target: keys it becomes at the source}
        self._moves: dict[tuple[str, str], _Moves] = {}
        #: the same, for relation kinds that turn a key into at most one: {key: that key, or None}
        self._next: dict[tuple[str, str], _Next] = {}
        self._inverse: dict[tuple[str, str], dict[Key, tuple[Key, ...]]] = {}
        #: artifact id -> its relations that carry terms, sorted by (target, kind): the tie-break order
        self.carrying: dict[str, list[Relation]] = {}

    def key(self, license_id: str, channel: str) -> Key:
        """The shared (license, channel) tuple: millions of entries hold a few dozen distinct keys."""
        key = (license_id, channel)
        return self._keys.setdefault(key, key)

    def moves(self, kind: str, target_kind: str) -> _Moves:
        found = self._moves.get((kind, target_kind))
        if found is None:
            found = self._moves[(kind, target_kind)] = _Moves(self, kind, target_kind)
        return found

    def next(self, kind: str, target_kind: str) -> _Next:
        """:meth:`moves` for a relation kind other than ``distilled_from`` (the one that can turn a key
        into two), as one key or None: what propagation's inner loop reads."""
        found = self._next.get((kind, target_kind))
        if found is None:
            assert kind not in _FORKING
            found = self._next[(kind, target_kind)] = _Next(self.moves(kind, target_kind))
        return found

    def move(self, kind: str, target_kind: str, key: Key) -> tuple[Key, ...]:
        """The keys an item of ``key`` takes when it crosses a ``kind`` relation to a ``target_kind`` artifact."""
        license_id, channel = key
        return tuple(
            self.key(license_id, c) for c in _transitions(kind, channel, self.terms(license_id), target_kind)
        )

    def terms(self, license_id: str) -> LicenseTerms | None:
        """The catalog record for a license id (cached: the same few licenses recur everywhere)."""
        try:
            return self._terms[license_id]
        except KeyError:
            found = self._terms[license_id] = self.catalog.get(license_id)
            return found

    def items(self, artifact_id: str) -> list[Carried]:
        """Everything reaching the artifact, sorted (own first, then by path length)."""
        return sorted(
            (self.item(artifact_id, key) for key in self.state.get(artifact_id, {})),
            key=lambda c: (c.length, c.channel, c.license, c.origin),
        )

    def item(self, artifact_id: str, key: Key) -> Carried:
        """One (license, channel) reaching the artifact, with its origin and the neighbour it came from."""
        value = self.state[artifact_id][key]
        step = self._step(artifact_id, key, value)
        if step is None:
            return Carried(key[0], key[1], artifact_id, None, None, None, value >> 1, bool(value & 1))
        ids, _ = self.trace(artifact_id, key)
        pred, pred_key, via = step
        return Carried(key[0], key[1], ids[-1], pred, pred_key[1], via, value >> 1, bool(value & 1))

    def path(self, artifact_id: str, item: Carried | Key) -> tuple[str, ...]:
        """Artifact ids from the subject back to the origin."""
        return self.trace(artifact_id, item)[0]

    def _step(self, node: str, key: Key, value: int) -> tuple[str, Key, str] | None:
        """The neighbour, its key and the relation kind that gave ``node`` its shortest path for ``key``:
        the first, in the order propagation tried them, one step shorter (None for an own license)."""
        if value < 2:
            return None
        wanted = (value >> 1) - 1
        state, artifacts, inverse = self.state, self.bom._artifacts, self._inverse
        for rel in self.carrying.get(node, ()):
            target_state = state[rel.target]
            sources = inverse.get((rel.kind, artifacts[rel.target].kind))
            if sources is None:
                sources = self._sources(rel.kind, artifacts[rel.target].kind)
            first: Key | None = None
            for k in sources.get(key, ()):
                v = target_state.get(k)
                if v is not None and v >> 1 == wanted:
                    if first is not None:  # several: the first in the order propagation met them
                        found = {
                            first,
                            *(s for s in sources[key] if (target_state.get(s, -2) >> 1) == wanted),
                        }
                        first = next(s for s in target_state if s in found)
                        break
                    first = k
            if first is not None:
                return rel.target, first, rel.kind
        return None  # not reached: every propagated value has a neighbour one step shorter

    def _sources(self, kind: str, target_kind: str) -> dict[Key, tuple[Key, ...]]:
        """The inverse of :meth:`moves`: for a key at the source, the target keys that become it. Complete
        once propagation has run, since it tried every key of every target."""
        found = self._inverse.get((kind, target_kind))
        if found is None:
            inverse: dict[Key, list[Key]] = {}
            for before, afters in self.moves(kind, target_kind).items():
                for after in afters:
                    inverse.setdefault(after, []).append(before)
            found = self._inverse[(kind, target_kind)] = {k: tuple(v) for k, v in inverse.items()}
        return found

    def trace(self, artifact_id: str, item: Carried | Key) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The artifact ids from the subject back to the origin, and the relation kinds between them."""
        key = self.key(item.license, item.channel) if isinstance(item, Carried) else item
        ids, kinds = [artifact_id], []
        node = artifact_id
        while True:
            value = self.state[node].get(key)
            step = self._step(node, key, value) if value is not None else None
            if step is None:
                break
            node, key, via = step
            ids.append(node)
            kinds.append(via)
        return tuple(ids), tuple(kinds)


class _Moves(dict[Key, tuple[Key, ...]]):
    """What a key becomes crossing one (relation kind, target kind), filled in as keys are met. Once
    propagation has run it holds every key of every target it crossed (:meth:`Propagation._sources`
    inverts it)."""

    __slots__ = ("kind", "prop", "target_kind")

    def __init__(self, prop: Propagation, kind: str, target_kind: str) -> None:
        super().__init__()
        self.prop, self.kind, self.target_kind = prop, kind, target_kind

    def __missing__(self, key: Key) -> tuple[Key, ...]:
        found = self[key] = self.prop.move(self.kind, self.target_kind, key)
        return found


class _Next(dict[Key, "Key | None"]):
    """A :class:`_Moves` table where each key becomes at most one key (every relation kind but
    ``distilled_from``): the inner loop then reads one key, not a tuple to iterate."""

    __slots__ = ("moves",)

    def __init__(self, moves: _Moves) -> None:
        super().__init__()
        self.moves = moves

    def __missing__(self, key: Key) -> Key | None:
        nexts = self.moves[key]
        assert len(nexts) <= 1
        found = self[key] = nexts[0] if nexts else None
        return found


def _score(leaf: LicenseExpression, catalog: Catalog, policy: Policy) -> int:
    assert leaf.id is not None
    terms = catalog.get(leaf.id)
    if terms is None:
        return 10
    score = 0
    use = policy.use
    if leaf.id in policy.deny or terms.category in policy.deny:
        score += 8
    if terms.non_commercial and use.commercial:
        score += 5
    if terms.no_derivatives:
        score += 2
    if terms.copyleft == "strong" and use.distributed:
        score += 2
    if terms.copyleft == "network" and use.made_available:
        score += 3
    if terms.copyleft == "weak" and use.distributed:
        score += 1
    if terms.use_restrictions:
        score += 2
    if not terms.curated:
        score += 1
    return score


def resolve(
    text: str | None, catalog: Catalog, policy: Policy, cache: dict[str | None, Resolved]
) -> Resolved:
    """Normalize a declared license and pick the OR option that best satisfies the policy."""
    found = cache.get(text)
    if found is not None:
        return found
    if text is None or not text.strip():
        result = Resolved(normalized=None, ids=(), choice=None)
    else:
        norm = parse_expression(text, catalog)
        if norm.parsed is None:
            result = Resolved(normalized=norm, ids=(), choice=None)
        else:
            options = norm.parsed.choices()
            if len(options) == 1:
                ids = tuple(dict.fromkeys(leaf.id for leaf in options[0] if leaf.id))
                result = Resolved(normalized=norm, ids=ids, choice=None)
            else:
                scored = [
                    (sum(_score(leaf, catalog, policy) for leaf in opt), i) for i, opt in enumerate(options)
                ]
                best = options[min(scored)[1]]
                ids = tuple(dict.fromkeys(leaf.id for leaf in best if leaf.id))
                result = Resolved(normalized=norm, ids=ids, choice=" AND ".join(ids))
    cache[text] = result
    return result


def _transitions(kind: str, channel: str, terms: LicenseTerms | None, target_kind: str) -> Iterable[str]:
    """The channels an item of ``channel`` takes when it crosses a ``kind`` relation (target -> source).

    A license aiprov does not know (``terms`` None) travels as a whole along derivations and as
    data along ``trained_on``, so that it stays visible; it carries no output or link terms."""
    if kind in _SILENT:
        return ()
    whole = channel in ("own", "derivation")
    if terms is None:
        if kind in _WHOLE or kind in ("contains", "distilled_from"):
            return ("derivation",) if whole else (channel,)
        return ("data",) if kind == "trained_on" else ()
    if kind in _WHOLE or kind == "contains":
        return ("derivation",) if whole else (channel,)
    if kind == "distilled_from":
        out = []
        if whole and target_kind != "service":
            out.append("derivation")
        elif not whole:
            out.append(channel)
        if whole and terms.output_restrictions:
            out.append("output")
        return out
    if kind == "trained_on":
        if channel == "output":
            makes = (
                terms.includes_distillation is True
                or "makes-derivative" in terms.output_restriction_categories
            )
            return ("derivation",) if makes else ("output",)
        return ("data",)
    if kind == "generated_by":
        return ("output",) if whole and terms.output_restrictions else ()
    if kind == "depends_on":
        if channel not in ("own", "derivation", "link") or terms.id in _linkable_everywhere():
            return ()
        return ("link",)
    return ()


_COPYLEFT_OUTBOUND = (
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "MPL-2.0",
    "EPL-2.0",
)


@functools.cache
def _linkable_everywhere() -> frozenset[str]:
    """Licenses the OSADL matrix lets into every common copyleft license (MIT, BSD, ISC, ...): linking them
    can never conflict, so they need not be tracked through ``depends_on`` (an optimisation only)."""
    from aiprov.licenses.compat import osadl_answer, osadl_licenses

    return frozenset(
        i
        for i in osadl_licenses()
        if all(osadl_answer(out, i) in ("Yes", "Same") for out in _COPYLEFT_OUTBOUND)
    )


def propagate(bom: AIBOM, catalog: Catalog, policy: Policy) -> Propagation:
    """Compute what reaches every artifact. Linear in artifacts + relations (times licenses per artifact)."""
    result = Propagation(bom, catalog, policy)
    carrying, silent = result.carrying, _SILENT
    for node, rels in bom._out.items():
        if len(rels) == 2:  # the common cases, ordered without a sort
            first, second = rels
            if first.kind not in silent and second.kind not in silent:
                a, b = first.target, second.target  # never the same (target, kind) twice
                in_order = a < b or (a == b and first.kind < second.kind)
                carrying[node] = [first, second] if in_order else [second, first]
                continue
        elif len(rels) == 1:
            if rels[0].kind not in silent:
                carrying[node] = [rels[0]]
            continue
        kept = [r for r in rels if r.kind not in silent]
        if kept:
            if len(kept) > 1:
                kept.sort(key=_tie_break)
            carrying[node] = kept
    cache: dict[str | None, Resolved] = {}
    state, resolved, key = result.state, result.resolved, result.key
    owns: dict[str | None, tuple[Resolved, dict[Key, int]]] = {}  # per declared text: its own licenses
    for artifact in bom._artifacts.values():
        declared = artifact.license if artifact.license is not None else artifact.concluded_license
        found = owns.get(declared)
        if found is None:
            res = resolve(declared, catalog, policy, cache)
            found = owns[declared] = (res, {key(lic, "own"): 0 for lic in res.ids})
        resolved[artifact.id] = found[0]
        # an artifact that nothing reaches shares its declared text's dict (read-only from here on)
        state[artifact.id] = found[1].copy() if artifact.id in carrying else found[1]
    cyclic = _settle(result)
    if cyclic:  # cycles outside derivations (code linked in a ring, self-training): relax to a fixpoint
        leftover = sorted(cyclic)
        for _ in range(len(leftover) + 2):
            changed = False
            for node in leftover:  # recomputed whole, so ties resolve as in the acyclic case
                fresh = {key(lic, "own"): 0 for lic in resolved[node].ids}
                _relax(result, carrying.get(node, ()), fresh)
                if fresh != state[node]:
                    state[node] = fresh
                    changed = True
            if not changed:
                break
    return result


def _settle(result: Propagation) -> set[str]:
    """Relax every artifact after everything it depends on, in depth-first post-order over the carrying
    relations; return the artifacts that reach a cycle (left with their own licenses only, for the
    fixpoint in :func:`propagate`).

    An artifact is final once its targets are (one with no carrying relation is final from the start),
    so any such order gives the same result. Most manifests list what is depended on first: then each
    artifact's targets are final when it is met, and it is relaxed at once, with one set lookup per
    relation (a third of the cost of counting down each artifact's pending relations, as Kahn's
    algorithm does, at a million artifacts). Otherwise a depth-first walk finishes its targets first;
    a target met again on the walk's own stack closes a cycle, and every artifact on or above it is
    marked cyclic."""
    carrying, state = result.carrying, result.state
    unfinished = set(carrying)
    cyclic: set[str] = set()
    for start, rels in carrying.items():
        if start not in unfinished:
            continue
        for rel in rels:
            if rel.target in unfinished or rel.target in cyclic:
                break
        else:  # everything it depends on is final
            _relax(result, rels, state[start])
            unfinished.discard(start)
            continue
        on_stack = {start}
        stack = [(start, iter(rels))]
        while stack:
            node, todo = stack[-1]
            for rel in todo:
                target = rel.target
                if target in on_stack or target in cyclic:
                    cyclic.add(node)
                elif target in unfinished:
                    on_stack.add(target)
                    stack.append((target, iter(carrying[target])))
                    break
            else:  # every target is final (or cyclic): so is this artifact
                stack.pop()
                on_stack.discard(node)
                unfinished.discard(node)
                if node in cyclic:
                    if stack:
                        cyclic.add(stack[-1][0])
                else:
                    _relax(result, carrying[node], state[node])
    return cyclic


#: The order relations are tried in, (target, kind): the tie-break between equally short paths.
_tie_break = operator.attrgetter("target", "kind")


def _relax(result: Propagation, relations: Iterable[Relation], mine: dict[Key, int]) -> None:
    """Fill ``mine`` (what reaches an artifact) from the targets of its carrying relations, tried in
    (target, kind) order; the first shortest path wins. A value is ``2 * length + combined``: one step
    longer is ``+ 2``, and a combining relation sets the flag; ``2L + c < 2L'`` exactly when ``L < L'``."""
    state, artifacts, tables = result.state, result.bom._artifacts, result._next
    setdefault = mine.setdefault
    for rel in relations:
        target, via = rel.target, rel.kind
        target_kind = artifacts[target].kind
        if via in _FORKING:
            _relax_forking(result, rel, mine)
            continue
        table = tables.get((via, target_kind))
        if table is None:
            table = result.next(via, target_kind)
        # setdefault stores a key met for the first time and returns the value there: for a new key
        # that is the candidate itself, which is not shorter than itself, so nothing more is done
        if via in _COMBINING:
            for key, value in state[target].items():
                next_key = table[key]
                if next_key is not None:
                    candidate = (value | 1) + 2
                    if candidate < setdefault(next_key, candidate) & -2:
                        mine[next_key] = candidate
        else:
            for key, value in state[target].items():
                next_key = table[key]
                if next_key is not None:
                    candidate = value + 2
                    if candidate < setdefault(next_key, candidate) & -2:
                        mine[next_key] = candidate


def _relax_forking(result: Propagation, rel: Relation, mine: dict[Key, int]) -> None:
    """:func:`_relax` for one relation of a kind that can turn a key into two (``distilled_from``)."""
    moves = result.moves(rel.kind, result.bom._artifacts[rel.target].kind)
    hop = 1 if rel.kind in _COMBINING else 0
    for key, value in result.state[rel.target].items():
        candidate = (value | hop) + 2
        for next_key in moves[key]:
            if candidate < mine.setdefault(next_key, candidate) & -2:  # as in _relax
                mine[next_key] = candidate
