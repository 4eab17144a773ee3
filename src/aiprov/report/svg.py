"""The supply-chain graph as one self-contained SVG element, drawn here (no Graphviz, no JavaScript).

Orientation: **origins on top, products at the bottom**. Base models, raw datasets and services sit
in the first row; what is fine-tuned, trained or derived from them sits below. Arrows follow the
relations as the BOM states them, from the dependent up to what it depends on (``acme-chat
-fine_tuned_from-> llama`` is an arrow from acme-chat up to llama), labelled with the relation kind;
an edge that closes a cycle is dashed and points down.

The shape says the kind (model: rounded box, weights: hexagon, dataset: cylinder, code: box with
``</>``, document: page with a folded corner, service: ellipse); the fill says the worst finding
(error red, warning amber, info blue, none grey), with a badge counting findings of that severity;
a legend explains both. Large graphs fold into clusters (:mod:`aiprov.report._layout`).

The output is one ``<svg>`` element, meant to be inlined in HTML pages and notebooks: no XML
declaration, no external reference, colours as attributes (no stylesheet that could leak into the
page), ids prefixed with a hash of the content so two drawings on one page do not clash. Every text
from the input is escaped for XML, with control characters shown as ``\\xNN``.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from aiprov.graph import ARTIFACT_KINDS
from aiprov.report import _escape
from aiprov.report._layout import SEVERITY_ORDER, GraphView, Node, view

if TYPE_CHECKING:
    from aiprov.analysis.checks import Report
    from aiprov.graph import AIBOM

__all__ = ["graph_svg"]

#: severity -> (fill, stroke, badge): light fills that keep black text readable.
COLORS = {
    "error": ("#fde0dc", "#c62828", "#c62828"),
    "warning": ("#fff1c2", "#b26a00", "#b26a00"),
    "info": ("#e1effc", "#1e63b0", "#1e63b0"),
    None: ("#f4f5f7", "#5f6b7a", "#5f6b7a"),
}
_SEVERITY_NAMES = {"error": "error", "warning": "warning", "info": "info", None: "no finding"}
_FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif"
_LABEL_PX = 7.0  # average advance of a 12 px semi-bold character
_SMALL_PX = 5.9  # of a 10.5 px character
_EDGE_PX = 5.6  # of a 10 px character
_LABEL_CHARS = 30
_SMALL_CHARS = 36
_NODE_H = 46
_GAP_Y = 78  # between layers: room for curves and up to three rows of edge labels
_GAP_X = 26
_DUMMY_W = 14
_MARGIN = 24
_PAD = 16
# Characters XML 1.0 forbids even as references (other C0 controls are made visible by
# _escape.plain first), and lone surrogates that cannot be encoded.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    """Input text as XML character data: control characters as visible ``\\xNN``, then escaped."""
    return html.escape(_NOT_XML.sub("\ufffd", _escape.plain(text)), quote=True)


def _short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (before escaping, so no entity is cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: float) -> str:
    """Coordinates with at most one decimal: small output, same bytes on every platform."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _title_text(node: Node) -> str:
    """The tooltip: id, kind, license and finding counts (for a cluster, what it holds)."""
    e, w, i = node.counts
    findings = f"{e} error(s), {w} warning(s), {i} info" if any(node.counts) else "no findings"
    if not node.cluster:
        head = node.key if node.label == node.key else f"{node.label}\nid: {node.key}"
        return f"{head}\n{node.kind} · {node.license or 'no license'}\n{findings}"
    licenses = ", ".join(f"{lic} ×{k}" for lic, k in node.licenses[:6])
    if len(node.licenses) > 6:
        licenses += f", … ({len(node.licenses)} licenses)"
    sample = ", ".join(node.sample) + (", …" if node.members > len(node.sample) else "")
    inner = f"\n{node.inner_relations} relation(s) inside" if node.inner_relations else ""
    return (
        f"{node.label} ({node.span}), folded to keep the picture readable\n"
        f"licenses: {licenses}\nfindings: {findings}{inner}\n{sample}"
    )


def _ems(text: str) -> int:
    """The width of ``text`` in average characters: wide (CJK) characters count two."""
    return len(text) + sum(1 for c in text if ord(c) > 0x1000 and unicodedata.east_asian_width(c) in "WF")


def _node_width(node: Node) -> float:
    label = _ems(_short(node.label, _LABEL_CHARS)) * _LABEL_PX
    small = _ems(_short(node.license or "no license", _SMALL_CHARS)) * _SMALL_PX
    width = max(label, small) + 2 * _PAD + (14 if any(node.counts) else 0)
    if node.kind == "service":
        width *= 1.18  # an ellipse's text area is narrower than its box
    elif node.kind in ("weights", "code"):
        width += 24  # the slanted sides, the </> mark
    return max(96.0, width)


def _shape(kind: str, x: float, y: float, w: float, h: float, fill: str, stroke: str, extra: str = "") -> str:
    """The outline of a ``kind`` in the box (x, y, w, h)."""
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="1.4"{extra}'
    X, Y, W, H, R = _num(x), _num(y), _num(w), _num(h), _num(x + w)
    if kind == "model":
        return f'<rect x="{X}" y="{Y}" width="{W}" height="{H}" rx="10" {paint}/>'
    if kind == "weights":
        k = min(12.0, h / 2)
        pts = [
            (x + k, y),
            (x + w - k, y),
            (x + w, y + h / 2),
            (x + w - k, y + h),
            (x + k, y + h),
            (x, y + h / 2),
        ]
        return '<polygon points="' + " ".join(f"{_num(a)},{_num(b)}" for a, b in pts) + f'" {paint}/>'
    if kind == "dataset":
        ry = 5.0
        top, bottom, rx = _num(y + ry), _num(y + h - ry), _num(w / 2)
        return (
            f'<path d="M{X},{top} V{bottom} A{rx},{_num(ry)} 0 0 0 {R},{bottom} V{top} '
            f'A{rx},{_num(ry)} 0 0 0 {X},{top} Z" {paint}/>'
            f'<ellipse cx="{_num(x + w / 2)}" cy="{top}" rx="{rx}" ry="{_num(ry)}" {paint}/>'
        )
    if kind == "code":
        return (
            f'<rect x="{X}" y="{Y}" width="{W}" height="{H}" rx="2" {paint}/>'
            f'<text x="{_num(x + 5)}" y="{_num(y + 11)}" font-size="9" font-family="monospace" '
            f'fill="{stroke}">&lt;/&gt;</text>'
        )
    if kind == "document":
        c = 11.0
        return (
            f'<path d="M{X},{Y} H{_num(x + w - c)} L{R},{_num(y + c)} V{_num(y + h)} H{X} Z" {paint}/>'
            f'<path d="M{_num(x + w - c)},{Y} V{_num(y + c)} H{R}" fill="none" stroke="{stroke}" '
            f'stroke-width="1.2"/>'
        )
    if kind == "service":
        return (
            f'<ellipse cx="{_num(x + w / 2)}" cy="{_num(y + h / 2)}" rx="{_num(w / 2)}" '
            f'ry="{_num(h / 2)}" {paint}/>'
        )
    return f'<rect x="{X}" y="{Y}" width="{W}" height="{H}" rx="4" {paint}/>'


def _pava(targets: Sequence[float], weights: Sequence[float]) -> list[float]:
    """The nondecreasing sequence closest to ``targets`` (weighted least squares): pool adjacent
    violators, linear time."""
    blocks: list[list[float]] = []  # [weighted sum, weight, count]
    for t, w in zip(targets, weights, strict=True):
        blocks.append([t * w, w, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            s, ww, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += ww
            blocks[-1][2] += c
    out: list[float] = []
    for s, w, c in blocks:
        out.extend([s / w] * int(c))
    return out


def _x_positions(graph: GraphView, widths: Sequence[float]) -> list[float]:
    """Centre x of every slot: each layer keeps its order and spacing, and is pulled towards the
    mean position of its neighbours in the layer above, then below, a few times (an isotonic
    regression per layer, so no two boxes overlap)."""
    slots = len(widths)
    up: list[list[int]] = [[] for _ in range(slots)]
    down: list[list[int]] = [[] for _ in range(slots)]
    for chain in graph.chains:
        for a, b in pairwise(chain):
            up[b].append(a)
            down[a].append(b)
    n = len(graph.nodes)
    gap = [(_GAP_X if s < n else _GAP_X / 2) for s in range(slots)]
    centre = [0.0] * slots
    widest = 0.0
    for row in graph.layers:
        x = 0.0
        for s in row:
            centre[s] = x + widths[s] / 2
            x += widths[s] + gap[s]
        widest = max(widest, x)
    for row in graph.layers:  # centre each row under the widest one
        if row:
            shift = (widest - (centre[row[-1]] + widths[row[-1]] / 2 + gap[row[-1]])) / 2
            for s in row:
                centre[s] += shift
    order = list(range(len(graph.layers)))
    for sweep in range(8):
        rows = order if sweep % 2 == 0 else order[::-1]
        toward = up if sweep % 2 == 0 else down
        for d in rows:
            row = graph.layers[d]
            if not row:
                continue
            offsets, total = [], 0.0
            for k, s in enumerate(row):
                if k:
                    total += (widths[row[k - 1]] + widths[s]) / 2 + max(gap[row[k - 1]], gap[s])
                offsets.append(total)
            targets, weights = [], []
            for k, s in enumerate(row):
                around = toward[s]
                want = sum(centre[t] for t in around) / len(around) if around else centre[s]
                targets.append(want - offsets[k])
                weights.append((1.0 if s < n else 0.6) if around else 0.15)
            for k, y in enumerate(_pava(targets, weights)):
                centre[row[k]] = y + offsets[k]
    left = min((centre[s] - widths[s] / 2 for s in range(slots)), default=0.0)
    return [c - left for c in centre]


def _content_id(graph: GraphView, title: str | None) -> str:
    digest = hashlib.sha256()
    for node in graph.nodes:
        digest.update(repr((node.key, node.kind, node.label, node.license, node.severity)).encode())
    for edge in graph.edges:
        digest.update(repr((edge.source, edge.target, edge.kinds, edge.count)).encode())
    digest.update(repr(title).encode())
    return "aiprov-" + digest.hexdigest()[:10]


def _legend(
    x0: float, y0: float, *, severities: bool, groups: bool, cycles: bool
) -> tuple[list[str], float, float]:
    """The legend rows (kinds; severities when there is a report, folded groups and cycle edges when
    the drawing has them): SVG parts, width and height."""
    parts: list[str] = []
    fill, stroke, _ = COLORS[None]
    x = x0
    for kind in ARTIFACT_KINDS:
        parts.append(_shape(kind, x, y0, 34, 18, fill, stroke))
        parts.append(f'<text x="{_num(x + 40)}" y="{_num(y0 + 13)}" font-size="11">{kind}</text>')
        x += 40 + len(kind) * 6.6 + 18
    width = x - x0
    x, y = x0, y0 + 28
    for severity in (*SEVERITY_ORDER, None) if severities else ():
        fill, stroke, _ = COLORS[severity]
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="18" height="14" rx="3" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1.4"/>'
        )
        name = _SEVERITY_NAMES[severity]
        parts.append(f'<text x="{_num(x + 24)}" y="{_num(y + 11)}" font-size="11">{name}</text>')
        x += 24 + len(name) * 6.6 + 18
    if groups:
        for off in (6, 3):
            parts.append(
                f'<rect x="{_num(x + off)}" y="{_num(y - off)}" width="18" height="14" rx="3" '
                f'fill="#ffffff" stroke="{stroke}" stroke-width="1.2"/>'
            )
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="18" height="14" rx="3" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1.2" stroke-dasharray="4 2"/>'
            f'<text x="{_num(x + 32)}" y="{_num(y + 11)}" font-size="11">folded group</text>'
        )
        x += 32 + 12 * 6.6 + 18
    if cycles:
        parts.append(
            f'<path d="M{_num(x)},{_num(y + 7)} H{_num(x + 26)}" stroke="#6b7280" stroke-width="1.3" '
            f'stroke-dasharray="5 4"/><text x="{_num(x + 32)}" y="{_num(y + 11)}" font-size="11">'
            "closes a cycle</text>"
        )
        x += 32 + 14 * 6.6 + 18
    return parts, max(width, x - x0), (46 if x > x0 else 20)


def graph_svg(
    bom: AIBOM, report: Report | None = None, *, max_nodes: int = 80, title: str | None = None
) -> str:
    """The supply chain of ``bom`` as one ``<svg>`` element (see the module for what it shows).

    With ``report`` (from :func:`aiprov.check`), each node is filled by the worst severity of the
    findings about it; without one, every node is neutral and the legend shows no severities.
    Beyond ``max_nodes`` artifacts, artifacts fold into clusters ("120 datasets"), those with errors
    and their neighbours kept visible as long as possible. Each node is
    ``<g class="node sev-<severity|none> kind-<kind>" data-id="<id>">`` with a ``<title>`` tooltip;
    a cluster has the class ``cluster``, ``data-cluster`` (its number) and ``data-members`` instead
    of ``data-id``. ``title`` is written above the legend. Same input, same bytes.
    """
    graph = view(bom, report, max_nodes=max_nodes)
    prefix = _content_id(graph, title)
    nodes = graph.nodes
    n = len(nodes)
    slots = len(graph.slot_layers)
    widths = [(_node_width(nodes[s]) if s < n else _DUMMY_W) for s in range(slots)]
    centre = _x_positions(graph, widths)

    parts: list[str] = []
    y = _MARGIN
    if title is not None:
        parts.append(
            f'<text x="{_MARGIN}" y="{_num(y + 14)}" font-size="16" font-weight="600">'
            f"{_clean(_short(title, 120))}</text>"
        )
        y += 26
    caption = f"{graph.artifacts} artifact(s), {graph.relations} relation(s)"
    if graph.hidden:
        clusters = sum(1 for node in nodes if node.cluster)
        caption += (
            f"; {graph.artifacts - graph.hidden} shown, {graph.hidden} folded into {clusters} group(s) "
            f"(max_nodes={max_nodes})"
        )
    caption += " · arrows point to what each artifact is built from"
    parts.append(f'<text x="{_MARGIN}" y="{_num(y + 12)}" font-size="11" fill="#4a5563">{caption}</text>')
    y += 24
    legend, legend_w, legend_h = _legend(
        _MARGIN,
        y,
        severities=report is not None,
        groups=bool(graph.hidden),
        cycles=any(e.reversed for e in graph.edges),
    )
    parts += legend
    top = y + legend_h + 18

    def row_y(layer: int) -> float:
        return top + layer * (_NODE_H + _GAP_Y)

    # Edges: from chain point to chain point, a vertical cubic per layer gap, straight through dummies.
    # Where edges meet a node: spread over the middle of its side, in the order of the other ends,
    # edges bound for the same next point (a shared trunk) meeting at one port.
    sides: dict[tuple[int, bool], set[int]] = {}  # (slot, top side?) -> neighbouring slots
    for chain in graph.chains:
        sides.setdefault((chain[0], False), set()).add(chain[1])
        sides.setdefault((chain[-1], True), set()).add(chain[-2])
    port: dict[tuple[int, int], float] = {}  # (slot, neighbour slot) -> x where the edge meets it
    for (s, _), around in sides.items():
        ordered = sorted(around, key=lambda t: (centre[t], t))
        span = widths[s] * 0.6
        for k, t in enumerate(ordered):
            port[(s, t)] = centre[s] - span / 2 + span * (k + 1) / (len(ordered) + 1)
    edge_parts: list[str] = []
    label_rows: dict[int, list[list[tuple[float, float]]]] = {}
    labels: list[str] = []

    def place(gap: int, x1: float, y1: float, x2: float, y2: float, text: str) -> None:
        """An edge label on the segment (x1, y1)-(x2, y2) in the gap above row ``gap``, moved up or
        down a line if it would overlap a label already there."""
        width = _ems(text) * _EDGE_PX + 6
        rows = label_rows.setdefault(gap, [[], [], [], [], []])
        mid = (y1 + y2) / 2
        for row, dy in zip(rows, (0, -14, 14, -28, 28), strict=True):
            ly = mid + dy
            lx = x1 + (x2 - x1) * (ly - y1) / (y2 - y1) if y2 != y1 else (x1 + x2) / 2
            if all(lx + width / 2 < a or lx - width / 2 > b for a, b in row):
                row.append((lx - width / 2, lx + width / 2))
                break
        else:
            ly = mid
            lx = x1 + (x2 - x1) * (ly - y1) / (y2 - y1) if y2 != y1 else (x1 + x2) / 2
        labels.append(
            f'<text x="{_num(lx)}" y="{_num(ly + 3.5)}" font-size="10" text-anchor="middle" '
            f'fill="#374151" stroke="#ffffff" stroke-width="3" paint-order="stroke">{_clean(text)}</text>'
        )

    # Edges that leave a node down one trunk and are all of one kind get one label, at the trunk.
    bundles: dict[tuple[int, int], list[int]] = {}
    for e, chain in enumerate(graph.chains):
        if len(chain) > 2:
            bundles.setdefault((chain[0], chain[1]), []).append(e)
    shared = {
        e
        for group in bundles.values()
        if len(group) > 1 and len({graph.edges[e].kinds for e in group}) == 1
        for e in group
    }
    labelled: set[tuple[int, int]] = set()
    for e, chain in enumerate(graph.chains):
        edge = graph.edges[e]
        points: list[tuple[float, float, float]] = []  # (x, y entering the slot's row, y leaving it)
        for k, s in enumerate(chain):
            x = centre[s] if s >= n else port[(s, chain[1])] if k == 0 else port[(s, chain[-2])]
            ry = row_y(graph.slot_layers[s])
            if s < n:
                yy = ry + _NODE_H if k == 0 else ry
                points.append((x, yy, yy))
            else:
                points.append((x, ry, ry + _NODE_H))
        d = [f"M{_num(points[0][0])},{_num(points[0][2])}"]
        for (x1, _, y1), (x2, y2, y2b) in pairwise(points):
            mid = (y1 + y2) / 2
            d.append(f"C{_num(x1)},{_num(mid)} {_num(x2)},{_num(mid)} {_num(x2)},{_num(y2)}")
            if y2b != y2:
                d.append(f"V{_num(y2b)}")
        # The relation points from source to target: the path runs from the upper end (chain[0]),
        # so the arrowhead goes at the start when the source is the lower end.
        upper_is_target = chain[0] == edge.target
        marker = (
            f'marker-start="url(#{prefix}-to)"' if upper_is_target else f'marker-end="url(#{prefix}-down)"'
        )
        dash = ' stroke-dasharray="5 4"' if edge.reversed else ""
        edge_parts.append(
            f'<path d="{" ".join(d)}" fill="none" stroke="#6b7280" stroke-width="1.3"{dash} {marker}/>'
        )
        if e in shared:
            bundle = (chain[0], chain[1])
            if bundle not in labelled:  # one label where the trunk leaves the node
                labelled.add(bundle)
                (x1, _, y1), (x2, y2, _) = points[0], points[1]
                place(graph.slot_layers[chain[1]], x1, y1, x2, y2, " / ".join(graph.edges[e].kinds))
        else:  # the label sits on the gap next to the dependent (lower) end
            (x1, _, y1), (x2, y2, _) = points[-2], points[-1]
            place(graph.slot_layers[chain[-1]], x1, y1, x2, y2, edge.label)

    node_parts: list[str] = []
    for i, node in enumerate(nodes):
        w, cx = widths[i], centre[i]
        x, ny = cx - w / 2, row_y(node.layer)
        fill, stroke, badge = COLORS[node.severity]
        severity = node.severity or "none"
        cls = f"node{' cluster' if node.cluster else ''} sev-{severity} kind-{node.kind}"
        if node.cluster:  # no data-id: any string, "cluster-0" too, can be an artifact's id
            number = node.key.removeprefix("cluster-")
            attrs = f'class="{cls}" data-cluster="{number}" data-members="{node.members}"'
        else:
            attrs = f'class="{cls}" data-id="{_clean(node.key)}"'
        body = [f"<g {attrs}>", f"<title>{_clean(_title_text(node))}</title>"]
        if node.cluster:  # a stack of cards: two outlines behind
            for off in (8, 4):
                body.append(_shape(node.kind, x + off, ny - off, w, _NODE_H, "#ffffff", stroke))
        body.append(
            _shape(
                node.kind, x, ny, w, _NODE_H, fill, stroke, ' stroke-dasharray="4 2"' if node.cluster else ""
            )
        )
        label_y = ny + (23 if node.kind == "dataset" else 20)
        body.append(
            f'<text x="{_num(cx)}" y="{_num(label_y)}" font-size="12" font-weight="600" '
            f'text-anchor="middle">{_clean(_short(node.label, _LABEL_CHARS))}</text>'
        )
        small = node.license or "no license"
        body.append(
            f'<text x="{_num(cx)}" y="{_num(label_y + 15)}" font-size="10.5" text-anchor="middle" '
            f'fill="#4a5563">{_clean(_short(small, _SMALL_CHARS))}</text>'
        )
        if node.severity is not None:
            count = node.counts[SEVERITY_ORDER.index(node.severity)]
            bx, by = x + w - 4, ny + 4
            body.append(
                f'<circle cx="{_num(bx)}" cy="{_num(by)}" r="9" fill="{badge}" stroke="#ffffff" '
                f'stroke-width="1.5"/><text x="{_num(bx)}" y="{_num(by + 3.5)}" font-size="10" '
                f'font-weight="700" text-anchor="middle" fill="#ffffff">{count}</text>'
            )
        body.append("</g>")
        node_parts.append("".join(body))

    graph_w = max((centre[s] + widths[s] / 2 for s in range(slots)), default=0.0) + 12
    width = max(graph_w, legend_w) + 2 * _MARGIN
    height = row_y(len(graph.layers)) - _GAP_Y + _MARGIN if graph.layers else top
    shift = _MARGIN + max(0.0, (width - 2 * _MARGIN - graph_w) / 2)
    w_text, h_text = _num(width), _num(height)
    label = f"Supply-chain graph: {graph.artifacts} artifacts"
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w_text} {h_text}" width="{w_text}" '
            f'height="{h_text}" role="img" aria-label="{label}" id="{prefix}" font-family="{_FONT}" '
            f'fill="#111827">',
            "<defs>",
            f'<marker id="{prefix}-down" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
            f'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker>',
            f'<marker id="{prefix}-to" viewBox="0 0 10 10" refX="1" refY="5" markerWidth="8" '
            f'markerHeight="8" orient="auto"><path d="M10,0 L0,5 L10,10 z" fill="#6b7280"/></marker>',
            "</defs>",
            f'<rect width="{w_text}" height="{h_text}" fill="#ffffff"/>',
            *parts,
            f'<g transform="translate({_num(shift)},0)">',
            '<g class="edges">',
            *edge_parts,
            "</g>",
            '<g class="nodes">',
            *node_parts,
            "</g>",
            '<g class="edge-labels">',
            *labels,
            "</g>",
            "</g>",
            "</svg>",
        ]
    )
