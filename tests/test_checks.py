"""Every finding code: a case that raises it and a near case that must not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import aiprov
from aiprov.analysis import Policy, check
from aiprov.analysis.checks import Finding

from .builders import chain, findings, has

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_license_missing() -> None:
    """A model with no license is an error; with one, no finding."""
    assert has(chain(("m", "model", None)), "license-missing", "m").severity == "error"
    assert has(chain(("m", "model", "MIT")), "license-missing", "m") is None


def test_license_missing_on_a_service_is_a_warning() -> None:
    """Services and documents often have terms, not licenses: a warning."""
    assert has(chain(("s", "service", None)), "license-missing", "s").severity == "warning"


def test_license_unknown() -> None:
    """`other` cannot be checked: a warning naming it; a known id gives none."""
    found = has(chain(("m", "model", "other")), "license-unknown", "m")
    assert found is not None and "other" in found.message
    assert has(chain(("m", "model", "apache-2.0")), "license-unknown", "m") is None


def test_license_invalid() -> None:
    """An unparseable expression is an error; a parseable one is not."""
    assert has(chain(("m", "model", "MIT AND (")), "license-invalid", "m").severity == "error"
    assert has(chain(("m", "model", "MIT AND Apache-2.0")), "license-invalid", "m") is None


def test_license_choice_reports_the_option_that_fits() -> None:
    """An OR is resolved to the option that satisfies a commercial policy, and reported."""
    bom = chain(("d", "dataset", "CC-BY-NC-4.0 OR CC-BY-4.0"))
    found = has(bom, "license-choice", "d")
    assert found is not None and "CC-BY-4.0" in found.message
    assert has(bom, "noncommercial-use", "d") is None
    assert has(chain(("d", "dataset", "CC-BY-4.0")), "license-choice", "d") is None


def test_copyleft_conflict() -> None:
    """GPL-2.0-only code linking Apache-2.0 code is a conflict when distributed; GPL-3.0 is not."""
    bad = chain(
        ("app", "code", "GPL-2.0-only"),
        ("lib", "code", "Apache-2.0"),
        relations=(("app", "depends_on", "lib"),),
    )
    assert has(bad, "copyleft-conflict", "app").severity == "error"
    good = chain(
        ("app", "code", "GPL-3.0-only"),
        ("lib", "code", "Apache-2.0"),
        relations=(("app", "depends_on", "lib"),),
    )
    assert has(good, "copyleft-conflict", "app") is None


def test_copyleft_conflict_needs_distribution() -> None:
    """Internal use distributes nothing: GPL duties do not trigger."""
    bad = chain(
        ("app", "code", "MIT"), ("lib", "code", "GPL-3.0-only"), relations=(("app", "depends_on", "lib"),)
    )
    assert has(bad, "copyleft-conflict", "app", distribution="weights") is not None
    assert has(bad, "copyleft-conflict", "app", distribution="internal") is None
    assert has(bad, "copyleft-conflict", "app", distribution="saas") is None


def test_agpl_triggers_on_saas() -> None:
    """Network copyleft binds a service offered over the network."""
    bom = chain(
        ("app", "code", "MIT"), ("lib", "code", "AGPL-3.0-only"), relations=(("app", "depends_on", "lib"),)
    )
    assert has(bom, "copyleft-conflict", "app", distribution="saas") is not None


def test_noncommercial_use() -> None:
    """NC data used commercially is an error; used non-commercially it is not."""
    bom = chain(("d", "dataset", "CC-BY-NC-4.0"))
    assert has(bom, "noncommercial-use", "d").severity == "error"
    assert has(bom, "noncommercial-use", "d", commercial=False) is None


def test_no_derivatives() -> None:
    """A dataset derived from ND material is flagged; one merely containing it is not."""
    derived = chain(
        ("nd", "dataset", "CC-BY-ND-4.0"),
        ("mine", "dataset", "CC-BY-ND-4.0"),
        relations=(("mine", "derived_from", "nd"),),
    )
    assert has(derived, "no-derivatives", "mine").severity == "error"
    contained = chain(
        ("nd", "dataset", "CC-BY-ND-4.0"),
        ("bundle", "dataset", "CC-BY-ND-4.0"),
        relations=(("bundle", "contains", "nd"),),
    )
    assert has(contained, "no-derivatives", "bundle") is None


def test_use_restricted() -> None:
    """RAIL use restrictions break "use for any purpose" (warning); Apache-2.0 does not."""
    assert has(chain(("m", "model", "bigscience-openrail-m")), "use-restricted", "m").severity == "warning"
    assert has(chain(("m", "model", "Apache-2.0")), "use-restricted", "m") is None


def test_use_restricted_in_the_intended_field_is_an_error() -> None:
    """BigScience OpenRAIL-M restricts medical advice: a medical product gets an error naming the clause."""
    found = has(chain(("m", "model", "bigscience-openrail-m")), "use-restricted", "m", field="medical")
    assert found is not None and found.severity == "error"
    assert found.clause


def test_relicense_conflict() -> None:
    """A Llama 3 fine-tune declared Apache-2.0 breaks inherited terms; declared under Llama 3 it does not."""
    bad = chain(
        ("base", "model", "llama3"),
        ("ft", "model", "Apache-2.0", {"name": "Llama 3 ft"}),
        relations=(("ft", "fine_tuned_from", "base"),),
    )
    found = has(bad, "relicense-conflict", "ft")
    assert found is not None and found.severity == "error"
    assert found.path == ("ft", "base")
    ok = chain(
        ("base", "model", "llama3"),
        ("ft", "model", "llama3", {"name": "Llama 3 ft"}),
        relations=(("ft", "fine_tuned_from", "base"),),
    )
    assert has(ok, "relicense-conflict", "ft") is None


def test_relicense_conflict_creativeml_to_mit() -> None:
    """A CreativeML OpenRAIL-M fine-tune declared MIT drops the use restrictions."""
    bad = chain(
        ("sd", "model", "creativeml-openrail-m"),
        ("ft", "model", "MIT"),
        relations=(("ft", "fine_tuned_from", "sd"),),
    )
    assert has(bad, "relicense-conflict", "ft").severity == "error"


def test_naming_requirement() -> None:
    """A Llama 3.1 derivative must be named "Llama..."; one that is passes."""

    def bom(name: str):  # type: ignore[no-untyped-def]
        return chain(
            ("base", "model", "llama3.1"),
            ("ft", "model", "llama3.1", {"name": name}),
            relations=(("ft", "fine_tuned_from", "base"),),
        )

    assert has(bom("acme-chat"), "naming-requirement", "ft").severity == "error"
    assert has(bom("Llama-3.1-acme-chat"), "naming-requirement", "ft") is None


def test_naming_prefix_differs_for_llama_3() -> None:
    """Meta Llama 3 asks for "Llama 3"; "Llama-acme" is not enough."""
    bom = chain(
        ("base", "model", "llama3"),
        ("ft", "model", "llama3", {"name": "Llama-acme"}),
        relations=(("ft", "fine_tuned_from", "base"),),
    )
    assert has(bom, "naming-requirement", "ft") is not None


def test_naming_does_not_apply_internally() -> None:
    """The naming duty triggers when the model is distributed or made available."""
    bom = chain(
        ("base", "model", "llama3.1"),
        ("ft", "model", "llama3.1", {"name": "acme"}),
        relations=(("ft", "fine_tuned_from", "base"),),
    )
    assert has(bom, "naming-requirement", "ft", distribution="internal") is None


def test_attribution_required() -> None:
    """Llama 3.1's "Built with Llama" display is reported as info when made available."""
    found = has(chain(("m", "model", "llama3.1")), "attribution-required", "m")
    assert found is not None and "Built with Llama" in found.message and found.severity == "info"
    assert (
        has(chain(("m", "model", "llama3.1")), "attribution-required", "m", distribution="internal") is None
    )


def test_mau_threshold() -> None:
    """Above 700M monthly active users a Llama licensee needs Meta's grant; below, nothing but info."""
    bom = chain(("m", "model", "llama3.1"))
    assert has(bom, "mau-threshold", "m", monthly_active_users=800_000_000).severity == "error"
    assert has(bom, "mau-threshold", "m", monthly_active_users=1_000_000) is None
    assert has(bom, "mau-threshold", "m").severity == "info"


def test_revenue_threshold() -> None:
    """The Stability AI Community License counts revenue."""
    bom = chain(("m", "model", "LicenseRef-scancode-stability-ai-community-2024"))
    assert has(bom, "mau-threshold", "m", revenue_usd=5_000_000).severity == "error"
    assert has(bom, "mau-threshold", "m", revenue_usd=500_000) is None


def test_output_restriction_llama3_outputs_improving_another_model() -> None:
    """A model trained on data generated by Meta Llama 3 breaks §1.b.v; with Llama 3.1 it does not."""

    def bom(license_: str):  # type: ignore[no-untyped-def]
        return chain(
            ("gen", "model", license_),
            ("synth", "dataset", "CC-BY-4.0"),
            ("student", "model", "Apache-2.0", {"name": "Llama student"}),
            relations=(("synth", "generated_by", "gen"), ("student", "trained_on", "synth")),
        )

    found = has(bom("llama3"), "output-restriction", "student")
    assert found is not None and found.severity == "error"
    assert found.clause and "1.b.v" in found.clause
    assert found.path == ("student", "synth", "gen")
    assert has(bom("llama3.1"), "output-restriction", "student") is None


def test_output_restriction_exempts_the_licensors_family() -> None:
    """Improving a Llama 3 derivative with Llama 3 outputs is allowed (§1.b.v excludes them)."""
    bom = chain(
        ("gen", "model", "llama3"),
        ("synth", "dataset", "CC-BY-4.0"),
        ("student", "model", "llama3", {"name": "Llama 3 student"}),
        relations=(
            ("synth", "generated_by", "gen"),
            ("student", "trained_on", "synth"),
            ("student", "fine_tuned_from", "gen"),
        ),
    )
    assert has(bom, "output-restriction", "student") is None


def test_share_alike() -> None:
    """A model trained on CC-BY-SA data is flagged (warning under the default data policy)."""
    bom = chain(
        ("d", "dataset", "CC-BY-SA-4.0"), ("m", "model", "Apache-2.0"), relations=(("m", "trained_on", "d"),)
    )
    found = has(bom, "share-alike", "m")
    assert found is not None and found.severity == "warning"
    assert "unsettled" in found.message
    same = chain(
        ("d", "dataset", "CC-BY-SA-4.0"),
        ("m", "model", "CC-BY-SA-4.0"),
        relations=(("m", "trained_on", "d"),),
    )
    assert has(same, "share-alike", "m") is None


def test_share_alike_on_derived_data_is_an_error() -> None:
    """A dataset derived from CC-BY-SA data and relabelled CC-BY-4.0 breaks share-alike."""
    bom = chain(
        ("d", "dataset", "CC-BY-SA-4.0"),
        ("d2", "dataset", "CC-BY-4.0"),
        relations=(("d2", "derived_from", "d"),),
    )
    assert has(bom, "share-alike", "d2").severity == "error"


def test_policy_denied() -> None:
    """A denied license (or category) is an error; allow makes an exception."""
    bom = chain(("m", "model", "AGPL-3.0-only"))
    policy = Policy.from_dict({"deny": ["network-copyleft"]})
    assert any(f.code == "policy-denied" for f in check(bom, policy).findings)
    policy = Policy.from_dict({"deny": ["network-copyleft"], "allow": ["agpl-3.0"]})
    assert not any(f.code == "policy-denied" for f in check(bom, policy).findings)


def test_policy_deny_entries_must_be_known() -> None:
    """A typo in deny is an error naming the key, not a silently ignored rule."""
    import pytest

    from aiprov.exceptions import ParseError

    with pytest.raises(ParseError, match="deny/0"):
        Policy.from_dict({"deny": ["GLP-3.0"]}, "p.yaml")


def test_provenance_missing() -> None:
    """A model with no source, purl or hashes has unverifiable provenance; required hashes are enforced."""
    bom = chain(("m", "model", "MIT", {"source": None}))
    assert has(bom, "provenance-missing", "m").severity == "warning"
    assert has(chain(("m", "model", "MIT")), "provenance-missing", "m") is None
    report = check(chain(("m", "model", "MIT")), Policy.from_dict({"require": {"hashes": True}}))
    assert [(f.code, f.severity) for f in report.findings if f.subject == "m"] == [
        ("provenance-missing", "error")
    ]


def test_waiver_silences_until_it_expires() -> None:
    """An active waiver removes the finding; an expired one stops applying and is reported."""
    bom = chain(("d", "dataset", "CC-BY-NC-4.0"))
    waiver = {
        "code": "noncommercial-use",
        "subject": "d",
        "reason": "licensed separately",
        "expires": "2026-12-31",
    }
    active = check(bom, Policy.from_dict({"waivers": [waiver], "today": "2026-06-01"}))
    assert not any(f.code == "noncommercial-use" for f in active.findings)
    assert [f.code for f in active.waived] == ["noncommercial-use"]
    expired = check(bom, Policy.from_dict({"waivers": [waiver], "today": dt.date(2027, 1, 1)}))
    codes = {f.code for f in expired.findings}
    assert {"noncommercial-use", "waiver-expired"} <= codes


def test_relation_kind_mismatch_is_a_warning() -> None:
    """trained_on a code artifact does not fit: a warning, not an error."""
    bom = chain(("m", "model", "MIT"), ("c", "code", "MIT"), relations=(("m", "trained_on", "c"),))
    assert has(bom, "relation-kind-mismatch", "m").severity == "warning"


def test_every_code_is_documented() -> None:
    """docs/findings.md documents every finding code."""
    from pathlib import Path

    from aiprov.analysis.checks import CODES

    text = (Path(__file__).resolve().parents[1] / "docs" / "findings.md").read_text()
    assert [c for c in CODES if f"`{c}`" not in text] == []


def test_findings_are_immutable_values() -> None:
    """Findings about inherited terms render their message and path when read; they still behave as
    plain values: equal to the same finding built by hand, hashable, immutable."""
    bom = aiprov.load(EXAMPLES / "chat-product" / "aibom.yaml")
    report = check(bom, Policy())
    inherited = [f for f in report.findings if len(f.path) > 1]
    assert inherited
    for f in report.findings:
        twin = Finding(**f.to_dict() | {"path": tuple(f.path)})
        assert twin == f and hash(twin) == hash(f)
        assert f.code in repr(f)
    with pytest.raises(AttributeError):
        inherited[0].message = "changed"  # type: ignore[misc]
    assert len({*report.findings}) == len(report.findings)


def _two_channels(*derivation: str) -> list[Finding]:
    """``tuned`` is named against Llama 3.1's naming duty, which reaches it twice: by derivation (through
    ``derivation``, fine-tunes that declare nothing, to the base) and by outputs (trained on data that a
    Llama 3.1 model generated: tuned -> syn -> gen)."""
    steps = [*derivation, "base"]
    bom = chain(
        ("tuned", "model", "llama3.1"),
        *[(m, "model", None, {"name": f"Llama-3.1-{m}"}) for m in derivation],
        ("base", "model", "llama3.1", {"name": "Llama-3.1-8B"}),
        ("gen", "model", "llama3.1", {"name": "Llama-3.1-70B"}),
        ("syn", "dataset", "CC-BY-4.0"),
        relations=(
            *[(a, "fine_tuned_from", b) for a, b in zip(["tuned", *steps], steps, strict=False)],
            ("tuned", "trained_on", "syn"),
            ("syn", "generated_by", "gen"),
        ),
    )
    return [f for f in findings(bom) if f.code == "naming-requirement" and f.subject == "tuned"]


def test_a_term_reaching_by_two_channels_is_reported_once_by_the_shorter_path() -> None:
    """One finding per (code, subject, license): the most severe, then the shortest path, then the
    smallest path. Which channel wins depends on the lengths, not on the channel."""
    (found,) = _two_channels()
    assert found.path == ("tuned", "base")  # derivation, one step, beats outputs, two
    (found,) = _two_channels("a", "b")
    assert found.path == ("tuned", "syn", "gen")  # outputs, two steps, beat derivation, three
    (found,) = _two_channels("a")  # two steps each: the smaller path
    assert found.path == ("tuned", "a", "base")
    (found,) = _two_channels("z")
    assert found.path == ("tuned", "syn", "gen")


def test_rules_live_apart_from_the_engine_in_small_files() -> None:
    """No file under src/ is over 600 lines, and every code a rule module raises is documented in
    docs/findings.md with the module that holds it."""
    from aiprov.analysis import rules

    root = Path(__file__).resolve().parents[1]
    long = [p for p in (root / "src").rglob("*.py") if len(p.read_text().splitlines()) > 600]
    assert long == []
    text = (root / "docs" / "findings.md").read_text()
    for module in rules.REACH_RULES + rules.ARTIFACT_RULES + rules.BOM_RULES:
        name = module.__name__.rsplit(".", 1)[1]
        for code in module.CODES:
            assert f"`{code}`" in text
            assert f"rules/{name}.py" in text, name
