"""Every finding says how sure it is (``certainty``) and what the user can do (``remedy``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import aiprov
from aiprov.analysis import Policy, check
from aiprov.analysis.checks import CERTAINTIES, Finding
from aiprov.report import findings as render

from .builders import chain, has

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_every_finding_of_the_examples_has_a_certainty_and_a_remedy() -> None:
    """Each finding of the shipped examples names one of the three certainties and a remedy."""
    for name in ("chat-product", "sd-finetune", "code-mixing"):
        report = check(aiprov.load(EXAMPLES / name / "aibom.yaml"), Policy())
        assert report.findings
        for f in report.findings:
            assert f.certainty in CERTAINTIES
            assert f.remedy, f


def test_json_carries_certainty_and_remedy_on_every_finding() -> None:
    """JSON reports have the keys ``certainty`` and ``remedy`` on every finding."""
    report = check(aiprov.load(EXAMPLES / "chat-product" / "aibom.yaml"), Policy())
    data = json.loads(render.findings_json(report))
    assert all({"certainty", "remedy"} <= set(f) for f in data["findings"])


def test_dataset_terms_reaching_a_model_are_unsettled() -> None:
    """Whether a dataset's license binds a model trained on it is open law: the finding is ``unsettled``
    and its message says so rather than stating it as a fact."""
    bom = chain(
        ("m", "model", "MIT"), ("d", "dataset", "CC-BY-NC-4.0"), relations=(("m", "trained_on", "d"),)
    )
    f = has(bom, "noncommercial-use", "m")
    assert f is not None and f.certainty == "unsettled"
    assert "legally unsettled" in f.message
    own = has(bom, "noncommercial-use", "d")
    assert own is not None and own.certainty == "settled"


def test_an_unknown_license_is_unverified() -> None:
    """A license aiprov cannot read gives an ``unverified`` finding with a way out."""
    bom = chain(("m", "model", "other"))
    f = has(bom, "license-unknown", "m")
    assert f is not None and f.certainty == "unverified"
    assert f.remedy and "waiver" in f.remedy


def test_the_naming_remedy_names_the_prefix() -> None:
    """Llama 3.1 §1.b.i: 'include "Llama" at the beginning of any such AI model name' — the remedy says
    what to rename to."""
    bom = chain(
        ("base", "model", "llama3.1"),
        ("ft", "model", "llama3.1", {"name": "acme-chat"}),
        relations=(("ft", "fine_tuned_from", "base"),),
    )
    f = has(bom, "naming-requirement", "ft")
    assert f is not None and f.remedy == 'rename it to begin with "Llama"'


def test_use_restrictions_say_what_osaid_freedom_they_miss() -> None:
    """A use restriction does not make a model unusable: the message says it does not grant use for
    every purpose (OSAID freedom 1), never "cannot be used for any purpose"."""
    bom = chain(("m", "model", "llama3.1", {"name": "Llama-x"}))
    f = has(bom, "use-restricted", "m")
    assert f is not None
    assert "does not grant use for every purpose (OSAID freedom 1)" in f.message
    assert "cannot be used" not in f.message


def test_text_and_markdown_show_certainty_and_remedy() -> None:
    """Text marks a finding that is not settled and gives the remedy; markdown has both columns."""
    bom = chain(
        ("m", "model", "MIT"), ("d", "dataset", "CC-BY-NC-4.0"), relations=(("m", "trained_on", "d"),)
    )
    report = check(bom, Policy())
    text = render.findings_text(report, bom)
    assert "[unsettled]" in text and "      remedy: " in text
    md = render.findings_markdown(report, bom)
    assert "| severity | certainty | code | message | remedy |" in md
    assert "| unsettled |" in md


def test_finding_defaults_and_validation() -> None:
    """Findings built without the new fields are settled with no remedy; a made-up certainty is refused."""
    f = Finding(code="license-missing", severity="error", subject="a", message="x")
    assert (f.certainty, f.remedy) == ("settled", None)
    assert f.to_dict()["certainty"] == "settled" and f.to_dict()["remedy"] is None
    with pytest.raises(ValueError, match="certainty"):
        Finding(code="x", severity="error", subject="a", message="x", certainty="likely")
    g = Finding(code="x", severity="error", subject="a", message="x", certainty="unsettled", remedy="do y")
    assert g != f and g == Finding(**g.to_dict() | {"path": ()})


def test_unsettled_findings_do_not_state_the_open_question_as_a_fact() -> None:
    """A model trained on no-derivatives data is not said to *be* an adaptation: that is the open question."""
    bom = chain(
        ("m", "model", "MIT"), ("d", "dataset", "CC-BY-ND-4.0"), relations=(("m", "trained_on", "d"),)
    )
    f = has(bom, "no-derivatives", "m")
    assert f is not None and f.certainty == "unsettled"
    assert "m is an adaptation" not in f.message and "if the model is an adaptation" in f.message
