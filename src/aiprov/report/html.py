"""The check report as one self-contained HTML page: ``aiprov check --format html``.

The page makes no request of its own: styles, the lineage graph (inline SVG) and the small filter
script are all inline, nothing from the input becomes a link, and a Content-Security-Policy allows
only the page's own script (by its hash), inline styles and ``data:`` images. With scripts off,
every finding is shown and the filter controls stay hidden; printed, every group is open. The page
is deterministic: the same input gives the same bytes (no date, no random ids).
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from aiprov.report._html import (
    artifact_table,
    bom_title,
    esc,
    findings_html,
    graph,
    obligations_html,
    policy_text,
    relation_table,
    summary_cards,
)
from aiprov.report._html_css import CSS, PAGE_CSS

if TYPE_CHECKING:
    from aiprov.analysis.checks import Report
    from aiprov.analysis.obligations import ObligationReport
    from aiprov.analysis.openness import OpennessReport
    from aiprov.graph import AIBOM

__all__ = ["report_page"]

#: Findings the page renders at most (a file of millions of rows opens in no browser); the rest are
#: counted on the page and are in ``--format json``.
PAGE_MAX_ROWS = 10_000

#: Shows the filters (hidden without scripts), hides rows and groups that do not match, and opens
#: every group for printing. Written for the page's own markup only.
_SCRIPT = """(function () {
  var form = document.getElementById("filters");
  if (!form) return;
  form.hidden = false;
  var out = document.getElementById("shown");
  function apply() {
    var sev = {};
    form.querySelectorAll("input[name=sev]").forEach(function (c) { sev[c.value] = c.checked; });
    var code = form.querySelector("select[name=code]").value;
    var shown = 0, total = 0;
    document.querySelectorAll("#findings details.group").forEach(function (group) {
      var any = 0;
      group.querySelectorAll("tr.finding").forEach(function (row) {
        total++;
        var ok = sev[row.getAttribute("data-sev")] && (!code || row.getAttribute("data-code") === code);
        row.hidden = !ok;
        if (ok) { any++; shown++; }
      });
      group.hidden = !any;
      if (code && any) group.open = true;
    });
    out.textContent = "showing " + shown + " of " + total + " findings";
  }
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.setAttribute("data-closed", ""); d.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-closed]").forEach(function (d) {
      d.removeAttribute("data-closed"); d.open = false;
    });
  });
})();"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
_CSP = (
    f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{_SCRIPT_HASH}'; "
    "form-action 'none'; base-uri 'none'"
)


def _filters(report: Report) -> str:
    by_code: dict[str, int] = report.summary()["by_code"]
    counts = {
        "error": report.count("error"),
        "warning": report.count("warning"),
        "info": report.count("info"),
    }
    boxes = "".join(
        f'<label><input type="checkbox" name="sev" value="{sev}" checked> '
        f'<span class="sev sev-{sev}">{label}</span> ({counts[sev]:,})</label>'
        for sev, label in (("error", "✖ errors"), ("warning", "▲ warnings"), ("info", "ℹ info"))
    )
    options = "".join(
        f'<option value="{esc(code)}">{esc(code)} ({n:,})</option>' for code, n in by_code.items()
    )
    return (
        '<form class="filters" id="filters" hidden aria-label="Filter findings">'
        f"<span><b>Show</b></span>{boxes}"
        f'<label>Code <select name="code"><option value="">all codes</option>{options}</select></label>'
        '<output id="shown" aria-live="polite"></output></form>'
    )


def _section(anchor: str, heading: str, body: str) -> str:
    return f'<section aria-labelledby="h-{anchor}"><h2 id="h-{anchor}">{heading}</h2>{body}</section>'


def report_page(
    bom: AIBOM,
    report: Report,
    *,
    obligations: ObligationReport | None = None,
    openness: OpennessReport | None = None,
    title: str | None = None,
    max_rows: int | None = PAGE_MAX_ROWS,
) -> str:
    """One HTML5 document: header with the use judged, summary cards, the lineage graph, findings
    grouped by artifact (filterable by severity and code), obligations and openness when given, and
    the artifacts. ``max_rows`` bounds the findings rendered (None: all)."""
    from aiprov import __version__

    name = title or bom_title(bom) or "AI supply chain"
    s = report.summary()
    policy = report.policy
    judged = policy_text(policy) + (f" · policy: {policy.source}" if policy.source else "")
    verdict = (
        f"{s['errors']:,} error(s), {s['warnings']:,} warning(s), {s['infos']:,} info"
        + (f", {s['waived']:,} waived" if s["waived"] else "")
        + f" over {s['artifacts']:,} artifacts and {s['relations']:,} relations."
    )
    sections = [("summary", "Summary"), ("graph", "Lineage graph"), ("findings", "Findings")]
    if obligations is not None:
        sections.append(("obligations", "Obligations"))
    if openness is not None:
        sections.append(("openness", "Openness"))
    sections.append(("artifacts", "Artifacts"))
    nav = " · ".join(f'<a href="#h-{a}">{h}</a>' for a, h in sections)
    body = [
        f"<header><h1>{esc(name)}</h1>"
        f'<p class="lead">License and provenance check by aiprov · <b>judged for:</b> {esc(judged)}</p>'
        f'<nav aria-label="Sections" class="muted">{nav}</nav></header>',
        _section("summary", "Summary", summary_cards(report) + f"<p>{esc(verdict)}</p>"),
        _section("graph", "Lineage graph", graph(bom, report) or '<p class="muted">No artifacts.</p>'),
        '<div id="findings">'
        + _section(
            "findings",
            "Findings",
            (_filters(report) if report.findings else "")
            + findings_html(report.findings, bom, max_rows=max_rows, per_group=None),
        )
        + "</div>",
    ]
    if report.waived:
        body.append(
            _section(
                "waived",
                "Waived findings",
                findings_html(report.waived, bom, max_rows=max_rows, per_group=None),
            )
        )
    if obligations is not None:
        body.append(
            _section(
                "obligations", "Obligations", obligations_html(obligations, bom, max_rows=None, wrapped=False)
            )
        )
    if openness is not None:
        from aiprov.report._html_openness import openness_html

        body.append(_section("openness", "Openness", openness_html(openness, wrapped=False)))
    artifacts = artifact_table(bom, max_rows=None)
    if bom.relation_count:
        artifacts += f"<h3>Relations</h3>{relation_table(bom, max_rows=None)}"
    body.append(_section("artifacts", "Artifacts", artifacts))
    body.append(
        f"<footer>Made by aiprov {esc(__version__)}. aiprov gives information, not legal advice: where a "
        "license text is ambiguous or the law is unsettled, the finding says so.</footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="generator" content="aiprov">\n'
        f"<title>{esc(name)} · aiprov report</title>\n<style>{CSS}{PAGE_CSS}</style>\n</head>\n"
        '<body>\n<main class="aiprov page">\n' + "\n".join(body) + "\n</main>\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
