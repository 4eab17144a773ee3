"""``aiprov check`` judges SPDX 2 snippets against the license of the file they sit in: the
tools-python 2.3 example pastes GPL-2.0-only code (SPDXRef-Snippet) into an Apache-2.0 file
(SPDXRef-DoapSource), which the OSADL matrix says cannot be done."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import aiprov
from aiprov.analysis.checks import check
from aiprov.analysis.policy import Policy
from aiprov.cli import main
from aiprov.licenses.compat import is_compatible

JSON_EXAMPLE = Path(__file__).parent / "data" / "real" / "tools-python" / "SPDXJSONExample-v2.3.spdx.json"
TAG_EXAMPLE = JSON_EXAMPLE.with_name("SPDXTagExample-v2.3.spdx")
CODES = ("snippet-license-conflict", "snippet-license-unknown")


def _variant(
    tmp_path: Path, snippet: str | None = None, info: list[str] | None = None, file: str | None = None
) -> Path:
    """The JSON example with the snippet's concluded license, its found licenses or its file's license
    changed."""
    data = json.loads(JSON_EXAMPLE.read_text())
    sn = data["snippets"][0]
    if snippet is not None:
        sn["licenseConcluded"] = snippet
    if info is not None:
        sn["licenseInfoInSnippets"] = info
    if file is not None:
        (doap,) = [f for f in data["files"] if f["SPDXID"] == "SPDXRef-DoapSource"]
        doap["licenseConcluded"] = file
    path = tmp_path / "variant.spdx.json"
    path.write_text(json.dumps(data))
    return path


def _snippet_findings(path: Path, distribution: str = "weights") -> list[Any]:
    report = check(aiprov.load(path), Policy().with_use(distribution=distribution))
    return [f for f in report.findings if f.code in CODES]


def test_the_verdict_the_finding_rests_on() -> None:
    verdict = is_compatible("Apache-2.0", "GPL-2.0-only")
    assert verdict.compatible is False
    assert "OSADL" in verdict.reason


@pytest.mark.parametrize("source", [JSON_EXAMPLE, TAG_EXAMPLE], ids=["json", "tag-value"])
@pytest.mark.parametrize("distribution", ["weights", "source"])
def test_a_gpl_snippet_in_an_apache_file_is_an_error_when_distributed(
    source: Path, distribution: str
) -> None:
    (f,) = _snippet_findings(source, distribution)
    assert (f.code, f.severity, f.subject, f.path) == (
        "snippet-license-conflict",
        "error",
        "DoapSource",
        ("DoapSource",),
    )
    assert (f.license, f.clause, f.certainty) == ("GPL-2.0-only", "2(b); 3", "settled")
    for part in (
        "SPDXRef-Snippet",
        "bytes 310-420",
        "lines 5-23",
        "GPL-2.0-only",
        "Apache-2.0",
        is_compatible("Apache-2.0", "GPL-2.0-only").reason,
    ):
        assert part in f.message
    assert f.remedy is not None and "relicense or remove" in f.remedy


def test_a_compatible_snippet_gives_nothing(tmp_path: Path) -> None:
    assert is_compatible("Apache-2.0", "MIT").compatible is True
    assert _snippet_findings(_variant(tmp_path, snippet="MIT", info=["MIT"])) == []


@pytest.mark.parametrize("distribution", ["internal", "saas"])
def test_strong_copyleft_in_a_file_not_distributed_gives_nothing(distribution: str) -> None:
    """As for copyleft-conflict: GPL-2.0's duties arise when copies change hands."""
    assert _snippet_findings(JSON_EXAMPLE, distribution) == []


def test_network_copyleft_is_reported_for_a_service_not_for_internal_use(tmp_path: Path) -> None:
    path = _variant(tmp_path, snippet="AGPL-3.0-only", info=["AGPL-3.0-only"])
    (f,) = _snippet_findings(path, "saas")
    assert (f.severity, f.license) == ("error", "AGPL-3.0-only")
    assert _snippet_findings(path, "internal") == []


def test_the_licenses_found_in_the_snippet_stand_in_for_a_missing_conclusion(tmp_path: Path) -> None:
    (f,) = _snippet_findings(_variant(tmp_path, snippet="NOASSERTION", info=["GPL-2.0-only"]))
    assert (f.code, f.severity, f.license) == ("snippet-license-conflict", "error", "GPL-2.0-only")


def test_a_file_license_aiprov_cannot_read_gives_a_warning(tmp_path: Path) -> None:
    (f,) = _snippet_findings(_variant(tmp_path, file="LicenseRef-1"))
    assert (f.code, f.severity, f.certainty) == ("snippet-license-conflict", "warning", "unverified")
    assert "compatibility unknown" in f.message and "LicenseRef-1" in f.message


def test_a_snippet_without_license_information_is_noted(tmp_path: Path) -> None:
    (f,) = _snippet_findings(_variant(tmp_path, snippet="NOASSERTION", info=["NOASSERTION"]))
    assert (f.code, f.severity, f.subject, f.certainty) == (
        "snippet-license-unknown",
        "info",
        "DoapSource",
        "unverified",
    )
    assert "SPDXRef-Snippet" in f.message


def test_a_waiver_covers_the_finding() -> None:
    from aiprov.analysis.policy import Waiver

    policy = Policy(waivers=(Waiver(code="snippet-license-conflict", subject="DoapSource", reason="r"),))
    report = check(aiprov.load(JSON_EXAMPLE), policy)
    assert not [f for f in report.findings if f.code in CODES]
    assert [f.code for f in report.waived] == ["snippet-license-conflict"]


def test_sarif_and_text_carry_the_finding(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(JSON_EXAMPLE), "--format", "sarif", "--fail-on", "never"]) == 0
    run = json.loads(capsys.readouterr().out)["runs"][0]
    (result,) = [r for r in run["results"] if r["ruleId"] == "snippet-license-conflict"]
    assert (result["level"], result["properties"]["subject"]) == ("error", "DoapSource")
    assert "SPDXRef-Snippet" in result["message"]["text"]
    assert main(["check", str(JSON_EXAMPLE), "--fail-on", "error"]) == 1
    text = capsys.readouterr().out
    assert "snippet-license-conflict" in text and "SPDXRef-Snippet (bytes 310-420, lines 5-23)" in text
