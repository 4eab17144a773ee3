"""Issue 12's Done-when: a realistic tree (a Hugging Face cache and a project with its venv) scanned and checked.

The tree: a Hugging Face cache holding Llama-3.1-8B-Instruct (``license: llama3.1``), a LoRA adapter on
it (``adapter_config.json``, ``license: apache-2.0``, no ``base_model_relation``), the adapter's merge
and a GGUF quantization of it, a ``cc-by-nc-4.0`` dataset with a ``source_datasets`` parent; and a
project whose notebook calls ``from_pretrained`` on the adapter and whose venv has a GPL package.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import pytest

import aiprov
from aiprov.cli import main

from .hf_fixtures import ADAPTER, DATASET, GGUF_REPO, LLAMA, MERGED, PARENT_DATASET, build_cache, commit_of

pytest.importorskip("aiprov.scan.code", reason="the project-code scanner (scan-env) is not in this build")
pyenv = pytest.importorskip(
    "aiprov.scan.pyenv", reason="the environment scanner (scan-env) is not in this build"
)

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Fine-tuned chat"]},
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "outputs": [],
            "source": [
                "from transformers import AutoModelForCausalLM\n",
                f'model = AutoModelForCausalLM.from_pretrained("{ADAPTER}")\n',
            ],
        },
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}

GPL_METADATA = """Metadata-Version: 2.4
Name: gplpkg
Version: 1.0
Summary: A GPL package
License-Expression: GPL-3.0-only
Classifier: License :: OSI Approved :: GNU General Public License v3 (GPLv3)
"""


def build_tree(base: Path) -> tuple[Path, Path]:
    """The tree of the issue; returns (tree, the venv's python)."""
    tree = base / "tree"
    build_cache(tree / "hf-cache", base)
    project = tree / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "acme-app"\nversion = "0.1.0"\nlicense = "Apache-2.0"\ndependencies = ["gplpkg>=1"]\n'
    )
    (project / "notebooks" / "train.ipynb").write_text(json.dumps(NOTEBOOK, indent=1))
    env = project / ".venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env)
    site = env / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    dist = site / "gplpkg-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(GPL_METADATA)
    (site / "gplpkg").mkdir()
    (site / "gplpkg" / "__init__.py").write_text("")
    return tree, env / "bin" / "python"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_tree(tmp_path_factory.mktemp("done"))


@pytest.fixture(scope="module")
def bom(tree: tuple[Path, Path]) -> aiprov.AIBOM:
    root, python = tree
    if hasattr(pyenv, "scan_environment"):
        return aiprov.scan(root)  # the venv inside the project is read without running it
    return aiprov.scan(root, python=str(python))


def test_graph_kinds_relations_and_pins(bom: aiprov.AIBOM) -> None:
    """The expected artifacts, kinds, relations, and purls pinned to the cached revisions."""
    kinds = {a.id: a.kind for a in bom}
    for repo in (LLAMA, ADAPTER, MERGED, GGUF_REPO):
        assert kinds[f"hf:{repo}"] == "model"
        org, _, name = repo.partition("/")
        assert bom[f"hf:{repo}"].purl == f"pkg:huggingface/{org}/{name}@{commit_of(repo)}"
    assert kinds[f"hf-dataset:{DATASET}"] == kinds[f"hf-dataset:{PARENT_DATASET}"] == "dataset"
    assert kinds["project:acme-app"] == "code"
    assert kinds["pypi:gplpkg"] == "code"
    triples = {(r.source, r.kind, r.target) for r in bom.relations}
    assert (f"hf:{ADAPTER}", "adapter_of", f"hf:{LLAMA}") in triples
    assert (f"hf:{ADAPTER}", "trained_on", f"hf-dataset:{DATASET}") in triples
    assert (f"hf-dataset:{DATASET}", "derived_from", f"hf-dataset:{PARENT_DATASET}") in triples
    assert (f"hf:{MERGED}", "merged_from", f"hf:{ADAPTER}") in triples
    assert (f"hf:{GGUF_REPO}", "quantized_from", f"hf:{MERGED}") in triples
    assert ("project:acme-app", "depends_on", "pypi:gplpkg") in triples
    assert any(s == "project:acme-app" and t == f"hf:{ADAPTER}" for s, _, t in triples)
    # the adapter the notebook names and the cached adapter are one artifact, pinned
    assert not bom[f"hf:{ADAPTER}"].properties.get("unresolved")
    assert bom["pypi:gplpkg"].purl == "pkg:pypi/gplpkg@1.0"
    assert bom["pypi:gplpkg"].license == "GPL-3.0-only"


def test_hashes_equal_hashlib_and_sha256sum(bom: aiprov.AIBOM) -> None:
    """Every weight and data file's sha256 is what hashlib and sha256sum compute."""
    files = [a for a in bom if a.kind in ("weights", "dataset") and "path" in a.properties]
    assert len(files) >= 6
    for art in files:
        path = Path(art.properties["root"]) / art.properties["path"]
        expected = hashlib.sha256(path.read_bytes()).hexdigest()
        assert art.hash_map["sha256"] == expected
        if shutil.which("sha256sum"):
            out = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True).stdout
            assert out.split()[0] == expected


def findings_of(bom: aiprov.AIBOM) -> set[tuple[str, str, Any]]:
    report = aiprov.check(
        bom, aiprov.Policy.from_dict({"use": {"commercial": True, "distribution": "weights"}})
    )
    return {(f.subject, f.code, f.license) for f in report.findings}


def test_expected_findings(bom: aiprov.AIBOM) -> None:
    """Relicense conflict and naming duty from Llama 3.1 at the adapter, non-commercial data at the
    adapter under a commercial policy, and the GPL package against the project's Apache-2.0."""
    found = findings_of(bom)
    llama = "LicenseRef-scancode-llama-3.1-license-2024"
    assert (f"hf:{ADAPTER}", "relicense-conflict", llama) in found
    assert (f"hf:{ADAPTER}", "naming-requirement", llama) in found
    assert (f"hf:{ADAPTER}", "noncommercial-use", "CC-BY-NC-4.0") in found
    assert ("project:acme-app", "copyleft-conflict", "GPL-3.0-only") in found


def test_aiprov_check_on_the_tree(tree: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """aiprov check TREE (the command line): the same findings, exit 1."""
    if not hasattr(pyenv, "scan_environment"):
        pytest.skip("the venv inside a tree is read only with scan_environment")
    root, _ = tree
    assert main(["check", str(root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    found = {(f["subject"], f["code"]) for f in report["findings"]}
    assert (f"hf:{ADAPTER}", "relicense-conflict") in found
    assert ("project:acme-app", "copyleft-conflict") in found
