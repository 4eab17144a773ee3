"""Licenses people use every day, read from their texts (issue 15, class 6).

Each test quotes the clause it checks. The records are in license-data/licenses/.
"""

from __future__ import annotations

import pytest

from aiprov import normalize_license
from aiprov.licenses import default_catalog, license_terms
from tests.builders import chain, findings, has


@pytest.mark.parametrize(
    ("license_name", "canonical"),
    [
        # Hugging Face `license: other` + `license_name:` values on real model cards
        ("qwen", "LicenseRef-aiprov-qwen-2024"),  # Qwen/Qwen2.5-72B-Instruct
        ("qwen-research", "LicenseRef-aiprov-qwen-research-2024"),  # Qwen/Qwen2.5-3B-Instruct
        ("tongyi-qianwen", "LicenseRef-scancode-tongyi-qianwen-2023"),  # Qwen/Qwen2-72B-Instruct
        ("tongyi-qianwen-research", "LicenseRef-aiprov-tongyi-qianwen-research-2023"),  # Qwen/Qwen-1_8B
        ("deepseek", "LicenseRef-scancode-deepseek-la-1.0"),  # deepseek-ai/DeepSeek-V2
        ("mnpl", "LicenseRef-aiprov-mistral-non-production-0.1"),  # mistralai/Codestral-22B-v0.1
        ("mrl", "LicenseRef-aiprov-mistral-research-license-0.1"),  # mistralai/Mistral-Large-Instruct-2407
        # documented Hub `license:` ids
        ("llama3.2", "LicenseRef-scancode-llama-3.2-license-2024"),
        ("llama3.3", "LicenseRef-scancode-llama-3.3-license-2024"),
        ("llama4", "LicenseRef-scancode-llama-4-cla-2025"),
        ("gemma", "LicenseRef-scancode-gemma-tou-2024-04-01"),
        ("openrail++", "LicenseRef-scancode-bigscience-open-rail-m2"),
        ("creativeml-openrail-m", "LicenseRef-scancode-stable-diffusion-2022-08-22"),
        ("bigscience-bloom-rail-1.0", "LicenseRef-scancode-bigscience-rail-1.0"),
        ("apple-amlr", "LicenseRef-aiprov-apple-amlr"),
        # the key newer ScanCode LicenseDB gives the 2024 Qwen text (scancode-toolkit #4527)
        ("LicenseRef-scancode-qwen-2024", "LicenseRef-aiprov-qwen-2024"),
    ],
)
def test_hugging_face_license_names_resolve_to_a_curated_record(license_name: str, canonical: str) -> None:
    """A license id or license_name people put on a model card resolves to a record read from its text."""
    norm = normalize_license(license_name)
    assert (norm.status, norm.expression) == ("ok", canonical)
    assert license_terms(license_name).curated


@pytest.mark.parametrize(
    "license_id",
    ["LicenseRef-aiprov-qwen-2024", "LicenseRef-aiprov-mistral-non-production-0.1"],
)
def test_the_stubs_the_issue_names_are_read(license_id: str) -> None:
    """The Qwen License (2024) and the Mistral Non-Production License are curated, not unread stubs."""
    record = license_terms(license_id)
    assert record.curated and record.basis == "curated from the license text"
    assert record.commercial_use != "unknown" and record.any_purpose is False
    assert all(clause.clause for name, clause in record.clauses if name in ("commercial_use", "any_purpose"))


def test_qwen_2024_needs_a_license_above_100_million_mau() -> None:
    """Qwen LICENSE AGREEMENT §4: "If you are commercially using the Materials, and your product or service
    has more than 100 million monthly active users, you shall request a license from us." """
    qwen = license_terms("qwen")
    assert (qwen.commercial_use, qwen.mau_threshold) == ("threshold", 100_000_000)
    assert qwen.clause("commercial_use").clause == "4"  # type: ignore[union-attr]
    bom = chain(
        ("base", "model", "qwen"),
        ("ft", "model", "qwen", {"name": "my-qwen-ft"}),
        relations=(("ft", "fine_tuned_from", "base"),),
    )
    above = has(bom, "mau-threshold", "ft", monthly_active_users=150_000_000)
    assert above is not None and above.severity == "error"
    assert (above.license, above.clause) == ("LicenseRef-aiprov-qwen-2024", "4")
    assert "Qwen License 2024 §4" in above.message
    assert has(bom, "mau-threshold", "ft", monthly_active_users=50_000_000) is None


def test_qwen_2024_dropped_the_2023_ban_on_improving_other_models() -> None:
    """Tongyi Qianwen (2023) §5.b: "You can not use the Materials or any output therefrom to improve any other
    large language model"; Qwen (2024) §5.b instead: "If you use the Materials or any outputs or results therefrom
    to create, train, fine-tune, or improve an AI model that is distributed or made available, you shall
    prominently display 'Built with Qwen' or 'Improved using Qwen' in the related product documentation." """
    old, new = license_terms("tongyi-qianwen"), license_terms("qwen")
    assert "improve-other-models" in old.output_restriction_categories
    assert "improve-other-models" not in new.output_restriction_categories
    assert new.output_restriction_categories == ("attribution",)
    assert new.naming_required is False and new.naming_prefix is None  # a display duty, not a name prefix
    assert new.attribution_text == "Built with Qwen"  # §5.b, as Llama 3.1's "Built with Llama"
    notice = new.clause("attribution")
    assert notice is not None and notice.quote == (
        '"Qwen is licensed under the Qwen LICENSE AGREEMENT, Copyright (c) Alibaba Cloud. All Rights Reserved."'
    )  # §3.c: the line for the "Notice" text file


def test_qwen_research_is_non_commercial() -> None:
    """Qwen RESEARCH LICENSE §2.a: "... FOR NON-COMMERCIAL PURPOSES ONLY"; §1.i: "'Non-Commercial' shall mean
    for research or evaluation purposes only." Commercial use of a model under it is an error."""
    record = license_terms("qwen-research")
    assert (record.non_commercial, record.commercial_use, record.category) == (
        True,
        "forbidden",
        "non-commercial",
    )
    bom = chain(("m", "model", "qwen-research"))
    assert has(bom, "noncommercial-use", "m") is not None
    assert has(bom, "noncommercial-use", "m", commercial=False) is None


def test_mnpl_forbids_production_and_saas() -> None:
    """MNPL §3.2: "You shall only use the Mistral Models and Derivatives ... for testing, research, Personal, or
    evaluation purposes in Non-Production Environments" and "shall not supply the Mistral Models or Derivatives in
    the course of a commercial activity, ... including ... through a hosted or managed service (e.g. SaaS ...)"."""
    record = license_terms("mnpl")
    assert (record.non_commercial, record.commercial_use) == (True, "forbidden")
    assert "SaaS" in (record.clause("commercial_use").quote or "")  # type: ignore[union-attr]
    bom = chain(
        ("codestral", "model", "mnpl"),
        ("svc", "service", "LicenseRef-acme-proprietary", {"name": "assistant"}),
        relations=(("svc", "depends_on", "codestral"),),
    )
    assert has(bom, "noncommercial-use", "codestral", distribution="saas") is not None


def test_mnpl_does_not_claim_outputs_are_restricted() -> None:
    """MNPL §9: "For the avoidance of doubt, Outputs are not considered as Derivatives"; §4.2 only asks that
    their uses be "in accordance with this Agreement". Unlike the MRL (§4.2: "Any Outputs shall be subject to the
    restrictions set out in Section 3"), the MNPL does not say outputs are non-commercial: unknown, not a guess."""
    assert license_terms("mnpl").output_restrictions is None
    assert license_terms("mrl").output_restriction_categories == ("non-commercial",)


def test_deepseek_counts_distillation_as_a_derivative() -> None:
    """DeepSeek License §1: Derivatives of the Model include "distillation methods entailing ... the generation of
    synthetic data by the Model" (the use restrictions of Attachment A travel with them, §4.a, §5)."""
    record = license_terms("deepseek")
    assert record.includes_distillation is True and record.passthrough_required is True


def test_no_message_says_scancode_category_none() -> None:
    """A license aiprov knows only by name says why it is not curated, never "ScanCode category (None)"."""
    catalog = default_catalog()
    stub = next((r.id for r in catalog.curated() if not r.curated), None)
    spdx_only = next(
        i
        for i in catalog.all_ids()
        if (r := catalog.get(i)) is not None
        and not r.curated
        and r.scancode_category is None
        and r.category == "unknown"
    )
    for license_id in filter(None, (stub, spdx_only, "LicenseRef-scancode-commercial-license")):
        messages = [
            f.message for f in findings(chain(("m", "model", license_id))) if f.code == "license-unknown"
        ]
        assert messages, license_id
        assert all("(None)" not in m and "is not curated: " in m for m in messages), messages


def test_records_whose_text_was_not_read_assert_nothing() -> None:
    """A record marked text_read: false (H Research) claims no term: every one is unknown."""
    unread = [r for r in default_catalog().curated() if not r.curated]
    for record in unread:
        assert record.commercial_use == "unknown" and record.copyleft == "unknown", record.id
        assert record.derivative_licensing == "unknown" and record.termination is None, record.id
        tri = (
            record.any_purpose,
            record.use_restrictions,
            record.passthrough_required,
            record.non_commercial,
            record.no_derivatives,
            record.attribution_required,
            record.naming_required,
            record.output_restrictions,
            record.includes_distillation,
        )
        assert all(value is None for value in tri), record.id
        assert record.governing_law is None and record.mau_threshold is None, record.id


def test_a_distributed_qwen_fine_tune_must_say_built_with_qwen() -> None:
    """Qwen LICENSE §5.b ("Built with Qwen" for a model fine-tuned with the Materials and distributed) and §3.c
    (the notice line in a "Notice" file) both reach a fine-tune shipped as weights."""
    from aiprov.analysis import Policy
    from aiprov.analysis.obligations import obligations

    bom = chain(
        ("base", "model", "qwen"),
        ("ft", "model", "qwen", {"name": "my-ft"}),
        relations=(("ft", "fine_tuned_from", "base"),),
    )
    result = obligations(bom, Policy.from_dict({"use": {"commercial": True, "distribution": "weights"}}))
    actions = {(o.action, o.text) for o in result.obligations if o.subject == "ft"}
    assert ("display-attribution", 'display "Built with Qwen" prominently') in actions
    assert any(action == "include-notice" and "Qwen LICENSE AGREEMENT" in text for action, text in actions)
