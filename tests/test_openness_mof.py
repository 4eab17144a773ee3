"""MOF class and completeness: aiprov's judgement and the Model Openness Tool's published rule.

The MOT rule (lfai/model_openness_tool, web/modules/mof/src/ModelEvaluator.php):
requirements are cumulative (Class II needs Class III's, Class I all three); a component
counts when present and its license string is OSI-approved, FSF-libre or on the MOT's open
data list; the research paper stands in for a missing technical report; a class's progress
is 0 until the classes below it are met; the class is the best one at 100 %.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aiprov
from aiprov.analysis._mof import COMPONENTS, evaluate_classes, mot_is_open, resolve_component
from aiprov.analysis.openness import annotate_components, openness
from aiprov.formats.mot import COMPONENT_TYPES
from aiprov.graph import AIBOM, Artifact

DATA = Path(__file__).parent / "data" / "mot"


def _mof(name: str):  # type: ignore[no-untyped-def]
    result = openness(aiprov.load(DATA / name), frameworks=["mof"]).mof
    assert result is not None
    return result


# file, MOT class, MOT progress (III, II, I) by the MOT's rule, aiprov class
CASES = [
    ("class1-complete.yml", 1, (100.0, 100.0, 100.0), 1),
    ("class3-global.yml", 3, (100.0, 60.0, 0.0), 3),
    ("paper-for-report.yml", 2, (100.0, 100.0, 76.92), 2),
    ("unlicensed.yml", None, (0.0, 0.0, 0.0), None),
    ("non-spdx.yml", None, (66.67, 0.0, 0.0), 3),
    ("restricted-weights.yml", None, (83.33, 0.0, 0.0), None),
    ("weights-code-license.yml", 3, (100.0, 60.0, 0.0), None),
    ("amber-style-legacy.yml", None, (33.33, 0.0, 0.0), None),
]


@pytest.mark.parametrize(("name", "mot_class", "progress", "ours"), CASES, ids=[c[0] for c in CASES])
def test_class_matches_the_mot_rule(
    name: str, mot_class: int | None, progress: tuple[float, ...], ours: int | None
) -> None:
    """The MOT class and progress equal what the MOT's published rule gives; aiprov's class is reported beside it."""
    result = _mof(name)
    assert result.mot_class == mot_class
    assert tuple(round(result.mot_progress[c], 2) for c in (3, 2, 1)) == progress
    assert result.mof_class == ours


def test_differences_are_reported_both_ways() -> None:
    """Where aiprov and the MOT disagree on a component, the report names it and both verdicts."""
    spaces = _mof("non-spdx.yml")
    assert any(d.startswith("Model architecture") and "invalid" in d for d in spaces.differences)
    weights = _mof("weights-code-license.yml")
    assert any(d.startswith("Model parameters (Final)") and "wrong type" in d for d in weights.differences)


def test_research_paper_stands_in_for_technical_report() -> None:
    """Without a technical report, an openly licensed research paper completes Classes III and II."""
    result = _mof("paper-for-report.yml")
    assert result.mof_class == 2
    assert any("stands in" in f for f in result.findings)
    report = next(c for c in result.components if c.name == "Technical report")
    assert report.status == "missing"


def test_unlicensed_components_are_present_but_do_not_count() -> None:
    """A component with no license (none given, no global one) is 'unlicensed', not 'missing'."""
    statuses = {c.name: c.status for c in _mof("unlicensed.yml").components}
    assert statuses["Model architecture"] == "unlicensed"
    assert statuses["Data card"] == "unlicensed"  # license: '' overrides any global license
    assert statuses["Training code"] == "missing"


def test_global_licenses_apply_by_content_type() -> None:
    """Components without a license take the global one for their content type, then the distribution one."""
    bom = aiprov.load(DATA / "class3-global.yml")
    licenses = {a.name: a.license for a in bom if a.kind != "model"}
    assert licenses["Model parameters (Final)"] == "CDLA-Permissive-2.0"
    assert licenses["Model card"] == "CC-BY-4.0"
    assert licenses["Model architecture"] == "Apache-2.0"  # no global code license: distribution


def test_restricted_license_is_not_open_and_names_the_clause() -> None:
    """Weights under a use-restricted license are 'not open', citing the clause."""
    weights = next(
        c for c in _mof("restricted-weights.yml").components if c.name == "Model parameters (Final)"
    )
    assert weights.status == "not_open" and weights.mot_status == "invalid"
    assert weights.evidence[0].clause


def test_unknown_component_name_is_a_finding() -> None:
    """A component name outside the 17 is kept and reported, not silently mapped elsewhere."""
    result = _mof("unknown-component.yml")
    assert any("Secret sauce" in f for f in result.findings)


def test_missing_framework_version_is_a_finding() -> None:
    """Without framework.version aiprov evaluates against MOF 1.0 and says so."""
    result = _mof("no-version.yml")
    assert result.framework_version == "1.0"
    assert any("version missing" in f for f in result.findings)


@pytest.mark.parametrize(
    ("license_", "is_open"),
    [
        ("Apache-2.0", True),
        ("Apache 2.0", False),
        ("CC-BY-3.0-NL", True),
        ("Motosoto", True),
        ("Apache-1.0", True),
        ("TORQUE-1.1", False),
        ("llama2", False),
        ("", False),
    ],
)
def test_mot_license_verdict_matches_its_string_rule(license_: str, is_open: bool) -> None:
    """The MOT's verdict: exact SPDX id, OSI-approved or FSF-libre, or on its open data list."""
    assert mot_is_open(license_) is is_open


def test_component_tables_agree() -> None:
    """The analysis table and the MOT reader's table list the same 17 components."""
    assert {c.name for c in COMPONENTS} == set(COMPONENT_TYPES)
    assert len(COMPONENTS) == 17


def test_component_names_resolve_in_any_case_and_alias() -> None:
    """MOF names resolve whatever the case, and common aliases too."""
    assert resolve_component("model CARD") is not None
    assert resolve_component("final model parameters").name == "Model parameters (Final)"  # type: ignore[union-attr]
    assert resolve_component("secret sauce") is None


def test_class_rule_progress_is_zero_until_lower_class_met() -> None:
    """MOT rule: Class II progress is 0 while Class III is incomplete; aiprov's completeness is not zeroed."""
    present = [9, 7, 8]
    mot = evaluate_classes(present, lambda cid: True, zero_below=True)
    ours = evaluate_classes(present, lambda cid: True, zero_below=False)
    assert mot.progress[2] == 0.0 and ours.progress[2] == 30.0


def test_components_are_inferred_from_kind_and_relations() -> None:
    """Without a component property, weights, trained_on datasets and named code map to components."""
    bom = AIBOM()
    bom.add(Artifact(id="m", kind="model"))
    bom.add(Artifact(id="w", kind="weights", license="CDLA-Permissive-2.0"))
    bom.add(Artifact(id="d", kind="dataset", license="CC-BY-4.0"))
    bom.add(Artifact(id="train", kind="code", name="train.py", license="MIT"))
    bom.relate("m", "contains", "w")
    bom.relate("m", "trained_on", "d")
    bom.relate("m", "built_with", "train")
    comps = {c.name: c for c in openness(bom).mof.components}  # type: ignore[union-attr]
    assert (
        comps["Model parameters (Final)"].status == "included" and comps["Model parameters (Final)"].inferred
    )
    assert comps["Datasets"].status == "included"
    assert comps["Training code"].status == "included"
    annotated = annotate_components(bom)
    assert annotated["d"].properties["component"] == "Datasets"
