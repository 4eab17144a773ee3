"""to_pandas(): a check report, an obligation report and an AI-BOM as DataFrames for analysts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import aiprov
from aiprov.analysis import Policy, check, obligations

ROOT = Path(__file__).resolve().parents[1]
CHAT = ROOT / "examples" / "chat-product" / "aibom.yaml"


def test_import_aiprov_does_not_import_pandas() -> None:
    """pandas is optional: importing aiprov (and checking a BOM) does not load it."""
    code = f"import sys, aiprov\naiprov.check(aiprov.load({str(CHAT)!r}))\nprint('pandas' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("what", ["report", "obligations", "bom"])
def test_missing_pandas_names_the_extra(what: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pandas, each to_pandas() raises ImportError telling how to install it."""
    bom = aiprov.load(CHAT)
    report = check(bom)
    target = {"report": report, "obligations": obligations(bom, report.policy), "bom": bom}[what]
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'aiprov\[pandas\]'"):
        target.to_pandas()


def test_report_frame_has_one_row_per_finding_in_order() -> None:
    """Each finding is one row with its code, severity, certainty, subject, message, path, license,
    clause and remedy, in the report's order."""
    pytest.importorskip("pandas")
    report = check(aiprov.load(CHAT))
    df = report.to_pandas()
    assert list(df.columns) == [
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
    ]
    assert len(df) == len(report.findings)
    for row, finding in zip(df.itertuples(index=False), report.findings, strict=True):
        assert (row.code, row.severity, row.subject, row.message) == (
            finding.code,
            finding.severity,
            finding.subject,
            finding.message,
        )
        assert (row.license, row.clause, row.certainty, row.remedy) == (
            finding.license,
            finding.clause,
            finding.certainty,
            finding.remedy,
        )
        assert row.path == " → ".join(finding.path)
        assert row.origin == finding.path[-1]


def test_report_frame_filters_like_an_analyst_would() -> None:
    """Severity orders errors first (so <= 'warning' keeps warnings and errors), a path is
    searchable as text, and findings group by the artifact whose terms they are about."""
    pytest.importorskip("pandas")
    report = check(aiprov.load(CHAT))
    df = report.to_pandas()
    errors = df[df.severity == "error"]
    assert len(errors) == report.count("error") > 0
    assert len(df[df.severity <= "warning"]) == report.count("error") + report.count("warning")
    shuffled = df.sample(frac=1, random_state=1).sort_values("severity", kind="stable")
    assert list(shuffled.severity)[: report.count("error")] == ["error"] * report.count("error")
    via_llama = df[df.path.str.contains("llama-3.1-8b-instruct", regex=False)]
    assert set(via_llama.subject) >= {"acme-chat-8b"}
    nc = df[(df.origin == "customer-dialogs-nc") & (df.code == "noncommercial-use")]
    assert "support-mix" in set(nc.subject)


def test_empty_report_keeps_its_columns() -> None:
    """A clean report is an empty frame with the same columns (filters still work on it)."""
    pytest.importorskip("pandas")
    bom = aiprov.AIBOM()
    bom.add(aiprov.Artifact(id="lib", kind="code", license="MIT"))
    df = check(bom, Policy()).to_pandas()
    assert df.empty
    errors = df[df.severity == "error"]
    assert errors.empty and "remedy" in errors.columns


def test_obligations_frame() -> None:
    """One row per obligation: subject, action, license, text, clause, path and origin."""
    pytest.importorskip("pandas")
    bom = aiprov.load(CHAT)
    report = obligations(bom, check(bom).policy)
    df = report.to_pandas()
    assert list(df.columns) == ["subject", "action", "license", "text", "clause", "path", "origin"]
    assert len(df) == len(report.obligations) > 0
    first = report.obligations[0]
    assert tuple(df.iloc[0][["subject", "action", "license", "text"]]) == (
        first.subject,
        first.action,
        first.license,
        first.text,
    )
    assert df.iloc[0]["path"] == " → ".join(first.path)
    attribution = df[df.action == "display-attribution"]
    assert any("Built with Llama" in t for t in attribution.text)


def test_bom_frame_has_one_row_per_artifact_with_its_neighbours() -> None:
    """One row per artifact with its declared fields; depends_on and used_by name the ids at the
    other end of its relations, so the product is what nothing uses."""
    pytest.importorskip("pandas")
    bom = aiprov.load(CHAT)
    df = bom.to_pandas()
    assert list(df.id) == [a.id for a in bom]
    row = df.set_index("id").loc["acme-chat-8b"]
    assert (row.kind, row.license, row.version, row.supplier) == ("model", "llama3.1", "1.2", "Acme")
    assert row.depends_on == ["llama-3.1-8b-instruct"]
    assert row.used_by == ["acme-support-lora"]
    assert row.hashes["sha256"].startswith("4f2a9c0d")
    assert list(df[df.used_by.str.len() == 0].id) == ["acme-support-lora"]


def test_findings_join_the_bom_on_subject() -> None:
    """The two frames join: findings by the kind of artifact they are about."""
    pytest.importorskip("pandas")
    bom = aiprov.load(CHAT)
    findings = check(bom).to_pandas()
    joined = findings.merge(bom.to_pandas()[["id", "kind"]], left_on="subject", right_on="id")
    assert len(joined) == len(findings)
    assert set(joined[joined.code == "naming-requirement"].kind) == {"model"}
