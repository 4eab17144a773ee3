"""``--hub``: fill what the disk lacks from the Hugging Face Hub (opt-in; the only network aiprov uses).

For every Hub id a scan named but did not find on disk (a card's ``base_model``, a ``datasets``
entry, a ``from_pretrained`` call: artifacts marked ``unresolved``) and every repository found
without a commit, huggingface_hub's ``HfApi.model_info`` / ``dataset_info`` give the card data,
the commit (the purl is pinned to it), the file list and the gated status. What those cards name
is looked up in turn, a few rounds deep. Failures (no network, a gated or missing repository) are
warnings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiprov.graph import Artifact
from aiprov.scan._found import Found, Progress

__all__ = ["fill"]

_ROUNDS = 3
_MAX_LOOKUPS = 500
_MAX_FILES = 1000


def _lookup_errors() -> tuple[type[BaseException], ...]:
    """What a Hub lookup raises for a missing, gated or unreachable repository: huggingface_hub's
    errors are OSErrors; the HTTP client's own (httpx, or requests in older releases) are not."""
    import importlib

    errors: list[type[BaseException]] = [OSError, ValueError]
    for module, name in (("httpx", "HTTPError"), ("httpx2", "HTTPError"), ("requests", "RequestException")):
        try:
            errors.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(errors)


def _wanted(found: Found, done: set[str]) -> list[Artifact]:
    out = []
    for art in found.artifacts.values():
        if art.id in done or not art.id.startswith(("hf:", "hf-dataset:")):
            continue
        if art.properties.get("unresolved") or art.version is None:
            out.append(art)
    return sorted(out, key=lambda a: a.id)


def fill(found: Found, *, progress: Progress | None = None, api: Any = None) -> Found:
    """What the Hub says about the ids in ``found`` that the disk did not resolve (a new Found to merge)."""
    from huggingface_hub import HfApi

    from aiprov.scan import _cards as hf

    api = api or HfApi()
    errors = _lookup_errors()
    out = Found()
    done: set[str] = set()
    view = Found()
    view.merge(found)
    for _ in range(_ROUNDS):
        todo = _wanted(view, done)
        if not todo:
            break
        if progress is not None:
            progress("hub", 0, float(len(todo)))
        for art in todo:
            if len(done) >= _MAX_LOOKUPS:
                out.warn(None, f"hub: stopped after {_MAX_LOOKUPS} lookups")
                return out
            done.add(art.id)
            is_dataset = art.id.startswith("hf-dataset:")
            repo_id = art.id.split(":", 1)[1].split("@", 1)[0]
            try:
                info = api.dataset_info(repo_id) if is_dataset else api.model_info(repo_id)
            except errors as exc:
                out.warn(
                    art.id,
                    f"hub:{repo_id}: not looked up: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                )
                continue
            finally:
                if progress is not None:
                    progress("hub", 1, None)
            one = _from_info(hf, art, repo_id, "dataset" if is_dataset else "model", info)
            out.merge(one)
            view.merge(one)
    return out


def _from_info(hf: Any, art: Artifact, repo_id: str, kind: str, info: Any) -> Found:
    found = Found()
    card_data = getattr(info, "card_data", None) or getattr(info, "cardData", None)
    card: dict[str, Any] = {}
    if card_data is not None:
        raw = card_data.to_dict() if hasattr(card_data, "to_dict") else card_data
        card = hf.plain(raw) if isinstance(raw, dict) else {}
    sha = getattr(info, "sha", None)
    siblings = [getattr(s, "rfilename", None) for s in (getattr(info, "siblings", None) or [])]
    files = sorted(f for f in siblings if isinstance(f, str))
    where = f"hub:{repo_id}"
    props: dict[str, Any] = {"found_in": where, "hf_repo_id": repo_id, "from_hub": True}
    if sha:
        props["revision"] = sha
    gated = getattr(info, "gated", None)
    if gated is not None:
        props["gated"] = gated
    if files:
        props["hub_files"] = files[:_MAX_FILES]
    license_value, card_props = hf.card_fields(card, f"{where}/README.md#license_name")
    props.update(card_props)
    repo = hf.Repo(
        id=art.id, repo_id=repo_id, type=kind, folder=Path(where), root=Path("."), commit=sha, found_in=where
    )
    if kind == "model":
        quantized = any(f.lower().endswith(".gguf") for f in files)
        adapter: dict[str, Any] | None = {} if "adapter_config.json" in files else None
        hf.model_relations(repo, found, card, card_data, adapter, [], quantized, "README.md")
    else:
        hf.dataset_relations(repo, found, card, card_data, "README.md", "")
    found.add(
        Artifact(
            id=art.id,
            kind=kind,
            name=repo_id.rpartition("/")[2],
            version=sha,
            supplier=repo_id.rpartition("/")[0] or None,
            license=license_value,
            purl=hf.purl_for(repo_id, sha) if kind == "model" else None,
            source=f"https://huggingface.co/{'datasets/' if kind == 'dataset' else ''}{repo_id}",
            properties=props,
        )
    )
    return found
