"""Discover the supply chain from what is on disk: Hugging Face repos and cache, weight files,
Python environments, project code.

>>> import aiprov
>>> bom = aiprov.from_model_card("---\\nlicense: apache-2.0\\nbase_model: meta-llama/Llama-3.1-8B\\n---\\n")
>>> [(r.kind, r.target) for r in bom.relations]
[('fine_tuned_from', 'hf:meta-llama/Llama-3.1-8B')]

Every scanner returns a :class:`~aiprov.scan._found.Found`; :func:`scan` merges them (an artifact
seen twice under one id becomes one) and builds the graph. Offline unless ``hub=True``.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aiprov.exceptions import InputError
from aiprov.graph import AIBOM, thaw
from aiprov.scan._found import Found, Progress

__all__ = ["from_model_card", "scan"]

_CARD_SUFFIXES = (".md", ".markdown")


def _default_cache() -> Path:
    from huggingface_hub.constants import HF_HUB_CACHE

    return Path(HF_HUB_CACHE)


def _optional(module: str) -> Any:
    """A sibling scanner module, or None when this build does not ship it."""
    name = f"aiprov.scan.{module}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def _check_root(path: Path) -> Path:
    if not path.exists():
        raise InputError("no such file or folder", source=str(path))
    if not os.access(path, os.R_OK):
        raise InputError("permission denied", source=str(path))
    return path


def scan(
    *paths: str | os.PathLike[str],
    hf_cache: str | os.PathLike[str] | bool | None = None,
    python: str | bool | None = None,
    hub: bool = False,
    hashes: bool = True,
    progress: Progress | None = None,
) -> AIBOM:
    """Build an AI-BOM from folders and files on disk.

    ``paths``: model or dataset folders (a ``git clone`` or ``snapshot_download`` folder), a
    Hugging Face cache folder, a project folder (pyproject.toml, ``.py`` and ``.ipynb`` files) or a
    single weights file or model card. ``hf_cache``: also scan a Hugging Face cache (``True`` for
    the one huggingface_hub uses: ``HF_HUB_CACHE`` / ``HF_HOME``). ``python``: also list the
    distributions installed in an interpreter (``True`` for the running one). ``hub``: fill what the
    disk lacks (card data, commit, files, gated status) from the Hugging Face Hub for the ids found
    (network; off by default). ``hashes``: sha256 of every weight and data file.

    Raises :class:`~aiprov.exceptions.InputError` for a path that does not exist or cannot be read.
    Problems inside (a broken card, a truncated header, an unreadable file) are warnings, kept on
    the artifact (``properties.scan_warnings``) and in ``bom.metadata["scan"]["warnings"]``.
    """
    from aiprov.scan import huggingface as hf

    found = Found()
    roots: list[str] = []
    envs: list[Path] = []  # Python environments met inside the trees
    for raw in paths:
        path = _check_root(Path(raw))
        root = path.absolute()
        roots.append(str(root))
        if path.is_file():
            found.merge(_scan_file(root, hashes=hashes, progress=progress))
        elif hf.is_cache(root):
            found.merge(hf.scan_cache(root, hashes=hashes, progress=progress))
        elif hf.cached_repo_folder(root):  # one repository of a cache: read through its cache
            found.merge(hf.scan_cache(root.parent, hashes=hashes, progress=progress, only=root.name))
        else:
            found.merge(hf.scan_tree(root, hashes=hashes, progress=progress, envs=envs))
    if hf_cache is not None and hf_cache is not False:
        cache = _default_cache() if hf_cache is True else Path(hf_cache)
        if not cache.is_dir():
            raise InputError("no Hugging Face cache here", source=str(cache))
        roots.append(str(cache.absolute()))
        found.merge(hf.scan_cache(cache.absolute(), hashes=hashes, progress=progress))
    # project code after the repositories, so that what the code references merges into what was found
    code = _optional("code")
    for raw in paths:
        root = Path(raw).absolute()
        if code is not None and root.is_dir() and not (hf.is_cache(root) or hf.cached_repo_folder(root)):
            found.merge(code.scan_code(root, progress=progress))
    _scan_envs(found, envs, explicit=python, progress=progress)
    if python is not None and python is not False:
        pyenv = _optional("pyenv")
        if pyenv is None:
            raise InputError("this build of aiprov cannot scan Python environments")
        found.merge(pyenv.scan_python(None if python is True else str(python), progress=progress))
    if hub:
        from aiprov.scan.hub import fill

        found.merge(fill(found, progress=progress))
    return _build(found, roots)


def _scan_envs(found: Found, envs: list[Path], *, explicit: object, progress: Progress | None) -> None:
    """Python environments found inside a scanned tree (a folder with ``pyvenv.cfg``) are read without
    running their interpreter (that would execute the environment's ``.pth`` files): through the pyenv
    scanner's ``scan_environment(path)`` when this build has it, else a warning naming ``--python``."""
    pyenv = _optional("pyenv") if envs else None
    reader = getattr(pyenv, "scan_environment", None)
    for env in envs:
        if reader is not None:
            found.merge(reader(env, progress=progress))
        elif explicit is None or explicit is False:
            found.warn(
                None,
                f"{env}: a Python environment, not read (scan it with --python {env / 'bin' / 'python'})",
            )


def _scan_file(path: Path, *, hashes: bool, progress: Progress | None) -> Found:
    from aiprov.scan import _cards as cards

    if path.suffix.lower() in _CARD_SUFFIXES:
        try:
            text = cards.read_text(path, cards.MAX_CARD)
        except OSError as exc:
            raise InputError(f"cannot be read: {exc.strerror or exc}", source=str(path)) from None
        return cards.card_text_found(text, where=str(path))
    from aiprov.scan import huggingface as hf

    found = Found()
    pending: list[tuple[str, Path]] = []
    hf.loose_file(found, path, path.parent, pending)
    hf.hash_pending(found, pending, hashes=hashes, progress=progress)
    return found


def _build(found: Found, roots: Iterable[str]) -> AIBOM:
    """The graph: artifacts (warnings kept on each), then the relations between those found."""
    per: dict[str, list[str]] = {}
    for subject, message in found.warnings:
        if subject is not None and subject in found.artifacts:
            per.setdefault(subject, []).append(message)
    scan_data = {"roots": list(roots), "warnings": [m for _, m in found.warnings]}
    # metadata["scan"] for the library; metadata["manifest"] is what the manifest writer keeps
    bom = AIBOM(metadata={"scan": scan_data, "manifest": {"generator": "aiprov scan", "scan": scan_data}})
    for art_id in sorted(found.artifacts):
        artifact = found.artifacts[art_id]
        extra = per.get(art_id)
        if extra:
            props = thaw(artifact.properties)
            kept = props.get("scan_warnings") or []
            props["scan_warnings"] = kept + [m for m in extra if m not in kept]
            artifact = dataclasses.replace(artifact, properties=props)
        bom.add(artifact)
    for relation in found.relations:
        if relation.source in bom and relation.target in bom and relation.source != relation.target:
            bom.add_relation(relation)
    return bom


def from_model_card(path_or_text: str | os.PathLike[str]) -> AIBOM:
    """The AI-BOM a model (or dataset) card alone describes: the model, its base models (with the
    relation, declared or inferred), training and evaluation datasets.

    ``path_or_text``: a README.md path, or the card's text (anything starting with ``---`` or
    containing a newline is taken as text)."""
    from aiprov.scan import _cards as cards

    text_given = isinstance(path_or_text, str) and (
        path_or_text.lstrip().startswith("---") or "\n" in path_or_text
    )
    if text_given:
        assert isinstance(path_or_text, str)
        found = cards.card_text_found(path_or_text)
        return _build(found, [])
    path = _check_root(Path(path_or_text))
    try:
        text = cards.read_text(path, cards.MAX_CARD)
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", source=str(path)) from None
    found = cards.card_text_found(text, where=str(path))
    return _build(found, [str(path.absolute().parent)])
