"""The supply-chain graph as a Mermaid flowchart: in the Markdown report, every artifact labelled,
shaped by kind, classed by the worst finding, and no input able to leave its label or the block."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import aiprov
from aiprov.analysis import Policy
from aiprov.analysis.checks import Finding, Report
from aiprov.graph import AIBOM, Artifact
from aiprov.report.findings import findings_markdown
from aiprov.report.mermaid import MAX_EDGES, graph_mermaid

ROOT = Path(__file__).resolve().parent.parent
CHAT = ROOT / "examples" / "chat-product" / "aibom.yaml"
NODE = re.compile(r'^    (n\d+)(\(\[|\[\(|\[/|\[\[|\{\{|\(|>|\[)"(.*)"(\]\)|\)\]|/\]|\]\]|\}\}|\)|\])$')
EDGE = re.compile(r'^    (n\d+) (-->|-\.->)\|"([^"]*)"\| (n\d+)$')


def _mermaid_block(markdown: str) -> str:
    blocks = re.findall(r"^```mermaid\n(.*?)^```$", markdown, flags=re.S | re.M)
    assert len(blocks) == 1
    return blocks[0]


def _parse(body: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str]], dict[str, str]]:
    """Nodes (id -> shape opening, label), edges (source, label, target) and classes of a body that
    uses only the statements graph_mermaid writes: any other line fails the test."""
    lines = body.rstrip("\n").split("\n")
    assert lines[0] == "flowchart BT"
    nodes: dict[str, tuple[str, str]] = {}
    edges: list[tuple[str, str, str]] = []
    classes: dict[str, str] = {}
    for line in lines[1:]:
        if m := NODE.match(line):
            nodes[m.group(1)] = (m.group(2), m.group(3))
        elif m := EDGE.match(line):
            edges.append((m.group(1), m.group(3), m.group(4)))
        elif line.startswith("    classDef sev_"):
            continue
        elif m := re.match(r"^    class ([n\d,]+) (sev_\w+)$", line):
            for node in m.group(1).split(","):
                classes[node] = m.group(2)
        else:
            raise AssertionError(f"unexpected line: {line!r}")
    return nodes, edges, classes


def test_check_markdown_has_a_mermaid_graph_with_every_artifact() -> None:
    """`aiprov check --format markdown` ends with a Graph section: one node per artifact, labelled
    with its label and license, the relation kinds on the edges, the worst severity as class."""
    run = subprocess.run(
        [sys.executable, "-m", "aiprov", "check", str(CHAT), "--format", "markdown"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "## Graph" in run.stdout
    nodes, edges, classes = _parse(_mermaid_block(run.stdout))
    bom = aiprov.load(CHAT)
    report = aiprov.check(bom)
    by_label = {label.split("<br/>")[0]: node for node, (_, label) in nodes.items()}
    assert sorted(by_label) == sorted(a.label for a in bom)
    assert sorted(kind for _, kind, _ in edges) == sorted(r.kind for r in bom.relations)
    worst = {}
    for f in sorted(report.findings, key=lambda f: ("error", "warning", "info").index(f.severity)):
        worst.setdefault(f.subject, f.severity)
    for a in bom:
        node = by_label[a.label]
        assert classes[node] == f"sev_{worst.get(a.id, 'none')}"
        assert (a.license or "") in nodes[node][1]
    shapes = {a.kind: nodes[by_label[a.label]][0] for a in bom}
    assert shapes["dataset"] == "[(" and shapes["service"] == "([" and shapes["model"] == "("
    # Edges point from the dependent to what it depends on (Mermaid's BT puts the base on top).
    label_of = {node: label.split("<br/>")[0] for node, (_, label) in nodes.items()}
    named = {(label_of[s], k, label_of[t]) for s, k, t in edges}
    assert ("acme-chat-8b 1.2", "fine_tuned_from", "Llama-3.1-8B-Instruct") in named


def test_markdown_without_the_bom_has_no_graph() -> None:
    bom = aiprov.load(CHAT)
    assert "```mermaid" not in findings_markdown(aiprov.check(bom))


def test_same_input_same_text_and_large_graphs_fold() -> None:
    """Deterministic; 300 artifacts fold into at most max_nodes nodes, errors kept."""
    bom = AIBOM()
    for i in range(300):
        bom.add(Artifact(id=f"d{i:03d}", kind="dataset", license="CC-BY-4.0"))
    bom.add(Artifact(id="m", kind="model", license="MIT"))
    for i in range(300):
        bom.relate("m", "trained_on", f"d{i:03d}")
    report = Report(
        findings=(Finding(code="c", severity="error", subject="d123", message="x"),),
        policy=Policy(),
        artifacts=len(bom),
        relations=bom.relation_count,
    )
    body = graph_mermaid(bom, report, max_nodes=10)
    assert graph_mermaid(bom, report, max_nodes=10) == body
    nodes, edges, classes = _parse(body)
    assert len(nodes) <= 10
    d123 = next(node for node, (_, label) in nodes.items() if label.startswith("d123<br/>"))
    assert classes[d123] == "sev_error"
    clusters = [label for shape, label in nodes.values() if shape == "[["]
    assert clusters and all(re.match(r"\d+ datasets<br/>", label) for label in clusters)
    assert any("×" in kind for _, kind, _ in edges)


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    '"]) --> evil["pwned',
    "#lt;script#gt;alert(1)#lt;/script#gt;",
    "a\n```\n# heading\n<script>alert(1)</script>",
    "\x1b[2J `code` & end",
    'click n0 href "javascript:alert(1)"',
]


def test_hostile_labels_stay_inside_their_label_and_the_block() -> None:
    """Labels from the input carry no quote, angle bracket, ampersand, backtick, newline or Mermaid
    entity of their own: they cannot end the label, add a statement, inject HTML or end the fence."""
    bom = AIBOM()
    bom.add(Artifact(id="root", kind="model", license="MIT"))
    for i, text in enumerate(HOSTILE):
        bom.add(Artifact(id=f"h{i}", kind="document", name=text, license=text))
        bom.relate("root", "depends_on", f"h{i}")
    report = aiprov.check(bom)
    markdown = findings_markdown(report, bom)
    body = _mermaid_block(markdown)  # exactly one block: no fence broken out of
    nodes, edges, _ = _parse(body)  # only the statements graph_mermaid writes
    assert len(nodes) == len(bom) and len(edges) == len(HOSTILE)
    for _, label in nodes.values():
        text = label.replace("<br/>", "")
        assert not set(text) & set('"<>`\n')
        # every '#' and '&' is part of one of the entity codes we write
        assert re.fullmatch(r"(?:[^#&]|#(?:quot|35|amp|lt|gt|96);)*", text)
    assert "#35;lt;script#35;gt;" in body  # a Mermaid entity in the input stays literal text
    assert "<img" not in body and "<script" not in body and "\x1b" not in body
    assert "\\x1b[2J" in body


def test_dense_graphs_fold_until_mermaid_accepts_them() -> None:
    """Mermaid refuses charts of more than 500 edges: 60 artifacts with 900 relations fold further."""
    bom = AIBOM()
    for i in range(30):
        bom.add(Artifact(id=f"m{i}", kind="model", license="MIT"))
        bom.add(Artifact(id=f"d{i}", kind="dataset", license="MIT"))
    for i in range(30):
        for j in range(30):
            bom.relate(f"m{i}", "trained_on", f"d{j}")
    nodes, edges, _ = _parse(graph_mermaid(bom, max_nodes=80))
    assert 0 < len(edges) <= MAX_EDGES
    assert len(nodes) < 60
