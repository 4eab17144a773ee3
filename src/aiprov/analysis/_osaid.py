"""Open Source AI Definition 1.0, requirement by requirement, from a graph.

The four freedoms (use for any purpose without asking permission; study; modify;
share) need the preferred form for making modifications:

* **Data information**: training methodologies and techniques; scope and
  characteristics of the training data; provenance (how obtained and selected);
  labelling procedures; data cleaning methodology; and for each training dataset
  whether it is public (and where), obtainable from third parties, or unshareable (why).
* **Code**: the complete source for data processing, training, validation and testing,
  inference, the model architecture and supporting libraries, under OSI-approved licenses.
* **Parameters**: the weights under OSD-conformant terms.

A use restriction anywhere on the weights or the code (acceptable-use policy, RAIL
restrictions, a user cap, a non-commercial clause) fails the first freedom, naming the
clause. A missing component fails its requirement; a license aiprov cannot judge (not
curated, not OSI-approved) makes it "insufficient information", never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from aiprov.analysis._mapping import Assignment, subject_models
from aiprov.analysis._openness_types import Evidence, OsaidResult, Requirement, RequirementStatus
from aiprov.analysis._propagate import propagate
from aiprov.analysis._verdicts import LicenseVerdict, _restriction, judge
from aiprov.analysis.policy import DEFAULT_POLICY
from aiprov.exceptions import GraphError
from aiprov.graph import AIBOM, Artifact
from aiprov.licenses.catalog import Catalog
from aiprov.licenses.terms import Clause

__all__ = ["DATA_ITEMS", "OSAID_VERSION", "evaluate_osaid"]

OSAID_VERSION = "1.0"
_NO_CLAUSE = Clause(clause=None)

#: data-information item -> title
DATA_ITEMS: dict[str, str] = {
    "training_methodology": "Training methodologies and techniques",
    "data_scope": "Scope and characteristics of the training data",
    "data_provenance": "Provenance of the training data (how obtained and selected)",
    "labelling": "Labelling procedures",
    "data_cleaning": "Data cleaning methodology",
}
_DOC_COVERS: dict[str, tuple[str, ...]] = {
    "Technical report": tuple(DATA_ITEMS),
    "Research paper": tuple(DATA_ITEMS),
    "Data card": ("data_scope", "data_provenance", "labelling", "data_cleaning"),
}
_DATASET_KEYS: dict[str, tuple[str, ...]] = {
    "data_scope": ("description", "dataset_type"),
    "data_provenance": ("data_collection",),
}
#: requirement id -> (title, MOF component it is made of)
_CODE: tuple[tuple[str, str, str], ...] = (
    ("code.data_processing", "Code for data processing and filtering", "Data preprocessing code"),
    ("code.training", "Code for training", "Training code"),
    ("code.validation_testing", "Code for validation and testing", "Evaluation code"),
    ("code.inference", "Code for inference", "Inference code"),
    ("code.architecture", "Model architecture code", "Model architecture"),
    ("code.supporting_libraries", "Supporting libraries and tools", "Supporting libraries and tools"),
)
AVAILABILITY = ("public", "third-party", "unshareable")


def _evidence(artifact: Artifact, verdict: LicenseVerdict | None = None, rule: str | None = None) -> Evidence:
    return Evidence(
        artifact=artifact.id,
        label=artifact.label,
        license=artifact.license or artifact.concluded_license,
        rule=rule if rule is not None else (verdict.rule if verdict else None),
        clause=verdict.clause if verdict else None,
    )


def _license_of(artifact: Artifact) -> str | None:
    return artifact.concluded_license or artifact.license


def _status(statuses: Sequence[str]) -> RequirementStatus:
    if "not_met" in statuses:
        return "not_met"
    if "insufficient" in statuses:
        return "insufficient"
    return "met"


def _judged(
    rid: str,
    title: str,
    group: Literal["data", "code", "parameters"],
    evidence: list[Evidence],
    statuses: list[str],
    reasons: list[str],
    *,
    met: str,
    wanted: str,
) -> Requirement:
    """A requirement judged artifact by artifact: met unless one fell short (``statuses``), explained by
    what fell short (``reasons``) or else ``met``; ``wanted`` is what is missing unless it is met."""
    status = _status(statuses)
    return Requirement(
        id=rid,
        title=title,
        group=group,
        status=status,
        reason="; ".join(reasons) if reasons else met,
        evidence=tuple(evidence),
        missing=None if status == "met" else wanted,
    )


def _inherited(bom: AIBOM, artifacts: list[Artifact], catalog: Catalog) -> dict[str, list[Evidence]]:
    """The use restrictions that reach each artifact from what it derives from (a fine-tune of Llama 3.1
    or of a RAIL model keeps their restrictions whatever it declares: Llama 3.1 §1.b.i, OpenRAIL-M
    paragraph 4.a), or from outputs whose terms carry them: the terms ``aiprov check`` applies."""
    try:
        prop = propagate(bom, catalog, DEFAULT_POLICY)
    except GraphError:  # a cycle: check reports it; openness judges the declared licenses only
        return {}
    out: dict[str, list[Evidence]] = {}
    for artifact in artifacts:
        declared = set(prop.resolved[artifact.id].ids)
        for key in sorted(prop.state.get(artifact.id, {})):
            license_id, channel = key
            terms = prop.terms(license_id)
            if terms is None or license_id in declared:
                continue
            carried = channel == "derivation" or (
                channel == "output" and "use-restrictions" in terms.output_restriction_categories
            )
            found = _restriction(terms) if carried else None
            if found is None:
                continue
            what, cite = found
            path = " → ".join(prop.trace(artifact.id, key)[0])
            out.setdefault(artifact.id, []).append(
                Evidence(
                    artifact=artifact.id,
                    label=artifact.label,
                    license=license_id,
                    rule=f"inherits {what} ({cite}) via {path}",
                    clause=(
                        terms.clause("use_restrictions") or terms.clause("any_purpose") or _NO_CLAUSE
                    ).clause,
                )
            )
    return out


def _freedom_use(
    weights: list[Artifact], code: list[Artifact], catalog: Catalog, inherited: Mapping[str, list[Evidence]]
) -> Requirement:
    evidence: list[Evidence] = []
    statuses: list[str] = []
    reasons: list[str] = []
    for artifact in [*weights, *code]:
        verdict = judge(_license_of(artifact), "any", catalog)
        evidence.append(_evidence(artifact, verdict))
        for found in inherited.get(artifact.id, ()):
            evidence.append(found)
            statuses.append("not_met")
            reasons.append(f"{artifact.label}: {found.rule}")
        if verdict.openness == "restricted":
            statuses.append("not_met")
            reasons.append(f"{artifact.label}: {verdict.rule}")
        elif verdict.openness == "none":
            statuses.append("not_met")
            reasons.append(f"{artifact.label}: no license, so every use needs permission")
        elif verdict.openness == "unknown":
            statuses.append("insufficient")
            reasons.append(f"{artifact.label}: {verdict.rule}")
    status: RequirementStatus = _status(statuses) if weights or code else "insufficient"
    if not weights and not code:
        reason = "no weights or code in the graph to judge"
    elif status == "met":
        reason = "no use restriction on the weights or the code"
    else:
        reason = "; ".join(reasons)
    return Requirement(
        id="freedom.use",
        title="Use for any purpose, without having to ask for permission",
        group="freedom",
        status=status,
        reason=reason,
        evidence=tuple(evidence),
        missing=None if status == "met" else "terms without use restrictions on the weights and the code",
    )


def _parameters(weights: list[Artifact], catalog: Catalog) -> Requirement:
    title = "Model parameters under OSD-conformant terms"
    if not weights:
        return Requirement(
            id="parameters",
            title=title,
            group="parameters",
            status="not_met",
            reason="the graph holds no model parameters (weights)",
            missing="the model parameters",
        )
    evidence, statuses, reasons = [], [], []
    for artifact in weights:
        verdict = judge(_license_of(artifact), "any", catalog)
        evidence.append(_evidence(artifact, verdict))
        if verdict.osd_conformant is True and verdict.openness == "open":
            continue
        if verdict.openness in ("restricted", "none"):
            statuses.append("not_met")
        else:
            statuses.append("insufficient")
        reasons.append(f"{artifact.label}: {verdict.rule}")
    return _judged(
        "parameters",
        title,
        "parameters",
        evidence,
        statuses,
        reasons,
        met="the weights are under OSD-conformant terms",
        wanted="the weights under OSD-conformant terms",
    )


def _code(rid: str, title: str, parts: list[Artifact], catalog: Catalog, *, optional: bool) -> Requirement:
    if not parts:
        if optional:
            return Requirement(
                id=rid,
                title=title,
                group="code",
                status="met",
                reason="none listed; the OSAID asks for supporting libraries only if used",
            )
        return Requirement(
            id=rid,
            title=title,
            group="code",
            status="not_met",
            reason=f"no {title.lower()} in the graph",
            missing=title.lower(),
        )
    evidence, statuses, reasons = [], [], []
    for artifact in parts:
        verdict = judge(_license_of(artifact), "code", catalog)
        evidence.append(_evidence(artifact, verdict))
        if verdict.is_open and verdict.rule.startswith("OSI-approved"):
            continue
        if verdict.openness in ("unknown",):
            statuses.append("insufficient")
        else:
            statuses.append("not_met")
        rule = verdict.rule if not verdict.is_open else f"{verdict.rule}, not OSI-approved"
        reasons.append(f"{artifact.label}: {rule}")
    return _judged(
        rid,
        title,
        "code",
        evidence,
        statuses,
        reasons,
        met="complete source under OSI-approved licenses",
        wanted=f"{title.lower()} under an OSI-approved license",
    )


def _covers(artifact: Artifact, component: str) -> tuple[str, ...]:
    declared = artifact.properties.get("covers")
    if isinstance(declared, (list, tuple)):
        return tuple(str(x) for x in declared if str(x) in DATA_ITEMS)
    return _DOC_COVERS.get(component, ())


def _data_items(
    by_component: Mapping[str, list[Assignment]], datasets: list[Artifact], bom: AIBOM, catalog: Catalog
) -> list[Requirement]:
    found: dict[str, list[Evidence]] = {item: [] for item in DATA_ITEMS}
    notes: dict[str, list[str]] = {item: [] for item in DATA_ITEMS}
    for component in _DOC_COVERS:
        for item in by_component.get(component, []):
            doc = item.artifact
            verdict = judge(_license_of(doc), "document", catalog)
            if verdict.openness == "restricted":
                for key in _covers(doc, component):
                    notes[key].append(f"{doc.label} is under restrictive terms ({verdict.rule})")
                continue
            rule = f"{component.lower()}" + ("" if _license_of(doc) else " (no license stated)")
            for key in _covers(doc, component):
                found[key].append(_evidence(doc, verdict, rule=rule))
    for artifact in bom:
        info = artifact.properties.get("data_information")
        if isinstance(info, Mapping):
            for key, value in info.items():
                if key in DATA_ITEMS and value:
                    found[key].append(_evidence(artifact, rule=f"data_information.{key}: {value}"))
    for dataset in datasets:
        for key, props in _DATASET_KEYS.items():
            for prop in props:
                if dataset.properties.get(prop):
                    found[key].append(_evidence(dataset, rule=f"dataset property {prop}"))
    out = []
    for key, title in DATA_ITEMS.items():
        ok = bool(found[key])
        reason = "documented" if ok else "no document or property in the graph describes it"
        if not ok and notes[key]:
            reason += "; " + "; ".join(notes[key])
        out.append(
            Requirement(
                id=f"data.{key}",
                title=title,
                group="data",
                status="met" if ok else "not_met",
                reason=reason,
                evidence=tuple(found[key]),
                missing=None if ok else title.lower(),
            )
        )
    return out


def _dataset_availability(datasets: list[Artifact]) -> Requirement:
    title = "Each training dataset: public (where), from third parties, or unshareable (why)"
    if not datasets:
        return Requirement(
            id="data.datasets",
            title=title,
            group="data",
            status="not_met",
            reason="the graph names no training dataset",
            missing="the list of training datasets",
        )
    evidence, statuses, reasons = [], [], []
    for dataset in datasets:
        props = dataset.properties
        availability = str(props.get("availability") or "").lower() or None
        where = dataset.source or props.get("homepage")
        if availability is None and "mot:license_from" in props and _license_of(dataset):
            # A Model Openness Tool record lists a component with a license when it is released with
            # the model: the dataset is public, where the release is.
            availability = "public"
            where = where or "the model's release"
            rule = (
                f"public: released with the model under {_license_of(dataset)} (Model Openness Tool record)"
            )
        elif availability is None and where:
            availability, rule = "public", f"public at {where} (inferred from its source)"
        elif availability == "public":
            rule = f"public at {where}" if where else "public, but where is not stated"
        elif availability == "third-party":
            rule = f"obtainable from third parties: {where or props.get('availability_note') or 'where not stated'}"
        elif availability == "unshareable":
            why = props.get("availability_reason")
            rule = f"unshareable: {why}" if why else "unshareable, but the reason is not stated"
        else:
            rule = (
                f"unknown availability {availability!r} (expected one of {', '.join(AVAILABILITY)})"
                if availability
                else "availability not stated"
            )
        ok = (
            (availability == "public" and bool(where))
            or (availability == "third-party" and bool(where or props.get("availability_note")))
            or (availability == "unshareable" and bool(props.get("availability_reason")))
        )
        evidence.append(_evidence(dataset, rule=rule))
        if not ok:
            statuses.append("insufficient")
            reasons.append(f"{dataset.label}: {rule}")
    return _judged(
        "data.datasets",
        title,
        "data",
        evidence,
        statuses,
        reasons,
        met="every training dataset says where it can be obtained",
        wanted="where each training dataset can be obtained, or why not",
    )


def evaluate_osaid(bom: AIBOM, assignments: list[Assignment], catalog: Catalog) -> OsaidResult:
    """The OSAID 1.0 verdict for the release the graph describes."""
    by_component: dict[str, list[Assignment]] = {}
    for item in assignments:
        by_component.setdefault(item.component.name, []).append(item)
    weights = [a.artifact for a in by_component.get("Model parameters (Final)", [])]
    code_roles = {comp for _, _, comp in _CODE}
    code_ids = {a.artifact.id for name, items in by_component.items() if name in code_roles for a in items}
    code = [a for a in bom if a.id in code_ids or a.kind == "code"]
    datasets = [a.artifact for a in by_component.get("Datasets", []) if a.artifact.kind == "dataset"]
    requirements = [_freedom_use(weights, code, catalog, _inherited(bom, [*weights, *code], catalog))]
    requirements += _data_items(by_component, datasets, bom, catalog)
    requirements.append(_dataset_availability(datasets))
    for rid, title, component in _CODE:
        parts = [a.artifact for a in by_component.get(component, [])]
        requirements.append(
            _code(rid, title, parts, catalog, optional=component == "Supporting libraries and tools")
        )
    requirements.append(_parameters(weights, catalog))
    statuses = [r.status for r in requirements]
    conformant: bool | None
    if "not_met" in statuses:
        conformant = False
    elif "insufficient" in statuses:
        conformant = None
    else:
        conformant = True
    subjects = subject_models(bom)
    return OsaidResult(
        version=OSAID_VERSION,
        subject=subjects[0].label if subjects else None,
        conformant=conformant,
        requirements=tuple(requirements),
    )
