"""aiprov scan over Hugging Face repositories, the cache, cards and weight files (offline)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import aiprov
from aiprov.analysis import Policy, check
from aiprov.graph import AIBOM

from ._distinfo import mit_text
from .hf_fixtures import (
    ADAPTER,
    DATASET,
    GGUF_REPO,
    LLAMA,
    MERGED,
    PARENT_DATASET,
    build_cache,
    card,
    commit_of,
    safetensors_bytes,
)

COMMERCIAL = Policy.from_dict({"use": {"commercial": True, "distribution": "weights"}})


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hf")
    build_cache(base / "cache", base)
    return base / "cache"


@pytest.fixture(scope="module")
def bom(cache: Path) -> AIBOM:
    return aiprov.scan(hf_cache=cache)


def rel(bom: AIBOM, source: str, kind: str) -> list[Any]:
    return [r for r in bom.outgoing(source) if r.kind == kind]


def test_cache_repos_are_artifacts_pinned_to_their_commit(bom: AIBOM) -> None:
    """Each cached model is an hf:<org>/<name> model whose version and purl are its revision's commit."""
    for repo in (LLAMA, ADAPTER, MERGED, GGUF_REPO):
        art = bom[f"hf:{repo}"]
        assert art.kind == "model"
        assert art.version == commit_of(repo)
        org, _, name = repo.partition("/")
        assert art.purl == f"pkg:huggingface/{org}/{name}@{commit_of(repo)}"
        assert not art.properties.get("unresolved")
    for repo in (DATASET, PARENT_DATASET):
        assert bom[f"hf-dataset:{repo}"].kind == "dataset"
        assert bom[f"hf-dataset:{repo}"].version == commit_of(repo)


def test_card_licenses_are_declared_as_written(bom: AIBOM) -> None:
    """The card's license is the artifact's declared license, unchanged."""
    assert bom[f"hf:{LLAMA}"].license == "llama3.1"
    assert bom[f"hf:{ADAPTER}"].license == "apache-2.0"
    assert bom[f"hf-dataset:{DATASET}"].license == "cc-by-nc-4.0"


def test_adapter_relation_is_inferred_from_adapter_config(bom: AIBOM) -> None:
    """No base_model_relation + adapter_config.json -> adapter_of, marked as inferred."""
    (r,) = rel(bom, f"hf:{ADAPTER}", "adapter_of")
    assert r.target == f"hf:{LLAMA}"
    assert r.properties["inferred"] is True
    assert r.properties["inferred_from"] == "adapter_config.json"


def test_several_bases_are_a_merge_and_gguf_is_a_quantization(bom: AIBOM) -> None:
    """Two base models -> merged_from both; a GGUF file -> quantized_from."""
    assert {r.target for r in rel(bom, f"hf:{MERGED}", "merged_from")} == {f"hf:{LLAMA}", f"hf:{ADAPTER}"}
    (q,) = rel(bom, f"hf:{GGUF_REPO}", "quantized_from")
    assert q.target == f"hf:{MERGED}" and q.properties["inferred"] is True


def test_datasets_eval_and_lineage(bom: AIBOM) -> None:
    """datasets -> trained_on, model-index -> evaluated_on, source_datasets -> derived_from."""
    assert [r.target for r in rel(bom, f"hf:{ADAPTER}", "trained_on")] == [f"hf-dataset:{DATASET}"]
    (ev,) = rel(bom, f"hf:{ADAPTER}", "evaluated_on")
    assert ev.target == "hf-dataset:acme/chat-eval"
    assert [r.target for r in rel(bom, f"hf-dataset:{DATASET}", "derived_from")] == [
        f"hf-dataset:{PARENT_DATASET}"
    ]


def test_an_id_named_but_not_found_is_kept_with_no_assertion(bom: AIBOM) -> None:
    """Nothing found is dropped: an eval dataset not on disk is an artifact with license-unknown."""
    art = bom["hf-dataset:acme/chat-eval"]
    assert art.license == "NOASSERTION" and art.properties["unresolved"] is True
    assert art.properties["found_in"].endswith("README.md#model-index")
    codes = {f.code for f in check(bom).findings if f.subject == art.id}
    assert "license-unknown" in codes


def test_a_base_named_by_a_card_and_found_in_the_cache_is_one_artifact(bom: AIBOM) -> None:
    """The Llama named by the adapter's card and cached is one artifact: the cached one, with both places."""
    art = bom[f"hf:{LLAMA}"]
    assert art.license == "llama3.1"
    assert any(p.endswith("#base_model") for p in art.properties["found_in_also"])
    assert art.properties["found_in"].endswith("README.md")


def test_weight_files_are_contained_hashed_and_placed(bom: AIBOM, cache: Path) -> None:
    """Each weight/data file: repo -contains-> file, sha256 equal to hashlib's, path under root."""
    files = [r.target for r in bom.relations if r.kind == "contains"]
    assert f"hf:{ADAPTER}/adapter_model.safetensors" in files
    assert f"hf:{GGUF_REPO}/acme-chat-merged-Q8_0.gguf" in files
    assert f"hf-dataset:{DATASET}/data/train.jsonl" in files
    for fid in files:
        art = bom[fid]
        assert art.kind in ("weights", "dataset")
        on_disk = Path(art.properties["root"]) / art.properties["path"]
        assert art.hash_map["sha256"] == hashlib.sha256(on_disk.read_bytes()).hexdigest()
        assert Path(art.properties["root"]) == cache.absolute()


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="no sha256sum on this machine")
def test_hashes_equal_sha256sum(bom: AIBOM) -> None:
    """The recorded sha256 is what sha256sum prints for the same file."""
    for r in bom.relations:
        if r.kind != "contains":
            continue
        art = bom[r.target]
        path = Path(art.properties["root"]) / art.properties["path"]
        out = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True).stdout
        assert out.split()[0] == art.hash_map["sha256"]


def test_weight_headers_are_read(bom: AIBOM) -> None:
    """GGUF general.* metadata and quantization, safetensors __metadata__ become properties."""
    gguf = bom[f"hf:{GGUF_REPO}/acme-chat-merged-Q8_0.gguf"]
    assert gguf.properties["quantization"] == "Q8_0"
    assert gguf.properties["gguf"]["general.license"] == "llama3.1"
    assert gguf.properties["gguf"]["general.base_model.0.repo_url"] == f"https://huggingface.co/{MERGED}"
    assert gguf.license == "llama3.1"
    st = bom[f"hf:{ADAPTER}/adapter_model.safetensors"]
    assert dict(st.properties["safetensors_metadata"]) == {"format": "pt"}
    assert list(st.properties["dtypes"]) == ["F16"]
    assert st.license == "apache-2.0"  # the card's license covers the repository's files


def test_card_data_is_kept_as_properties(bom: AIBOM) -> None:
    """pipeline_tag, library_name, language and the rest of the card data are properties."""
    llama = bom[f"hf:{LLAMA}"]
    assert llama.properties["pipeline_tag"] == "text-generation"
    assert llama.properties["library_name"] == "transformers"
    assert list(llama.properties["language"]) == ["en", "de"]
    assert llama.properties["card"]["base_model"] == "meta-llama/Llama-3.1-8B"
    assert llama.properties["model_architecture"] == "LlamaForCausalLM"
    assert dict(llama.properties["generation_config"]) == {"temperature": 0.6}


def test_llama_license_file_is_detected(bom: AIBOM) -> None:
    """The Llama LICENSE text is recognised as the Llama 3.1 license."""
    found = bom[f"hf:{LLAMA}"].properties["license_file"]
    assert found["detected"] == "LicenseRef-scancode-llama-3.1-license-2024"
    assert found["confidence"] >= 0.8
    assert found["path"].endswith("/LICENSE")


def test_findings_on_the_cache(bom: AIBOM) -> None:
    """Relicense conflict and naming duty from Llama 3.1 at the adapter; non-commercial data reaches it."""
    report = check(bom, COMMERCIAL)
    at = {(f.code, f.license) for f in report.findings if f.subject == f"hf:{ADAPTER}"}
    assert ("relicense-conflict", "LicenseRef-scancode-llama-3.1-license-2024") in at
    assert ("naming-requirement", "LicenseRef-scancode-llama-3.1-license-2024") in at
    assert ("noncommercial-use", "CC-BY-NC-4.0") in at
    nc = next(f for f in report.findings if f.subject == f"hf:{ADAPTER}" and f.code == "noncommercial-use")
    assert nc.path == (f"hf:{ADAPTER}", f"hf-dataset:{DATASET}")


def test_scan_is_deterministic(cache: Path) -> None:
    """Two scans of the same cache write the same manifest."""
    assert aiprov.dumps(aiprov.scan(cache), "manifest") == aiprov.dumps(aiprov.scan(cache), "manifest")


def test_manifest_round_trips(bom: AIBOM) -> None:
    """What scan writes, aiprov reads back to the same graph."""
    again = aiprov.loads(aiprov.dumps(bom, "manifest"))
    assert {a.id for a in again} == {a.id for a in bom}
    assert {(r.source, r.kind, r.target) for r in again.relations} == {
        (r.source, r.kind, r.target) for r in bom.relations
    }


def test_no_hash_skips_hashing(cache: Path) -> None:
    """hashes=False records no sha256."""
    bom = aiprov.scan(cache, hashes=False)
    assert not bom[f"hf:{ADAPTER}/adapter_model.safetensors"].hashes


def test_progress_is_reported(cache: Path) -> None:
    """The progress callback hears about hashing, with a total and advances that add up to it."""
    calls: list[tuple[str, float, float | None]] = []
    aiprov.scan(cache, progress=lambda t, a, n: calls.append((t, a, n)))
    hashing = [c for c in calls if c[0] == "hashing"]
    total = sum(c[2] or 0 for c in hashing)
    assert total > 0 and sum(c[1] for c in hashing) == total


# -- repository folders -----------------------------------------------------------------------
def write_repo(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return folder


def test_git_clone_is_identified_by_its_remote_and_head(tmp_path: Path) -> None:
    """A git clone of a Hub repo is hf:<org>/<name> pinned to HEAD's commit."""
    commit = "a" * 40
    repo = write_repo(
        tmp_path / "clone",
        {
            ".git/config": '[remote "origin"]\n\turl = https://huggingface.co/acme/tiny\n',
            ".git/HEAD": "ref: refs/heads/main\n",
            ".git/refs/heads/main": commit + "\n",
            "README.md": card({"license": "mit"}),
            "model.safetensors": safetensors_bytes(),
        },
    )
    bom = aiprov.scan(repo)
    art = bom["hf:acme/tiny"]
    assert art.version == commit and art.purl == f"pkg:huggingface/acme/tiny@{commit}"
    assert "hf:acme/tiny/model.safetensors" in bom


def test_snapshot_download_folder_gets_its_commit(tmp_path: Path) -> None:
    """snapshot_download(local_dir=...) leaves the commit in .cache/huggingface/download/*.metadata."""
    commit = "b" * 40
    repo = write_repo(
        tmp_path / "tiny",
        {
            ".cache/huggingface/download/README.md.metadata": f"{commit}\netag\n1700000000.0\n",
            "README.md": card({"license": "mit"}),
            "model.safetensors": safetensors_bytes(),
        },
    )
    bom = aiprov.scan(repo)
    art = bom["file:tiny"]
    assert art.version == commit
    assert art.properties["found_in"] == "README.md"


@pytest.mark.parametrize(
    ("declared", "kind"),
    [
        ("adapter", "adapter_of"),
        ("merge", "merged_from"),
        ("quantized", "quantized_from"),
        ("finetune", "fine_tuned_from"),
    ],
)
def test_base_model_relation_maps_to_relation_kinds(declared: str, kind: str) -> None:
    """base_model_relation values become the relation kinds named in the issue, not marked inferred."""
    bom = aiprov.from_model_card(
        card({"license": "mit", "base_model": "org/base", "base_model_relation": declared})
    )
    (r,) = bom.relations
    assert (r.kind, r.target) == (kind, "hf:org/base")
    assert "inferred" not in r.properties


def test_license_other_resolves_through_license_name() -> None:
    """license: other with license_name: the name is the declared license; link kept."""
    bom = aiprov.from_model_card(
        card(
            {
                "license": "other",
                "license_name": "llama3",
                "license_link": "https://llama.meta.com/llama3/license",
            }
        )
    )
    (art,) = [a for a in bom if a.id.startswith("card:")]
    assert art.license == "llama3"
    assert art.properties["card_license"] == "other"
    assert art.properties["license_link"] == "https://llama.meta.com/llama3/license"


def test_license_other_resolves_through_the_license_file(tmp_path: Path) -> None:
    """license: other without a name: the LICENSE text decides, and says so."""
    repo = write_repo(
        tmp_path / "m",
        {
            "README.md": card({"license": "other"}),
            "LICENSE.md": "# Gemma Terms of Use\n\nLast modified: April 1, 2024\n\nBy using...",
            "model.safetensors": safetensors_bytes(),
        },
    )
    art = aiprov.scan(repo)["file:m"]
    assert art.license == "LicenseRef-scancode-gemma-tou-2024-04-01"
    assert art.properties["license_resolved_from"] == "LICENSE.md"


MIT_TEXT = mit_text("2024 Acme")


def test_license_mismatch_names_both_and_the_file(tmp_path: Path) -> None:
    """A card saying apache-2.0 over an MIT LICENSE text is a license-mismatch warning."""
    repo = write_repo(
        tmp_path / "m",
        {
            "README.md": card({"license": "apache-2.0"}),
            "LICENSE": MIT_TEXT,
            "model.safetensors": safetensors_bytes(),
        },
    )
    report = check(aiprov.scan(repo))
    (f,) = [f for f in report.findings if f.code == "license-mismatch"]
    assert f.severity == "warning" and f.subject == "file:m" and f.license == "MIT"
    assert "Apache-2.0" in f.message and "LICENSE" in f.message


def test_matching_license_file_is_no_finding(tmp_path: Path) -> None:
    """A LICENSE text that is the declared license gives no license-mismatch."""
    repo = write_repo(
        tmp_path / "m",
        {
            "README.md": card({"license": "mit"}),
            "LICENSE": MIT_TEXT,
            "model.safetensors": safetensors_bytes(),
        },
    )
    bom = aiprov.scan(repo)
    assert bom["file:m"].properties["license_file"]["detected"] == "MIT"
    assert not [f for f in check(bom).findings if f.code == "license-mismatch"]


def test_dataset_generated_by_a_named_model() -> None:
    """A dataset card naming the model that generated it -> generated_by that model."""
    bom = aiprov.from_model_card(
        card(
            {"license": "cc-by-4.0", "task_categories": ["text-generation"], "pretty_name": "Synth"},
            body="# Synth\n\nThis data was generated with [meta-llama/Llama-3.1-70B-Instruct](https://hf.co/x).\n",
        )
    )
    (r,) = [r for r in bom.relations if r.kind == "generated_by"]
    assert r.source == "card:Synth" and r.target == "hf:meta-llama/Llama-3.1-70B-Instruct"
    assert r.properties["inferred"] is True


def test_from_model_card_reads_a_path(tmp_path: Path) -> None:
    """from_model_card(path) names the artifact after its folder and places keys in the file."""
    path = tmp_path / "my-model" / "README.md"
    write_repo(tmp_path / "my-model", {"README.md": card({"license": "mit", "datasets": ["org/data"]})})
    bom = aiprov.from_model_card(path)
    assert bom["file:my-model"].license == "mit"
    assert bom["hf-dataset:org/data"].properties["found_in"] == "README.md#datasets"


def test_loose_weight_file_outside_a_repo(tmp_path: Path) -> None:
    """A weights file in no repository is file:<path>, hashed."""
    (tmp_path / "w").mkdir()
    data = b"\x00" * 100
    (tmp_path / "w" / "model.bin").write_bytes(data)
    bom = aiprov.scan(tmp_path)
    art = bom["file:w/model.bin"]
    assert art.hash_map["sha256"] == hashlib.sha256(data).hexdigest()
    assert art.properties["path"] == "w/model.bin"


# -- the hub -----------------------------------------------------------------------------------
class FakeApi:
    """Stands in for huggingface_hub.HfApi: no network."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def model_info(self, repo_id: str) -> Any:
        self.asked.append(repo_id)
        if repo_id == "org/base":
            from huggingface_hub import ModelCardData

            return SimpleNamespace(
                sha="c" * 40,
                card_data=ModelCardData(license="llama3.1", base_model="meta-llama/Llama-3.1-8B"),
                siblings=[
                    SimpleNamespace(rfilename="model.safetensors"),
                    SimpleNamespace(rfilename="README.md"),
                ],
                gated="manual",
            )
        from huggingface_hub.errors import RepositoryNotFoundError

        raise RepositoryNotFoundError(f"404 {repo_id}", response=SimpleNamespace(headers={}, request=None))

    def dataset_info(self, repo_id: str) -> Any:
        self.asked.append(repo_id)
        raise OSError("network is unreachable")


def test_hub_fills_unresolved_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--hub: a base model named by a card gets its license, commit, files and gated status from the Hub."""
    import huggingface_hub

    fake = FakeApi()
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda: fake)
    repo = write_repo(
        tmp_path / "m",
        {"README.md": card({"license": "llama3.1", "base_model": "org/base", "datasets": ["org/data"]})},
    )
    bom = aiprov.scan(repo, hub=True)
    base = bom["hf:org/base"]
    assert base.license == "llama3.1" and base.version == "c" * 40
    assert base.purl == f"pkg:huggingface/org/base@{'c' * 40}"
    assert base.properties["gated"] == "manual"
    assert list(base.properties["hub_files"]) == ["README.md", "model.safetensors"]
    assert not base.properties.get("unresolved")
    # what the Hub's card names is looked up in turn; failures are warnings, not errors
    assert "meta-llama/Llama-3.1-8B" in fake.asked
    assert bom["hf:meta-llama/Llama-3.1-8B"].properties["unresolved"] is True
    assert any(
        "RepositoryNotFoundError" in w and "meta-llama/Llama-3.1-8B" in w
        for w in bom.metadata["scan"]["warnings"]
    )
    warnings = bom.metadata["scan"]["warnings"]
    assert any("org/data" in w and "network is unreachable" in w for w in warnings)


def test_without_hub_nothing_is_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline by default: HfApi is never built."""
    import huggingface_hub

    def refuse() -> None:
        raise AssertionError("the hub was contacted")

    monkeypatch.setattr(huggingface_hub, "HfApi", refuse)
    repo = write_repo(tmp_path / "m", {"README.md": card({"license": "mit", "base_model": "org/base"})})
    assert aiprov.scan(repo)["hf:org/base"].properties["unresolved"] is True


def test_manifest_found_in_is_json_safe(bom: AIBOM) -> None:
    """Every artifact says where it was found, and the graph writes as JSON."""
    assert all(isinstance(a.properties.get("found_in"), str) for a in bom)
    json.loads(aiprov.dumps(bom, "manifest-json"))


def test_a_cache_inside_a_scanned_tree_is_read_as_a_cache(tmp_path: Path) -> None:
    """A Hugging Face cache folder met while walking a tree is read as a cache; paths are relative to the tree."""
    build_cache(tmp_path / "tree" / "hf-cache", tmp_path)
    bom = aiprov.scan(tmp_path / "tree")
    art = bom[f"hf:{ADAPTER}/adapter_model.safetensors"]
    assert art.properties["path"].startswith("hf-cache/models--acme--acme-chat-lora/snapshots/")
    assert Path(art.properties["root"]) == (tmp_path / "tree").absolute()
    assert (
        art.hash_map["sha256"]
        == hashlib.sha256((Path(art.properties["root"]) / art.properties["path"]).read_bytes()).hexdigest()
    )


def test_gguf_header_names_the_base_when_the_card_does_not(tmp_path: Path) -> None:
    """A GGUF repo whose card has no base_model: general.base_model.0.repo_url gives it, quantized_from."""
    from .hf_fixtures import write_gguf

    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "README.md").write_text(card({"license": "apache-2.0"}))
    write_gguf(folder / "model-Q8_0.gguf", name="x", license_id="apache-2.0", base_repo="org/base")
    bom = aiprov.scan(folder)
    (r,) = [r for r in bom.relations if r.kind == "quantized_from"]
    assert r.target == "hf:org/base" and r.properties["base_from"] == "gguf"
    assert bom["hf:org/base"].properties["found_in"] == "model-Q8_0.gguf#general.base_model.0.repo_url"


def test_gptq_config_makes_a_quantization(tmp_path: Path) -> None:
    """config.json with a GPTQ quantization_config: quantized_from, and the method as a property."""
    repo = write_repo(
        tmp_path / "g",
        {
            "README.md": card({"license": "apache-2.0", "base_model": "org/base"}),
            "config.json": json.dumps({"quantization_config": {"quant_method": "gptq", "bits": 4}}),
            "model.safetensors": safetensors_bytes(),
        },
    )
    bom = aiprov.scan(repo)
    assert [r.kind for r in bom.outgoing("file:g") if r.target == "hf:org/base"] == ["quantized_from"]
    assert bom["file:g"].properties["quantization"] == "gptq"


def test_one_cached_repository_folder(cache: Path) -> None:
    """Scanning models--org--name alone reads that repository through its cache, pinned, nothing else."""
    bom = aiprov.scan(cache / "models--acme--acme-chat-lora")
    art = bom[f"hf:{ADAPTER}"]
    assert art.version == commit_of(ADAPTER) and not art.properties.get("unresolved")
    assert bom[f"hf:{LLAMA}"].properties["unresolved"] is True  # named, not scanned
    assert f"hf:{MERGED}" not in bom


def test_license_mismatch_can_be_waived(tmp_path: Path) -> None:
    """A reviewed mismatch is silenced by a policy waiver like any other finding."""
    repo = write_repo(
        tmp_path / "m",
        {
            "README.md": card({"license": "apache-2.0"}),
            "LICENSE": MIT_TEXT,
            "model.safetensors": safetensors_bytes(),
        },
    )
    policy = Policy.from_dict(
        {"waivers": [{"code": "license-mismatch", "subject": "file:m", "reason": "dual-licensed, checked"}]}
    )
    report = check(aiprov.scan(repo), policy)
    assert not [f for f in report.findings if f.code == "license-mismatch"]
    assert [f.code for f in report.waived] == ["license-mismatch"]
