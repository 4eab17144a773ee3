"""The supply-chain graph as SVG: well-formed, one node per artifact, coloured by the worst finding,
origins on top, deterministic, folded when large, and safe with hostile input."""

from __future__ import annotations

import random
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import aiprov
from aiprov.analysis import Policy
from aiprov.analysis.checks import Finding, Report
from aiprov.graph import AIBOM, Artifact
from aiprov.report._layout import ROW_LIMIT, view
from aiprov.report.svg import COLORS, graph_svg

SVG = "{http://www.w3.org/2000/svg}"
EXAMPLES = sorted(Path(__file__).resolve().parent.parent.glob("examples/*/aibom.yaml"))
CHAT = Path(__file__).resolve().parent.parent / "examples" / "chat-product" / "aibom.yaml"


def _nodes(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if "node" in (g.get("class") or "").split()]


def _artifact_nodes(svg: str) -> dict[str, ET.Element]:
    return {g.get("data-id", ""): g for g in _nodes(svg) if "cluster" not in (g.get("class") or "").split()}


def _shape_fill(g: ET.Element) -> str | None:
    """The fill of the node's outline (its first shape that is not a stacked card behind it)."""
    for child in g:
        if child.tag != f"{SVG}title" and child.get("fill") not in (None, "#ffffff"):
            return child.get("fill")
    return None


def _generated(n: int, seed: int = 7) -> AIBOM:
    """A large chain: base models, many datasets, fine-tunes trained on them, adapters on those."""
    rnd = random.Random(seed)
    bom = AIBOM()
    bases = [f"base-{i}" for i in range(max(2, n // 40))]
    datasets = [f"data-{i}" for i in range(n // 2)]
    for b in bases:
        bom.add(Artifact(id=b, kind="model", license="Apache-2.0"))
    for d in datasets:
        bom.add(Artifact(id=d, kind="dataset", license=rnd.choice(["CC-BY-4.0", "MIT", "CC0-1.0"])))
    models: list[str] = []
    for i in range(n - len(bom)):
        m = f"m-{i}"
        bom.add(Artifact(id=m, kind="model", license="Apache-2.0"))
        if models and rnd.random() < 0.4:
            bom.relate(m, "adapter_of", rnd.choice(models))
        else:
            bom.relate(m, "fine_tuned_from", rnd.choice(bases))
        for d in rnd.sample(datasets, 2):
            bom.relate(m, "trained_on", d)
        models.append(m)
    return bom


def _report(bom: AIBOM, severities: dict[str, str]) -> Report:
    findings = tuple(
        Finding(code="test-code", severity=sev, subject=subject, message="m")
        for subject, sev in severities.items()
    )
    return Report(findings=findings, policy=Policy(), artifacts=len(bom), relations=bom.relation_count)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_example_draws_one_node_per_artifact_coloured_by_its_worst_finding(path: Path) -> None:
    """Each artifact is one node, with its worst severity as class and fill, and its label shown."""
    bom = aiprov.load(path)
    report = aiprov.check(bom)
    svg = graph_svg(bom, report)
    nodes = _artifact_nodes(svg)
    assert sorted(nodes) == sorted(a.id for a in bom)
    worst: dict[str, str] = {}
    for f in sorted(report.findings, key=lambda f: ("error", "warning", "info").index(f.severity)):
        worst.setdefault(f.subject, f.severity)
    for a in bom:
        g = nodes[a.id]
        severity = worst.get(a.id)
        assert f"sev-{severity or 'none'}" in g.get("class", "").split()
        assert f"kind-{a.kind}" in g.get("class", "").split()
        assert _shape_fill(g) == COLORS[severity][0]
        texts = "".join(t.text or "" for t in g.iter(f"{SVG}text"))
        assert a.label[:20] in texts
        title = g.find(f"{SVG}title")
        assert title is not None and a.id in (title.text or "")


def test_chat_product_reads_base_above_fine_tune_above_adapter() -> None:
    """Origins on top: the base model is above its fine-tune, which is above the adapter on it."""
    bom = aiprov.load(CHAT)
    svg = graph_svg(bom, aiprov.check(bom))
    top = {}
    for key, g in _artifact_nodes(svg).items():
        ys = [float(t.get("y", "0")) for t in g.iter(f"{SVG}text")]
        top[key] = min(ys)
    assert top["llama-3.1-8b-instruct"] < top["acme-chat-8b"] < top["acme-support-lora"]
    assert top["openai-gpt-4o"] < top["synthetic-tickets"] < top["support-mix"]


def test_relation_kinds_label_the_edges_and_arrows_use_this_drawings_markers() -> None:
    """Every relation kind of the chain is written on an edge; arrowheads refer to markers defined
    in the same drawing, under ids two drawings on one page do not share."""
    bom = aiprov.load(CHAT)
    svg = graph_svg(bom)
    root = ET.fromstring(svg)
    labels = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "edge-labels" for t in g]
    assert sorted(labels) == sorted(r.kind for r in bom.relations)
    marker_ids = {m.get("id") for m in root.iter(f"{SVG}marker")}
    used = set(re.findall(r"url\(#([^)]+)\)", svg))
    assert used and used <= marker_ids
    other = graph_svg(aiprov.load(EXAMPLES[-1]))
    other_ids = {m.get("id") for m in ET.fromstring(other).iter(f"{SVG}marker")}
    assert not marker_ids & other_ids


def test_svg_is_one_element_without_declaration_and_the_same_bytes_twice() -> None:
    """Inlined in HTML: no XML declaration, a viewBox and size; deterministic output."""
    bom = aiprov.load(CHAT)
    report = aiprov.check(bom)
    svg = graph_svg(bom, report, title="t")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
    root = ET.fromstring(svg)
    assert root.get("viewBox") and root.get("width") and root.get("height")
    assert graph_svg(bom, report, title="t") == svg


def test_insertion_order_does_not_change_the_picture() -> None:
    """The same graph built in another order draws the same bytes."""
    bom = _generated(40)
    reordered = AIBOM()
    for a in reversed(bom.artifacts):
        reordered.add(a)
    for r in reversed(bom.relations):
        reordered.add_relation(r)
    assert graph_svg(reordered) == graph_svg(bom)


def test_300_artifacts_fold_into_at_most_max_nodes_and_keep_the_errors() -> None:
    """Beyond max_nodes, clusters with counts stand for the rest; artifacts with errors stay."""
    bom = _generated(300)
    errors = {"m-5": "error", "data-3": "error", "m-140": "error"}
    report = _report(bom, {**errors, "data-7": "warning"})
    svg = graph_svg(bom, report, max_nodes=40)
    nodes = _nodes(svg)
    assert len(nodes) <= 40
    shown = _artifact_nodes(svg)
    assert set(errors) <= set(shown)
    assert all("sev-error" in shown[k].get("class", "") for k in errors)
    clusters = [g for g in nodes if "cluster" in g.get("class", "")]
    assert clusters
    # Every artifact is either shown or counted in exactly one cluster.
    assert len(shown) + sum(int(g.get("data-members", "0")) for g in clusters) == len(bom)


def test_error_neighbours_are_kept_before_other_artifacts() -> None:
    """Folding keeps what an error artifact is built from next to it."""
    bom = _generated(300)
    report = _report(bom, {"m-10": "error"})
    shown = _artifact_nodes(graph_svg(bom, report, max_nodes=20))
    neighbours = {r.target for r in bom.outgoing("m-10")}
    assert {"m-10", *neighbours} <= set(shown)


def test_cycles_are_drawn_without_hanging() -> None:
    """A cycle (packages depending on each other) is broken deterministically; one edge is dashed."""
    bom = AIBOM()
    for name in ("a", "b", "c"):
        bom.add(Artifact(id=name, kind="code", license="MIT"))
    bom.relate("a", "depends_on", "b")
    bom.relate("b", "depends_on", "c")
    bom.relate("c", "depends_on", "a")
    svg = graph_svg(bom)
    assert len(_artifact_nodes(svg)) == 3
    root = ET.fromstring(svg)
    edges = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "edges")
    assert [p.get("stroke-dasharray") is not None for p in edges].count(True) == 1
    assert "closes a cycle" in svg  # and the legend says what the dashes mean
    assert graph_svg(bom) == svg


def test_10000_artifacts_still_draw() -> None:
    """Ten thousand artifacts (and a chain deeper than the recursion limit) fold and draw, in about a
    second: every step before the placement is linear in the graph's size."""
    bom = _generated(10_000)
    chain = AIBOM()
    for i in range(3000):
        chain.add(Artifact(id=f"v{i:05d}", kind="model", license="MIT"))
        if i:
            chain.relate(f"v{i:05d}", "fine_tuned_from", f"v{i - 1:05d}")
    report = _report(bom, {"m-4000": "error", "data-17": "warning"})
    for graph, findings in ((bom, report), (chain, None)):
        svg = graph_svg(graph, findings)
        assert len(_nodes(svg)) <= 80
    assert "sev-error" in _artifact_nodes(graph_svg(bom, report))["m-4000"].get("class", "")


def test_3000_artifacts_view_is_bounded() -> None:
    """The view of a large graph has at most max_nodes nodes, the rest counted as folded."""
    result = view(_generated(3000), max_nodes=80)
    assert len(result.nodes) <= 80
    assert result.hidden > 2000


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "\"quotes\" & 'apostrophes'",
    "\x1b[2J\x00\x07bell",
    "line\nbreak\r\u2028sep",
    "javascript:alert(1)",
    "]]><script>alert(1)</script>",
    "\ud800 lone surrogate \uffff",
]


def test_hostile_ids_names_and_licenses_stay_text() -> None:
    """Markup, quotes, control characters and script URLs from the input are escaped text: the XML
    stays well-formed, no element or attribute comes from the input, nothing points outside."""
    bom = AIBOM()
    for i, text in enumerate(HOSTILE):
        bom.add(Artifact(id=f"{text}-{i}", kind="dataset", name=text, license=text))
    bom.add(Artifact(id="m", kind="model", name="x" * 200, license="MIT"))
    for i, text in enumerate(HOSTILE):
        bom.relate("m", "trained_on", f"{text}-{i}")
    report = _report(bom, {f"{HOSTILE[0]}-0": "error"})
    svg = graph_svg(bom, report, title=HOSTILE[0])
    svg.encode("utf-8")  # no lone surrogate left
    root = ET.fromstring(svg)
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= {
        "svg",
        "defs",
        "marker",
        "path",
        "rect",
        "g",
        "title",
        "text",
        "ellipse",
        "polygon",
        "circle",
    }
    for el in root.iter():
        assert not {"href", "src", "onerror", "{http://www.w3.org/1999/xlink}href"} & set(el.attrib)
    assert "<img" not in svg and "<script" not in svg and "\x1b" not in svg and "\x00" not in svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert "\\x1b[2J" in svg  # shown, not obeyed
    assert len(_artifact_nodes(svg)) == len(bom)
    ids = {g.get("data-id") for g in _nodes(svg)}
    assert f"{HOSTILE[0]}-0" in ids and f"{HOSTILE[1]}-1" in ids
    long_label = next(t.text for t in root.iter(f"{SVG}text") if (t.text or "").startswith("xxx"))
    assert long_label is not None and long_label.endswith("…") and len(long_label) <= 30
    title = _artifact_nodes(svg)["m"].find(f"{SVG}title")
    assert title is not None and "x" * 200 in (title.text or "")  # the whole label in the tooltip


def test_no_external_reference() -> None:
    """Only in-document references (the markers): nothing a page would fetch."""
    svg = graph_svg(aiprov.load(CHAT), title="https://example.org")
    assert "href" not in svg and "src=" not in svg and "@import" not in svg
    assert not re.search(r"url\((?!#)", svg)


def test_every_edge_points_up_and_no_row_is_too_wide() -> None:
    """Without cycles, every relation points from a lower row to a higher one (origins on top),
    also after wide layers are spread over several rows; no row holds more than ROW_LIMIT nodes."""
    for bom in (_generated(60), _generated(300), aiprov.load(CHAT)):
        result = view(bom, max_nodes=80)
        for e in result.edges:
            assert result.nodes[e.target].layer < result.nodes[e.source].layer
        rows: dict[int, int] = {}
        for node in result.nodes:
            rows[node.layer] = rows.get(node.layer, 0) + 1
        assert max(rows.values()) <= ROW_LIMIT


def test_shape_follows_the_kind() -> None:
    """Model: rounded box; weights: hexagon; dataset: cylinder; code: box with </>; document: page
    with a folded corner; service: ellipse."""
    bom = AIBOM()
    for kind in ("model", "weights", "dataset", "code", "document", "service"):
        bom.add(Artifact(id=kind, kind=kind, license="MIT"))
    nodes = _artifact_nodes(graph_svg(bom))
    tags = {k: [child.tag.removeprefix(SVG) for child in g] for k, g in nodes.items()}
    assert tags["model"][1] == "rect" and nodes["model"][1].get("rx") == "10"
    assert tags["weights"][1] == "polygon"
    assert tags["dataset"][1:3] == ["path", "ellipse"]
    assert tags["code"][1:3] == ["rect", "text"] and nodes["code"][2].text == "</>"
    assert tags["document"][1:3] == ["path", "path"]
    assert tags["service"][1] == "ellipse"
