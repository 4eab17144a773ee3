"""OSAID 1.0 verdicts on faithful graphs of the releases the OSI's validation phase reviewed.

Source: opensource.org/ai (OSAID 1.0, Oct 2024): Pythia, OLMo, Amber, CrystalCoder and T5 passed;
Llama 2, Grok, Phi-2 and Mixtral did not (missing components and/or legal terms); BLOOM,
StarCoder2 and Falcon "would probably pass if they changed their licenses/legal terms".
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aiprov
from aiprov.analysis.openness import openness
from aiprov.graph import AIBOM, Artifact

DATA = Path(__file__).parent / "data" / "openness"


def _osaid(name: str):  # type: ignore[no-untyped-def]
    report = openness(aiprov.load(DATA / f"{name}.yaml"), frameworks=["osaid"])
    assert report.osaid is not None
    return report.osaid


def _failed(name: str) -> set[str]:
    return {r.id for r in _osaid(name).failed()}


@pytest.mark.parametrize("name", ["pythia", "olmo", "amber", "crystalcoder", "t5"])
def test_osi_validated_releases_are_conformant(name: str) -> None:
    """Releases the OSI found conformant, described as graphs, come out conformant with every requirement met."""
    result = _osaid(name)
    assert result.conformant is True
    assert all(r.status == "met" for r in result.requirements)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("llama2", {"freedom.use", "parameters", "code.training", "data.datasets", "data.data_provenance"}),
        ("mixtral", {"code.training", "code.data_processing", "data.training_methodology", "data.datasets"}),
        ("grok", {"code.training", "data.training_methodology", "data.datasets"}),
        ("phi2", {"code.training", "data.data_provenance", "data.datasets"}),
    ],
)
def test_osi_rejected_releases_fail_for_the_reasons_osi_gave(name: str, expected: set[str]) -> None:
    """Llama 2, Mixtral, Grok and Phi-2 are not conformant: missing code and data information (and terms for Llama 2)."""
    assert _osaid(name).conformant is False
    assert expected <= _failed(name)


@pytest.mark.parametrize("name", ["mixtral", "grok", "phi2"])
def test_apache_or_mit_weights_alone_do_not_make_open_source_ai(name: str) -> None:
    """Open weights pass the parameters requirement and the first freedom; the release still fails on completeness."""
    failed = _failed(name)
    assert "parameters" not in failed and "freedom.use" not in failed


@pytest.mark.parametrize("name", ["bloom", "starcoder2"])
def test_bloom_and_starcoder2_fail_on_their_license_alone(name: str) -> None:
    """With OpenRAIL weights, only the first freedom and the parameters requirement fail."""
    assert _osaid(name).conformant is False
    assert _failed(name) == {"freedom.use", "parameters"}


def test_falcon_fails_on_its_license_naming_the_clause() -> None:
    """Falcon-180B's TII license fails the first freedom, citing its acceptable-use clause."""
    result = _osaid("falcon")
    use = next(r for r in result.requirements if r.id == "freedom.use")
    assert use.status == "not_met"
    assert "Falcon" in use.reason and "§" in use.reason
    assert {"freedom.use", "parameters"} <= _failed("falcon")


def test_llama2_use_freedom_names_the_acceptable_use_policy_clause() -> None:
    """A use restriction on the weights fails the first freedom and names the AUP and the clause."""
    use = next(r for r in _osaid("llama2").requirements if r.id == "freedom.use")
    assert use.status == "not_met"
    assert "Llama 2 §1.b.iv" in use.reason and "aup" in use.reason.lower()
    assert any(e.license and "llama2" in e.license for e in use.evidence)


def _minimal(weights_license: str | None, code_license: str = "Apache-2.0") -> AIBOM:
    bom = AIBOM()
    bom.add(Artifact(id="m", kind="model", name="M"))
    bom.add(
        Artifact(
            id="w",
            kind="weights",
            license=weights_license,
            properties={"component": "Model parameters (Final)"},
        )
    )
    bom.relate("m", "contains", "w")
    for name in (
        "Training code",
        "Inference code",
        "Evaluation code",
        "Data preprocessing code",
        "Model architecture",
    ):
        cid = name.lower().replace(" ", "-")
        bom.add(Artifact(id=cid, kind="code", license=code_license, properties={"component": name}))
        bom.relate("m", "built_with", cid)
    bom.add(
        Artifact(id="d", kind="dataset", source="https://example.org/d", properties={"component": "Datasets"})
    )
    bom.relate("m", "trained_on", "d")
    bom.add(
        Artifact(id="p", kind="document", license="CC-BY-4.0", properties={"component": "Research paper"})
    )
    return bom


def test_minimal_open_release_is_conformant() -> None:
    """All code OSI-approved, open-data weights, a paper and a public dataset: conformant."""
    assert openness(_minimal("CDLA-Permissive-2.0")).osaid.conformant is True  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("license_", "word"),
    [
        ("CC-BY-NC-4.0", "non-commercial"),
        ("llama3.1", "use restrictions"),
        ("bigscience-openrail-m", "use restrictions"),
    ],
)
def test_any_use_restriction_on_weights_fails_the_first_freedom(license_: str, word: str) -> None:
    """Non-commercial clauses, AUPs and RAIL restrictions each fail the first freedom, with the clause."""
    use = openness(_minimal(license_)).osaid.requirements[0]  # type: ignore[union-attr]
    assert use.id == "freedom.use" and use.status == "not_met"
    assert word in use.reason
    assert use.evidence[0].clause  # the clause the restriction comes from


def test_user_cap_fails_the_first_freedom() -> None:
    """A monthly-active-user cap (Llama 3.1 §2) is a use restriction for the OSAID."""
    use = openness(_minimal("Apache-2.0 AND llama3.1")).osaid.requirements[0]  # type: ignore[union-attr]
    assert use.status == "not_met"


def test_unknown_weights_license_is_insufficient_information() -> None:
    """A license aiprov cannot judge gives "insufficient information", not a guess."""
    result = openness(_minimal("Acme Weights License 1.0")).osaid
    assert result is not None and result.conformant is None
    params = next(r for r in result.requirements if r.id == "parameters")
    assert params.status == "insufficient"


def test_code_under_non_osi_license_fails_the_code_requirement() -> None:
    """Code must be under OSI-approved licenses; CC-BY-4.0 code does not meet it."""
    result = openness(_minimal("CDLA-Permissive-2.0", code_license="CC-BY-4.0")).osaid
    assert result is not None and result.conformant is False
    assert "code.training" in {r.id for r in result.failed()}


def test_unshareable_dataset_needs_a_reason() -> None:
    """An unshareable training dataset is acceptable only with the reason stated."""
    bom = _minimal("CDLA-Permissive-2.0")
    bom.replace(
        Artifact(id="d", kind="dataset", properties={"component": "Datasets", "availability": "unshareable"})
    )
    req = next(r for r in openness(bom).osaid.requirements if r.id == "data.datasets")  # type: ignore[union-attr]
    assert req.status == "insufficient"
    bom.replace(
        Artifact(
            id="d",
            kind="dataset",
            properties={
                "component": "Datasets",
                "availability": "unshareable",
                "availability_reason": "patient records",
            },
        )
    )
    req = next(r for r in openness(bom).osaid.requirements if r.id == "data.datasets")  # type: ignore[union-attr]
    assert req.status == "met" and "patient records" in (req.evidence[0].rule or "")


def test_json_shape_matches_the_interface() -> None:
    """to_dict() has osaid.conformant and a requirements list with status, evidence and missing."""
    data = openness(aiprov.load(DATA / "pythia.yaml")).to_dict()
    assert data["osaid"]["conformant"] is True
    first = data["osaid"]["requirements"][0]
    assert {"id", "title", "status", "evidence", "missing", "reason"} <= set(first)
    assert data["mof"]["class"] in (1, 2, 3, None)
    assert set(data["mof"]["completeness"]) == {"1", "2", "3"}


def test_report_is_deterministic() -> None:
    """The same graph gives byte-identical reports."""
    a = openness(aiprov.load(DATA / "bloom.yaml")).to_dict()
    b = openness(aiprov.load(DATA / "bloom.yaml")).to_dict()
    assert a == b
