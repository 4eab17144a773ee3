"""Small helpers to write supply chains in tests."""

from __future__ import annotations

from typing import Any

from aiprov.analysis import Policy, check
from aiprov.analysis.checks import Finding
from aiprov.graph import AIBOM, Artifact


def chain(*artifacts: tuple[Any, ...], relations: tuple[tuple[str, str, str], ...] = ()) -> AIBOM:
    """``chain(("base", "model", "llama3.1"), ("ft", "model", "MIT", {"name": "x"}), relations=(...))``."""
    bom = AIBOM()
    for spec in artifacts:
        artifact_id, kind, license_ = spec[:3]
        extra: dict[str, Any] = spec[3] if len(spec) > 3 else {}
        extra.setdefault("source", f"https://example.org/{artifact_id}")
        bom.add(Artifact(id=artifact_id, kind=kind, license=license_, **extra))
    for source, kind, target in relations:
        bom.relate(source, kind, target)
    return bom


def findings(bom: AIBOM, **use: Any) -> list[Finding]:
    policy_data: dict[str, Any] = {"use": {"commercial": True, "distribution": "weights", **use}}
    terms = policy_data["use"].pop("data_terms_reach_models", None)
    if terms:
        policy_data["data_terms_reach_models"] = terms
    return list(check(bom, Policy.from_dict(policy_data)).findings)


def codes(bom: AIBOM, subject: str | None = None, **use: Any) -> set[tuple[str, str]]:
    """(code, severity) pairs, optionally for one subject."""
    return {(f.code, f.severity) for f in findings(bom, **use) if subject is None or f.subject == subject}


def has(bom: AIBOM, code: str, subject: str, **use: Any) -> Finding | None:
    return next((f for f in findings(bom, **use) if f.code == code and f.subject == subject), None)
