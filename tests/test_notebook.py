"""examples/notebook.ipynb: shipped clean, and when run, every aiprov object in it renders as HTML."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"

#: The last line of each cell whose result is an aiprov object, and what it is.
DISPLAYED = {
    "bom": "bom",
    "report": "report",
    "finding": "report.findings[0]",
    "obligations": "aiprov.obligations(bom, report.policy)",
    "openness": "aiprov.openness(bom)",
    "terms": 'aiprov.license_terms("llama3.1")',
    "verdict": 'aiprov.is_compatible("Apache-2.0", "GPL-3.0-only")',
}


def test_notebook_is_committed_without_outputs() -> None:
    """The shipped notebook is valid nbformat 4 with no outputs or execution counts (small, clean diffs)."""
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, cell.source


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Execute the notebook with this interpreter (the one aiprov is installed in), in its own folder
    (so its relative paths resolve), and write the executed copy into ``tmp_path``."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # A kernel of our own, found first on JUPYTER_PATH: a "python3" kernel the user registered could be
    # another interpreter, without aiprov or with another copy of it.
    kernels = tmp_path / "jupyter" / "kernels" / "aiprov-test"
    kernels.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "aiprov test",
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="aiprov-test",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    nbformat.write(nb, tmp_path / "executed.ipynb")
    return nb


@pytest.mark.slow
def test_executed_notebook_renders_every_object_as_html(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run headless, the notebook raises nothing; the bom, report, finding, obligations, openness,
    license terms and verdict each display as HTML (the bom and report with the graph as inline SVG),
    with no external resource; the errors DataFrame is a table."""
    nb = _run(tmp_path, monkeypatch)
    results: dict[str, dict[str, Any]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
        last = cell.source.strip().splitlines()[-1]
        shown = [o for o in cell.outputs if o.output_type in ("execute_result", "display_data")]
        if shown:
            results[last] = shown[-1]["data"]
    for name, line in DISPLAYED.items():
        assert line in results, f"{name}: the cell ending in {line!r} shows nothing"
        html = results[line].get("text/html")
        assert html, f"{name} ({line}) has no text/html representation"
        assert not re.search(r"""\bsrc\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//""", html), (
            f"{name} loads from the network"
        )
    for name in ("bom", "report"):
        assert "<svg" in results[DISPLAYED[name]]["text/html"], f"{name} shows no graph"
    report_html = results["report"]["text/html"]
    for code in ("naming-requirement", "noncommercial-use", "relicense-conflict"):
        assert code in report_html
    assert "naming-requirement" in results[DISPLAYED["finding"]]["text/html"]
    frames = [data for line, data in results.items() if line.startswith("errors[")]
    assert frames and "<table" in frames[0]["text/html"]
    assert "customer-dialogs-nc" in frames[0]["text/html"]
