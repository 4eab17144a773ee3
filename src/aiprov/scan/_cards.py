"""Hugging Face cards: ids and purls, card data parsed by huggingface_hub, and what a card says as
artifacts and relations.

Shared by the folder and cache scanner (:mod:`aiprov.scan.huggingface`), ``--hub``
(:mod:`aiprov.scan.hub`) and :func:`aiprov.from_model_card`. A card is parsed by huggingface_hub's own
``ModelCard`` / ``DatasetCard`` after aiprov refuses YAML aliases; ``base_model`` becomes a relation
of the kind ``base_model_relation`` names, or one inferred from the files and marked so;
``datasets`` -> ``trained_on``; ``model-index`` -> ``evaluated_on``; ``source_datasets`` ->
``derived_from``; the model that generated a dataset -> ``generated_by``. An id a card names is an
artifact at once, ``unresolved`` (license ``NOASSERTION``) until the repository itself is found.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from aiprov.graph import Artifact
from aiprov.scan._found import Found

__all__ = [
    "MAX_CARD",
    "RELATION_OF",
    "Repo",
    "card_fields",
    "card_text_found",
    "dataset_id",
    "dataset_relations",
    "found_at",
    "hub_ref",
    "model_id",
    "model_relations",
    "parse_card",
    "plain",
    "purl_for",
    "read_text",
    "reference",
    "relpath",
    "strings",
]

#: ``base_model_relation`` values (the Hub's) -> aiprov relation kinds.
RELATION_OF = {
    "adapter": "adapter_of",
    "merge": "merged_from",
    "quantized": "quantized_from",
    "finetune": "fine_tuned_from",
}
MAX_CARD = 4 * 1024 * 1024  # a model card is read up to 4 MiB (its YAML is at the top)
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_HUB_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(datasets/)?([\w.-]+/[\w.-]+?)(?:\.git)?/?$"
)
_DATASET_KEYS = frozenset(
    {"source_datasets", "task_categories", "task_ids", "size_categories", "annotations_creators",
     "language_creators", "multilinguality", "configs", "dataset_info", "pretty_name"}
)  # fmt: skip
_MODEL_KEYS = frozenset({"base_model", "pipeline_tag", "library_name", "model-index", "base_model_relation"})
#: dataset card keys that name the model(s) that generated the data (conventions seen on the Hub)
_GENERATOR_KEYS = ("generated_by", "generator", "source_models", "teacher_model", "model_used")
_GENERATED_TEXT = re.compile(
    r"(?:generated|synthesi[sz]ed|created|produced|distilled)\s+(?:with|by|using|from)\s+"
    r"(?:the\s+)?(?:model\s+)?\[?`?([A-Za-z0-9][\w.-]*/[\w.-]*[\w])`?\]?",
    re.IGNORECASE,
)
#: card keys kept as properties of their own (besides the whole card data, kept as ``card``)
_KEPT_KEYS = ("license_name", "license_link", "pipeline_tag", "library_name", "language", "tags")


def is_dataset_card(card: dict[str, Any]) -> bool:
    """Card data with dataset keys (``source_datasets``, ``task_categories``, ...) and no model keys."""
    return bool(set(card) & _DATASET_KEYS) and not set(card) & _MODEL_KEYS


def model_id(repo_id: str) -> str:
    return f"hf:{repo_id}"


def dataset_id(repo_id: str) -> str:
    return f"hf-dataset:{repo_id}"


def purl_for(repo_id: str, commit: str | None) -> str:
    """``pkg:huggingface/<org>/<name>@<commit>`` (the purl spec's huggingface type; the commit lowercase)."""
    from packageurl import PackageURL

    namespace, _, name = repo_id.rpartition("/")
    purl = PackageURL(
        type="huggingface", namespace=namespace or None, name=name, version=commit.lower() if commit else None
    )
    return str(purl.to_string())


def hub_ref(value: Any) -> tuple[str, str] | None:
    """A repo id (and ``model``/``dataset``) from a card value: ``org/name``, a hub URL, or None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    m = _HUB_URL.match(value)
    if m:
        return m.group(2), "dataset" if m.group(1) else "model"
    if _REPO_ID.match(value) and not value.startswith((".", "/")):
        return value, "model"
    return None


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


def plain(value: Any) -> Any:
    """Card data as JSON-safe values (YAML dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def relpath(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return path.as_posix()


# -- reading files, bounded ----------------------------------------------------------------------
def read_text(path: Path, limit: int) -> str:
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        data = data[:limit]
    return data.decode("utf-8", errors="replace")


@contextmanager
def _quiet_hub() -> Iterator[None]:
    """huggingface_hub logs a warning for a card without metadata; aiprov reports its own."""
    logger = logging.getLogger("huggingface_hub")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def parse_card(text: str, where: str, repo_type: str | None) -> tuple[dict[str, Any], Any, list[str]]:
    """Card data (plain dict), the huggingface_hub card-data object (None without one) and warnings.

    ``repo_type`` None decides model or dataset from the keys."""
    import yaml
    from huggingface_hub import DatasetCard, ModelCard
    from huggingface_hub.repocard import REGEX_YAML_BLOCK

    from aiprov.exceptions import ParseError
    from aiprov.formats._yaml import NoAliasLoader, refuse_aliases

    warnings: list[str] = []
    match = REGEX_YAML_BLOCK.search(text)
    if not match:
        return {}, None, warnings
    try:
        refuse_aliases(match.group(2), where, "YAML aliases are not read")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 2}, " if mark else ""  # +1 for 1-based, +1 for the opening ---
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        warnings.append(f"{where}: {line}card YAML is not valid: {problem}; card data not read")
        return {}, None, warnings
    except ParseError as exc:  # an alias
        warnings.append(f"{exc}; card data not read")
        return {}, None, warnings
    with _quiet_hub():
        try:
            raw = yaml.load(
                match.group(2), Loader=NoAliasLoader
            )  # libyaml's safe loader; aliases refused above
        except yaml.YAMLError as exc:
            warnings.append(f"{where}: card YAML is not valid: {exc}; card data not read")
            return {}, None, warnings
        if not isinstance(raw, dict):
            warnings.append(f"{where}: card metadata is not a mapping; card data not read")
            return {}, None, warnings
        if repo_type is None:
            repo_type = "dataset" if (set(raw) & _DATASET_KEYS and not set(raw) & _MODEL_KEYS) else "model"
        cls = DatasetCard if repo_type == "dataset" else ModelCard
        try:
            card = cls(text)
        except (ValueError, TypeError) as exc:
            warnings.append(f"{where}: {str(exc).split('. Pass')[0]}; the rest of the card was read")
            try:
                card = cls(text, ignore_metadata_errors=True)
            except (ValueError, TypeError) as exc2:
                warnings.append(f"{where}: card data not read: {exc2}")
                return plain(raw), None, warnings
    return plain(raw), card.data, warnings


@dataclass
class Repo:
    """A repository being read: its id, type, where its files are and what was found."""

    id: str
    repo_id: str | None  # the Hub id, when known
    type: str  # model | dataset
    folder: Path
    root: Path  # the scan root: paths in found_in and properties are relative to it
    commit: str | None
    files: list[Path] = field(default_factory=list)  # absolute paths of the repo's files
    found_in: str = ""


def found_at(repo: Repo, name: str, key: str | None = None) -> str:
    where = relpath(repo.folder / name, repo.root)
    return f"{where}#{key}" if key else where


def reference(found: Found, kind: str, repo_id: str, where: str) -> str:
    """An artifact for an id named in a card or file, unresolved until the repository itself is seen."""
    art_id = model_id(repo_id) if kind == "model" else dataset_id(repo_id)
    namespace, _, name = repo_id.rpartition("/")
    found.add(
        Artifact(
            id=art_id,
            kind=kind,
            name=name,
            supplier=namespace or None,
            license="NOASSERTION",
            purl=purl_for(repo_id, None) if kind == "model" else None,
            source=f"https://huggingface.co/{'datasets/' if kind == 'dataset' else ''}{repo_id}",
            properties={"found_in": where, "unresolved": True},
        )
    )
    return art_id


def model_relations(
    repo: Repo,
    found: Found,
    card: dict[str, Any],
    data: Any,
    adapter: dict[str, Any] | None,
    gguf_bases: list[tuple[str, str]],
    quantized: bool,
    readme: str | None,
) -> None:
    card_file = readme or "README.md"
    bases: list[tuple[str, str]] = []  # (repo id, found_in)
    for value in strings(card.get("base_model")):
        ref = hub_ref(value)
        if ref:
            bases.append((ref[0], found_at(repo, card_file, "base_model")))
        else:
            found.warn(
                repo.id,
                f"{found_at(repo, card_file, 'base_model')}: {value!r} is not a Hub id; not followed",
            )
    source_of = "card"
    if not bases and adapter is not None:
        ref = hub_ref(adapter.get("base_model_name_or_path"))
        if ref:
            bases.append((ref[0], found_at(repo, "adapter_config.json", "base_model_name_or_path")))
            source_of = "adapter_config.json"
    if not bases and gguf_bases:
        bases.extend(gguf_bases)
        source_of = "gguf"
    bases = list(dict.fromkeys(b for b in bases if b[0] != repo.repo_id))
    declared = card.get("base_model_relation")
    relation_props: dict[str, Any] = {}
    if isinstance(declared, str) and declared in RELATION_OF:
        kind = RELATION_OF[declared]
        relation_props["declared"] = found_at(repo, card_file, "base_model_relation")
    else:
        if isinstance(declared, str):
            found.warn(
                repo.id,
                f"{found_at(repo, card_file, 'base_model_relation')}: unknown value {declared!r}; inferred from the files instead",
            )
        if adapter is not None:
            kind, why = "adapter_of", "adapter_config.json"
        elif quantized:
            kind, why = "quantized_from", "a quantized weights file (GGUF, GPTQ, AWQ, ...)"
        elif len(bases) > 1:
            kind, why = "merged_from", "several base models"
        else:
            kind, why = "fine_tuned_from", "no adapter, quantization or second base: a fine-tune"
        relation_props = {"inferred": True, "inferred_from": why}
    if source_of != "card":
        relation_props["base_from"] = source_of
    for base, where in bases:
        target = reference(found, "model", base, where)
        found.relate(repo.id, kind, target, relation_props)
    for value in strings(card.get("datasets")):
        ref = hub_ref(value)
        if ref:
            target = reference(found, "dataset", ref[0], found_at(repo, card_file, "datasets"))
            found.relate(repo.id, "trained_on", target)
    for result in getattr(data, "eval_results", None) or []:
        ref = hub_ref(getattr(result, "dataset_type", None))
        if ref:
            target = reference(found, "dataset", ref[0], found_at(repo, card_file, "model-index"))
            found.relate(
                repo.id,
                "evaluated_on",
                target,
                {"split": getattr(result, "dataset_split", None)}
                if getattr(result, "dataset_split", None)
                else None,
            )


def dataset_relations(
    repo: Repo, found: Found, card: dict[str, Any], data: Any, readme: str | None, text: str
) -> None:
    card_file = readme or "README.md"
    for value in strings(card.get("source_datasets")):
        value = value.split("|", 1)[1] if value.startswith("extended|") else value
        if value in ("original", "extended"):
            continue
        ref = hub_ref(value)
        if ref:
            target = reference(found, "dataset", ref[0], found_at(repo, card_file, "source_datasets"))
            found.relate(repo.id, "derived_from", target)
    generators: list[tuple[str, str, bool]] = []
    for key in (*_GENERATOR_KEYS, "base_model"):
        for value in strings(card.get(key)):
            ref = hub_ref(value)
            if ref:
                generators.append((ref[0], found_at(repo, card_file, key), False))
    if not generators and text:
        body = text.split("---", 2)[-1] if text.startswith("---") else text
        for m in _GENERATED_TEXT.finditer(body[:200_000]):
            line = body[: m.start()].count("\n") + 1 + (text.count("\n", 0, len(text) - len(body)))
            generators.append((m.group(1), f"{relpath(repo.folder / card_file, repo.root)}:{line}", True))
    for gen, where, inferred in dict.fromkeys(generators):
        target = reference(found, "model", gen, where)
        found.relate(
            repo.id,
            "generated_by",
            target,
            {"inferred": True, "inferred_from": "card text"} if inferred else None,
        )


def card_fields(card: dict[str, Any], license_name_at: str) -> tuple[str | None, dict[str, Any]]:
    """The declared license and the properties a card gives its repository.

    ``license: other`` with a ``license_name``: the name is the declared license (``card_license:
    other`` and ``license_resolved_from`` = ``license_name_at`` are kept); a list of licenses is
    joined with ``, `` as written."""
    props: dict[str, Any] = {}
    raw = card.get("license")
    license_value = ", ".join(strings(raw)) if isinstance(raw, list) else raw
    license_value = (
        license_value.strip() if isinstance(license_value, str) and license_value.strip() else None
    )
    for key in _KEPT_KEYS:
        if key in card:
            props[key] = card[key]
    if license_value is not None and license_value.lower() == "other":
        props["card_license"] = license_value
        name = card.get("license_name")
        if isinstance(name, str) and name.strip():
            license_value = name.strip()
            props["license_resolved_from"] = license_name_at
    if isinstance(card.get("pipeline_tag"), str):
        props["task"] = card["pipeline_tag"]
    if card:
        props["card"] = card
    return license_value, props


def card_text_found(text: str, *, where: str | None = None) -> Found:
    """What a model or dataset card alone says (no files): :func:`aiprov.from_model_card`.

    ``where``: the card's path (the artifact is then ``file:<its folder's name>``); None for a text,
    whose artifact is ``card:<model_name or pretty_name>`` (``card:model`` without one)."""
    found = Found()
    card, data, warnings = parse_card(text, where or "<card>", None)
    kind = "dataset" if is_dataset_card(card) else "model"
    titled = next((card[k] for k in ("model_name", "pretty_name") if isinstance(card.get(k), str)), None)
    if where is not None:
        path = Path(where).absolute()
        folder, card_file = path.parent, path.name
        art_id, name = f"file:{folder.name}", titled or folder.name
    else:
        folder, card_file = Path("."), "<card>"
        name = titled or kind
        art_id = f"card:{name}"
    repo = Repo(
        id=art_id, repo_id=None, type=kind, folder=folder, root=folder, commit=None, found_in=card_file
    )
    license_value, props = card_fields(card, f"{card_file}#license_name")
    props["found_in"] = card_file
    if kind == "model":
        model_relations(repo, found, card, data, None, [], False, card_file)
    else:
        dataset_relations(repo, found, card, data, card_file, text)
    found.add(Artifact(id=art_id, kind=kind, name=name, license=license_value, properties=props))
    for w in warnings:
        found.warn(art_id, w)
    return found
