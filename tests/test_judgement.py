"""Judgement on real supply chains, built from the license texts (each test quotes its clause).

The chains are small manifests under tests/data/chains/ (README.md there names their sources)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiprov
from aiprov.analysis import Policy, check
from aiprov.analysis.checks import Finding

from .builders import chain, has

CHAINS = Path(__file__).parent / "data" / "chains"


def _check(name: str, **policy: Any) -> list[Finding]:
    bom = aiprov.load(CHAINS / name)
    return list(check(bom, Policy.from_dict(policy) if policy else None).findings)


def _find(found: list[Finding], code: str, subject: str) -> list[Finding]:
    return [f for f in found if f.code == code and f.subject == subject]


# -- class 1: copyleft in training data -----------------------------------------------------------


def test_a_gpl_corpus_goes_through_the_same_data_rule_as_cc_by_sa() -> None:
    """GPL-3.0 §5(c): "You must license the entire work, as a whole, under this License to anyone who
    comes into possession of a copy"; CC BY-SA 4.0 §3(b): adapted material shared under the same
    license. Whether a model trained on either is such a work is open: both reach the model through
    one rule, at the data policy's weight, unsettled."""
    for data_license in ("GPL-3.0-only", "CC-BY-SA-4.0", "AGPL-3.0-only"):
        bom = chain(
            ("m", "model", "Apache-2.0"),
            ("d", "dataset", data_license),
            relations=(("m", "trained_on", "d"),),
        )
        strict = has(bom, "share-alike", "m", data_terms_reach_models="strict")
        assert strict is not None and strict.severity == "error" and strict.certainty == "unsettled"
        assert "legally unsettled" in strict.message
        warn = has(bom, "share-alike", "m")
        assert warn is not None and warn.severity == "warning"
        assert has(bom, "share-alike", "m", data_terms_reach_models="off") is None


def test_copyleft_data_needs_the_model_to_be_shared() -> None:
    """GPL-3.0 §5 binds conveying a work; kept internal, a model trained on GPL code conveys nothing."""
    bom = chain(
        ("m", "model", "Apache-2.0"), ("d", "dataset", "GPL-3.0-only"), relations=(("m", "trained_on", "d"),)
    )
    assert has(bom, "share-alike", "m", distribution="internal", data_terms_reach_models="strict") is None


def test_a_model_under_the_datas_own_license_is_not_flagged() -> None:
    """A model licensed GPL-3.0 itself carries its GPL-3.0 training data's terms."""
    bom = chain(
        ("m", "model", "GPL-3.0-only"),
        ("d", "dataset", "GPL-3.0-only"),
        relations=(("m", "trained_on", "d"),),
    )
    assert has(bom, "share-alike", "m", data_terms_reach_models="strict") is None


def test_the_gpl_corpus_chain() -> None:
    """The agpl-service chain's code model trained on a GPL-3.0 corpus gets the unsettled data finding."""
    (f,) = _find(_check("agpl-service.yaml"), "share-alike", "code-model")
    assert f.certainty == "unsettled" and f.license == "GPL-3.0-only"


# -- class 2: conflicts with a whole aiprov cannot read -------------------------------------------


def test_agpl_into_an_unreadable_license_is_still_reported() -> None:
    """AGPL-3.0 §13: "your modified version must prominently offer all users interacting with it remotely
    through a computer network ... an opportunity to receive the Corresponding Source". A service under a
    LicenseRef- aiprov cannot read still gets the conflict, as a warning saying why it cannot decide."""
    found = _check("agpl-service.yaml", use={"distribution": "saas"})
    (f,) = _find(found, "copyleft-conflict", "acme-service")
    assert f.severity == "warning" and f.certainty == "unverified"
    assert "cannot decide" in f.message and "LicenseRef-acme-proprietary" in f.message


def test_a_licenseref_the_policy_declares_proprietary_is_judged_as_proprietary() -> None:
    """With ``proprietary: [LicenseRef-acme-proprietary]`` the whole is proprietary: AGPL-3.0 §5(c) and §13
    ask the whole to be licensed under the AGPL, which a proprietary license does not do (an error), and
    the license is no longer unknown."""
    found = _check(
        "agpl-service.yaml", use={"distribution": "saas"}, proprietary=["LicenseRef-acme-proprietary"]
    )
    (f,) = _find(found, "copyleft-conflict", "acme-service")
    assert f.severity == "error" and f.certainty == "settled"
    assert not _find(found, "license-unknown", "acme-service")


def test_a_whole_that_declares_no_license_is_reported_too() -> None:
    """GPL-3.0 linked into code that declares nothing: the copyleft part binds a whole of unknown terms."""
    bom = chain(
        ("app", "code", None), ("lib", "code", "GPL-3.0-only"), relations=(("app", "depends_on", "lib"),)
    )
    f = has(bom, "copyleft-conflict", "app")
    assert f is not None and f.severity == "warning" and "declares no license" in f.message


# -- class 3: region exclusions and hosting conditions --------------------------------------------


def test_llama_3_2_vision_is_withheld_from_an_eu_company() -> None:
    """Llama 3.2 AUP (incorporated by §1.b.iv): "With respect to any multimodal models included in Llama
    3.2, the rights granted under Section 1(a) ... are not being granted to you if you are ... a company
    with a principal place of business in, the European Union." The vision models and their fine-tunes
    are reached; the text-only 3B model is not."""
    found = _check("llama-3.2-vision-eu.yaml")
    assert {f.subject for f in found if f.code == "region-excluded"} == {"llama-3.2-11b-vision", "vision-ft"}
    assert all(f.severity == "error" for f in found if f.code == "region-excluded")
    assert not [
        f for f in _check("llama-3.2-vision-eu.yaml", use={"region": "US"}) if f.code == "region-excluded"
    ]


def test_llama_4_is_withheld_in_the_eu_whatever_the_model() -> None:
    """Llama 4 AUP, same paragraph; every Llama 4 model is multimodal, so a member state (DE) is excluded."""
    bom = chain(("m", "model", "llama4", {"name": "Llama-4-Scout-17B-16E"}))
    f = has(bom, "region-excluded", "m", region="DE")
    assert f is not None and f.severity == "error" and f.clause and "1.b.iv" in f.clause
    assert has(bom, "region-excluded", "m", region="JP") is None


def test_a_llama_3_2_model_of_unstated_modality_is_a_warning() -> None:
    """Where the manifest does not say whether a Llama 3.2 model is multimodal, aiprov cannot tell."""
    bom = chain(("m", "model", "llama3.2", {"name": "Llama-3.2-x"}))
    f = has(bom, "region-excluded", "m", region="EU")
    assert f is not None and f.severity == "warning" and f.certainty == "unverified"


def test_falcon_180b_served_as_an_api_needs_a_hosting_license() -> None:
    """Falcon 180B TII License §9: Hosting Use (offering the model in inference or fine-tuning API form on
    shared instances or managed services) needs TII's permission and a separate licence; §9.2: an
    application using it in the background is not Hosting Use, so aiprov asks which the service is."""
    (f,) = _find(_check("falcon-180b.yaml"), "hosting-restricted", "falcon-180b")
    assert f.severity == "warning" and f.certainty == "unverified" and f.clause and "9" in f.clause
    assert not _find(
        _check("falcon-180b.yaml", use={"distribution": "weights"}), "hosting-restricted", "falcon-180b"
    )


def test_a_codestral_fine_tune_served_to_users_is_outside_the_mnpl() -> None:
    """MNPL-0.1 §3.2: "You shall not supply the Mistral Models or Derivatives in the course of a commercial
    activity ... including but not limited to through a hosted or managed service (e.g. SaaS, cloud
    instances, etc.), or behind a software layer." Unlike Falcon's §9.2, no application is exempt, so the
    remedy must not tell the user that serving it behind an application is fine."""
    bom = chain(
        ("codestral", "model", "mnpl", {"name": "Codestral-22B-v0.1"}),
        ("ft", "model", "mnpl", {"name": "codestral-ft"}),
        relations=(("ft", "fine_tuned_from", "codestral"),),
    )
    f = has(bom, "hosting-restricted", "codestral", distribution="saas")
    assert f is not None and f.clause and "3.2" in f.clause
    assert "not permitted" in f.message and "software layer" in f.message
    assert f.remedy and "background needs none" not in f.remedy and "separate license" in f.remedy
    assert has(bom, "hosting-restricted", "codestral", distribution="weights") is None


def test_deepseek_licenses_hosting() -> None:
    """DeepSeek License 1.0 §4: "You may host for Third Party remote access purposes (e.g.
    software-as-a-service) ... provided that You meet the following conditions"."""
    terms = aiprov.license_terms("LicenseRef-scancode-deepseek-la-1.0")
    assert terms.hosting == "allowed" and "4" in terms.cite("hosting")
    bom = chain(("r1", "model", "LicenseRef-scancode-deepseek-la-1.0", {"name": "DeepSeek-V3"}))
    assert has(bom, "hosting-restricted", "r1", distribution="saas") is None


# -- class 4: outputs are not the model -----------------------------------------------------------


def test_a_deepseek_distill_of_llama_keeps_the_naming_duty() -> None:
    """Llama 3.1 §1.b.i: a model fine-tuned from Llama 3.1 and distributed must begin with "Llama";
    DeepSeek-R1-Distill-Llama-8B is fine-tuned from Llama-3.1-8B. The Qwen distill, trained on R1 (MIT)
    outputs from an Apache-2.0 base, has no finding."""
    found = _check("deepseek-distill.yaml")
    assert _find(found, "naming-requirement", "r1-distill-llama-8b")
    assert [f for f in found if f.subject == "r1-distill-qwen-7b"] == []


def test_hermes_3_does_not_begin_with_llama() -> None:
    """Llama 3.1 §1.b.i: "include 'Llama' at the beginning of any such AI model name":
    Hermes-3-Llama-3.1-8B has it in the middle."""
    (f,) = _find(_check("hermes-3.yaml"), "naming-requirement", "hermes-3-llama-3.1-8b")
    assert f.remedy == 'rename it to begin with "Llama"'


def test_gemma_outputs_make_a_model_derivative() -> None:
    """Gemma Terms of Use §1.e: Model Derivatives include "any other machine learning model which is
    created by transfer of patterns of the weights, parameters, operations, or Output of Gemma ...
    including distillation methods": the student declared Apache-2.0 drops the Gemma terms."""
    (f,) = _find(_check("gemma-distill.yaml"), "relicense-conflict", "student")
    assert f.severity == "error" and "gemma" in (f.license or "").lower()


def test_flux_outputs_used_commercially_are_disputed_not_forbidden() -> None:
    """FLUX.1 [dev] Non-Commercial License §2.d: "You may use Output for any purpose (including for
    commercial purposes), except as expressly prohibited herein"; §4.a forbids using "any data produced
    by the FLUX.1 [dev] Model" for "any commercial or production purposes". The text contradicts itself:
    a warning, unsettled. A LoRA of the model itself (a Derivative, §1.a) stays non-commercial."""
    found = _check("flux-lora.yaml")
    (nc,) = _find(found, "noncommercial-use", "sdxl-lora")
    assert nc.severity == "warning" and nc.certainty == "unsettled" and "contradicts" in nc.message
    (lora,) = _find(found, "noncommercial-use", "style-lora")
    assert lora.severity == "error" and lora.certainty == "settled"
    (competing,) = _find(found, "output-restriction", "sdxl-lora")
    assert competing.severity == "warning"  # §2.d: no competing model from Output: confirm


# -- class 5: severity that neither overclaims nor underclaims -----------------------------------


def test_a_medical_product_is_asked_to_confirm_licensed_practice_under_llama_4() -> None:
    """Llama 4 AUP 1.d forbids "the unauthorized or unlicensed practice of any profession including ...
    medical/health": a licensed medical product is not barred, so this is a warning to confirm."""
    bom = chain(("m", "model", "llama4", {"name": "Llama-4-med"}))
    f = has(bom, "use-restricted", "m", field="medical")
    assert f is not None and f.severity == "warning" and f.certainty == "unverified"
    assert "unlicensed practice" in f.message


def test_medical_advice_under_bigscience_rail_stays_an_error() -> None:
    """BigScience OpenRAIL-M Attachment A (medical advice and medical results interpretation) is a plain
    ban on the field: an error for a medical product."""
    bom = chain(("m", "model", "bigscience-openrail-m"))
    f = has(bom, "use-restricted", "m", field="medical")
    assert f is not None and f.severity == "error"


def test_openai_outputs_bind_the_account_and_a_competing_product_is_an_error() -> None:
    """OpenAI Terms of Use, "What you cannot do": "Use Output to develop models that compete with
    OpenAI." They are a contract with the account that generated the outputs, not a license on the data:
    Vicuna (ShareGPT) is asked to confirm; a competing product is an error."""
    (confirm,) = _find(_check("vicuna.yaml"), "output-restriction", "vicuna-7b-v1.5")
    assert confirm.severity == "warning"
    assert "contract binding the account that generated them" in confirm.message
    assert confirm.remedy and "third party" in confirm.remedy
    (competing,) = _find(
        _check("vicuna.yaml", use={"field": "competing-products"}), "output-restriction", "vicuna-7b-v1.5"
    )
    assert competing.severity == "error"


def test_alpaca_is_non_commercial_twice_over() -> None:
    """Alpaca: LLaMA 1 is licensed for non-commercial research (§1.a), and the Alpaca data is CC BY-NC
    4.0; a commercial use fails on both, and the OpenAI-generated data asks to confirm non-competition."""
    found = _check("alpaca.yaml")
    assert {f.license for f in _find(found, "noncommercial-use", "alpaca-7b")} == {
        "CC-BY-NC-4.0",
        "LicenseRef-scancode-llama-license-2023",
    }
    assert _find(found, "output-restriction", "alpaca-7b")
    assert not _find(_check("alpaca.yaml", use={"commercial": False}), "noncommercial-use", "alpaca-7b")


def test_starcoder_fine_tunes_carry_the_rail_restrictions() -> None:
    """BigCode OpenRAIL-M §4: use restrictions "must be included as an enforceable provision" in any
    distribution of a derivative; WizardCoder keeps the license, so there is no relicense conflict."""
    found = _check("starcoder.yaml")
    assert _find(found, "use-restricted", "wizardcoder-15b")
    assert not _find(found, "relicense-conflict", "wizardcoder-15b")


def test_every_finding_of_the_chains_says_how_sure_and_what_to_do() -> None:
    """The findings on all the real chains have a certainty and a remedy."""
    for path in sorted(CHAINS.glob("*.yaml")):
        for f in check(aiprov.load(path)).findings:
            assert f.remedy, (path.name, f)


# -- class 8: openness judges the terms that reach the model --------------------------------------


def test_openness_judges_the_terms_a_fine_tune_inherits() -> None:
    """Llama 3.1 §1.b.i and §1.b.iv: a derivative carries the Agreement and the Acceptable Use Policy,
    whatever it declares. A fine-tune declared Apache-2.0 does not grant use for every purpose (OSAID
    freedom 1), as ``aiprov check`` says of the same file."""
    from aiprov.analysis import openness

    bom = chain(
        ("base", "model", "llama3.1", {"name": "Llama-3.1-8B"}),
        (
            "ft",
            "model",
            "Apache-2.0",
            {"name": "Llama-3.1-acme", "properties": {"component": "Model parameters (Final)"}},
        ),
        relations=(("ft", "fine_tuned_from", "base"),),
    )
    assert has(bom, "use-restricted", "ft") is not None
    report = openness(bom)
    assert report.osaid is not None
    use = next(r for r in report.osaid.requirements if r.id == "freedom.use")
    assert use.status == "not_met"
    assert "inherits use restrictions" in use.reason and "Llama 3.1 §1.b.iv" in use.reason


def test_openness_of_a_rail_fine_tune_declared_apache() -> None:
    """CreativeML OpenRAIL-M paragraph 4.a: use restrictions must be carried into every derivative."""
    from aiprov.analysis import openness

    bom = chain(
        ("sd", "model", "creativeml-openrail-m"),
        ("ft", "model", "Apache-2.0", {"properties": {"component": "Model parameters (Final)"}}),
        relations=(("ft", "fine_tuned_from", "sd"),),
    )
    report = openness(bom)
    assert report.osaid is not None
    use = next(r for r in report.osaid.requirements if r.id == "freedom.use")
    assert use.status == "not_met" and "inherits use restrictions (CreativeML OpenRAIL-M" in use.reason


def test_a_mot_dataset_listed_with_a_license_is_released() -> None:
    """A Model Openness Tool record lists a component with a license when it is released with the model:
    "Datasets" under ODC-By 1.0 counts as public data for the OSAID, where the release is."""
    from aiprov.analysis import openness

    report = openness(aiprov.load(Path(__file__).parent / "data" / "mot" / "class1-complete.yml"))
    assert report.osaid is not None
    datasets = next(r for r in report.osaid.requirements if r.id == "data.datasets")
    assert datasets.status == "met"
    assert "released with the model under ODC-By-1.0" in (datasets.evidence[0].rule or "")


def test_a_model_trained_on_grok_2_outputs_breaks_its_license() -> None:
    """xAI Community License (Grok 2, 2025-11-04) §2.b: "You may not use the Materials, derivatives, or
    outputs (including generated data) to train, create, or improve any foundational, large language, or
    general-purpose AI models, except for modifications or fine-tuning of xAI Materials". A student LLM
    trained on Grok 2 generated data is an error; a fine-tune of Grok 2 itself on the same data is not."""
    bom = chain(
        ("grok-2", "model", "grok2-community", {"name": "grok-2"}),
        ("synth", "dataset", "other"),
        ("student", "model", "Apache-2.0", {"name": "student-llm"}),
        ("grok-ft", "model", "grok2-community", {"name": "grok-2-ft"}),
        relations=(
            ("synth", "generated_by", "grok-2"),
            ("student", "trained_on", "synth"),
            ("grok-ft", "fine_tuned_from", "grok-2"),
            ("grok-ft", "trained_on", "synth"),
        ),
    )
    f = has(bom, "output-restriction", "student")
    assert f is not None and f.severity == "error" and f.clause and "2.b" in f.clause
    assert has(bom, "output-restriction", "grok-ft") is None
    terms = aiprov.license_terms("grok2-community")
    assert terms.curated and terms.commercial_use == "allowed" and "2.a" in terms.cite("commercial_use")
