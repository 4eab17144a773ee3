"""Project code: pyproject.toml and the models and datasets .py and .ipynb files load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import aiprov
from aiprov.scan.code import project_environments, scan_code

COMMIT = "0e9e39f249a16976918f6564b8830bc894c89659"

PYPROJECT = """\
[project]
name = "acme-app"
version = "0.2.0"
license = "MIT"
dependencies = ["transformers>=4.40", "requests; python_version >= '3.8'"]

[project.optional-dependencies]
gpu = ["torch>=2"]

[build-system]
requires = ["hatchling"]

[dependency-groups]
dev = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]
"""

TRAIN = f"""\
from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline
from datasets import load_dataset
from peft import PeftModel
from huggingface_hub import hf_hub_download, snapshot_download

BASE = "meta-llama/Llama-3.1-8B-Instruct"
model = AutoModelForCausalLM.from_pretrained(BASE, revision="{COMMIT}")
tok = AutoTokenizer.from_pretrained(pretrained_model_name_or_path=BASE)
model = PeftModel.from_pretrained(model, "acme/llama-lora")
train = load_dataset("acme/chat-data", split="train")
local = load_dataset("csv", data_files="x.csv")
mine = AutoModelForCausalLM.from_pretrained("./checkpoints/last")
gen = pipeline("text-generation", model="openai-community/gpt2")
weights = hf_hub_download(repo_id="acme/weights", filename="model.safetensors", revision="main")
snap = snapshot_download("acme/eval-set", repo_type="dataset")
space = snapshot_download("acme/demo", repo_type="space")
name = input()
unknown = AutoModelForCausalLM.from_pretrained(name)
"""


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": src.splitlines(True)} for kind, src in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    (root / "src" / "acme").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "src" / "acme" / "train.py").write_text(TRAIN)
    (root / "notebooks").mkdir()
    (root / "notebooks" / "eval.ipynb").write_text(
        notebook(
            ("markdown", "# Evaluate\nfrom_pretrained('not/code')"),
            (
                "code",
                "%pip install datasets\n!ls\nfrom datasets import load_dataset\nds = load_dataset('acme/holdout')",
            ),
        )
    )
    return root


def triples(found: object) -> dict[tuple[str, str, str], dict[str, object]]:
    return {(r.source, r.kind, r.target): dict(r.properties) for r in found.relations}  # type: ignore[attr-defined]


def test_pyproject_is_the_project_with_its_license(project: Path) -> None:
    """pyproject.toml -> project:<name> (code) with its PEP 639 license, found in pyproject.toml."""
    art = scan_code(project).artifacts["project:acme-app"]
    assert (art.kind, art.version, art.license) == ("code", "0.2.0", "MIT")
    assert art.properties["found_in"] == "pyproject.toml"


def test_dependencies_are_kept_even_when_not_installed(project: Path) -> None:
    """dependencies and extras -> depends_on pypi:<name> (unresolved until an environment has it);
    build and dependency-group requirements -> built_with (tools, not parts of what ships)."""
    found = scan_code(project)
    rel = triples(found)
    assert rel[("project:acme-app", "depends_on", "pypi:transformers")] == {
        "requirement": "transformers>=4.40"
    }
    assert ("project:acme-app", "depends_on", "pypi:requests") in rel
    assert rel[("project:acme-app", "depends_on", "pypi:torch")]["extra"] == "gpu"
    assert rel[("project:acme-app", "built_with", "pypi:hatchling")]["group"] == "build-system"
    assert rel[("project:acme-app", "built_with", "pypi:pytest")]["group"] == "dev"
    assert ("project:acme-app", "built_with", "pypi:ruff") in rel
    dep = found.artifacts["pypi:transformers"]
    assert dep.properties["unresolved"] is True
    assert dep.purl == "pkg:pypi/transformers"


def test_references_in_python_files(project: Path) -> None:
    """from_pretrained / load_dataset / hf_hub_download / snapshot_download / pipeline with a literal id
    (or a name bound to one) -> depends_on the model or dataset, with the call and the line."""
    found = scan_code(project)
    rel = triples(found)
    llama = rel[("project:acme-app", "depends_on", "hf:meta-llama/Llama-3.1-8B-Instruct")]
    assert llama["call"] == "from_pretrained"
    assert llama["found_in"] == "src/acme/train.py:7"
    assert ("project:acme-app", "depends_on", "hf:acme/llama-lora") in rel  # PeftModel: second argument
    assert rel[("project:acme-app", "depends_on", "hf-dataset:acme/chat-data")]["call"] == "load_dataset"
    assert rel[("project:acme-app", "depends_on", "hf:openai-community/gpt2")]["call"] == "pipeline"
    assert rel[("project:acme-app", "depends_on", "hf:acme/weights")]["revision"] == "main"
    assert ("project:acme-app", "depends_on", "hf-dataset:acme/eval-set") in rel  # repo_type="dataset"
    targets = {t for _, _, t in rel}
    assert not {"hf:acme/demo", "hf-dataset:csv", "hf:./checkpoints/last"} & targets  # space, builder, path


def test_purls_are_pinned_only_by_a_commit(project: Path) -> None:
    """pkg:huggingface/<org>/<name>, @<commit> only when revision= is a commit hash; found_in path:line."""
    arts = scan_code(project).artifacts
    llama = arts["hf:meta-llama/Llama-3.1-8B-Instruct"]
    assert llama.purl == f"pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct@{COMMIT}"
    assert llama.properties["found_in"] == "src/acme/train.py:7"
    assert llama.license == "NOASSERTION" and llama.properties["unresolved"] is True
    assert arts["hf:acme/weights"].purl == "pkg:huggingface/acme/weights"  # "main" is not a pin
    assert arts["hf:acme/weights"].properties["revision"] == "main"
    assert arts["hf-dataset:acme/chat-data"].kind == "dataset"


def test_notebook_code_cells_are_read(project: Path) -> None:
    """Code cells only (IPython % and ! lines blanked); found_in names the cell and line."""
    found = scan_code(project)
    art = found.artifacts["hf-dataset:acme/holdout"]
    assert art.properties["found_in"] == "notebooks/eval.ipynb#cell-2:4"
    assert "hf:not/code" not in found.artifacts  # a markdown cell is not code
    assert not found.warnings


def test_files_under_no_pyproject_belong_to_the_root_folder(tmp_path: Path) -> None:
    """Without a pyproject.toml the project is named after the scanned folder."""
    root = tmp_path / "scripts"
    root.mkdir()
    (root / "run.py").write_text("from datasets import load_dataset\nload_dataset('squad')\n")
    found = scan_code(root)
    assert ("project:scripts", "depends_on", "hf-dataset:squad") in triples(found)
    assert found.artifacts["project:scripts"].kind == "code"


def test_nothing_found_gives_nothing(tmp_path: Path) -> None:
    """A folder with no pyproject and no reference adds no project artifact."""
    (tmp_path / "util.py").write_text("print('hello')\n")
    assert not scan_code(tmp_path).artifacts


def test_environments_and_vendored_code_are_skipped(project: Path) -> None:
    """Code inside a venv, site-packages, node_modules or .git is not the project's; a venv directly
    in the project is its environment, exposed by project_environments."""
    env = project / ".venv"
    lib = env / "lib" / "python3.11" / "site-packages" / "transformers"
    lib.mkdir(parents=True)
    (env / "pyvenv.cfg").write_text("version = 3.11.7\n")
    (lib / "x.py").write_text("from_pretrained('vendored/model')\n")
    other = project / "tools" / "venv"
    other.mkdir(parents=True)
    (other / "pyvenv.cfg").write_text("")
    (other / "y.py").write_text("from_pretrained('vendored/two')\n")
    (project / "node_modules").mkdir()
    (project / "node_modules" / "z.py").write_text("from_pretrained('vendored/three')\n")
    found = scan_code(project)
    assert not any(a.startswith("hf:vendored/") for a in found.artifacts)
    assert project_environments(project) == [env]  # tools/venv is not directly in a project folder


def test_bad_input_is_a_warning(tmp_path: Path) -> None:
    """A syntax error in a .py file, a notebook that is not JSON, a bad cell, a broken pyproject.toml:
    warnings naming the file (and line), never an exception; the rest is still read."""
    (tmp_path / "pyproject.toml").write_text("[project\nname = ")
    (tmp_path / "bad.py").write_text("def broken(:\n")
    (tmp_path / "good.py").write_text(
        "import transformers\ntransformers.AutoModel.from_pretrained('org/ok')\n"
    )
    (tmp_path / "bad.ipynb").write_text("this is not json")
    (tmp_path / "cells.ipynb").write_text(notebook(("code", "x = (\n"), ("code", "load_dataset('org/data')")))
    (tmp_path / "list.ipynb").write_text("[1, 2]")
    found = scan_code(tmp_path)
    messages = [m for _, m in found.warnings]
    assert any(m.startswith("pyproject.toml: not read") for m in messages)
    assert any(m.startswith("bad.py: line 1:") for m in messages)
    assert any(m.startswith("bad.ipynb: line 1, column 1: not a notebook") for m in messages)
    assert any(m.startswith("cells.ipynb#cell-1:") for m in messages)
    assert any(m.startswith("list.ipynb: not a notebook") for m in messages)
    assert "hf:org/ok" in found.artifacts and "hf-dataset:org/data" in found.artifacts
    project_id = f"project:{tmp_path.name}"
    assert project_id in found.artifacts  # the broken pyproject still names a project, warnings on it
    assert all(subject == project_id for subject, _ in found.warnings)


def test_a_fifo_is_not_opened(tmp_path: Path) -> None:
    """A named pipe called x.py is skipped (opening it would block forever)."""
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "a.py").write_text("from_pretrained('org/m')\n")
    assert "hf:org/m" in scan_code(tmp_path).artifacts


def test_license_table_and_file(tmp_path: Path) -> None:
    """PEP 621 license = {file = ...} is matched as a text; {text = ...} as a name."""
    (tmp_path / "LICENSE").write_text(
        "MIT License\n\nCopyright (c) 2024 A\n\nPermission is hereby granted, free of charge, to any person\n"
    )
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "a"\nlicense = {file = "LICENSE"}\n')
    art = scan_code(tmp_path).artifacts["project:a"]
    assert art.license == "MIT"
    assert art.properties["license_file_declared"] == "LICENSE"
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "a"\nlicense = {text = "BSD 3-Clause"}\n')
    assert scan_code(tmp_path).artifacts["project:a"].license == "BSD-3-Clause"


def test_scan_merges_code_references_with_what_the_environment_has(project: Path) -> None:
    """aiprov.scan(project, python=<its venv>): the unresolved pypi:<dep> from pyproject gives way to
    the installed one."""
    env = project / ".venv"
    site = env / "lib" / "python3.11" / "site-packages"
    (site / "transformers-4.45.0.dist-info").mkdir(parents=True)
    (site / "transformers-4.45.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: transformers\nVersion: 4.45.0\nLicense: Apache 2.0 License\n"
    )
    (env / "pyvenv.cfg").write_text("version = 3.11.7\n")
    bom = aiprov.scan(project, python=str(env), hashes=False)
    art = bom["pypi:transformers"]
    assert art.version == "4.45.0" and art.purl == "pkg:pypi/transformers@4.45.0"
    assert not art.properties.get("unresolved")
    assert ("project:acme-app", "depends_on", "pypi:transformers") in {
        (r.source, r.kind, r.target) for r in bom.relations
    }


def test_progress_is_called_per_file(project: Path) -> None:
    """progress(task, advance, total): the total announced first, then one call per file read."""
    calls: list[tuple[str, float, float | None]] = []
    scan_code(project, progress=lambda task, n, total: calls.append((task, n, total)))
    assert calls[0] == ("project code", 0, 3.0)  # pyproject.toml, train.py, eval.ipynb
    assert sum(n for _, n, _ in calls) == 3


def test_a_symlink_leaving_the_root_is_not_read(tmp_path: Path) -> None:
    """A .py symlink pointing outside the scanned folder is a warning, and its content is not read."""
    outside = tmp_path / "outside.py"
    outside.write_text("from_pretrained('secret/model')\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link.py").symlink_to(outside)
    found = scan_code(root)
    assert "hf:secret/model" not in found.artifacts
    assert any("link.py: a symlink leaving the scanned folder" in m for _, m in found.warnings)


def test_poetry_projects(tmp_path: Path) -> None:
    """A Poetry 1 pyproject ([tool.poetry]): name, version, license and dependencies (not python);
    dev dependencies are built_with."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "poet"\nversion = "1.2.0"\nlicense = "GPL-3.0-or-later"\n'
        '[tool.poetry.dependencies]\npython = "^3.10"\nrequests = "^2.31"\ntorch = {version = ">=2", optional = true}\n'
        '[tool.poetry.group.dev.dependencies]\npytest = "^8"\n'
    )
    found = scan_code(tmp_path)
    art = found.artifacts["project:poet"]
    assert (art.version, art.license) == ("1.2.0", "GPL-3.0-or-later")
    rel = triples(found)
    assert rel[("project:poet", "depends_on", "pypi:requests")]["requirement"] == "requests ^2.31"
    assert ("project:poet", "depends_on", "pypi:torch") in rel
    assert ("project:poet", "built_with", "pypi:pytest") in rel
    assert not any(t == "pypi:python" for _, _, t in rel)


def test_an_imported_alias_is_recognised(tmp_path: Path) -> None:
    """``from transformers import pipeline as hf_pipeline``: hf_pipeline(model=...) is a reference."""
    (tmp_path / "app.py").write_text(
        "from transformers import pipeline as hf_pipeline\n"
        "tts = hf_pipeline('text-to-speech', model='espnet/kan-bayashi_ljspeech_vits')\n"
    )
    rel = triples(scan_code(tmp_path))
    key = (f"project:{tmp_path.name}", "depends_on", "hf:espnet/kan-bayashi_ljspeech_vits")
    assert rel[key] == {"call": "pipeline", "found_in": "app.py:2"}
