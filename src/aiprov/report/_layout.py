"""The supply-chain graph as a picture sees it: layers, order, severities, and clusters when large.

Shared by :mod:`aiprov.report.svg` (which draws it) and :mod:`aiprov.report.mermaid` (which hands it
to Mermaid). The orientation is fixed here: **origins on top**. A relation points from the dependent
to what it depends on (``acme-chat -fine_tuned_from-> llama``), so an artifact with no outgoing
relation (a base model, a raw dataset, a service) is in layer 0, and every other artifact sits one
layer below the lowest of its dependencies: ``layer = 1 + max(layer of targets)``. Cycles (which a
BOM may hold, e.g. two packages depending on each other) are broken by a depth-first walk in id
order, ignoring the edges that close a cycle, so the result is deterministic and never hangs.

A layer of more than :data:`ROW_LIMIT` nodes is spread over several rows (twenty raw datasets make
two or three rows, not one very wide one). Edges that span several rows pass through dummy points,
shared by the edges that leave one node (a trunk with branches, not one line per edge). Within rows,
nodes are ordered by a few barycenter sweeps (as in Sugiyama-style layouts), keeping the order with
the fewest crossings.

Beyond ``max_nodes``, artifacts are folded into clusters keyed by (layer band, kind): "120
datasets". Artifacts with error findings are kept as nodes first, then their neighbours, then those
with warnings, then info, then the rest by degree, for as long as the budget allows. Every step is
linear in artifacts + relations + findings (plus a sort), so 10,000 artifacts take well under a
second; the placement work then runs on at most ``max_nodes`` nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from aiprov.graph import ARTIFACT_KINDS, RELATION_KINDS, Artifact

if TYPE_CHECKING:
    from aiprov.analysis.checks import Report
    from aiprov.graph import AIBOM

__all__ = ["SEVERITY_ORDER", "Edge", "GraphView", "Node", "plural", "view"]

#: Severities from worst to mildest; ``None`` (no finding) after them.
SEVERITY_ORDER = ("error", "warning", "info")
_RANK = {s: i for i, s in enumerate(SEVERITY_ORDER)}
_KIND_RANK = {k: i for i, k in enumerate(ARTIFACT_KINDS)}
_REL_RANK = {k: i for i, k in enumerate(RELATION_KINDS)}
#: A cluster of several kinds (only when ``max_nodes`` is below the number of kinds).
MIXED = "artifact"
#: Dummy nodes beyond this many times the node count are not made (edges are then drawn direct).
_DUMMY_FACTOR = 30
_SWEEPS = 6
#: A layer with more nodes than this is spread over several rows (see :func:`_split_wide`).
ROW_LIMIT = 9


def plural(kind: str, n: int) -> str:
    """``"1 dataset"``, ``"120 datasets"``, ``"3 code artifacts"``."""
    if kind == "weights":
        return f"{n} weights"
    if kind == "code":
        return f"{n} code artifact" + ("" if n == 1 else "s")
    return f"{n} {kind}" + ("" if n == 1 else "s")


@dataclass(slots=True)
class Node:
    """One box of the picture: an artifact, or a cluster of ``members`` artifacts of one kind."""

    key: str  #: the artifact id, or ``cluster-<n>``
    kind: str
    label: str
    license: str | None
    #: the worst severity of the findings about it (for a cluster, about any member)
    severity: str | None
    #: (errors, warnings, infos) found about it (for a cluster, about its members)
    counts: tuple[int, int, int]
    members: int = 1
    cluster: bool = False
    #: for a cluster: (license, count) most common first, the first member ids, the layers it spans
    #: in the whole graph ("layer 0", "layers 2-3"), and the relations between its members
    licenses: tuple[tuple[str, int], ...] = ()
    sample: tuple[str, ...] = ()
    span: str = ""
    inner_relations: int = 0
    layer: int = 0


@dataclass(slots=True)
class Edge:
    """``source -kinds-> target`` between two nodes (indexes), ``count`` relations folded into it."""

    source: int
    target: int
    kinds: tuple[str, ...]
    count: int = 1
    #: the edge closes a cycle: drawn against the layering (from a node to one below it)
    reversed: bool = False

    @property
    def label(self) -> str:
        text = ", ".join(self.kinds) if len(self.kinds) <= 2 else f"{len(self.kinds)} relation kinds"
        return text + (f" ×{self.count}" if self.count > 1 else "")


@dataclass(slots=True)
class GraphView:
    """Nodes, edges, and the placement order: ``layers[i]`` lists the slots of layer ``i`` left to
    right, a slot being a node index, or (``>= len(nodes)``) a dummy point of a long edge;
    ``chains[e]`` is the slots edge ``e`` passes through, from its upper end to its lower end."""

    nodes: list[Node]
    edges: list[Edge]
    layers: list[list[int]] = field(default_factory=list)
    chains: list[list[int]] = field(default_factory=list)
    artifacts: int = 0
    relations: int = 0
    #: artifacts folded into clusters (0: every artifact is its own node)
    hidden: int = 0

    #: the layer of each slot (nodes, then dummy points)
    slot_layers: list[int] = field(default_factory=list)


def _worst(counts: Sequence[int]) -> str | None:
    for severity, n in zip(SEVERITY_ORDER, counts, strict=True):
        if n:
            return severity
    return None


def _layering(succ: Sequence[Sequence[int]]) -> tuple[list[int], set[tuple[int, int]]]:
    """Layer of each node (``1 + max`` over its targets, 0 for an origin) and the edges ignored to
    break cycles: an iterative depth-first walk from each node in index order, so a chain of ten
    thousand nodes needs no recursion and the same graph always breaks at the same edges."""
    n = len(succ)
    layer = [-1] * n
    state = bytearray(n)  # 0 unseen, 1 on the walk's stack, 2 done
    back: set[tuple[int, int]] = set()
    for root in range(n):
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, 0)]
        while stack:
            v, i = stack[-1]
            targets = succ[v]
            if i < len(targets):
                stack[-1] = (v, i + 1)
                w = targets[i]
                if state[w] == 0:
                    state[w] = 1
                    stack.append((w, 0))
                elif state[w] == 1:
                    back.add((v, w))
                continue
            stack.pop()
            state[v] = 2
            top = -1
            for w in targets:
                if (v, w) not in back and layer[w] > top:
                    top = layer[w]
            layer[v] = top + 1
    return layer, back


def _finding_counts(bom: AIBOM, report: Report | None) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    if report is None:
        return counts
    for f in report.findings:
        rank = _RANK.get(f.severity)
        if rank is None or f.subject not in bom:
            continue
        row = counts.get(f.subject)
        if row is None:
            row = counts[f.subject] = [0, 0, 0]
        row[rank] += 1
    return counts


def _bands(layer: Sequence[int], kinds: Sequence[str], limit: int) -> tuple[list[tuple[int, str]], int]:
    """The cluster key of each artifact, (layer band, kind), with bands as wide as needed for at most
    ``limit`` keys (doubling the band: log(layers) passes); kinds merge only if even one band is too
    many. Returns the keys and the band width."""
    top = max(layer, default=0) + 1
    width = 1
    while True:
        keys = [(d // width, k) for d, k in zip(layer, kinds, strict=True)]
        if len(set(keys)) <= limit:
            return keys, width
        if width >= top:
            return [(d // width, MIXED) for d in layer], width
        width *= 2


def view(bom: AIBOM, report: Report | None = None, *, max_nodes: int = 80) -> GraphView:
    """The picture's view of ``bom``: at most ``max_nodes`` nodes (artifacts, or clusters of them),
    layered with origins on top, ordered within layers to reduce crossings, each node with the worst
    severity of ``report``'s findings about it. Deterministic, and independent of the order artifacts
    and relations were added in (everything is sorted by id first)."""
    if max_nodes < 1:
        raise ValueError("max_nodes must be at least 1")
    artifacts = sorted(bom.artifacts, key=lambda a: a.id)
    index = {a.id: i for i, a in enumerate(artifacts)}
    n = len(artifacts)
    counts = _finding_counts(bom, report)
    # The relations between artifacts, merged per (source, target) pair.
    pair_kinds: dict[tuple[int, int], set[str]] = {}
    for r in bom.relations:
        s, t = index.get(r.source), index.get(r.target)
        if s is None or t is None:
            continue
        pair_kinds.setdefault((s, t), set()).add(r.kind)
    relations = bom.relation_count

    if n <= max_nodes:
        nodes = [
            Node(
                key=a.id,
                kind=a.kind,
                label=a.label,
                license=a.license,
                severity=_worst(counts.get(a.id, (0, 0, 0))),
                counts=_triple(counts.get(a.id)),
            )
            for a in artifacts
        ]
        edges = {pair: (kinds, 1) for pair, kinds in pair_kinds.items()}
        hidden = 0
    else:
        nodes, edges, hidden = _collapse(artifacts, pair_kinds, counts, max_nodes)
    result = GraphView(nodes=nodes, edges=[], artifacts=n, relations=relations, hidden=hidden)
    result.edges = [
        Edge(s, t, tuple(sorted(kinds, key=_REL_RANK.__getitem__)), count)
        for (s, t), (kinds, count) in sorted(edges.items())
        if s != t
    ]
    _place(result)
    return result


def _triple(row: Sequence[int] | None) -> tuple[int, int, int]:
    return (row[0], row[1], row[2]) if row else (0, 0, 0)


def _collapse(
    arts: Sequence[Artifact],
    pair_kinds: dict[tuple[int, int], set[str]],
    counts: dict[str, list[int]],
    max_nodes: int,
) -> tuple[list[Node], dict[tuple[int, int], tuple[set[str], int]], int]:
    """Fold the artifacts into clusters until at most ``max_nodes`` nodes remain (see the module)."""
    n = len(arts)
    succ: list[list[int]] = [[] for _ in range(n)]
    degree = [0] * n
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for s, t in sorted(pair_kinds):
        if s != t:
            succ[s].append(t)
            neighbours[s].append(t)
            neighbours[t].append(s)
            degree[s] += 1
            degree[t] += 1
    layer, _ = _layering(succ)
    rows = [_triple(counts.get(a.id)) for a in arts]
    severity = [_worst(row) for row in rows]

    # Half the budget at most goes to clusters; the rest to artifacts shown as themselves.
    keys, width = _bands(layer, [a.kind for a in arts], max(1, max_nodes // 2))
    # tiers: 0 error, 1 neighbour of an error, 2 warning, 3 info, 4 the rest
    tier = [{None: 4, "error": 0, "warning": 2, "info": 3}[s] for s in severity]
    for v in range(n):
        if tier[v] == 0:
            for w in neighbours[v]:
                if tier[w] > 1:
                    tier[w] = 1
    order = sorted(range(n), key=lambda v: (tier[v], -degree[v], arts[v].id))
    left: dict[tuple[int, str], int] = {}
    for key in keys:
        left[key] = left.get(key, 0) + 1
    shown = bytearray(n)
    total = len(left)  # nodes in the picture: clusters still holding members + artifacts shown
    for v in order:
        key = keys[v]
        after = total + (0 if left[key] == 1 else 1)
        if after > max_nodes:
            break
        shown[v] = 1
        left[key] -= 1
        total = after
    # A cluster of one is shown as its artifact (the same number of nodes, and more to read).
    for v in range(n):
        if not shown[v] and left[keys[v]] == 1:
            shown[v] = 1
            left[keys[v]] = 0

    nodes: list[Node] = []
    where = [0] * n
    for v in range(n):
        if shown[v]:
            a = arts[v]
            where[v] = len(nodes)
            nodes.append(
                Node(
                    key=a.id,
                    kind=a.kind,
                    label=a.label,
                    license=a.license,
                    severity=severity[v],
                    counts=rows[v],
                )
            )
    members: dict[tuple[int, str], list[int]] = {}
    for v in range(n):
        if not shown[v]:
            members.setdefault(keys[v], []).append(v)
    for number, (key, group) in enumerate(sorted(members.items())):
        licenses: dict[str, int] = {}
        totals = [0, 0, 0]
        for v in group:
            lic = arts[v].license or "no license"
            licenses[lic] = licenses.get(lic, 0) + 1
            for i in range(3):
                totals[i] += rows[v][i]
        common = tuple(sorted(licenses.items(), key=lambda item: (-item[1], item[0])))
        band, kind = key
        first, last = band * width, min(band * width + width - 1, max(layer[v] for v in group))
        span = f"layer {first}" if first == last else f"layers {first}-{last}"
        for v in group:
            where[v] = len(nodes)
        nodes.append(
            Node(
                key=f"cluster-{number}",
                kind=kind,
                label=plural(kind, len(group)),
                license=common[0][0] + (f" +{len(common) - 1} more" if len(common) > 1 else ""),
                severity=_worst(totals),
                counts=_triple(totals),
                members=len(group),
                cluster=True,
                licenses=common,
                sample=tuple(arts[v].id for v in group[:8]),
                span=span,
            )
        )
    edges: dict[tuple[int, int], tuple[set[str], int]] = {}
    inner: dict[int, int] = {}
    for (s, t), kinds in sorted(pair_kinds.items()):
        vs, vt = where[s], where[t]
        if vs == vt:
            if s != t:
                inner[vs] = inner.get(vs, 0) + len(kinds)
            continue
        old = edges.get((vs, vt))
        if old is None:
            edges[(vs, vt)] = (set(kinds), len(kinds))
        else:
            old[0].update(kinds)
            edges[(vs, vt)] = (old[0], old[1] + len(kinds))
    for i, count in inner.items():
        nodes[i].inner_relations = count
    return nodes, edges, sum(1 for v in range(n) if not shown[v])


def _place(graph: GraphView) -> None:
    """Layer the view's nodes, add dummy points on long edges, and order each layer by barycenter
    sweeps, keeping the order with the fewest crossings."""
    nodes, edges = graph.nodes, graph.edges
    n = len(nodes)
    succ: list[list[int]] = [[] for _ in range(n)]
    for e in edges:
        succ[e.source].append(e.target)
    layer, back = _layering(succ)
    layer = _split_wide(layer, nodes, edges)
    for i, node in enumerate(nodes):
        node.layer = layer[i]
    height = max(layer, default=-1) + 1
    spans = sum(abs(layer[e.source] - layer[e.target]) - 1 for e in edges)
    dummies = spans <= _DUMMY_FACTOR * n + 100
    slot_layer = list(layer)
    chains: list[list[int]] = []
    # Long edges that leave one upper node share their dummy points (one trunk down from the node,
    # a branch off it at each lower node's layer): a cluster of 120 datasets that everything is
    # trained on draws one line down the picture, not one per model.
    trunk: dict[tuple[int, int], int] = {}
    for e in edges:
        e.reversed = (e.source, e.target) in back
        upper, lower = (e.target, e.source) if layer[e.target] < layer[e.source] else (e.source, e.target)
        chain = [upper]
        if dummies:
            for d in range(layer[upper] + 1, layer[lower]):
                slot = trunk.get((upper, d))
                if slot is None:
                    slot = trunk[(upper, d)] = len(slot_layer)
                    slot_layer.append(d)
                chain.append(slot)
        chain.append(lower)
        chains.append(chain)
    slots = len(slot_layer)
    up_sets: list[set[int]] = [set() for _ in range(slots)]
    down_sets: list[set[int]] = [set() for _ in range(slots)]
    for chain in chains:
        for a, b in pairwise(chain):
            if slot_layer[b] == slot_layer[a] + 1:
                down_sets[a].add(b)
                up_sets[b].add(a)
    up = [sorted(x) for x in up_sets]
    down = [sorted(x) for x in down_sets]
    # Initial order: nodes by kind, then label and id; dummies after, in edge order.
    layers: list[list[int]] = [[] for _ in range(height)]
    for i in sorted(range(n), key=lambda i: (_KIND_RANK.get(nodes[i].kind, 9), nodes[i].label, nodes[i].key)):
        layers[layer[i]].append(i)
    for s in range(n, slots):
        layers[slot_layer[s]].append(s)
    position = [0.0] * slots
    for row in layers:
        for p, s in enumerate(row):
            position[s] = p
    best = [list(row) for row in layers]
    best_crossings = _crossings(layers, down, position)
    for sweep in range(_SWEEPS):
        downward = sweep % 2 == 0
        sequence = range(1, height) if downward else range(height - 2, -1, -1)
        for d in sequence:
            row = layers[d]
            neighbours = up if downward else down
            keyed = []
            for p, s in enumerate(row):
                around = neighbours[s]
                bary = sum(position[t] for t in around) / len(around) if around else float(p)
                keyed.append((bary, p, s))
            keyed.sort()
            layers[d] = [s for _, _, s in keyed]
            for p, s in enumerate(layers[d]):
                position[s] = p
        crossings = _crossings(layers, down, position)
        if crossings < best_crossings:
            best, best_crossings = [list(row) for row in layers], crossings
    graph.layers = best
    graph.chains = chains
    graph.slot_layers = slot_layer


def _split_wide(layer: list[int], nodes: Sequence[Node], edges: Sequence[Edge]) -> list[int]:
    """Spread each layer of more than :data:`ROW_LIMIT` nodes over several rows, so twenty raw
    datasets make two or three rows, not one row three thousand pixels wide. The nodes whose
    nearest dependent is furthest below go to the upper rows (their edges are long anyway, and pass
    the rows below through dummy points, between boxes); each node stays below everything it
    depends on and above everything that depends on it."""
    n = len(nodes)
    height = max(layer, default=-1) + 1
    rows: list[list[int]] = [[] for _ in range(height)]
    for i in range(n):
        rows[layer[i]].append(i)
    if all(len(row) <= ROW_LIMIT for row in rows):
        return layer
    nearest = [height] * n  # the layer of the nearest node that depends on it (height: none)
    for e in edges:
        upper, lower = (e.target, e.source) if layer[e.target] < layer[e.source] else (e.source, e.target)
        nearest[upper] = min(nearest[upper], layer[lower])
    out = list(layer)
    offset = 0
    for d, row in enumerate(rows):
        parts = -(-len(row) // ROW_LIMIT)
        size = -(-len(row) // parts)  # as even as can be: 19 nodes make rows of 10 and 9
        ordered = sorted(
            row, key=lambda i: (-nearest[i], _KIND_RANK.get(nodes[i].kind, 9), nodes[i].label, nodes[i].key)
        )
        for k, i in enumerate(ordered):
            out[i] = offset + k // size
        offset += max(parts, 1)
        del d
    return out


def _crossings(
    layers: Sequence[Sequence[int]], down: Sequence[Iterable[int]], position: Sequence[float]
) -> int:
    """Edge crossings between consecutive layers: inversions of the lower ends when the edges are
    sorted by their upper ends (counted with a Fenwick tree, n log n)."""
    total = 0
    for d in range(len(layers) - 1):
        pairs = sorted((position[a], position[b]) for a in layers[d] for b in down[a])
        size = len(layers[d + 1]) + 1
        tree = [0] * (size + 1)
        for seen, (_, lower) in enumerate(pairs):
            i = int(lower) + 1
            # how many seen so far have a lower end strictly right of this one
            j, below = i, 0
            while j > 0:
                below += tree[j]
                j -= j & -j
            total += seen - below
            while i <= size:
                tree[i] += 1
                i += i & -i
    return total
