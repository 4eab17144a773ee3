"""What changed between two BOMs: artifacts, relations, and the findings that came or went.

Any two inputs aiprov reads can be compared (a manifest against the CycloneDX it was converted
to, last release's SPDX against this pull request's manifest). Artifacts are matched by id;
a change lists each field that differs (license, version, hashes, ...). Findings are matched by
what they are (code, subject, license and origin), as SARIF fingerprints are, so a finding
whose path only passes through other artifacts now is not new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiprov.analysis.checks import Finding, Report, check
from aiprov.analysis.policy import Policy
from aiprov.graph import _ARTIFACT_FIELDS, AIBOM, Artifact, thaw
from aiprov.report import _json
from aiprov.report._escape import markdown, markdown_code, plain
from aiprov.report.sarif import identity

__all__ = ["ArtifactChange", "BomDiff", "diff", "diff_json", "diff_markdown", "diff_text"]

_FIELDS = tuple(f for f in _ARTIFACT_FIELDS if f != "id")  # what can change about one id
_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class ArtifactChange:
    """One artifact present on both sides whose fields differ: (field, old, new) for each."""

    id: str
    kind: str
    fields: tuple[tuple[str, Any, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "changes": [{"field": f, "old": thaw(o), "new": thaw(n)} for f, o, n in self.fields],
        }


@dataclass(frozen=True, slots=True)
class BomDiff:
    """The difference from ``old`` to ``new`` (each judged under its own policy, or one given)."""

    added: tuple[Artifact, ...]
    removed: tuple[Artifact, ...]
    changed: tuple[ArtifactChange, ...]
    relations_added: tuple[tuple[str, str, str], ...]
    relations_removed: tuple[tuple[str, str, str], ...]
    findings_new: tuple[Finding, ...]
    findings_gone: tuple[Finding, ...]
    old_report: Report
    new_report: Report

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.relations_added
            or self.relations_removed
            or self.findings_new
            or self.findings_gone
        )

    def new_at_or_above(self, threshold: str) -> list[Finding]:
        """New findings at or above ``threshold`` (``error``, ``warning``; ``never`` gives none)."""
        if threshold == "never":
            return []
        return [f for f in self.findings_new if _RANK[f.severity] <= _RANK[threshold]]

    def to_dict(self) -> dict[str, Any]:
        def relation(r: tuple[str, str, str]) -> dict[str, str]:
            return {"from": r[0], "type": r[1], "to": r[2]}

        return {
            "artifacts": {
                "added": [a.to_dict() for a in self.added],
                "removed": [a.to_dict() for a in self.removed],
                "changed": [c.to_dict() for c in self.changed],
            },
            "relations": {
                "added": [relation(r) for r in self.relations_added],
                "removed": [relation(r) for r in self.relations_removed],
            },
            "findings": {
                "new": [f.to_dict() for f in self.findings_new],
                "gone": [f.to_dict() for f in self.findings_gone],
            },
            "summary": {
                "artifacts_added": len(self.added),
                "artifacts_removed": len(self.removed),
                "artifacts_changed": len(self.changed),
                "relations_added": len(self.relations_added),
                "relations_removed": len(self.relations_removed),
                "findings_new": len(self.findings_new),
                "findings_gone": len(self.findings_gone),
            },
        }


def _fields(old: Artifact, new: Artifact) -> tuple[tuple[str, Any, Any], ...]:
    out: list[tuple[str, Any, Any]] = []
    for name in _FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if name == "properties":
            keys = sorted(set(before) | set(after))
            out += [
                (f"properties.{k}", before.get(k), after.get(k))
                for k in keys
                if thaw(before.get(k)) != thaw(after.get(k))
            ]
        elif name == "hashes":
            if before != after:
                out.append((name, dict(before), dict(after)))
        elif before != after:
            out.append((name, before, after))
    return tuple(out)


def _policy_of(bom: AIBOM, source: str) -> Policy:
    inline = bom.metadata.get("policy")
    return Policy.from_dict(inline, f"{source} (policy)") if inline is not None else Policy()


def diff(
    old: AIBOM,
    new: AIBOM,
    policy: Policy | None = None,
    *,
    old_report: Report | None = None,
    new_report: Report | None = None,
) -> BomDiff:
    """Compare two BOMs. Each side is judged by ``policy`` when given, else by its own inline
    policy (a manifest's ``policy:``), else by the default policy; pass reports to reuse them."""
    old_report = old_report or check(old, policy or _policy_of(old, "old"))
    new_report = new_report or check(new, policy or _policy_of(new, "new"))
    old_ids = {a.id: a for a in old}
    new_ids = {a.id: a for a in new}
    changed = []
    for artifact_id in sorted(old_ids.keys() & new_ids.keys()):
        fields = _fields(old_ids[artifact_id], new_ids[artifact_id])
        if fields:
            changed.append(ArtifactChange(id=artifact_id, kind=new_ids[artifact_id].kind, fields=fields))
    old_rel = {(r.source, r.kind, r.target) for r in old.relations}
    new_rel = {(r.source, r.kind, r.target) for r in new.relations}
    before = {identity(f): f for f in old_report.findings}
    after = {identity(f): f for f in new_report.findings}

    def ordered(findings: Mapping[Any, Finding], keys: set[Any]) -> tuple[Finding, ...]:
        return tuple(sorted((findings[k] for k in keys), key=lambda f: f.sort_key()))

    return BomDiff(
        added=tuple(new_ids[i] for i in sorted(new_ids.keys() - old_ids.keys())),
        removed=tuple(old_ids[i] for i in sorted(old_ids.keys() - new_ids.keys())),
        changed=tuple(changed),
        relations_added=tuple(sorted(new_rel - old_rel)),
        relations_removed=tuple(sorted(old_rel - new_rel)),
        findings_new=ordered(after, after.keys() - before.keys()),
        findings_gone=ordered(before, before.keys() - after.keys()),
        old_report=old_report,
        new_report=new_report,
    )


# -- rendering -------------------------------------------------------------------------------------


def _plain(value: Any) -> str:
    return plain(value if isinstance(value, str) else _json.dumps(thaw(value)).replace("\n", " "))


def _value(value: Any) -> str:
    return "(none)" if value is None else _plain(value)


def _summary_line(d: BomDiff) -> str:
    parts = [
        f"{len(d.added)} artifact(s) added",
        f"{len(d.removed)} removed",
        f"{len(d.changed)} changed",
        f"{len(d.relations_added)} relation(s) added",
        f"{len(d.relations_removed)} removed",
        f"{len(d.findings_new)} new finding(s)",
        f"{len(d.findings_gone)} gone",
    ]
    return ", ".join(parts)


def diff_text(d: BomDiff, old_name: str = "old", new_name: str = "new") -> str:
    """For a terminal or a CI log: one line a change."""
    out = [_plain(f"{old_name} → {new_name}: {_summary_line(d)}")]
    if d.empty:
        out.append("no differences")
    for a in d.added:
        out.append(_plain(f"+ artifact {a.id} ({a.kind}, {a.license or 'no license'})"))
    for a in d.removed:
        out.append(_plain(f"- artifact {a.id} ({a.kind}, {a.license or 'no license'})"))
    for c in d.changed:
        out.append(_plain(f"~ artifact {c.id} ({c.kind})"))
        out += [f"    {_plain(f)}: {_value(o)} → {_value(n)}" for f, o, n in c.fields]
    out += [_plain(f"+ relation {s} -{k}-> {t}") for s, k, t in d.relations_added]
    out += [_plain(f"- relation {s} -{k}-> {t}") for s, k, t in d.relations_removed]
    out += [_plain(f"+ {f.severity:<7} {f.code} at {f.subject}: {f.message}") for f in d.findings_new]
    out += [_plain(f"- {f.severity:<7} {f.code} at {f.subject}: {f.message}") for f in d.findings_gone]
    return "\n".join(out) + "\n"


def _md(value: Any) -> str:
    return "(none)" if value is None else markdown(_plain(value))


def diff_markdown(d: BomDiff, old_name: str = "old", new_name: str = "new") -> str:
    """For a pull-request comment: tables of what changed and the findings that came or went."""
    out = [f"### aiprov diff: {_md(old_name)} → {_md(new_name)}", "", _md(_summary_line(d)), ""]
    if d.added or d.removed or d.changed:
        out += ["| | artifact | change |", "|---|---|---|"]
        out += [f"| ➕ | {markdown_code(a.id)} | added ({_md(a.kind)}, {_md(a.license)}) |" for a in d.added]
        out += [
            f"| ➖ | {markdown_code(a.id)} | removed ({_md(a.kind)}, {_md(a.license)}) |" for a in d.removed
        ]
        for c in d.changed:
            changes = "<br>".join(f"{_md(f)}: {_md(o)} → {_md(n)}" for f, o, n in c.fields)
            out.append(f"| ✏️ | {markdown_code(c.id)} | {changes} |")
        out.append("")
    if d.relations_added or d.relations_removed:
        out += ["| | relation |", "|---|---|"]
        out += [f"| ➕ | {markdown_code(s)} {_md(k)} {markdown_code(t)} |" for s, k, t in d.relations_added]
        out += [f"| ➖ | {markdown_code(s)} {_md(k)} {markdown_code(t)} |" for s, k, t in d.relations_removed]
        out.append("")
    if d.findings_new or d.findings_gone:
        out += ["| | severity | code | artifact | message |", "|---|---|---|---|---|"]
        for sign, findings in (("🆕", d.findings_new), ("✅ gone", d.findings_gone)):
            out += [
                f"| {sign} | {f.severity} | `{f.code}` | {markdown_code(f.subject)} | {_md(f.message)} |"
                for f in findings
            ]
        out.append("")
    return "\n".join(out)


def diff_json(d: BomDiff) -> str:
    return _json.dumps(d.to_dict()) + "\n"
