"""The :class:`Finding` value and the :class:`Report` of one check run.

A finding has a stable ``code`` (docs/findings.md), a severity, the artifact it is about, a
message, the path of artifacts that carried it (subject first, origin last), the license and
clause it comes from, how sure it is (``certainty``) and what to do (``remedy``). A check over a
large graph yields millions of findings, so the value is built light (five slots) and those about
inherited terms render their message and path when first read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

from aiprov.analysis._propagate import Key
from aiprov.analysis.policy import Policy

if TYPE_CHECKING:
    import pandas

    from aiprov.graph import AIBOM

__all__ = ["CERTAINTIES", "SEVERITIES", "Finding", "Report"]

SEVERITIES = ("error", "warning", "info")
#: How sure a finding is: ``settled`` (the text is clear and the facts are given), ``unsettled``
#: (the law is open: data terms reaching weights, copyleft in training data), ``unverified`` (the
#: terms come from a derived, not curated, record or from a license aiprov cannot read).
CERTAINTIES = ("settled", "unsettled", "unverified")
RANK = {s: i for i, s in enumerate(SEVERITIES)}


class Renderer(Protocol):
    """Renders a lazy finding's message and path when read (the engine's ``_Messages``)."""

    def path(self, finding: Finding) -> tuple[str, ...]: ...

    def length(self, finding: Finding) -> int: ...

    def message(self, finding: Finding) -> str: ...

    def render(self, finding: Finding) -> tuple[str, tuple[str, ...]]: ...


class _FindingSlots:
    """The storage of a :class:`Finding` (shared with :class:`_LazyFinding`, which builds them): the
    code, severity and subject, the path (for a lazy finding, the key that carried the term), and
    the rest as one tuple (license, clause, message, renderer) that all the findings one plan makes
    share. Five slots, not ten: a large check makes millions of findings."""

    __slots__ = ("_path", "_rest", "code", "severity", "subject")


#: (license, clause, message, renderer, certainty, remedy): the message itself with no renderer, or
#: for a lazy finding the name of the rule's message renderer.
Rest = tuple["str | None", "str | None", str, "Renderer | None", str, "str | None"]


class Finding(_FindingSlots):
    """One judgement about one artifact: immutable, compared and hashed by value.

    A check over a large graph yields millions of findings, so those about inherited terms are
    built light: the ``message`` and ``path`` are rendered when first read (from the propagation
    the check kept), never stored. Values are the same either way.
    """

    __slots__ = ()

    code: str
    severity: str
    subject: str
    _path: Any  # the path, or for a lazy finding the (license, channel) key at the subject
    _rest: Rest

    def __init__(
        self,
        *,
        code: str,
        severity: str,
        subject: str,
        message: str,
        path: tuple[str, ...] = (),
        license: str | None = None,
        clause: str | None = None,
        certainty: str = "settled",
        remedy: str | None = None,
    ) -> None:
        if certainty not in CERTAINTIES:
            raise ValueError(f"certainty must be one of {', '.join(CERTAINTIES)}, not {certainty!r}")
        for name, value in (
            ("code", code),
            ("severity", severity),
            ("subject", subject),
            ("_path", tuple(path)),
            ("_rest", (license, clause, message, None, certainty, remedy)),
        ):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Finding is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Finding is immutable (cannot delete {name!r})")

    @property
    def license(self) -> str | None:
        return self._rest[0]

    @property
    def clause(self) -> str | None:
        return self._rest[1]

    @property
    def certainty(self) -> str:
        """``settled``, ``unsettled`` or ``unverified`` (see :data:`CERTAINTIES`)."""
        return self._rest[4]

    @property
    def remedy(self) -> str | None:
        """What the user can do about it, from the terms (None only where nothing can be done)."""
        return self._rest[5]

    @property
    def message(self) -> str:
        render = self._rest[3]
        return self._rest[2] if render is None else render.message(self)

    @property
    def path(self) -> tuple[str, ...]:
        """Artifact ids from the subject back to the origin of the term."""
        render = self._rest[3]
        return self._path if render is None else render.path(self)

    def _path_length(self) -> int:
        render = self._rest[3]
        return len(self._path) if render is None else render.length(self)

    def _values(self) -> tuple[Any, ...]:
        """(code, severity, subject, message, path, license, clause, certainty, remedy)."""
        license_id, clause, message, render, certainty, remedy = self._rest
        if render is None:
            path = self._path
        else:
            message, path = render.render(self)  # one walk of the path for both
        return (self.code, self.severity, self.subject, message, path, license_id, clause, certainty, remedy)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return (
            "Finding(" + ", ".join(f"{k}={v!r}" for k, v in zip(_FIELDS, self._values(), strict=True)) + ")"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_finding, self._values())

    def _repr_html_(self) -> str:
        from aiprov.report._html import finding_html

        return finding_html(self)

    def sort_key(self) -> tuple[Any, ...]:
        """Severity, subject, code, license, then path and message. After :func:`check` deduplicates,
        (subject, code, license) is unique among findings with a license, so the path and message (which
        cost a rendering) are only compared for findings without one."""
        if self.license is not None:
            return (RANK[self.severity], self.subject, self.code, self.license)
        return (RANK[self.severity], self.subject, self.code, "", self.path, self.message)

    def to_dict(self) -> dict[str, Any]:
        code, severity, subject, message, path, license_id, clause, certainty, remedy = self._values()
        return {
            "code": code,
            "severity": severity,
            "subject": subject,
            "message": message,
            "path": list(path),
            "license": license_id,
            "clause": clause,
            "certainty": certainty,
            "remedy": remedy,
        }


_FIELDS = ("code", "severity", "subject", "message", "path", "license", "clause", "certainty", "remedy")


def _finding(
    code: str,
    severity: str,
    subject: str,
    message: str,
    path: tuple[str, ...],
    license: str | None,
    clause: str | None,
    certainty: str = "settled",
    remedy: str | None = None,
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        subject=subject,
        message=message,
        path=path,
        license=license,
        clause=clause,
        certainty=certainty,
        remedy=remedy,
    )


class _LazyFinding(_FindingSlots):
    """Builds a finding whose message (``rest[2]``, the name of a rule's renderer) and path (that
    of ``key`` at the subject) are rendered on demand by ``rest[3]``: it fills the slots with plain
    stores, then becomes a :class:`Finding` (same layout), which refuses any later change. Three
    times cheaper than setting each slot through ``object.__setattr__``, for the millions a large
    check makes."""

    __slots__ = ()

    def __init__(self, code: str, severity: str, subject: str, rest: Rest, key: Key) -> None:
        self.code = code
        self.severity = severity
        self.subject = subject
        self._rest = rest
        self._path = key
        self.__class__ = Finding  # type: ignore[assignment]


#: ``_LazyFinding(...)``, typed as what it returns: a Finding.
lazy_finding = cast("Callable[[str, str, str, Rest, Key], Finding]", _LazyFinding)


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """The findings of one check run, with the policy they were judged by.

    ``bom`` is the graph that was checked (set by :func:`~aiprov.analysis.check`), kept so that a
    notebook can draw the report over its lineage graph. It is not part of the value: two reports
    with the same findings are equal whatever graph they came from, ``to_dict`` leaves it out, and
    a pickled report is the report without it (a graph is large and holds read-only mappings).
    """

    findings: tuple[Finding, ...]
    policy: Policy
    artifacts: int
    relations: int
    waived: tuple[Finding, ...] = field(default=())
    bom: AIBOM | None = field(default=None, compare=False, repr=False)

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.findings, self.policy, self.artifacts, self.relations, self.waived)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(
            ("findings", "policy", "artifacts", "relations", "waived"), state, strict=True
        ):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "bom", None)

    def _repr_html_(self) -> str:
        from aiprov.report._html import report_html

        return report_html(self)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def at_or_above(self, threshold: str) -> list[Finding]:
        if threshold == "never":
            return []
        limit = RANK[threshold]
        return [f for f in self.findings if RANK[f.severity] <= limit]

    def summary(self) -> dict[str, Any]:
        by_code: dict[str, int] = {}
        for f in self.findings:
            by_code[f.code] = by_code.get(f.code, 0) + 1
        return {
            "artifacts": self.artifacts,
            "relations": self.relations,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "infos": self.count("info"),
            "waived": len(self.waived),
            "by_code": dict(sorted(by_code.items())),
            "policy": self.policy.to_dict(),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"findings": [f.to_dict() for f in self.findings], "summary": self.summary()}

    def to_pandas(self) -> pandas.DataFrame:
        """One row per finding (needs ``pip install 'aiprov[pandas]'``); see :mod:`aiprov.report._frames`."""
        from aiprov.report._frames import findings_frame

        return findings_frame(self)
