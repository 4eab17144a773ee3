"""Reports as self-contained HTML pages: ``--format html`` of ``aiprov check`` (:func:`report_page`),
``obligations``, ``openness``, ``diff`` and ``verify``. Each is built by :func:`page`, one shell
(header with the use judged, section links, footer, styles, script, policy), from the fragments of
``_html*.py``, so every page looks and behaves alike.

A page makes no request of its own: styles, the lineage graph (inline SVG) and the small filter
script are all inline, nothing from the input becomes a link, and a Content-Security-Policy allows
only the page's own script (by its hash), inline styles and ``data:`` images. With scripts off,
every finding is shown and the filter controls stay hidden; printed, every group is open. The page
is deterministic: the same input gives the same bytes (no date, no random ids).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING

from aiprov.report._html import (
    artifact_table,
    bom_title,
    cards_html,
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
    from aiprov.analysis.policy import Policy
    from aiprov.graph import AIBOM
    from aiprov.provenance.verify import VerifyReport
    from aiprov.report.diff import BomDiff

__all__ = ["diff_page", "obligations_page", "openness_page", "page", "report_page", "verify_page"]

#: Findings the page renders at most (a file of millions of rows opens in no browser); the rest are
#: counted on the page and are in ``--format json``.
PAGE_MAX_ROWS = 10_000

#: Opens every group for printing; on the check page, shows the filters (hidden without scripts) and
#: hides rows and groups that do not match. Written for the pages' own markup only.
_SCRIPT = """(function () {
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
    return f'<section id="{anchor}" aria-labelledby="h-{anchor}"><h2 id="h-{anchor}">{heading}</h2>{body}</section>'


def judged(policy: Policy) -> str:
    """The use judged and the policy's file, in words (for a page's header line)."""
    return policy_text(policy) + (f" · policy: {policy.source}" if policy.source else "")


def page(
    title: str,
    sections: Sequence[tuple[str, str, str]],
    *,
    lead: str,
    header_extra: str = "",
    doc_title: str = "aiprov report",
) -> str:
    """The one page shell every HTML report shares: header (``title``, the ``lead`` line of HTML,
    ``header_extra`` such as badges, the section links), the ``(anchor, heading, body)`` sections,
    the footer; the stylesheet and the page's script inline, under a Content-Security-Policy that
    allows nothing else."""
    from aiprov import __version__

    nav = " · ".join(f'<a href="#h-{a}">{h}</a>' for a, h, _ in sections)
    body = [
        f'<header><h1>{esc(title)}</h1><p class="lead">{lead}</p>{header_extra}'
        f'<nav aria-label="Sections" class="muted">{nav}</nav></header>',
        *(_section(a, h, b) for a, h, b in sections),
        f"<footer>Made by aiprov {esc(__version__)}. aiprov gives information, not legal advice: where a "
        "license text is ambiguous or the law is unsettled, the finding says so.</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="generator" content="aiprov">\n'
        f"<title>{esc(title)} · {esc(doc_title)}</title>\n<style>{CSS}{PAGE_CSS}</style>\n</head>\n"
        '<body>\n<main class="aiprov page">\n' + "\n".join(body) + "\n</main>\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


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
    s = report.summary()
    verdict = (
        f"{s['errors']:,} error(s), {s['warnings']:,} warning(s), {s['infos']:,} info"
        + (f", {s['waived']:,} waived" if s["waived"] else "")
        + f" over {s['artifacts']:,} artifacts and {s['relations']:,} relations."
    )
    sections = [
        ("summary", "Summary", summary_cards(report) + f"<p>{esc(verdict)}</p>"),
        ("graph", "Lineage graph", graph(bom, report) or '<p class="muted">No artifacts.</p>'),
        (
            "findings",
            "Findings",
            (_filters(report) if report.findings else "")
            + findings_html(report.findings, bom, max_rows=max_rows, per_group=None),
        ),
    ]
    if report.waived:
        sections.append(
            (
                "waived",
                "Waived findings",
                findings_html(report.waived, bom, max_rows=max_rows, per_group=None),
            )
        )
    if obligations is not None:
        sections.append(
            ("obligations", "Obligations", obligations_html(obligations, bom, max_rows=None, wrapped=False))
        )
    if openness is not None:
        from aiprov.report._html_openness import openness_html

        sections.append(("openness", "Openness", openness_html(openness, wrapped=False)))
    sections.append(("artifacts", "Artifacts", _artifacts(bom)))
    return page(
        title or bom_title(bom) or "AI supply chain",
        sections,
        lead=f"License and provenance check by aiprov · <b>judged for:</b> {esc(judged(report.policy))}",
    )


def _artifacts(bom: AIBOM) -> str:
    out = artifact_table(bom, max_rows=None)
    if bom.relation_count:
        out += f"<h3>Relations</h3>{relation_table(bom, max_rows=None)}"
    return out


def obligations_page(bom: AIBOM, report: ObligationReport, *, title: str | None = None) -> str:
    """``aiprov obligations --format html``: what to do to ship, by artifact (each with its license
    and clause, and the path it came along), beside the lineage graph it came along."""
    groups = report.by_subject()
    actions: dict[str, int] = {}
    for ob in report.obligations:
        actions[ob.action] = actions.get(ob.action, 0) + 1
    cards = [
        ("plain", "Obligations", len(report.obligations)),
        ("plain", "Artifacts with duties", len(groups)),
    ]
    summary = cards_html(cards)
    if actions:
        summary += (
            "<p>"
            + " · ".join(f'<span class="action">{esc(a)}</span> {n:,}' for a, n in sorted(actions.items()))
            + "</p>"
        )
    sections = [
        ("summary", "Summary", summary),
        ("graph", "Lineage graph", graph(bom) or '<p class="muted">No artifacts.</p>'),
        ("obligations", "Obligations", obligations_html(report, bom, max_rows=None, wrapped=False)),
        ("artifacts", "Artifacts", _artifacts(bom)),
    ]
    return page(
        title or bom_title(bom) or "AI supply chain",
        sections,
        lead=f"Obligations to ship, by aiprov · <b>judged for:</b> {esc(judged(report.policy))}",
        doc_title="aiprov obligations",
    )


def openness_page(report: OpennessReport, *, title: str | None = None) -> str:
    """``aiprov openness --format html``: the badges, then the OSAID verdict requirement by requirement
    and the MOF class component by component."""
    from aiprov.report._html_openness import mof_body, osaid_body
    from aiprov.report.openness import mof_badge, osaid_badge

    badges = []
    sections = []
    if report.osaid is not None:
        badges.append(osaid_badge(report))
        heading = f"Open Source AI Definition {esc(report.osaid.version)}"
        sections.append(("osaid", heading, osaid_body(report.osaid)))
    if report.mof is not None:
        badges.append(mof_badge(report))
        heading = f"Model Openness Framework {esc(report.mof.framework_version)}"
        sections.append(("mof", heading, mof_body(report.mof)))
    if not sections:
        sections.append(("none", "Openness", '<p class="muted">No framework evaluated.</p>'))
    return page(
        title or f"Openness of {report.name or 'the release'}",
        sections,
        lead="Is it open? Judged by aiprov against the OSI's Open Source AI Definition and the "
        "LF AI &amp; Data Model Openness Framework",
        header_extra=f'<p class="badges">{" ".join(badges)}</p>' if badges else "",
        doc_title="aiprov openness",
    )


def diff_page(d: BomDiff, old_name: str = "old", new_name: str = "new") -> str:
    """``aiprov diff --format html``: what changed from ``old_name`` to ``new_name``, and the findings
    that appeared (coloured by severity, as on the check page) or went away."""
    from aiprov.report._html_diff import diff_artifacts, diff_cards, diff_findings, diff_relations

    new, gone = diff_findings(d)
    sections = [
        (
            "summary",
            "Summary",
            diff_cards(d) + ("" if not d.empty else '<p class="none">No differences.</p>'),
        ),
        ("changes", "Artifacts", diff_artifacts(d)),
        ("relations", "Relations", diff_relations(d)),
        ("new", "New findings", new),
        ("gone", "Findings gone", gone),
    ]
    return page(
        f"{old_name} → {new_name}",
        sections,
        lead=f"What changed, by aiprov diff · <b>new side judged for:</b> {esc(judged(d.new_report.policy))}",
        doc_title="aiprov diff",
    )


def verify_page(
    report: VerifyReport, bom: AIBOM | None = None, *, title: str | None = None, source: str | None = None
) -> str:
    """``aiprov verify --format html``: the findings, each file against its digests, each signature.
    Titled by ``title``, else the BOM's own name, else the name of its file ``source``."""
    from aiprov.report._html_verify import files_html, signatures_html, verify_cards

    sections = [
        ("summary", "Summary", verify_cards(report) + summary_cards(report)),
        ("findings", "Findings", findings_html(report.findings, bom, max_rows=PAGE_MAX_ROWS, per_group=None)),
        ("files", "Files", files_html(report)),
        ("signatures", "Signatures", signatures_html(report)),
    ]
    if report.waived:
        sections.insert(2, ("waived", "Waived findings", findings_html(report.waived, bom, per_group=None)))
    return page(
        title
        or (bom_title(bom) if bom is not None else None)
        or (f"Verification of {PurePath(source).name}" if source else "AI supply chain"),
        sections,
        lead=f"Files and signatures verified by aiprov · <b>judged for:</b> {esc(judged(report.policy))}",
        doc_title="aiprov verify",
    )
