"""Is this AI system open? The OSI's Open Source AI Definition 1.0 and the Model Openness Framework.

Both answers come from the same graph, requirement by requirement, and say why:

>>> from aiprov import AIBOM, Artifact
>>> bom = AIBOM()
>>> bom.add(Artifact(id="w", kind="weights", license="CDLA-Permissive-2.0"))
>>> report = openness(bom)
>>> report.osaid.conformant, report.mof.mof_class
(False, None)

MOF components come from each artifact's ``component`` property or are inferred from
its kind and relations (:mod:`aiprov.analysis._mapping`). A component counts for
aiprov when its license is open *and suited to its kind* (OSI-approved for code; an
open data license for data and parameters; an open content license for documents).
The Model Openness Tool counts any license it considers open, judging the license
string exactly as written; the report gives the MOT's class and progress beside
aiprov's and lists every component where the two differ.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from aiprov.analysis._mapping import Assignment, assign_components, subject_models
from aiprov.analysis._mof import COMPONENTS, Component, evaluate_classes, mot_is_open
from aiprov.analysis._openness_types import (
    ComponentStatus,
    Evidence,
    MofResult,
    OpennessReport,
    OsaidResult,
    Requirement,
)
from aiprov.analysis._osaid import OSAID_VERSION, evaluate_osaid
from aiprov.analysis._verdicts import judge
from aiprov.graph import AIBOM
from aiprov.licenses.catalog import Catalog, default_catalog

__all__ = [
    "FRAMEWORKS",
    "MOF_VERSION",
    "OSAID_VERSION",
    "ComponentStatus",
    "Evidence",
    "MofResult",
    "OpennessReport",
    "OsaidResult",
    "Requirement",
    "annotate_components",
    "openness",
]

FRAMEWORKS = ("osaid", "mof")
MOF_VERSION = "1.0"
_STATE = {
    "open": "included",
    "wrong-type": "wrong_type",
    "restricted": "not_open",
    "unknown": "unknown",
    "none": "unlicensed",
}
_WORST = ("not_open", "unlicensed", "unknown", "wrong_type", "included")


def _component_status(component: Component, items: list[Assignment], catalog: Catalog) -> ComponentStatus:
    base: dict[str, Any] = {
        "id": component.id,
        "name": component.name,
        "mof_class": component.mof_class,
        "required": component.required,
        "content": component.content,
    }
    if not items:
        return ComponentStatus(**base, status="missing", reason="not in the release", mot_status="missing")
    evidence: list[Evidence] = []
    states: list[str] = []
    reasons: list[str] = []
    mot_states: list[str] = []
    for item in items:
        artifact = item.artifact
        declared = artifact.license
        verdict = judge(artifact.concluded_license or declared, component.content, catalog)
        state = _STATE[verdict.openness]
        states.append(state)
        reasons.append(verdict.rule if len(items) == 1 else f"{artifact.label}: {verdict.rule}")
        evidence.append(
            Evidence(
                artifact=artifact.id,
                label=artifact.label,
                license=declared,
                rule=verdict.rule,
                clause=verdict.clause,
            )
        )
        if not declared:
            mot_states.append("unlicensed")
        else:
            mot_states.append("included" if mot_is_open(declared) else "invalid")
    status = min(states, key=_WORST.index)
    mot_status = next((s for s in ("invalid", "unlicensed") if s in mot_states), "included")
    return ComponentStatus(
        **base,
        status=status,  # type: ignore[arg-type]
        reason="; ".join(dict.fromkeys(reasons)),
        mot_status=mot_status,  # type: ignore[arg-type]
        evidence=tuple(evidence),
        inferred=not all(i.explicit for i in items),
    )


def _framework_findings(bom: AIBOM) -> tuple[str, list[str]]:
    mot = bom.metadata.get("mot")
    if not isinstance(mot, Mapping):
        return MOF_VERSION, []
    framework = mot.get("framework")
    version = framework.get("version") if isinstance(framework, Mapping) else None
    if not version:
        return MOF_VERSION, [f"framework version missing: evaluated against MOF {MOF_VERSION}"]
    if str(version) != MOF_VERSION:
        return str(version), [
            f"MOF version {version}: aiprov knows MOF {MOF_VERSION}, and evaluated against it"
        ]
    return str(version), []


def _evaluate_mof(
    bom: AIBOM, assignments: list[Assignment], unknown: Iterable[Any], catalog: Catalog
) -> MofResult:
    grouped: dict[int, list[Assignment]] = {}
    for item in assignments:
        grouped.setdefault(item.component.id, []).append(item)
    statuses = tuple(_component_status(c, grouped.get(c.id, []), catalog) for c in COMPONENTS)
    by_id = {s.id: s for s in statuses}
    present = [s.id for s in statuses if s.status != "missing"]
    ours = evaluate_classes(present, lambda cid: by_id[cid].counts, zero_below=False)
    mot = evaluate_classes(present, lambda cid: by_id[cid].mot_status == "included", zero_below=True)
    version, findings = _framework_findings(bom)
    for item in unknown:
        findings.append(
            f"unknown component {item.name!r} on {item.artifact.id}: not one of the 17 MOF components "
            "(ignored)"
        )
    differences = []
    for status in statuses:
        ours_counts = status.counts
        mot_counts = status.mot_status == "included"
        if ours_counts != mot_counts:
            differences.append(
                f"{status.name}: aiprov says {status.status.replace('_', ' ')} ({status.reason}); "
                f"the MOT says {status.mot_status}"
            )
    if ours.paper_for_report:
        findings.append("the research paper stands in for the missing technical report (MOF/MOT rule)")
    return MofResult(
        framework_version=version,
        mof_class=ours.mof_class or None,
        completeness=dict(ours.progress),
        components=statuses,
        mot_class=mot.mof_class or None,
        mot_progress=dict(mot.progress),
        findings=tuple(findings),
        differences=tuple(differences),
    )


def openness(
    aibom: AIBOM, *, frameworks: Iterable[str] = FRAMEWORKS, catalog: Catalog | None = None
) -> OpennessReport:
    """OSAID 1.0 and MOF verdicts for the release an AI-BOM describes."""
    wanted = set(frameworks)
    bad = wanted - set(FRAMEWORKS)
    if bad:
        from aiprov.exceptions import InputError

        raise InputError(f"unknown framework {sorted(bad)[0]!r} (one of {', '.join(FRAMEWORKS)})")
    catalog = catalog or default_catalog()
    assignments, unknown = assign_components(aibom)
    osaid = evaluate_osaid(aibom, assignments, catalog) if "osaid" in wanted else None
    mof = _evaluate_mof(aibom, assignments, unknown, catalog) if "mof" in wanted else None
    subjects = subject_models(aibom)
    name = subjects[0].label if subjects else None
    return OpennessReport(name=name, osaid=osaid, mof=mof)


def annotate_components(aibom: AIBOM) -> AIBOM:
    """A copy of the graph where every artifact that is a MOF component says so in ``component``.

    Use it before writing MOT YAML from a graph whose components were inferred.
    """
    assignments, _ = assign_components(aibom)
    names: dict[str, list[str]] = {}
    for item in assignments:
        names.setdefault(item.artifact.id, []).append(item.component.name)
    out = AIBOM(metadata=aibom.metadata)
    for artifact in aibom:
        found = names.get(artifact.id)
        if found and "component" not in artifact.properties:
            props = dict(artifact.properties)
            props["component"] = found[0] if len(found) == 1 else found
            artifact = dataclasses.replace(artifact, properties=props)
        out.add(artifact)
    for rel in aibom.relations:
        out.add_relation(rel)
    return out
