"""The supply-chain graph as a Mermaid flowchart, for Markdown that GitHub, GitLab and notebooks render.

The same view as the SVG (:mod:`aiprov.report._layout`: clusters beyond ``max_nodes``, worst severity
per node), written as ``flowchart BT``: Mermaid lays a ``BT`` chart out bottom to top, so with the
edges written as the BOM states them (dependent ``-->`` what it depends on) the origins come out on
top and the products at the bottom, as in the SVG, and each arrow still reads as the relation
(``acme-chat -- fine_tuned_from --> llama``).

Mermaid ids are generated (``n0``, ``n1``, ...); only labels carry text from the input, inside
double quotes, with Mermaid's entity codes for ``"``, ``#``, ``&``, ``<``, ``>`` and the backtick
(GitHub renders labels as HTML, so no markup from the input reaches it) and control characters
written as ``\\xNN`` (no newline can end the label, the statement or the fenced block).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from aiprov.report import _escape
from aiprov.report._layout import SEVERITY_ORDER, Node, view
from aiprov.report.svg import COLORS

if TYPE_CHECKING:
    from aiprov.analysis.checks import Report
    from aiprov.graph import AIBOM

__all__ = ["MAX_EDGES", "graph_mermaid"]

#: kind -> (opening, closing) of the Mermaid node shape.
SHAPES = {
    "model": ("(", ")"),  # rounded box
    "weights": ("{{", "}}"),  # hexagon
    "dataset": ("[(", ")]"),  # cylinder
    "code": ("[/", "/]"),  # parallelogram
    "document": (">", "]"),  # flag (the closest to a page Mermaid has in every version)
    "service": ("([", "])"),  # stadium
}
#: Mermaid refuses a chart of more than 500 edges by default: fold more until there are at most this.
MAX_EDGES = 400
_CLUSTER = ("[[", "]]")  # subroutine box: a group of artifacts
_ENTITIES = {'"': "#quot;", "#": "#35;", "&": "#amp;", "<": "#lt;", ">": "#gt;", "`": "#96;"}
_SPECIAL = re.compile('["#&<>`]')
_NOT_TEXT = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _text(text: str, limit: int = 60) -> str:
    """Input text for a quoted Mermaid label: cut to ``limit``, controls visible, specials coded."""
    text = _NOT_TEXT.sub("\ufffd", _escape.plain(text))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _SPECIAL.sub(lambda m: _ENTITIES[m.group()], text)


def _label(node: Node) -> str:
    e, w, i = node.counts
    counts = ", ".join(
        f"{k} {name}{'s' if k > 1 and name != 'info' else ''}"
        for k, name in ((e, "error"), (w, "warning"), (i, "info"))
        if k
    )
    return f"{_text(node.label)}<br/>{_text(node.license or 'no license', 40)}" + (
        f"<br/>{counts}" if counts else ""
    )


def graph_mermaid(bom: AIBOM, report: Report | None = None, *, max_nodes: int = 80) -> str:
    """The body of a Mermaid flowchart of ``bom`` (without the ```` ```mermaid ```` fence): nodes
    shaped by kind, edges labelled with the relation kind, classes ``sev_error``, ``sev_warning``,
    ``sev_info`` and ``sev_none`` by the worst finding of ``report``, clusters ("120 datasets",
    subroutine-shaped) beyond ``max_nodes``. Same input, same text.
    """
    graph = view(bom, report, max_nodes=max_nodes)
    while len(graph.edges) > MAX_EDGES and max_nodes > 1:  # Mermaid refuses more (maxEdges 500)
        max_nodes //= 2
        graph = view(bom, report, max_nodes=max_nodes)
    lines = ["flowchart BT"]
    # Nodes in layer order, left to right, so Mermaid starts from the order the view found.
    ordered = [s for row in graph.layers for s in row if s < len(graph.nodes)]
    ids = {s: f"n{k}" for k, s in enumerate(ordered)}
    for s in ordered:
        node = graph.nodes[s]
        opening, closing = _CLUSTER if node.cluster else SHAPES.get(node.kind, ("[", "]"))
        lines.append(f'    {ids[s]}{opening}"{_label(node)}"{closing}')
    for edge in graph.edges:
        arrow = "-.->" if edge.reversed else "-->"
        lines.append(f'    {ids[edge.source]} {arrow}|"{_text(edge.label)}"| {ids[edge.target]}')
    for severity in (*SEVERITY_ORDER, None):
        fill, stroke, _ = COLORS[severity]
        lines.append(f"    classDef sev_{severity or 'none'} fill:{fill},stroke:{stroke},color:#111827")
    by_class: dict[str, list[str]] = {}
    for s in ordered:
        by_class.setdefault(graph.nodes[s].severity or "none", []).append(ids[s])
    for severity in (*SEVERITY_ORDER, "none"):
        if severity in by_class:
            lines.append(f"    class {','.join(by_class[severity])} sev_{severity}")
    return "\n".join(lines) + "\n"
