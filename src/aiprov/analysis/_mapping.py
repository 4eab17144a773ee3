"""Which MOF component each artifact of a graph is.

An artifact says so with the ``component`` property (a MOF component name, any case,
or a list of names). Otherwise the component is inferred from the artifact's kind and
relations, and the mapping records the rule, so that a report can say "inferred":

* the release's model (or its weights) -> Model parameters (Final);
* a dataset the model is ``trained_on`` -> Datasets; ``evaluated_on`` -> Evaluation data;
* a dataset ``generated_by`` the model -> Sample model outputs;
* code and documents by a word in their name ("train", "inference", "eval",
  "preprocess", "model card", "data card", "paper", "report" ...);
* other code the model is ``built_with`` or that code ``depends_on`` -> Supporting
  libraries and tools.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from aiprov.analysis._mof import BY_NAME, Component, resolve_component
from aiprov.graph import AIBOM, MODEL_DERIVATION, Artifact

__all__ = ["Assignment", "UnknownComponent", "assign_components", "subject_models"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """An artifact assigned to a component, and how: ``explicit`` or the inference rule."""

    artifact: Artifact
    component: Component
    how: str

    @property
    def explicit(self) -> bool:
        return self.how == "explicit"


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownComponent:
    """An artifact whose ``component`` property names no MOF component."""

    artifact: Artifact
    name: str


_CODE_WORDS: tuple[tuple[str, str], ...] = (
    (r"pre-?process|data[-_ ]?(processing|pipeline|prep|clean)|dedup|filter", "Data preprocessing code"),
    (r"train|pretrain|fine-?tun", "Training code"),
    (r"eval|harness|benchmark|valid|test", "Evaluation code"),
    (r"infer|serv|generat|chat|run", "Inference code"),
    (r"model(ing)?[-_ ]?(code|def|arch)|architecture|modeling", "Model architecture"),
    (r"tokeni[sz]er|librar|tool|util", "Supporting libraries and tools"),
)
_DOC_WORDS: tuple[tuple[str, str], ...] = (
    (r"model[-_ ]?card", "Model card"),
    (r"data[-_ ]?(set)?[-_ ]?card|datasheet", "Data card"),
    (r"paper|arxiv", "Research paper"),
    (r"report", "Technical report"),
    (r"eval|result|benchmark|leaderboard", "Evaluation results"),
    (r"sample|outputs", "Sample model outputs"),
    (r"config|metadata|optimi[sz]er", "Model metadata"),
)


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if isinstance(v, (str, int, float))]
    return []


def subject_models(bom: AIBOM) -> list[Artifact]:
    """The models the release is about: models (or weights) no other model derives from."""
    derived_from: set[str] = set()
    for rel in bom.relations:
        if rel.kind in MODEL_DERIVATION:
            derived_from.add(rel.target)
    models = [a for a in bom if a.kind == "model" and a.id not in derived_from]
    if not models:
        models = [a for a in bom if a.kind == "weights" and a.id not in derived_from]
    return models


def _by_words(artifact: Artifact, table: tuple[tuple[str, str], ...]) -> str | None:
    text = " ".join(x for x in (artifact.name, artifact.id) if x).lower()
    for pattern, name in table:
        if re.search(pattern, text):
            return name
    return None


def _infer(bom: AIBOM, artifact: Artifact, subjects: set[str], explicit_mode: bool) -> tuple[str, str] | None:
    incoming = bom.incoming(artifact.id)
    kinds_in = {
        r.kind for r in incoming if r.source in subjects or bom[r.source].kind in ("model", "weights")
    }
    if artifact.kind == "weights":
        if (
            "checkpoint" in (artifact.name or artifact.id).lower()
            or "intermediate" in (artifact.name or "").lower()
        ):
            return "Model parameters (Intermediate)", "weights named as checkpoints"
        return "Model parameters (Final)", "weights of the release"
    if artifact.kind == "model":
        if artifact.id in subjects and not explicit_mode:
            has_weights = any(a.kind == "weights" for a in bom)
            if not has_weights:
                return "Model parameters (Final)", "the release's model (no separate weights artifact)"
        return None
    if artifact.kind == "dataset":
        if "trained_on" in kinds_in:
            return "Datasets", "a dataset the model is trained_on"
        if "evaluated_on" in kinds_in:
            return "Evaluation data", "a dataset the model is evaluated_on"
        if any(r.kind == "generated_by" and r.target in subjects for r in bom.outgoing(artifact.id)):
            return "Sample model outputs", "a dataset generated_by the model"
        return None
    if artifact.kind == "code":
        named = _by_words(artifact, _CODE_WORDS)
        if named:
            return named, f"code named like {named.lower()}"
        if any(r.kind in ("built_with", "depends_on", "contains") for r in incoming):
            return "Supporting libraries and tools", "code the release is built_with or depends_on"
        return None
    if artifact.kind == "document":
        named = _by_words(artifact, _DOC_WORDS)
        if named:
            return named, f"document named like {named.lower()}"
    return None


def assign_components(bom: AIBOM) -> tuple[list[Assignment], list[UnknownComponent]]:
    """Every artifact that is a MOF component, explicit first; plus unknown component names."""
    subjects = {a.id for a in subject_models(bom)}
    assignments: list[Assignment] = []
    unknown: list[UnknownComponent] = []
    pending: list[Artifact] = []
    for artifact in bom:
        if "component" not in artifact.properties:
            pending.append(artifact)
            continue
        for name in _names(artifact.properties.get("component")):
            component = resolve_component(name)
            if component is None:
                unknown.append(UnknownComponent(artifact=artifact, name=name))
            else:
                assignments.append(Assignment(artifact=artifact, component=component, how="explicit"))
    explicit_mode = bool(assignments or unknown)
    for artifact in pending:
        inferred = _infer(bom, artifact, subjects, explicit_mode)
        if inferred is None:
            continue
        name, rule = inferred
        assignments.append(Assignment(artifact=artifact, component=BY_NAME[name], how=f"inferred: {rule}"))
    return assignments, unknown


def by_component(assignments: list[Assignment]) -> Mapping[int, list[Assignment]]:
    out: dict[int, list[Assignment]] = {}
    for item in assignments:
        out.setdefault(item.component.id, []).append(item)
    return out
