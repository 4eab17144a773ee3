"""pandas DataFrames of a check report, an obligation report and an AI-BOM, for notebooks.

pandas is an optional dependency (``pip install 'aiprov[pandas]'``): it is imported here, and this
module is imported by the ``to_pandas`` methods only when called, so ``import aiprov`` never pays
for it.

Each frame has one row per thing (finding, obligation, artifact) and plain columns an analyst
filters on: ``path`` is one string (``"tuned → base"``) so that ``df.path.str.contains("base")``
works, and ``origin`` (the last artifact of the path, whose terms it is) is a column of its own to
group by. ``severity`` and ``certainty`` are ordered categoricals, so sorting puts errors first and
``df[df.severity <= "warning"]`` keeps warnings and errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from aiprov.analysis._finding import CERTAINTIES, SEVERITIES

if TYPE_CHECKING:
    import pandas

    from aiprov.analysis._finding import Finding, Report
    from aiprov.analysis.obligations import ObligationReport
    from aiprov.graph import AIBOM

__all__ = [
    "ARTIFACT_COLUMNS",
    "FINDING_COLUMNS",
    "OBLIGATION_COLUMNS",
    "bom_frame",
    "findings_frame",
    "obligations_frame",
]

#: The join of a path for people and for ``str.contains``: the arrow the text reports use.
ARROW = " → "

FINDING_COLUMNS = (
    "code",
    "severity",
    "certainty",
    "subject",
    "message",
    "path",
    "origin",
    "license",
    "clause",
    "remedy",
)
OBLIGATION_COLUMNS = ("subject", "action", "license", "text", "clause", "path", "origin")
ARTIFACT_COLUMNS = (
    "id",
    "kind",
    "name",
    "version",
    "supplier",
    "license",
    "concluded_license",
    "purl",
    "source",
    "hashes",
    "depends_on",
    "used_by",
)

PANDAS_MISSING = "this needs pandas, which aiprov does not install by default: pip install 'aiprov[pandas]'"


def _pandas() -> Any:
    """The pandas module, or an ImportError that says which extra installs it."""
    try:
        import pandas
    except ImportError as e:
        raise ImportError(PANDAS_MISSING) from e
    return pandas


def _frame(rows: list[tuple[Any, ...]], columns: tuple[str, ...]) -> pandas.DataFrame:
    """A frame with these columns even when there are no rows (an empty report still has a shape)."""
    frame: pandas.DataFrame = _pandas().DataFrame.from_records(rows, columns=list(columns))
    return frame


def _ordered(frame: pandas.DataFrame, column: str, categories: tuple[str, ...]) -> None:
    frame[column] = _pandas().Categorical(frame[column], categories=list(categories), ordered=True)


def _finding_rows(findings: Iterable[Finding]) -> list[tuple[Any, ...]]:
    rows = []
    for f in findings:
        d = f.to_dict()  # renders a lazy finding's message and path once
        path = d["path"]
        rows.append(
            (
                d["code"],
                d["severity"],
                d["certainty"],
                d["subject"],
                d["message"],
                ARROW.join(path),
                path[-1] if path else d["subject"],
                d["license"],
                d["clause"],
                d["remedy"],
            )
        )
    return rows


def findings_frame(report: Report) -> pandas.DataFrame:
    """One row per finding of ``report``, in the report's order (worst first)."""
    frame = _frame(_finding_rows(report.findings), FINDING_COLUMNS)
    _ordered(frame, "severity", SEVERITIES)
    _ordered(frame, "certainty", CERTAINTIES)
    return frame


def obligations_frame(report: ObligationReport) -> pandas.DataFrame:
    """One row per obligation: what to do for which artifact, because of which license and clause."""
    rows = [
        (
            o.subject,
            o.action,
            o.license,
            o.text,
            o.clause,
            ARROW.join(o.path),
            o.path[-1] if o.path else o.subject,
        )
        for o in report.obligations
    ]
    return _frame(rows, OBLIGATION_COLUMNS)


def bom_frame(bom: AIBOM) -> pandas.DataFrame:
    """One row per artifact; ``depends_on`` and ``used_by`` list the ids at the other end of its
    relations (outgoing and incoming), so ``df[df.used_by.str.len() == 0]`` is the product."""
    rows = [
        (
            a.id,
            a.kind,
            a.name,
            a.version,
            a.supplier,
            a.license,
            a.concluded_license,
            a.purl,
            a.source,
            dict(a.hashes),
            [r.target for r in bom.outgoing(a.id)],
            [r.source for r in bom.incoming(a.id)],
        )
        for a in bom
    ]
    return _frame(rows, ARTIFACT_COLUMNS)
