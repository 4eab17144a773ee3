"""Builders of Hugging Face repositories and caches on disk, laid out as huggingface_hub lays them out.

A cache is ``<cache>/models--org--name/{blobs,refs,snapshots/<commit>}`` with every snapshot file a
symlink to its blob (huggingface_hub's own layout, which ``scan_cache_dir`` reads). Weight files are
real: safetensors written by the safetensors package, GGUF by the gguf package's writer.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
ADAPTER = "acme/acme-chat-lora"
MERGED = "acme/acme-chat-merged"
GGUF_REPO = "acme/acme-chat-merged-GGUF"
DATASET = "acme/chat-mix"
PARENT_DATASET = "acme/raw-dialogs"

LLAMA_LICENSE_TEXT = """LLAMA 3.1 COMMUNITY LICENSE AGREEMENT
Llama 3.1 Version Release Date: July 23, 2024

"Agreement" means the terms and conditions for use, reproduction, distribution and modification of the
Llama Materials set forth herein.
"""


def commit_of(name: str) -> str:
    """A stable 40-hex commit hash for a fixture repository."""
    return hashlib.sha1(name.encode()).hexdigest()


def card(meta: dict[str, Any], body: str = "# Model\n") -> str:
    import yaml

    return "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\n" + body


def safetensors_bytes(metadata: dict[str, str] | None = None, seed: int = 0) -> bytes:
    from safetensors.numpy import save

    rng = np.random.default_rng(seed)
    return bytes(save({"w": rng.standard_normal((8, 8)).astype(np.float16)}, metadata=metadata))


def write_gguf(path: Path, *, name: str, license_id: str, base_repo: str | None) -> None:
    import gguf

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(name)
    writer.add_license(license_id)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    if base_repo:
        writer.add_base_model_count(1)
        writer.add_base_model_name(0, base_repo.rpartition("/")[2])
        writer.add_base_model_repo_url(0, f"https://huggingface.co/{base_repo}")
    writer.add_tensor("tok_embd", np.zeros((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def cache_repo(cache: Path, repo_type: str, repo_id: str, files: dict[str, bytes | str | Path]) -> Path:
    """One cached revision (refs/main -> commit); returns the snapshot folder. A Path value is a file
    written elsewhere, moved into the blob store."""
    folder = cache / f"{repo_type}s--{repo_id.replace('/', '--')}"
    commit = commit_of(repo_id)
    (folder / "refs").mkdir(parents=True, exist_ok=True)
    (folder / "refs" / "main").write_text(commit)
    snapshot = folder / "snapshots" / commit
    blobs = folder / "blobs"
    blobs.mkdir(exist_ok=True)
    for rel, content in files.items():
        if isinstance(content, Path):
            data = content.read_bytes()
            content.unlink()
        else:
            data = content.encode() if isinstance(content, str) else content
        blob = blobs / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        target = snapshot / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(blob, target.parent), target)
    return snapshot


def build_cache(cache: Path, tmp: Path) -> dict[str, Path]:
    """The Done-when cache: Llama 3.1 8B Instruct, a LoRA adapter on it (Apache-2.0, no
    base_model_relation), its merge, a GGUF quantization of the merge, a CC-BY-NC dataset and its parent."""
    snaps: dict[str, Path] = {}
    snaps[LLAMA] = cache_repo(
        cache,
        "model",
        LLAMA,
        {
            "README.md": card(
                {
                    "language": ["en", "de"],
                    "license": "llama3.1",
                    "pipeline_tag": "text-generation",
                    "library_name": "transformers",
                    "base_model": "meta-llama/Llama-3.1-8B",
                }
            ),
            "LICENSE": LLAMA_LICENSE_TEXT,
            "config.json": json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama"}),
            "generation_config.json": json.dumps({"temperature": 0.6}),
            "model.safetensors": safetensors_bytes({"format": "pt"}, seed=1),
        },
    )
    snaps[ADAPTER] = cache_repo(
        cache,
        "model",
        ADAPTER,
        {
            "README.md": card(
                {
                    "license": "apache-2.0",
                    "base_model": LLAMA,
                    "datasets": [DATASET],
                    "library_name": "peft",
                    "model-index": [
                        {
                            "name": "acme-chat-lora",
                            "results": [
                                {
                                    "task": {"type": "text-generation"},
                                    "dataset": {
                                        "type": "acme/chat-eval",
                                        "name": "Acme chat eval",
                                        "split": "test",
                                    },
                                    "metrics": [{"type": "accuracy", "value": 0.7}],
                                }
                            ],
                        }
                    ],
                }
            ),
            "adapter_config.json": json.dumps(
                {"base_model_name_or_path": LLAMA, "peft_type": "LORA", "r": 16, "lora_alpha": 32}
            ),
            "adapter_model.safetensors": safetensors_bytes({"format": "pt"}, seed=2),
        },
    )
    snaps[MERGED] = cache_repo(
        cache,
        "model",
        MERGED,
        {
            "README.md": card({"license": "llama3.1", "base_model": [LLAMA, ADAPTER]}),
            "config.json": json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama"}),
            "model.safetensors": safetensors_bytes({"format": "pt"}, seed=3),
        },
    )
    gguf_path = tmp / "acme-chat-merged-Q8_0.gguf"
    write_gguf(gguf_path, name="Acme Chat Merged", license_id="llama3.1", base_repo=MERGED)
    snaps[GGUF_REPO] = cache_repo(
        cache,
        "model",
        GGUF_REPO,
        {
            "README.md": card({"license": "llama3.1", "base_model": MERGED}),
            "acme-chat-merged-Q8_0.gguf": gguf_path,
        },
    )
    snaps[DATASET] = cache_repo(
        cache,
        "dataset",
        DATASET,
        {
            "README.md": card(
                {
                    "license": "cc-by-nc-4.0",
                    "source_datasets": [PARENT_DATASET],
                    "task_categories": ["text-generation"],
                    "pretty_name": "Chat mix",
                }
            ),
            "data/train.jsonl": '{"text": "hello"}\n{"text": "world"}\n',
        },
    )
    snaps[PARENT_DATASET] = cache_repo(
        cache,
        "dataset",
        PARENT_DATASET,
        {
            "README.md": card({"license": "cc-by-4.0", "task_categories": ["text-generation"]}),
            "data/dialogs.parquet": b"PAR1" + b"\0" * 64 + b"PAR1",
        },
    )
    return snaps
