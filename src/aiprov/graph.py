"""The AI bill of materials: artifacts (nodes) joined by typed relations (edges).

An :class:`AIBOM` is built once (in code, or by a reader in :mod:`aiprov.formats`),
then analysed as a value. Artifacts and relations are immutable; the graph keeps its
own adjacency indexes so that a million artifacts fit in memory, and hands out a
:mod:`networkx` copy on request (:meth:`AIBOM.to_networkx`).

Relations point from the dependent to what it depends on: ``adapter -adapter_of->
base``, ``model -trained_on-> dataset``, ``dataset -generated_by-> model``,
``package -contains-> file``. Terms therefore flow against the arrow, from target to
source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

from aiprov.exceptions import GraphError

if TYPE_CHECKING:
    import networkx
    import pandas

__all__ = [
    "AIBOM",
    "ARTIFACT_KINDS",
    "DERIVATION",
    "MODEL_DERIVATION",
    "RELATION_KINDS",
    "Artifact",
    "GraphWarning",
    "Relation",
    "freeze",
    "thaw",
]

ARTIFACT_KINDS = ("model", "weights", "dataset", "code", "document", "service")

#: Relation kinds, each documented in docs/graph.md.
RELATION_KINDS = (
    "fine_tuned_from",
    "adapter_of",
    "merged_from",
    "quantized_from",
    "distilled_from",
    "trained_on",
    "evaluated_on",
    "derived_from",
    "generated_by",
    "contains",
    "depends_on",
    "built_with",
)

#: Model-to-model derivations: model-license terms follow these.
MODEL_DERIVATION = frozenset(
    {"fine_tuned_from", "adapter_of", "merged_from", "quantized_from", "distilled_from"}
)
#: Relations whose cycles make no sense (something cannot be derived from, or contain, itself).
DERIVATION = MODEL_DERIVATION | {"derived_from", "contains"}

_MODELISH = frozenset({"model", "weights"})
_ANY = frozenset(ARTIFACT_KINDS)
#: relation kind -> (kinds its source may have, kinds its target may have)
_FIT: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "fine_tuned_from": (_MODELISH, _MODELISH),
    "adapter_of": (_MODELISH, _MODELISH),
    "merged_from": (_MODELISH, _MODELISH),
    "quantized_from": (_MODELISH, _MODELISH),
    "distilled_from": (_MODELISH, _MODELISH | {"service"}),
    "trained_on": (_MODELISH, frozenset({"dataset"})),
    "evaluated_on": (_MODELISH, frozenset({"dataset"})),
    "derived_from": (_ANY, _ANY),
    "generated_by": (frozenset({"dataset", "document", "code"}), _MODELISH | {"service"}),
    "contains": (_ANY, _ANY),
    "depends_on": (_ANY, _ANY),
    "built_with": (_ANY, frozenset({"code", "service", "model", "weights", "document"})),
}

#: The (relation kind, source kind, target kind) triples that fit, for one set lookup per relation.
_FITS = frozenset(
    (kind, src, dst) for kind, (sources, targets) in _FIT.items() for src in sources for dst in targets
)
#: Relation kinds that fit between any kinds: validate() need not look their ends up.
_FITS_ANY = frozenset(kind for kind, (sources, targets) in _FIT.items() if sources == targets == _ANY)


def _triples(relations: Iterable[Relation]) -> set[tuple[str, str, str]]:
    return {(r.source, r.kind, r.target) for r in relations}


def freeze(value: Any) -> Any:
    """A deep, immutable copy of JSON-like data (dicts become read-only mappings, lists tuples)."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The inverse of :func:`freeze`: plain dicts and lists, ready for JSON or YAML."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Artifact:
    """One thing in the supply chain: a model, weights, dataset, code, document or service.

    ``license`` is the declared license as written; normalization happens in analysis
    (:func:`aiprov.normalize_license`) so that nothing the author wrote is lost.
    ``properties`` holds everything aiprov does not model, kept for writing back.
    """

    id: str
    kind: str
    name: str | None = None
    version: str | None = None
    supplier: str | None = None
    license: str | None = None
    concluded_license: str | None = None
    purl: str | None = None
    source: str | None = None
    hashes: tuple[tuple[str, str], ...] = ()
    properties: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise GraphError("an artifact needs a non-empty string id")
        if self.kind not in ARTIFACT_KINDS:
            raise GraphError(
                f"artifact {self.id!r}: unknown kind {self.kind!r} (one of {', '.join(ARTIFACT_KINDS)})"
            )
        if not isinstance(self.properties, MappingProxyType):
            object.__setattr__(self, "properties", freeze(self.properties or {}))
        hashes = tuple(sorted((str(a), str(h)) for a, h in dict(self.hashes).items()))
        object.__setattr__(self, "hashes", hashes)

    def __hash__(self) -> int:
        return hash((self.id, self.kind, self.name, self.version, self.license, self.purl, self.hashes))

    @property
    def label(self) -> str:
        """A name for people: the name (and version) if given, else the id."""
        if self.name:
            return f"{self.name} {self.version}" if self.version else self.name
        return self.id

    @property
    def hash_map(self) -> dict[str, str]:
        return dict(self.hashes)

    def to_dict(self) -> dict[str, Any]:
        """The manifest form: only the keys that are set."""
        out: dict[str, Any] = {"id": self.id, "kind": self.kind}
        for key in ("name", "version", "supplier", "license", "concluded_license", "purl", "source"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.hashes:
            out["hashes"] = dict(self.hashes)
        if self.properties:
            out["properties"] = thaw(self.properties)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Relation:
    """``source -kind-> target``; ``properties`` keeps what aiprov does not model."""

    source: str
    kind: str
    target: str
    properties: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        if self.kind not in RELATION_KINDS:
            raise GraphError(
                f"relation {self.source!r} -> {self.target!r}: unknown relation type {self.kind!r} "
                f"(one of {', '.join(RELATION_KINDS)})"
            )
        if not isinstance(self.properties, MappingProxyType):
            object.__setattr__(self, "properties", freeze(self.properties or {}))

    def __hash__(self) -> int:
        return hash((self.source, self.kind, self.target))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"from": self.source, "type": self.kind, "to": self.target}
        if self.properties:
            out["properties"] = thaw(self.properties)
        return out


_ARTIFACT_FIELDS = (
    "id",
    "kind",
    "name",
    "version",
    "supplier",
    "license",
    "concluded_license",
    "purl",
    "source",
    "hashes",
    "properties",
)


class _ArtifactBuilder:
    """Builds an :class:`Artifact` from values a reader has already checked: it fills the same slots
    with plain stores, then becomes an Artifact (same layout), which refuses any later change. Half
    the cost of setting each slot through its descriptor, for the millions a large load makes;
    ``__post_init__`` (a third of a large load) is skipped, so ``hashes`` must be a sorted tuple of
    pairs and ``properties`` frozen."""

    __slots__ = Artifact.__slots__

    def __init__(
        self,
        id: str,
        kind: str,
        name: str | None,
        version: str | None,
        supplier: str | None,
        license: str | None,
        concluded_license: str | None,
        purl: str | None,
        source: str | None,
        hashes: tuple[tuple[str, str], ...],
        properties: Mapping[str, Any],
    ) -> None:
        self.id = id
        self.kind = kind
        self.name = name
        self.version = version
        self.supplier = supplier
        self.license = license
        self.concluded_license = concluded_license
        self.purl = purl
        self.source = source
        self.hashes = hashes
        self.properties = properties
        self.__class__ = Artifact  # type: ignore[assignment]


class _RelationBuilder:
    """:class:`_ArtifactBuilder` for a :class:`Relation` (``kind`` one of RELATION_KINDS,
    ``properties`` frozen)."""

    __slots__ = Relation.__slots__

    def __init__(self, source: str, kind: str, target: str, properties: Mapping[str, Any] = _EMPTY) -> None:
        self.source = source
        self.kind = kind
        self.target = target
        self.properties = properties
        self.__class__ = Relation  # type: ignore[assignment]


#: ``_ArtifactBuilder(...)`` and ``_RelationBuilder(...)``, typed as what they return.
_artifact = cast(Callable[..., Artifact], _ArtifactBuilder)
_relation = cast(Callable[..., Relation], _RelationBuilder)


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphWarning:
    """Something odd but not fatal about the graph, e.g. ``trained_on`` a code artifact."""

    code: str
    subject: str
    message: str


class AIBOM:
    """The supply-chain graph. Add artifacts, then relations between their ids.

    >>> bom = AIBOM()
    >>> bom.add(Artifact(id="base", kind="model", license="llama3.1"))
    >>> bom.add(Artifact(id="tuned", kind="model"))
    >>> bom.relate("tuned", "fine_tuned_from", "base")
    >>> [r.target for r in bom.outgoing("tuned")]
    ['base']
    """

    __slots__ = ("_artifacts", "_frozen", "_in", "_out", "_relations", "_warnings", "metadata")

    def __init__(
        self,
        artifacts: Iterable[Artifact] = (),
        relations: Iterable[Relation] = (),
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self._artifacts: dict[str, Artifact] = {}
        # Adjacency lists exist only for artifacts that have relations (most have one or two).
        self._out: dict[str, list[Relation]] = {}
        self._in: dict[str, list[Relation]] = {}
        self._relations: list[Relation] = []
        self._frozen = False
        #: validate()'s answer, kept until the graph changes (loading validates, and so does check()).
        self._warnings: list[GraphWarning] | None = None
        #: Document-level data a reader keeps for writing back (serial numbers, tools, extensions).
        self.metadata: dict[str, Any] = dict(metadata or {})
        for artifact in artifacts:
            self.add(artifact)
        for relation in relations:
            self.add_relation(relation)

    # -- building ------------------------------------------------------------------------
    def _check_mutable(self) -> None:
        if self._frozen:
            raise GraphError("this AIBOM is frozen; build a new one (or use copy()) to change it")
        self._warnings = None

    def add(self, artifact: Artifact) -> None:
        """Add an artifact; its id must be new."""
        self._check_mutable()
        if artifact.id in self._artifacts:
            raise GraphError(f"duplicate artifact id {artifact.id!r}")
        self._artifacts[artifact.id] = artifact

    def replace(self, artifact: Artifact) -> None:
        """Put a changed artifact (``dataclasses.replace``) in place of the one with its id."""
        self._check_mutable()
        if artifact.id not in self._artifacts:
            raise GraphError(f"unknown artifact id {artifact.id!r}")
        self._artifacts[artifact.id] = artifact

    def add_relation(self, relation: Relation) -> None:
        """Add a relation between two known ids; adding the same (source, kind, target) twice is a no-op."""
        self._check_mutable()
        for end in (relation.source, relation.target):
            if end not in self._artifacts:
                raise GraphError(
                    f"relation {relation.source!r} -{relation.kind}-> {relation.target!r}: unknown artifact id {end!r}"
                )
        if relation.source == relation.target:
            raise GraphError(f"relation {relation.kind} from {relation.source!r} to itself")
        self._link(relation)

    def _link(self, relation: Relation) -> None:
        """add_relation for a relation already known to join two distinct artifacts of this graph."""
        self._link_all((relation,))

    def _link_all(self, relations: Iterable[Relation]) -> None:
        """:meth:`_link` for many (a reader's bulk path): one loop, no call per relation."""
        self._warnings = None
        outs, ins, every = self._out, self._in, self._relations
        for relation in relations:
            source, kind, target = relation.source, relation.kind, relation.target
            out = outs.get(source)
            if out is None:
                outs[source] = [relation]
            else:  # an artifact has few relations: a scan beats keeping a set of (source, kind, target)
                same: Relation | None = None
                for known in out:
                    if known.target == target and known.kind == kind:
                        same = known
                        break
                if same is not None:
                    continue  # the same (source, kind, target) is there already
                out.append(relation)
            into = ins.get(target)
            if into is None:
                ins[target] = [relation]
            else:
                into.append(relation)
            every.append(relation)

    def relate(self, source: str, kind: str, target: str, **properties: Any) -> None:
        """Shorthand for ``add_relation(Relation(source=..., kind=..., target=...))``."""
        self.add_relation(Relation(source=source, kind=kind, target=target, properties=properties))

    def freeze(self) -> AIBOM:
        """Validate and make this graph read-only; returns self."""
        self.validate()
        self._frozen = True
        return self

    @property
    def frozen(self) -> bool:
        return self._frozen

    def copy(self) -> AIBOM:
        """A mutable copy (artifacts and relations are immutable and shared)."""
        return AIBOM(self._artifacts.values(), self._relations, self.metadata)

    # -- reading -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._artifacts)

    def __iter__(self) -> Iterator[Artifact]:
        return iter(self._artifacts.values())

    def __contains__(self, artifact_id: object) -> bool:
        return artifact_id in self._artifacts

    def __getitem__(self, artifact_id: str) -> Artifact:
        try:
            return self._artifacts[artifact_id]
        except KeyError:
            raise GraphError(f"unknown artifact id {artifact_id!r}") from None

    def get(self, artifact_id: str) -> Artifact | None:
        return self._artifacts.get(artifact_id)

    @property
    def artifacts(self) -> tuple[Artifact, ...]:
        return tuple(self._artifacts.values())

    @property
    def relations(self) -> tuple[Relation, ...]:
        return tuple(self._relations)

    @property
    def relation_count(self) -> int:
        return len(self._relations)

    def outgoing(self, artifact_id: str, kinds: Iterable[str] | None = None) -> list[Relation]:
        """Relations whose source is ``artifact_id`` (what it depends on)."""
        rels = self._out.get(artifact_id, [])
        if kinds is None:
            return list(rels)
        wanted = set(kinds)
        return [r for r in rels if r.kind in wanted]

    def incoming(self, artifact_id: str, kinds: Iterable[str] | None = None) -> list[Relation]:
        """Relations whose target is ``artifact_id`` (what depends on it)."""
        rels = self._in.get(artifact_id, [])
        if kinds is None:
            return list(rels)
        wanted = set(kinds)
        return [r for r in rels if r.kind in wanted]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AIBOM):
            return NotImplemented
        return self._artifacts == other._artifacts and _triples(self._relations) == _triples(other._relations)

    __hash__ = None  # type: ignore[assignment]  # mutable while being built

    def __repr__(self) -> str:
        return f"<AIBOM {len(self._artifacts)} artifacts, {len(self._relations)} relations>"

    def _repr_html_(self) -> str:
        """The graph in a notebook: its lineage drawn, then its artifacts (rendered by aiprov.report,
        imported here on first use so that ``import aiprov`` stays light)."""
        from aiprov.report._html import aibom_html

        return aibom_html(self)

    # -- checking ------------------------------------------------------------------------
    def find_cycle(self, kinds: Iterable[str] = DERIVATION) -> list[str] | None:
        """A cycle over the given relation kinds, as a list of ids (first == last), or None."""
        wanted = frozenset(kinds)
        grey, black = 1, 2
        color: dict[str, int] = {}  # only artifacts with relations get one: no cycle passes the others
        out_lists = self._out
        for start, rels in out_lists.items():  # an artifact with no relation starts no cycle
            if start in color:
                continue
            walk = False  # whether a wanted relation leads somewhere not yet finished
            for rel in rels:
                if rel.kind in wanted and color.get(rel.target) is None and rel.target in out_lists:
                    walk = True
                    break
            if not walk:  # what it reaches is finished, or it has none of the kinds asked for
                color[start] = black
                continue
            stack: list[tuple[str, Iterator[Relation]]] = [(start, iter(rels))]
            color[start] = grey
            path = [start]
            while stack:
                node, it = stack[-1]
                advanced = False
                for rel in it:
                    if rel.kind not in wanted:
                        continue
                    nxt = rel.target
                    seen = color.get(nxt)
                    if seen == grey:
                        return [*path[path.index(nxt) :], nxt]
                    if seen is None and nxt in out_lists:
                        color[nxt] = grey
                        stack.append((nxt, iter(out_lists[nxt])))
                        path.append(nxt)
                        advanced = True
                        break
                if not advanced:
                    color[node] = black
                    stack.pop()
                    path.pop()
        return None

    def validate(self) -> list[GraphWarning]:
        """Raise :class:`GraphError` for a derivation cycle; return warnings for relations between kinds that
        do not fit (e.g. ``trained_on`` a code artifact) and for a cycle of ``contains`` (kept, not
        refused). The answer is kept until the graph changes."""
        return self._validate(fitting=False)

    def _validate(self, *, fitting: bool) -> list[GraphWarning]:
        """:meth:`validate`; ``fitting``: the caller has seen that every relation's kinds are in
        ``_FITS`` (a reader that has both ends at hand), so no relation is looked at again."""
        if self._warnings is not None:
            return list(self._warnings)
        warnings: list[GraphWarning] = []
        cycle = self.find_cycle()  # one pass in the common case: no cycle of any of these kinds
        if cycle is not None:
            derived = self.find_cycle(DERIVATION - {"contains"})
            if derived is not None:  # nothing can be derived from itself: no judgement is possible
                raise GraphError("derivation cycle: " + " -> ".join(derived))
            # A ring of `contains` (spdx/tools-python's SPDX 2.3 examples have one) is data, not a reason
            # to refuse the document: propagation settles a cycle to a fixpoint, so each artifact on it
            # gets the terms of all of them; the ring itself is reported.
            warnings.append(
                GraphWarning(
                    code="containment-cycle",
                    subject=cycle[0],
                    message="containment cycle: " + " -> ".join(cycle) + " (each is taken to contain the "
                    "others: the terms of every artifact on it reach all of them)",
                )
            )
        artifacts = self._artifacts
        for rel in () if fitting else self._relations:
            if rel.kind in _FITS_ANY:
                continue
            src, dst = artifacts[rel.source], artifacts[rel.target]
            if (rel.kind, src.kind, dst.kind) not in _FITS:
                sources, targets = _FIT[rel.kind]
                warnings.append(
                    GraphWarning(
                        code="relation-kind-mismatch",
                        subject=rel.source,
                        message=f"{rel.source} ({src.kind}) -{rel.kind}-> {rel.target} ({dst.kind}): "
                        f"{rel.kind} expects {'/'.join(sorted(sources))} -> {'/'.join(sorted(targets))}",
                    )
                )
        self._warnings = warnings
        return list(warnings)

    # -- export --------------------------------------------------------------------------
    def to_networkx(self) -> networkx.MultiDiGraph:
        """A networkx ``MultiDiGraph`` copy: node attribute ``artifact``, edge key and attribute ``kind``."""
        import networkx as nx

        graph = nx.MultiDiGraph()
        for artifact in self._artifacts.values():
            graph.add_node(artifact.id, artifact=artifact, kind=artifact.kind)
        for rel in self._relations:
            graph.add_edge(rel.source, rel.target, key=rel.kind, kind=rel.kind, relation=rel)
        return graph

    def to_pandas(self) -> pandas.DataFrame:
        """One row per artifact (needs ``pip install 'aiprov[pandas]'``); see :mod:`aiprov.report._frames`."""
        from aiprov.report._frames import bom_frame

        return bom_frame(self)
