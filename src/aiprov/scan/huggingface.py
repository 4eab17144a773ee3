"""Hugging Face repositories on disk and the Hugging Face cache: folders, revisions, files.

A repository is read from a folder (a ``git clone``, a ``snapshot_download`` folder, or one laid out
the same way) or from a cached revision (huggingface_hub's ``scan_cache_dir``), each pinned to its
commit where one is known. Its card becomes artifacts and relations (:mod:`aiprov.scan._cards`);
``adapter_config.json``, ``config.json`` and ``generation_config.json`` add the base model, the
architecture and the quantization; the LICENSE file's text is matched
(:mod:`aiprov.licenses.detect`). Weight and data files become artifacts of their own, contained by
the repository, with their header metadata and sha256 (:mod:`aiprov.scan.weights`), hashed in one
parallel pass for the whole scan.

huggingface_hub is imported only when a scan runs.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aiprov.graph import Artifact, thaw
from aiprov.licenses.detect import detect_license
from aiprov.scan._cards import (
    MAX_CARD,
    Repo,
    card_fields,
    dataset_id,
    dataset_relations,
    found_at,
    hub_ref,
    is_dataset_card,
    model_id,
    model_relations,
    parse_card,
    plain,
    purl_for,
    read_text,
    relpath,
)
from aiprov.scan._found import Found, Progress
from aiprov.scan._git import identify
from aiprov.scan.weights import DATA_SUFFIXES, WEIGHT_SUFFIXES, hash_files, weights_metadata

__all__ = [
    "dataset_id",
    "is_cache",
    "model_id",
    "purl_for",
    "scan_cache",
    "scan_tree",
]  # ids re-exported from _cards

_MAX_JSON = 4 * 1024 * 1024  # config.json and friends
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".cache", ".ipynb_checkpoints"})
_LICENSE_FILES = re.compile(r"^licen[cs]e(\.md|\.txt|\.rst)?$", re.IGNORECASE)
_MAX_LICENSE = 512 * 1024  # a LICENSE text is matched on its first 512 KiB
_RESOLVE_FROM = 0.8  # the detection confidence from which a LICENSE text resolves `license: other`
_ADAPTER_KEYS = ("peft_type", "task_type", "r", "lora_alpha", "target_modules", "base_model_name_or_path")
_CARD_KEYS = re.compile(
    r"^(license|base_model|datasets|pipeline_tag|library_name|source_datasets|task_categories|model-index|tags)\s*:",
    re.MULTILINE,
)


def _read_json(path: Path, where: str, found: Found, subject: str) -> dict[str, Any] | None:
    try:
        if path.stat().st_size > _MAX_JSON:
            found.warn(subject, f"{where}: over {_MAX_JSON // (1024 * 1024)} MiB, not read")
            return None
        data = json.loads(read_text(path, _MAX_JSON))
    except OSError as exc:
        found.warn(subject, f"{where}: cannot be read: {exc.strerror or exc}")
        return None
    except json.JSONDecodeError as exc:
        found.warn(subject, f"{where}: line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}")
        return None
    if not isinstance(data, dict):
        found.warn(subject, f"{where}: not a JSON object")
        return None
    return data


@dataclass
class _Card:
    """A repository's card as read: the card data, huggingface_hub's card-data object, the text."""

    file: str | None = None  # the README's name in the repository
    data: dict[str, Any] = field(default_factory=dict)
    parsed: Any = None
    text: str = ""


def _read_card(repo: Repo, names: dict[str, Path], top: dict[str, str], warnings: list[str]) -> _Card:
    card = _Card(file=top.get("readme.md"))
    if card.file is None:
        return card
    where = found_at(repo, card.file)
    try:
        card.text = read_text(names[card.file], MAX_CARD)
    except OSError as exc:
        warnings.append(f"{where}: cannot be read: {exc.strerror or exc}")
        return card
    card.data, card.parsed, card_warnings = parse_card(card.text, where, repo.type)
    warnings.extend(card_warnings)
    return card


def _config_props(
    config: dict[str, Any] | None, generation: dict[str, Any] | None, adapter: dict[str, Any] | None
) -> dict[str, Any]:
    """What config.json (architecture, model type, quantization), generation_config.json and
    adapter_config.json say, as properties."""
    props: dict[str, Any] = {}
    if config is not None:
        arch = config.get("architectures")
        if isinstance(arch, list) and arch and isinstance(arch[0], str):
            props["model_architecture"] = arch[0]
        if isinstance(config.get("model_type"), str):
            props["model_type"] = config["model_type"]
        if isinstance(config.get("_name_or_path"), str):
            props["config_name_or_path"] = config["_name_or_path"]
        quant = config.get("quantization_config")
        if isinstance(quant, dict) and isinstance(quant.get("quant_method"), str):
            props["quantization"] = quant["quant_method"]
    if generation is not None:
        props["generation_config"] = plain(generation)
    if adapter is not None:
        props["adapter_config"] = {k: plain(v) for k, v in adapter.items() if k in _ADAPTER_KEYS}
    return props


def _license_file(
    repo: Repo, names: dict[str, Path], top: dict[str, str], warnings: list[str]
) -> dict[str, Any] | None:
    """``{path, detected, confidence, method}`` for the repository's LICENSE file, if it has one."""
    for lower, original in sorted(top.items()):
        if _LICENSE_FILES.match(lower):
            where = found_at(repo, original)
            try:
                detection = detect_license(read_text(names[original], _MAX_LICENSE))
            except OSError as exc:
                warnings.append(f"{where}: cannot be read: {exc.strerror or exc}")
                return None
            return {"path": where, **detection.to_dict()}
    return None


@dataclass
class _Files:
    """What a repository's weight files say about its derivation."""

    gguf_bases: list[tuple[str, str]] = field(default_factory=list)  # (repo id, found_in)
    quantized: bool = False


def _repo_files(
    repo: Repo,
    names: dict[str, Path],
    license_value: str | None,
    license_from: str,
    found: Found,
    pending: list[tuple[str, Path]],
) -> _Files:
    """An artifact for each weight (or, in a dataset repository, data) file, contained by the repository
    and queued for hashing. A file carries the card's license unless its own header names one."""
    out = _Files()
    file_kind = "dataset" if repo.type == "dataset" else "weights"
    wanted = WEIGHT_SUFFIXES | (DATA_SUFFIXES if repo.type == "dataset" else frozenset())
    for name, path in sorted(names.items()):
        if Path(name).suffix.lower() not in wanted or _is_config(name):
            continue
        fid = f"{repo.id}/{name}"
        where = relpath(repo.folder / name, repo.root)
        fprops: dict[str, Any] = {"found_in": where, "path": where, "root": str(repo.root)}
        fwarn: list[str] = []
        meta, problem = weights_metadata(path) if file_kind == "weights" else ({}, None)
        if problem:
            fwarn.append(f"{where}: {problem}")
        fprops.update(meta)
        gg = meta.get("gguf") or {}
        if name.lower().endswith(".gguf"):
            out.quantized = True
        count = gg.get("general.base_model.count")
        for i in range(count if isinstance(count, int) and 0 < count < 64 else 0):
            for key in (f"general.base_model.{i}.repo_url", f"general.base_model.{i}.url"):
                ref = hub_ref(gg.get(key))
                if ref:
                    out.gguf_bases.append((ref[0], f"{where}#{key}"))
                    break
        file_license = gg.get("general.license") if isinstance(gg.get("general.license"), str) else None
        if file_license is not None:
            fprops["license_from"] = f"{where}#general.license"
        elif license_value is not None:  # the card's license covers the repository's files
            file_license = license_value
            fprops["license_from"] = license_from
        if fwarn:
            fprops["scan_warnings"] = fwarn
        with suppress(OSError):
            fprops["size"] = path.stat().st_size
        found.add(Artifact(id=fid, kind=file_kind, name=name, license=file_license, properties=fprops))
        for w in fwarn:
            found.warn(fid, w)
        found.relate(repo.id, "contains", fid)
        pending.append((fid, path))
    return out


def _read_repo(repo: Repo, found: Found, pending: list[tuple[str, Path]]) -> None:
    """Read one repository into ``found``; its weight and data files are appended to ``pending``
    (artifact id, path) to be hashed together with every other repository's (:func:`hash_pending`)."""
    warnings: list[str] = []
    names = {p.relative_to(repo.folder).as_posix(): p for p in repo.files}
    top = {n.lower(): n for n in names if "/" not in n}
    card = _read_card(repo, names, top, warnings)
    props: dict[str, Any] = {
        "found_in": found_at(repo, card.file) if card.data and card.file else repo.found_in
    }
    if repo.repo_id:
        props["hf_repo_id"] = repo.repo_id
    if repo.commit:
        props["revision"] = repo.commit
    card_file = card.file or "README.md"
    license_value, card_props = card_fields(card.data, found_at(repo, card_file, "license_name"))
    props.update(card_props)
    configs = {
        key: _read_json(names[top[key]], found_at(repo, top[key]), found, repo.id) if key in top else None
        for key in ("adapter_config.json", "config.json", "generation_config.json")
    }
    adapter = configs["adapter_config.json"]
    props.update(_config_props(configs["config.json"], configs["generation_config.json"], adapter))
    license_file = _license_file(repo, names, top, warnings)
    if license_file is not None:
        props["license_file"] = license_file
        detected, confidence = license_file["detected"], license_file["confidence"]
        if (
            detected
            and confidence >= _RESOLVE_FROM
            and (license_value is None or license_value.lower() == "other")
        ):
            license_value = detected  # `license: other` (or none) resolved through the LICENSE text
            props["license_resolved_from"] = license_file["path"]
    license_from = props.get("license_resolved_from") or found_at(repo, card_file, "license")
    files = _repo_files(repo, names, license_value, license_from, found, pending)
    if files.quantized:
        props.setdefault("quantization", "gguf")
    kind = "dataset" if repo.type == "dataset" else "model"
    if kind == "model":
        quantized = files.quantized or "quantization" in props
        model_relations(repo, found, card.data, card.parsed, adapter, files.gguf_bases, quantized, card.file)
    else:
        dataset_relations(repo, found, card.data, card.parsed, card.file, card.text)
    if warnings:
        props["scan_warnings"] = warnings
    found.add(
        Artifact(
            id=repo.id,
            kind=kind,
            name=repo.repo_id.rpartition("/")[2] if repo.repo_id else repo.folder.name,
            version=repo.commit,
            supplier=(repo.repo_id.rpartition("/")[0] or None) if repo.repo_id else None,
            license=license_value,
            purl=purl_for(repo.repo_id, repo.commit) if (repo.repo_id and kind == "model") else None,
            source=f"https://huggingface.co/{'datasets/' if kind == 'dataset' else ''}{repo.repo_id}"
            if repo.repo_id
            else None,
            properties=props,
        )
    )
    for w in warnings:
        found.warn(repo.id, w)


def hash_pending(
    found: Found, pending: list[tuple[str, Path]], *, hashes: bool, progress: Progress | None
) -> None:
    """Hash every pending file at once (large ones in parallel) and record each sha256 on its artifact,
    or a warning where the file could not be read."""
    if not hashes or not pending:
        return
    digests = hash_files([p for _, p in pending], progress=progress)
    for art_id, path in pending:
        art = found.artifacts[art_id]
        digest = digests.get(path)
        if isinstance(digest, str):
            found.artifacts[art_id] = replace(art, hashes=(("sha256", digest),))
        elif isinstance(digest, OSError):
            where = art.properties.get("path", path.name)
            message = f"{where}: cannot be read: {digest.strerror or digest}"
            props = thaw(art.properties)
            props["scan_warnings"] = [*props.get("scan_warnings", []), message]
            found.artifacts[art_id] = replace(art, properties=props)
            found.warn(art_id, message)


def _is_config(rel: str) -> bool:
    base = rel.rsplit("/", 1)[-1].lower()
    return base.endswith(".json") and (
        base.endswith(("config.json", ".index.json"))
        or base.startswith(("tokenizer", "special_tokens", "vocab", "added_tokens"))
    )


# -- folders ---------------------------------------------------------------------------------------
def is_cache(path: Path) -> bool:
    """Whether ``path`` looks like a Hugging Face hub cache (``models--org--name/snapshots``)."""
    try:
        return any(
            child.is_dir()
            and child.name.startswith(("models--", "datasets--"))
            and (child / "snapshots").is_dir()
            for child in path.iterdir()
        )
    except OSError:
        return False


def _looks_like_repo(folder: Path, entries: list[os.DirEntry[str]]) -> bool:
    names = {e.name.lower() for e in entries}
    if names & {"adapter_config.json", "model_index.json"}:
        return True
    if any(Path(n).suffix in (".safetensors", ".gguf") for n in names):
        return True
    if "config.json" in names and any(Path(n).suffix in WEIGHT_SUFFIXES for n in names):
        return True
    if "readme.md" in names:
        try:
            head = read_text(
                folder / next(e.name for e in entries if e.name.lower() == "readme.md"), 64 * 1024
            )
        except OSError:
            return False
        if head.startswith("---"):
            block = head.split("\n---", 1)[0]
            return bool(_CARD_KEYS.search(block))
    if (folder / ".git" / "config").is_file():
        return identify(folder)[0] is not None
    return False


@dataclass
class _Walk:
    root: Path
    found: Found
    seen: set[tuple[int, int]] = field(default_factory=set)
    repos: list[Repo] = field(default_factory=list)
    loose: list[Path] = field(default_factory=list)  # weight and data files outside any repo
    caches: list[Path] = field(default_factory=list)  # Hugging Face caches inside the tree
    envs: list[Path] = field(default_factory=list)  # Python environments (pyvenv.cfg) inside the tree


def _walk(walk: _Walk, folder: Path, repo: Repo | None) -> None:
    root = walk.root
    try:
        st = folder.stat()
    except OSError as exc:
        walk.found.warn(None, f"{relpath(folder, root)}: cannot be read: {exc.strerror or exc}")
        return
    key = (st.st_dev, st.st_ino)
    if key in walk.seen:
        return  # a folder reached twice (a symlink loop, or a link to a folder already read)
    walk.seen.add(key)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        walk.found.warn(
            repo.id if repo else None, f"{relpath(folder, root)}: cannot be read: {exc.strerror or exc}"
        )
        return
    if (folder / "pyvenv.cfg").exists():
        walk.envs.append(folder)
        return  # a Python environment: its files are the pyenv scanner's
    if folder.name in ("site-packages", "dist-packages"):
        return
    if repo is None and folder != root and is_cache(folder):
        walk.caches.append(folder)
        return
    if (repo is None or (folder != repo.folder and _is_own_repo(folder, entries))) and _looks_like_repo(
        folder, entries
    ):
        repo_id, repo_type, commit = identify(folder)
        rel = relpath(folder, root)
        local_name = root.name if rel == "." else rel
        art_type = repo_type or _guess_type(folder, entries)
        art_id = (
            (model_id(repo_id) if art_type == "model" else dataset_id(repo_id))
            if repo_id
            else f"file:{local_name}"
        )
        repo = Repo(
            id=art_id,
            repo_id=repo_id,
            type=art_type,
            folder=folder,
            root=root,
            commit=commit,
            found_in=rel,
        )
        walk.repos.append(repo)
    for entry in entries:
        path = Path(entry.path)
        if entry.name in _SKIP_DIRS or (entry.name.startswith(".") and entry.is_dir(follow_symlinks=False)):
            if entry.is_dir(follow_symlinks=False) and (path / "pyvenv.cfg").is_file():
                walk.envs.append(path)  # a hidden environment (.venv) is still the project's
            continue
        try:
            if entry.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError) as exc:  # a loop raises RuntimeError on older Pythons
                    walk.found.warn(
                        repo.id if repo else None,
                        f"{relpath(path, root)}: symlink cannot be followed ({getattr(exc, 'strerror', None) or exc}); skipped",
                    )
                    continue
                if not _inside(target, root) and not _inside(target, root.resolve()):
                    walk.found.warn(
                        repo.id if repo else None,
                        f"{relpath(path, root)}: symlink leaves the scanned folder (to {target}); not followed",
                    )
                    continue
            if entry.is_dir():
                _walk(walk, path, repo)
            elif entry.is_file():
                if repo is not None:
                    repo.files.append(path)
                elif path.suffix.lower() in WEIGHT_SUFFIXES:
                    walk.loose.append(path)
        except OSError as exc:
            walk.found.warn(
                repo.id if repo else None, f"{relpath(path, root)}: cannot be read: {exc.strerror or exc}"
            )


def _is_own_repo(folder: Path, entries: list[os.DirEntry[str]]) -> bool:
    """A folder inside a repository that is a repository of its own (a card or adapter of its own)."""
    names = {e.name.lower() for e in entries}
    return bool(names & {"adapter_config.json", "readme.md"}) and _looks_like_repo(folder, entries)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _guess_type(folder: Path, entries: list[os.DirEntry[str]]) -> str:
    names = {e.name.lower() for e in entries}
    if any(Path(n).suffix in WEIGHT_SUFFIXES for n in names) or names & {
        "config.json",
        "adapter_config.json",
    }:
        return "model"
    if "readme.md" in names:
        try:
            head = read_text(
                folder / next(e.name for e in entries if e.name.lower() == "readme.md"), 64 * 1024
            )
        except OSError:
            return "model"
        block = head.split("\n---", 1)[0]
        if is_dataset_card(dict.fromkeys(re.findall(r"^([\w-]+)\s*:", block, re.MULTILINE))):
            return "dataset"
    if any(Path(n).suffix in DATA_SUFFIXES for n in names) or "data" in names:
        return "dataset"
    return "model"


def loose_file(found: Found, path: Path, root: Path, pending: list[tuple[str, Path]]) -> None:
    """A weights file in no repository: ``file:<path relative to the root>``."""
    rel = relpath(path, root)
    props: dict[str, Any] = {"found_in": rel, "path": rel, "root": str(root)}
    meta, problem = weights_metadata(path)
    props.update(meta)
    fwarn = [f"{rel}: {problem}"] if problem else []
    if fwarn:
        props["scan_warnings"] = fwarn
    with suppress(OSError):
        props["size"] = path.stat().st_size
    gg = meta.get("gguf") or {}
    art = Artifact(
        id=f"file:{rel}",
        kind="weights",
        name=path.name,
        license=gg.get("general.license") if isinstance(gg.get("general.license"), str) else None,
        properties=props,
    )
    found.add(art)
    pending.append((art.id, path))
    for w in fwarn:
        found.warn(art.id, w)


def scan_tree(
    root: Path,
    *,
    hashes: bool = True,
    progress: Progress | None = None,
    envs: list[Path] | None = None,
) -> Found:
    """Repositories in a folder tree (the folder itself, or folders below it), Hugging Face caches
    inside it, and weight files outside any repository. Python environments met on the way (a folder
    with ``pyvenv.cfg``) are not read here: they are appended to ``envs`` for the pyenv scanner."""
    found = Found()
    walk = _Walk(root=root, found=found)
    _walk(walk, root, None)
    pending: list[tuple[str, Path]] = []
    for repo in walk.repos:
        _read_repo(repo, found, pending)
    for cache in walk.caches:
        _read_cache(cache, root, found, pending, progress)
    for path in walk.loose:
        loose_file(found, path, root, pending)
    hash_pending(found, pending, hashes=hashes, progress=progress)
    if envs is not None:
        envs.extend(walk.envs)
    return found


def cached_repo_folder(path: Path) -> bool:
    """Whether ``path`` is one repository's folder inside a cache (``models--org--name``)."""
    return path.name.startswith(("models--", "datasets--")) and (path / "snapshots").is_dir()


def scan_cache(
    cache_dir: Path, *, hashes: bool = True, progress: Progress | None = None, only: str | None = None
) -> Found:
    """Every model and dataset revision in a Hugging Face cache, each pinned to its commit.

    The revision that a ref (``main``) points at, else the newest, gets the plain id
    (``hf:org/name``); other cached revisions get ``hf:org/name@<commit>``. Paths are relative to
    the cache folder. ``only``: one repository folder's name (``models--org--name``)."""
    found = Found()
    pending: list[tuple[str, Path]] = []
    _read_cache(Path(cache_dir), Path(cache_dir), found, pending, progress, only)
    hash_pending(found, pending, hashes=hashes, progress=progress)
    return found


def _read_cache(
    cache_dir: Path,
    root: Path,
    found: Found,
    pending: list[tuple[str, Path]],
    progress: Progress | None,
    only: str | None = None,
) -> None:
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir(cache_dir)
    except CacheNotFound as exc:
        found.warn(None, f"{relpath(cache_dir, root)}: not a Hugging Face cache: {exc}")
        return
    for warning in info.warnings:
        found.warn(None, f"{relpath(cache_dir, root)}: {warning}")
    repos = sorted(
        (r for r in info.repos if only is None or Path(r.repo_path).name == only),
        key=lambda r: (r.repo_type, r.repo_id),
    )
    if progress is not None:
        progress("cache", 0, float(len(repos)))
    for cached in repos:
        if progress is not None:
            progress("cache", 1, None)
        if cached.repo_type not in ("model", "dataset"):
            continue
        revisions = sorted(
            cached.revisions,
            key=lambda r: ("main" in r.refs, r.last_modified, r.commit_hash),
            reverse=True,
        )
        base = model_id(cached.repo_id) if cached.repo_type == "model" else dataset_id(cached.repo_id)
        for i, rev in enumerate(revisions):
            snapshot = Path(rev.snapshot_path)
            repo = Repo(
                id=base if i == 0 else f"{base}@{rev.commit_hash}",
                repo_id=cached.repo_id,
                type=cached.repo_type,
                folder=snapshot,
                root=root,
                commit=rev.commit_hash,
                files=[Path(f.file_path) for f in sorted(rev.files, key=lambda f: f.file_name)],
                found_in=relpath(snapshot, root),
            )
            _read_repo(repo, found, pending)
