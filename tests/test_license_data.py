"""The license catalog: every data file valid, aliases unique, Hugging Face ids known, traps kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from aiprov import license_terms
from aiprov.exceptions import LicenseDataError
from aiprov.licenses.catalog import Catalog, default_catalog, license_data_path

DATA = license_data_path()
FILES = sorted((DATA / "licenses").glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_data_file_is_valid(path: Path) -> None:
    """Each license-data file validates against the schema kept beside it."""
    schema = json.loads((DATA / "schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(path.read_text()))


def test_catalog_has_the_curated_licenses_the_issue_names() -> None:
    """At least the licenses the project promises are curated from their texts."""
    catalog = default_catalog()
    wanted = [
        "LicenseRef-scancode-llama-license-2023",
        "llama2",
        "llama3",
        "llama3.1",
        "llama3.2",
        "llama3.3",
        "llama4",
        "LicenseRef-aiprov-llama-3.1-aup",
        "gemma",
        "LicenseRef-aiprov-gemma-tou-2024-02-21",
        "LicenseRef-aiprov-gemma-prohibited-use-policy",
        "bigscience-openrail-m",
        "bigscience-bloom-rail-1.0",
        "creativeml-openrail-m",
        "openrail++",
        "bigcode-openrail-m",
        "openrail",
        "deepfloyd-if-license",
        "LicenseRef-scancode-falcon-2-11b-1.0",
        "LicenseRef-scancode-tongyi-qianwen-2023",
        "LicenseRef-scancode-deepseek-la-1.0",
        "LicenseRef-aiprov-mistral-research-license-0.1",
        "LicenseRef-scancode-nvidia-open-model-2025-04-28",
        "LicenseRef-scancode-stability-ai-community-2024",
        "LicenseRef-scancode-stability-ai-nc-2023-12-06",
        "LicenseRef-scancode-flux-1-nc",
        "openmdw-1.0",
        "apple-ascl",
        "apple-amlr",
        "LicenseRef-scancode-openai-tou-20241211",
        "CC-BY-4.0",
        "CC-BY-SA-4.0",
        "CC-BY-NC-4.0",
        "CC-BY-NC-SA-4.0",
        "CC-BY-ND-4.0",
        "CC-BY-NC-ND-4.0",
        "CC0-1.0",
        "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "PDDL-1.0",
        "C-UDA-1.0",
        "MIT",
        "Apache-2.0",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "ISC",
        "0BSD",
        "Unlicense",
        "Zlib",
        "BSL-1.0",
        "Python-2.0",
        "MPL-2.0",
        "EPL-2.0",
        "LGPL-2.1-only",
        "LGPL-2.1-or-later",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "GPL-2.0-only",
        "GPL-2.0-or-later",
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "AGPL-3.0-only",
    ]
    missing = [w for w in wanted if (r := catalog.get(w)) is None or not r.curated]
    assert missing == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_term_names_its_clause_or_is_the_meaning_of_silence(path: Path) -> None:
    """A term with no clause is either what silence means (no copyleft, no duty) or explained in a note."""
    silent = (False, "none", "free", None, [], "allowed")
    for name, term in (yaml.safe_load(path.read_text()).get("terms") or {}).items():
        if term.get("clause") is None:
            assert term.get("value") in silent or term.get("note"), f"term {name} has no clause and no note"


def test_incorporated_policies_have_their_own_records() -> None:
    """An acceptable-use policy a license incorporates is a record of its own."""
    catalog = default_catalog()
    for record in catalog.curated():
        for ref in (*record.incorporates, *([record.use_policy] if record.use_policy else [])):
            found = catalog.get(ref)
            assert found is not None and found.kind == "policy", f"{record.id} -> {ref}"


def test_aliases_are_unique_across_the_catalog(tmp_path: Path) -> None:
    """Two records claiming the same alias are refused, naming the file and the alias."""
    shutil.copytree(DATA, tmp_path / "data")
    mit = yaml.safe_load((tmp_path / "data/licenses/mit.yaml").read_text())
    isc = tmp_path / "data/licenses/isc.yaml"
    data = yaml.safe_load(isc.read_text())
    data.setdefault("aliases", {}).setdefault("names", []).append(mit["aliases"]["huggingface"][0])
    isc.write_text(yaml.safe_dump(data))
    with pytest.raises(LicenseDataError, match=r"(?i)alias 'mit'"):
        Catalog.load(tmp_path / "data")


def test_invalid_file_error_names_file_and_field(tmp_path: Path) -> None:
    """An invalid data file gives an error naming the file and the field."""
    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data/licenses/mit.yaml"
    data = yaml.safe_load(path.read_text())
    data["terms"]["commercial_use"]["value"] = "sometimes"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(LicenseDataError) as err:
        Catalog.load(tmp_path / "data")
    assert "mit.yaml" in str(err.value)
    assert "terms/commercial_use/value" in str(err.value)


def test_every_hugging_face_identifier_maps_to_a_known_license() -> None:
    """Every license id the Hugging Face Hub documents resolves to a license the catalog knows."""
    aliases = yaml.safe_load((DATA / "aliases.yaml").read_text())
    catalog = default_catalog()
    for hf_id, target in aliases["huggingface"].items():
        if target is None:
            continue  # a family (openrail, bsd, cc): documented as such in aliases.yaml
        assert catalog.resolve(hf_id) == catalog.resolve(target) or catalog.resolve(hf_id) == target, hf_id
        assert catalog.get(hf_id) is not None, f"{hf_id} -> {target} is not in the catalog"


def test_record_aliases_resolve_to_their_record() -> None:
    """Every alias a record declares resolves back to that record."""
    catalog = default_catalog()
    for record in catalog.curated():
        for alias in record.aliases:
            assert catalog.resolve(alias) == record.id, alias


# -- the differences between versions are the point -------------------------------------
OUTPUT_BAN = [
    ("llama2", True),
    ("llama3", True),
    ("llama3.1", False),
    ("llama3.2", False),
    ("llama3.3", False),
    ("llama4", False),
    ("LicenseRef-scancode-tongyi-qianwen-2023", True),
]


@pytest.mark.parametrize(("license_id", "banned"), OUTPUT_BAN)
def test_which_versions_forbid_using_outputs_to_improve_other_models(license_id: str, banned: bool) -> None:
    """Llama 2 and Meta Llama 3 (§1.b.v) forbid improving other LLMs with outputs; 3.1 and later do not."""
    terms = license_terms(license_id)
    assert ("improve-other-models" in terms.output_restriction_categories) is banned


@pytest.mark.parametrize(
    ("license_id", "prefix", "outputs_trigger"),
    [
        ("llama2", None, False),
        ("llama3", "Llama 3", False),
        ("llama3.1", "Llama", True),
        ("llama3.2", "Llama", True),
        ("llama3.3", "Llama", True),
        ("llama4", "Llama", True),
    ],
)
def test_naming_prefix_and_its_trigger_per_llama_version(
    license_id: str, prefix: str | None, outputs_trigger: bool
) -> None:
    """Meta Llama 3 asks for "Llama 3" from the materials; 3.1+ asks for "Llama" from materials or outputs."""
    terms = license_terms(license_id)
    assert terms.naming_prefix == prefix
    assert ("naming" in terms.output_restriction_categories) is outputs_trigger


@pytest.mark.parametrize(
    ("license_id", "text"),
    [
        ("llama3", "Built with Meta Llama 3"),
        ("llama3.1", "Built with Llama"),
        ("llama4", "Built with Llama"),
    ],
)
def test_built_with_display_text(license_id: str, text: str) -> None:
    """The exact display text differs between Llama 3 and 3.1+."""
    assert license_terms(license_id).attribution_text == text


@pytest.mark.parametrize("license_id", ["llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4"])
def test_llama_commercial_threshold_is_700_million_mau(license_id: str) -> None:
    """Every Llama community license needs a separate grant above 700M monthly active users (§2)."""
    terms = license_terms(license_id)
    assert (terms.commercial_use, terms.mau_threshold) == ("threshold", 700_000_000)
    assert terms.any_purpose is False


def test_llama_1_is_non_commercial_research_only() -> None:
    """LLaMA 1 (Feb 2023) is a non-commercial research license."""
    terms = license_terms("LicenseRef-scancode-llama-license-2023")
    assert terms.non_commercial is True
    assert terms.commercial_use == "forbidden"


def test_gemma_counts_distillation_as_a_model_derivative() -> None:
    """A model trained on Gemma outputs is a Model Derivative (Gemma ToU 1.1(e))."""
    terms = license_terms("gemma")
    assert terms.includes_distillation is True
    assert "makes-derivative" in terms.output_restriction_categories


@pytest.mark.parametrize(
    "license_id",
    [
        "creativeml-openrail-m",
        "openrail++",
        "bigscience-openrail-m",
        "bigcode-openrail-m",
        "bigscience-bloom-rail-1.0",
    ],
)
def test_rail_licenses_carry_use_restrictions_to_derivatives(license_id: str) -> None:
    """OpenRAIL variants let derivatives take other terms only if the use restrictions go with them."""
    terms = license_terms(license_id)
    assert terms.use_restrictions is True
    assert terms.passthrough_required is True
    assert terms.derivative_licensing == "carry-restrictions"
    assert terms.any_purpose is False


def test_rail_variants_differ_in_their_restrictions() -> None:
    """BigCode OpenRAIL-M restricts malware; CreativeML OpenRAIL-M has no such item."""
    assert "malware-cybersecurity" in license_terms("bigcode-openrail-m").use_restriction_categories
    assert "malware-cybersecurity" not in license_terms("creativeml-openrail-m").use_restriction_categories


def test_scancode_m2_key_is_the_creativeml_openrail_pp_text() -> None:
    """ScanCode's bigscience-open-rail-m2 key holds the CreativeML OpenRAIL++-M text (HF openrail++)."""
    assert default_catalog().resolve("openrail++") == "LicenseRef-scancode-bigscience-open-rail-m2"


@pytest.mark.parametrize(
    ("license_id", "nc", "nd", "copyleft"),
    [
        ("CC-BY-4.0", False, False, "none"),
        ("CC-BY-SA-4.0", False, False, "share-alike"),
        ("CC-BY-NC-4.0", True, False, "none"),
        ("CC-BY-NC-SA-4.0", True, False, "share-alike"),
        ("CC-BY-ND-4.0", False, True, "none"),
        ("CC-BY-NC-ND-4.0", True, True, "none"),
        ("CC0-1.0", False, False, "none"),
    ],
)
def test_creative_commons_elements(license_id: str, nc: bool, nd: bool, copyleft: str) -> None:
    """NC, ND and SA are read from each CC 4.0 legal code."""
    terms = license_terms(license_id)
    assert (terms.non_commercial, terms.no_derivatives, terms.copyleft) == (nc, nd, copyleft)


def test_stability_community_threshold_is_revenue_not_users() -> None:
    """The Stability AI Community License counts USD 1M annual revenue, not users."""
    terms = license_terms("LicenseRef-scancode-stability-ai-community-2024")
    assert terms.threshold == 1_000_000
    assert terms.threshold_counted == "annual_revenue_usd"
    assert terms.mau_threshold is None


def test_boost_is_not_the_business_source_license() -> None:
    """BSL-1.0 is the Boost license (permissive), never the Business Source License."""
    terms = license_terms("bsl-1.0")
    assert terms.id == "BSL-1.0"
    assert terms.category == "permissive"


def test_openai_terms_govern_outputs_against_competing_models() -> None:
    """The OpenAI Terms of Use forbid using Output to develop competing models."""
    terms = license_terms("LicenseRef-scancode-openai-tou-20241211")
    assert terms.kind == "terms-of-service"
    assert "competing-models" in terms.output_restriction_categories


def test_any_purpose_is_false_wherever_a_restriction_exists() -> None:
    """No curated record says "use for any purpose" while it restricts use, caps users or forbids commerce."""
    for record in default_catalog().curated():
        if record.kind == "policy":
            continue
        if (
            record.use_restrictions
            or record.non_commercial
            or record.commercial_use in ("threshold", "forbidden")
        ):
            assert record.any_purpose is not True, record.id


def test_uncurated_ids_resolve_to_derived_records_marked_as_such() -> None:
    """An SPDX id aiprov has not curated still resolves, marked not curated, with its basis."""
    terms = license_terms("AFL-3.0")
    assert terms.curated is False
    assert "ScanCode" in terms.basis
    assert terms.osi_approved is True
    scancode_only = license_terms("LicenseRef-scancode-apple-ml-ferret-2023")
    assert scancode_only.curated is False
    assert scancode_only.any_purpose is None  # a category cannot tell


def test_catalog_loads_lazily_not_at_import() -> None:
    """Importing aiprov reads no license data (the cache is filled on first use)."""
    import subprocess
    import sys

    code = "import aiprov, aiprov.licenses.catalog as c; print(c.default_catalog.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_shipped_data_validates_through_the_catalog_loader() -> None:
    """The shipped data passes the loader's own validation (which start-up skips for speed)."""
    validated = Catalog.load(DATA, validate=True)
    assert sorted(r.id for r in validated.curated()) == sorted(r.id for r in default_catalog().curated())


def test_a_directory_of_your_own_is_validated_by_default(tmp_path: Path) -> None:
    """Catalog.load(directory) validates a user's data against the schema unless told otherwise."""
    shutil.copytree(DATA, tmp_path / "data")
    bad = tmp_path / "data" / "licenses" / "mit.yaml"
    data = yaml.safe_load(bad.read_text())
    data["category"] = 42
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(LicenseDataError):
        Catalog.load(tmp_path / "data")
