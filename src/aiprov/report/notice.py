"""The notice file a distributor ships: attributions, notices, data credits, restrictions, texts.

Built from the obligations that reach the shipped artifacts (by default the artifacts nothing
else in the graph depends on: the product), so every line of it says which license asks for it
and by which clause. Software notice reporters (ORT's among them) list copyright lines and license
texts; an AI supply chain adds "Built with …" displays, the notices model licenses quote, the
credit that data licenses ask for with the dataset's real name and source, and the use policies
that recipients must be bound by.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiprov.analysis.obligations import Obligation, ObligationReport
from aiprov.graph import AIBOM, Artifact
from aiprov.licenses.catalog import Catalog, default_catalog
from aiprov.licenses.terms import LicenseTerms
from aiprov.report import _json
from aiprov.report._escape import markdown as _md
from aiprov.report._escape import plain as _plain

__all__ = ["Notice", "build_notice", "notice_html", "notice_json", "notice_markdown", "notice_text"]

_COPYRIGHT_KEYS = ("copyright", "cyclonedx:copyright", "spdx2:copyright_text", "spdx3:copyrightText")


@dataclass(frozen=True, slots=True)
class Duty:
    """One line of the notice: what to show or do, the license and clause that ask for it, and
    the shipped artifacts (and the paths) it applies to."""

    text: str
    license: str
    license_name: str
    clause: str | None
    paths: tuple[tuple[str, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "license": self.license,
            "license_name": self.license_name,
            "clause": self.clause,
            "paths": [list(p) for p in self.paths],
        }


@dataclass(frozen=True, slots=True)
class Credit:
    """A data source to credit: the dataset's own name, supplier, source and license."""

    dataset: str
    name: str
    supplier: str | None
    source: str | None
    license: str
    license_name: str
    license_url: str | None
    clause: str | None
    copyright: str | None
    paths: tuple[tuple[str, ...], ...]
    attribution: str | None = None  # the words the license asks for, with the dataset's name filled in

    def to_dict(self) -> dict[str, Any]:
        return {
            "attribution": self.attribution,
            "dataset": self.dataset,
            "name": self.name,
            "supplier": self.supplier,
            "source": self.source,
            "license": self.license,
            "license_name": self.license_name,
            "license_url": self.license_url,
            "clause": self.clause,
            "copyright": self.copyright,
            "paths": [list(p) for p in self.paths],
        }


@dataclass(frozen=True, slots=True)
class LicenseText:
    """A license whose text goes with the product: where its text is, and what it incorporates."""

    id: str
    name: str
    url: str | None
    incorporates: tuple[tuple[str, str, str | None], ...]  # (id, name, url) of incorporated policies

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "url": self.url,
            "incorporates": [{"id": i, "name": n, "url": u} for i, n, u in self.incorporates],
        }


@dataclass(frozen=True, slots=True)
class Notice:
    """Everything the notice file says, as data (rendered by the ``notice_*`` functions)."""

    title: str
    shipped: tuple[str, ...]
    distribution: str
    attributions: tuple[Duty, ...] = ()
    notices: tuple[Duty, ...] = ()
    credits: tuple[Credit, ...] = ()
    restrictions: tuple[Duty, ...] = ()
    naming: tuple[Duty, ...] = ()
    source_offers: tuple[Duty, ...] = ()
    copyrights: tuple[tuple[str, str], ...] = ()  # (artifact label, copyright line)
    licenses: tuple[LicenseText, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "shipped": list(self.shipped),
            "distribution": self.distribution,
            "attributions": [d.to_dict() for d in self.attributions],
            "notices": [d.to_dict() for d in self.notices],
            "credits": [c.to_dict() for c in self.credits],
            "restrictions": [d.to_dict() for d in self.restrictions],
            "naming": [d.to_dict() for d in self.naming],
            "source_offers": [d.to_dict() for d in self.source_offers],
            "copyrights": [{"artifact": a, "copyright": c} for a, c in self.copyrights],
            "licenses": [lic.to_dict() for lic in self.licenses],
        }


def shipped_artifacts(bom: AIBOM) -> tuple[str, ...]:
    """The product: artifacts that nothing else in the graph depends on, contains or derives from."""
    targets = {r.target for r in bom.relations}
    return tuple(sorted(a.id for a in bom if a.id not in targets))


def _name(terms: LicenseTerms | None, license_id: str) -> str:
    return terms.name if terms is not None else license_id


def _duties(
    obligations: Iterable[Obligation],
    action: str,
    catalog: Catalog,
    text: Callable[[Obligation, LicenseTerms | None], str] | None = None,
) -> tuple[Duty, ...]:
    """The obligations of one action, one :class:`Duty` per (line, license), with every path."""
    grouped: dict[tuple[str, str], list[Obligation]] = {}
    for ob in obligations:
        if ob.action == action:
            key = (text(ob, catalog.get(ob.license)) if text else ob.text, ob.license)
            grouped.setdefault(key, []).append(ob)
    return tuple(
        Duty(
            text=line,
            license=license_id,
            license_name=_name(catalog.get(license_id), license_id),
            clause=obs[0].clause,
            paths=tuple(sorted({ob.path for ob in obs})),
        )
        for (line, license_id), obs in sorted(grouped.items())
    )


def _copyright(artifact: Artifact) -> str | None:
    for key in _COPYRIGHT_KEYS:
        value = artifact.properties.get(key)
        if isinstance(value, str) and value.strip() and value.strip() not in ("NOASSERTION", "NONE"):
            return value.strip()
    return None


def _document_name(bom: AIBOM) -> str | None:
    """The name the document gives the whole (manifest metadata, else a reader's ``name``)."""
    manifest = bom.metadata.get("manifest")
    if isinstance(manifest, dict) and isinstance(manifest.get("name"), str):
        return str(manifest["name"])
    name = bom.metadata.get("name")
    return name if isinstance(name, str) else None


def _reached(bom: AIBOM, shipped: Sequence[str]) -> list[str]:
    """Every artifact the shipped ones are made from or with (following relations forwards)."""
    seen: dict[str, None] = {}
    stack = list(shipped)
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen[current] = None
        stack.extend(r.target for r in bom.outgoing(current))
    return sorted(seen)


def build_notice(
    bom: AIBOM,
    report: ObligationReport,
    *,
    shipped: Sequence[str] | None = None,
    catalog: Catalog | None = None,
) -> Notice:
    """The notice for ``shipped`` (default: :func:`shipped_artifacts`), from ``report``'s obligations."""
    catalog = catalog or default_catalog()
    chosen = tuple(shipped) if shipped else shipped_artifacts(bom)
    for artifact_id in chosen:
        bom[artifact_id]  # raises a GraphError naming an unknown id
    obs = [ob for ob in report.obligations if ob.subject in chosen]

    credits: dict[tuple[str, str], list[Obligation]] = {}
    for ob in obs:
        if ob.action == "credit-data" and ob.path:
            credits.setdefault((ob.path[-1], ob.license), []).append(ob)
    credit_list = []
    for (dataset_id, license_id), group in sorted(credits.items()):
        dataset = bom[dataset_id]
        terms = catalog.get(license_id)
        credit_list.append(
            Credit(
                dataset=dataset_id,
                name=dataset.name or dataset_id,
                supplier=dataset.supplier,
                source=dataset.source,
                license=license_id,
                license_name=_name(terms, license_id),
                license_url=terms.source_url if terms else None,
                clause=group[0].clause,
                copyright=_copyright(dataset),
                paths=tuple(sorted({ob.path for ob in group})),
                attribution=terms.attribution_text.replace("DATABASE NAME", dataset.name or dataset_id)
                if terms is not None and terms.attribution_text
                else None,
            )
        )

    licenses: dict[str, LicenseText] = {}
    for ob in obs:
        if ob.action not in (
            "include-license",
            "include-notice",
            "pass-on-restrictions",
            "comply-with-policy",
        ):
            continue
        terms = catalog.get(ob.license)
        if terms is None or ob.license in licenses:
            continue
        incorporated = []
        for policy_id in terms.incorporates:
            policy = catalog.get(policy_id)
            incorporated.append(
                (policy_id, _name(policy, policy_id), policy.source_url if policy is not None else None)
            )
        licenses[ob.license] = LicenseText(
            id=ob.license, name=terms.name, url=terms.source_url, incorporates=tuple(incorporated)
        )
    for credit in credit_list:
        if credit.license not in licenses:
            licenses[credit.license] = LicenseText(
                id=credit.license, name=credit.license_name, url=credit.license_url, incorporates=()
            )

    reached = _reached(bom, chosen)
    copyrights = tuple((bom[a].label, line) for a in reached if (line := _copyright(bom[a])) is not None)

    def displayed(ob: Obligation, terms: LicenseTerms | None) -> str:
        """The words to display, with a placeholder such as ODbL's DATABASE NAME filled in."""
        words = terms.attribution_text if terms is not None and terms.attribution_text else ob.text
        origin = bom.get(ob.path[-1]) if ob.path else None
        return words.replace("DATABASE NAME", origin.name or origin.id) if origin is not None else words

    def passed_on(ob: Obligation, terms: LicenseTerms | None) -> str:
        if terms is None:
            return ob.text
        policies = [catalog.get(p) for p in terms.incorporates]
        named = [p.name + (f" ({p.source_url})" if p.source_url else "") for p in policies if p is not None]
        extra = f", including {' and '.join(named)}" if named else ""
        return f"Recipients must be bound by the use restrictions of the {terms.name}{extra}"

    return Notice(
        title=str(_document_name(bom) or ", ".join(bom[a].label for a in chosen) or "(empty)"),
        shipped=chosen,
        distribution=report.policy.use.distribution,
        attributions=_duties(obs, "display-attribution", catalog, text=displayed),
        notices=_duties(
            obs, "include-notice", catalog, text=lambda ob, _t: ob.text.removeprefix("include the notice ")
        ),
        credits=tuple(credit_list),
        restrictions=_duties(obs, "pass-on-restrictions", catalog, text=passed_on),
        naming=_duties(obs, "name-prefix", catalog),
        source_offers=_duties(obs, "offer-source", catalog) + _duties(obs, "offer-network-source", catalog),
        copyrights=copyrights,
        licenses=tuple(sorted(licenses.values(), key=lambda t: t.id)),
        labels={a.id: a.label for a in bom},
    )


# -- rendering -------------------------------------------------------------------------------------


def _via(notice: Notice, paths: Sequence[tuple[str, ...]]) -> str:
    return "; ".join(" → ".join(notice.labels.get(p, p) for p in path) for path in paths)


def _clause(license_name: str, clause: str | None) -> str:
    return f"{license_name} §{clause}" if clause else license_name


def _credit_line(credit: Credit) -> str:
    who = f" by {credit.supplier}" if credit.supplier else ""
    where = f", {credit.source}" if credit.source else ""
    link = f" ({credit.license_url})" if credit.license_url else ""
    return f"{credit.name}{who}{where}, licensed under {credit.license_name}{link}"


def _sections(notice: Notice) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(line, detail)]) for each non-empty section, in the order a notice file reads."""
    sections: list[tuple[str, list[tuple[str, str]]]] = []

    def duty_lines(duties: Sequence[Duty], quoted: bool = False) -> list[tuple[str, str]]:
        return [
            (
                f'"{d.text}"' if quoted else d.text,
                f"{_clause(d.license_name, d.clause)}; for {_via(notice, d.paths)}",
            )
            for d in duties
        ]

    if notice.attributions:
        sections.append(("Attribution to display", duty_lines(notice.attributions, quoted=True)))
    if notice.notices:
        sections.append(("Notices to include", duty_lines(notice.notices)))
    if notice.credits:
        sections.append(
            (
                "Data sources to credit",
                [
                    (
                        _credit_line(c)
                        + (f". {c.copyright}" if c.copyright else "")
                        + (f'. Display: "{c.attribution}"' if c.attribution else ""),
                        f"{_clause(c.license_name, c.clause)}; used via {_via(notice, c.paths)}",
                    )
                    for c in notice.credits
                ],
            )
        )
    if notice.restrictions:
        sections.append(("Use restrictions passed on to recipients", duty_lines(notice.restrictions)))
    if notice.naming:
        sections.append(("Naming", duty_lines(notice.naming)))
    if notice.source_offers:
        sections.append(("Source to offer", duty_lines(notice.source_offers)))
    if notice.copyrights:
        sections.append(("Copyright", [(line, label) for label, line in notice.copyrights]))
    if notice.licenses:
        lines = []
        for lic in notice.licenses:
            detail = lic.url or "text not known to aiprov: obtain it from the licensor"
            for _pid, pname, purl in lic.incorporates:
                detail += f"; incorporates {pname}" + (f" ({purl})" if purl else "")
            lines.append((f"{lic.name} ({lic.id})", detail))
        sections.append(("License texts to include", lines))
    return sections


def _preamble(notice: Notice) -> str:
    shipped = ", ".join(notice.labels.get(a, a) for a in notice.shipped)
    return (
        f"Third-party notices for {notice.title} ({shipped}; distribution: {notice.distribution}). "
        "Made by aiprov from the supply chain's licenses; each line names the license and clause "
        "that asks for it. Not legal advice."
    )


def notice_text(notice: Notice) -> str:
    """The notice as a plain text file (NOTICE)."""
    out = [_plain(f"NOTICE — {notice.title}"), "", _plain(_preamble(notice)), ""]
    for heading, lines in _sections(notice):
        out += [heading.upper(), "-" * len(heading)]
        for line, detail in lines:
            out += [_plain(f"* {line}"), _plain(f"    ({detail})")]
        out.append("")
    if len(out) == 4:
        out.append("Nothing in these licenses asks for a notice under this use.")
    return "\n".join(out).rstrip("\n") + "\n"


def notice_markdown(notice: Notice) -> str:
    """The notice as Markdown (NOTICE.md)."""
    out = [f"# Notices: {_md(notice.title)}", "", _md(_preamble(notice)), ""]
    for heading, lines in _sections(notice):
        out += [f"## {heading}", ""]
        out += [f"- {_md(line)}  \n  <sub>{_md(detail)}</sub>" for line, detail in lines]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def notice_html(notice: Notice) -> str:
    """The notice as one self-contained HTML page (inline CSS, no external requests)."""

    def esc(text: str) -> str:
        # control characters are not allowed in HTML text (and obeyed by a terminal showing the file)
        return html.escape(_plain(text), quote=True)

    body = [f"<h1>Notices: {esc(notice.title)}</h1>", f"<p class=lead>{esc(_preamble(notice))}</p>"]
    for heading, lines in _sections(notice):
        body.append(f"<h2>{esc(heading)}</h2><ul>")
        body += [f"<li>{esc(line)}<div class=detail>{esc(detail)}</div></li>" for line, detail in lines]
        body.append("</ul>")
    style = (
        "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}"
        "h1{font-size:1.6rem}h2{font-size:1.15rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}"
        "li{margin:.4rem 0}.detail{color:#57606a;font-size:.85rem}.lead{color:#57606a}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Notices: {esc(notice.title)}</title><style>{style}</style></head><body>\n"
        + "\n".join(body)
        + "\n<footer class=detail>Made by aiprov.</footer></body></html>\n"
    )


def notice_json(notice: Notice) -> str:
    return _json.dumps(notice.to_dict()) + "\n"
