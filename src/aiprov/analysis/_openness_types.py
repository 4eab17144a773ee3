"""The values an openness report is made of (re-exported by :mod:`aiprov.analysis.openness`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "ComponentStatus",
    "Evidence",
    "MofResult",
    "OpennessReport",
    "OsaidResult",
    "Requirement",
]

RequirementStatus = Literal["met", "not_met", "insufficient"]
ComponentState = Literal["included", "missing", "unlicensed", "not_open", "wrong_type", "unknown"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """What a verdict rests on: an artifact, its license as declared, and the rule that decided."""

    artifact: str
    label: str
    license: str | None = None
    rule: str | None = None
    clause: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "artifact": self.artifact,
            "label": self.label,
            "license": self.license,
            "rule": self.rule,
            "clause": self.clause,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement:
    """One OSAID requirement: its status, the freedoms it serves, evidence, and what is missing."""

    id: str
    title: str
    group: Literal["freedom", "data", "code", "parameters"]
    status: RequirementStatus
    reason: str
    evidence: tuple[Evidence, ...] = ()
    missing: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "group": self.group,
            "status": self.status,
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
            "missing": self.missing,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class OsaidResult:
    """Open Source AI Definition 1.0: conformant (True), not (False) or insufficient information (None)."""

    version: str
    subject: str | None
    conformant: bool | None
    requirements: tuple[Requirement, ...]

    @property
    def status(self) -> str:
        if self.conformant is True:
            return "conformant"
        if self.conformant is False:
            return "not conformant"
        return "insufficient information"

    def failed(self) -> list[Requirement]:
        return [r for r in self.requirements if r.status == "not_met"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "definition": f"Open Source AI Definition {self.version}",
            "version": self.version,
            "subject": self.subject,
            "conformant": self.conformant,
            "status": self.status,
            "requirements": [r.to_dict() for r in self.requirements],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ComponentStatus:
    """One MOF component: aiprov's status and the MOT's, with the artifacts and licenses behind them."""

    id: int
    name: str
    mof_class: int
    required: bool
    content: str
    status: ComponentState
    reason: str
    mot_status: Literal["included", "missing", "unlicensed", "invalid"]
    evidence: tuple[Evidence, ...] = ()
    inferred: bool = False

    @property
    def counts(self) -> bool:
        return self.status == "included"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "class": self.mof_class,
            "required": self.required,
            "content_type": self.content,
            "status": self.status,
            "reason": self.reason,
            "mot_status": self.mot_status,
            "inferred": self.inferred,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class MofResult:
    """Model Openness Framework class (1, 2, 3 or None for unclassified), aiprov's and the MOT's."""

    framework_version: str
    mof_class: int | None
    completeness: Mapping[int, float]
    components: tuple[ComponentStatus, ...]
    mot_class: int | None
    mot_progress: Mapping[int, float]
    findings: tuple[str, ...] = ()
    differences: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return _label(self.mof_class)

    @property
    def mot_label(self) -> str:
        return _label(self.mot_class)

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": "Model Openness Framework",
            "version": self.framework_version,
            "class": self.mof_class,
            "label": self.label,
            "completeness": {str(k): round(v, 2) for k, v in sorted(self.completeness.items())},
            "components": [c.to_dict() for c in self.components],
            "mot": {
                "class": self.mot_class,
                "label": self.mot_label,
                "progress": {str(k): round(v, 2) for k, v in sorted(self.mot_progress.items())},
            },
            "differences": list(self.differences),
            "findings": list(self.findings),
        }


def _label(mof_class: int | None) -> str:
    return {1: "Class I - Open Science", 2: "Class II - Open Tooling", 3: "Class III - Open Model"}.get(
        mof_class or 0, "Unclassified"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class OpennessReport:
    """Both answers to "is this AI system open?", from the same graph."""

    name: str | None
    osaid: OsaidResult | None
    mof: MofResult | None

    def _repr_html_(self) -> str:
        from aiprov.report._html_openness import openness_html

        return openness_html(self)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.osaid is not None:
            out["osaid"] = self.osaid.to_dict()
        if self.mof is not None:
            out["mof"] = self.mof.to_dict()
        return out
