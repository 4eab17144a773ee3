"""The Model Openness Tool's YAML format (lfai/model_openness_tool, ``models/*.yml``).

.. code-block:: yaml

    framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}
    release:
      name: Amber
      version: 7B
      producer: LLM360
      license:                       # global licenses, by content type (optional)
        distribution: {name: Apache-2.0, path: ''}
        data: {name: CDLA-Permissive-2.0, path: ''}
      components:
        - {name: Model architecture, description: ..., license: Apache-2.0}
        - {name: Datasets, description: ...}        # no license: the global one applies

Each component becomes an artifact with property ``component`` (its MOF name) and the
license the MOT would apply: the component's own ``license`` if the key is present
(empty means unlicensed), else the global license for its content type, else the
global ``distribution`` license (components of several content types, Datasets and
Sample model outputs, take only the distribution license, as the MOT does). The older
form (``license_name``, ``location``) is read too; there ``Component not included``
means the component is absent and ``License not specified`` that it has no license.
Everything else in the file is kept under ``mot:`` properties and
``bom.metadata["mot"]``, so that :func:`dumps` writes it back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from aiprov.exceptions import ParseError
from aiprov.formats import parse_json
from aiprov.formats._yaml import load_yaml
from aiprov.graph import AIBOM, Artifact

__all__ = ["COMPONENT_TYPES", "FRAMEWORK_NAME", "dumps", "loads"]

FRAMEWORK_NAME = "Model Openness Framework"
#: MOF component name -> the MOT's content type ("multi" for the components with several).
COMPONENT_TYPES: dict[str, str] = {
    "Model architecture": "code",
    "Model parameters (Final)": "data",
    "Technical report": "document",
    "Evaluation results": "document",
    "Model card": "document",
    "Data card": "document",
    "Sample model outputs": "multi",
    "Training code": "code",
    "Inference code": "code",
    "Evaluation code": "code",
    "Evaluation data": "data",
    "Supporting libraries and tools": "code",
    "Datasets": "multi",
    "Data preprocessing code": "code",
    "Model parameters (Intermediate)": "data",
    "Research paper": "document",
    "Model metadata": "data",
}
_KIND = {
    "code": "code",
    "document": "document",
    "Model parameters (Final)": "weights",
    "Model parameters (Intermediate)": "weights",
    "Datasets": "dataset",
    "Evaluation data": "dataset",
    "Sample model outputs": "dataset",
    "Model metadata": "document",
}
_RELATION = {"weights": "contains", "code": "built_with", "document": "contains"}
NOT_INCLUDED = "Component not included"
_NO_LICENSE = {"", "License not specified", "Pending evaluation"}
_GLOBAL_TYPES = ("distribution", "code", "data", "document")
_COMPONENT_KEYS = (
    "name",
    "description",
    "license",
    "license_name",
    "license_path",
    "component_path",
    "location",
)


def _parse(text: str, source: str) -> Any:
    if text.lstrip().startswith("{"):
        return parse_json(text, source)
    return load_yaml(text, source, "YAML aliases (*ref) are not supported")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "component"


def _text(value: Any, where: str, source: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise ParseError("is required", source=source, location=where)
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ParseError(f"expected a string, got {type(value).__name__}", source=source, location=where)
    return str(value)


def _globals(release: Mapping[str, Any], source: str) -> dict[str, dict[str, Any]]:
    raw = release.get("license")
    if raw is None or raw == [] or raw == {}:
        return {}
    if not isinstance(raw, Mapping):
        raise ParseError(
            "expected a mapping of content type to {name, path}", source=source, location="release/license"
        )
    out: dict[str, dict[str, Any]] = {}
    for key, value in raw.items():
        if key not in _GLOBAL_TYPES:
            raise ParseError(
                f"unknown global license type {key!r} (one of {', '.join(_GLOBAL_TYPES)})",
                source=source,
                location=f"release/license/{key}",
            )
        if not isinstance(value, Mapping):
            raise ParseError("expected {name, path}", source=source, location=f"release/license/{key}")
        out[str(key)] = dict(value)
    return out


def _effective(
    entry: Mapping[str, Any], name: str, globals_: Mapping[str, Mapping[str, Any]]
) -> tuple[str | None, str]:
    """The license the MOT applies to a component, and where it came from."""
    for key in ("license", "license_name"):
        if key in entry:
            value = entry[key]
            text = "" if value is None else str(value)
            return (None if text in _NO_LICENSE else text), "component"
    ctype = COMPONENT_TYPES.get(name)
    if ctype and ctype != "multi":
        found = (globals_.get(ctype) or {}).get("name")
        if found:
            return str(found), f"global:{ctype}"
    found = (globals_.get("distribution") or {}).get("name")
    if found:
        return str(found), "global:distribution"
    return None, "none"


def loads(text: str, source: str = "<string>") -> AIBOM:
    """Read a Model Openness Tool model file (YAML, or the JSON the MOT's API returns)."""
    data = _parse(text, source)
    if not isinstance(data, Mapping):
        raise ParseError(
            "not a Model Openness Tool file: expected a mapping with framework and release", source=source
        )
    framework = data.get("framework")
    if not isinstance(framework, Mapping):
        raise ParseError("missing `framework:` mapping", source=source, location="framework")
    fname = _text(framework.get("name"), "framework/name", source)
    if fname is not None and fname != FRAMEWORK_NAME:
        raise ParseError(
            f"framework name {fname!r} is not {FRAMEWORK_NAME!r}", source=source, location="framework/name"
        )
    release = data.get("release")
    if not isinstance(release, Mapping):
        raise ParseError("missing `release:` mapping", source=source, location="release")
    name = _text(release.get("name"), "release/name", source, required=True)
    if not name:
        raise ParseError("release name is empty", source=source, location="release/name")
    components = release.get("components")
    if components is None:
        components = []
    if not isinstance(components, list):
        raise ParseError("expected a list of components", source=source, location="release/components")
    globals_ = _globals(release, source)
    release_meta = {k: v for k, v in release.items() if k not in ("components", "license")}
    model_props: dict[str, Any] = {}
    if release.get("architecture"):
        model_props["model_architecture"] = str(release["architecture"])
    if release.get("huggingface"):
        model_props["homepage"] = str(release["huggingface"])
    bom = AIBOM()
    bom.add(
        Artifact(
            id="release",
            kind="model",
            name=name,
            version=_text(release.get("version"), "release/version", source) or None,
            supplier=_text(release.get("producer"), "release/producer", source) or None,
            license=(globals_.get("distribution") or {}).get("name") or None,
            source=_text(release.get("repository") or release.get("github"), "release/repository", source)
            or None,
            properties=model_props,
        )
    )
    order: list[str] = []
    excluded: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, entry in enumerate(components):
        where = f"release/components/{index}"
        if not isinstance(entry, Mapping):
            raise ParseError(f"expected a mapping, got {type(entry).__name__}", source=source, location=where)
        cname = _text(entry.get("name"), f"{where}/name", source, required=True)
        assert cname is not None
        if cname in seen:
            raise ParseError(f"duplicate component {cname!r}", source=source, location=f"{where}/name")
        seen.add(cname)
        order.append(cname)
        for key in ("license", "license_name", "license_path", "component_path", "location", "description"):
            if key in entry and entry[key] is not None and not isinstance(entry[key], (str, int, float)):
                raise ParseError(
                    f"expected a string, got {type(entry[key]).__name__}",
                    source=source,
                    location=f"{where}/{key}",
                )
        if str(entry.get("license_name", entry.get("license", ""))) == NOT_INCLUDED:
            excluded.append(dict(entry))
            continue
        license_, origin = _effective(entry, cname, globals_)
        ctype = COMPONENT_TYPES.get(cname)
        kind = _KIND.get(cname) or _KIND.get(ctype or "", "document")
        props: dict[str, Any] = {"component": cname, "mot:license_from": origin}
        if entry.get("description"):
            props["description"] = str(entry["description"])
        for key, value in entry.items():
            if key in ("name", "description", "component_path", "location"):
                continue
            props[f"mot:{key}"] = value
        location = entry.get("component_path") or entry.get("location")
        for key in ("location", "component_path"):
            if key in entry:
                props["mot:location_key"] = key
        artifact_id = _slug(cname)
        while artifact_id in bom:
            artifact_id += "-x"
        bom.add(
            Artifact(
                id=artifact_id,
                kind=kind,
                name=cname,
                license=license_,
                source=str(location) if location else None,
                properties=props,
            )
        )
        if kind == "dataset":
            if cname == "Evaluation data":
                bom.relate("release", "evaluated_on", artifact_id)
            elif cname == "Sample model outputs":
                bom.relate(artifact_id, "generated_by", "release")
            else:
                bom.relate("release", "trained_on", artifact_id)
        else:
            bom.relate("release", _RELATION[kind], artifact_id)
    bom.metadata["mot"] = {
        "framework": dict(framework),
        "release": release_meta,
        "license": globals_,
        "order": order,
        "excluded": excluded,
        "extra": {k: v for k, v in data.items() if k not in ("framework", "release")},
    }
    if "license" in release and not globals_:
        bom.metadata["mot"]["license_raw"] = release["license"]
    return bom


def _release_fields(bom: AIBOM) -> dict[str, Any]:
    models = [a for a in bom if a.kind == "model"]
    model = next((a for a in models if a.id == "release"), models[0] if models else None)
    out: dict[str, Any] = {
        "name": model.name or model.id if model else "unnamed",
        "version": (model.version or "") if model else "",
        "date": "",
        "type": "",
        "architecture": "",
        "origin": "",
        "producer": (model.supplier or "") if model else "",
        "contact": "",
    }
    if model is not None:
        if model.source:
            out["repository"] = model.source
        if model.properties.get("homepage"):
            out["huggingface"] = str(model.properties["homepage"])
    return out


def _component_entry(artifact: Artifact, name: str) -> dict[str, Any]:
    props = artifact.properties
    entry: dict[str, Any] = {"name": name}
    if props.get("description"):
        entry["description"] = props["description"]
    path_key = props.get("mot:location_key")
    if artifact.source or path_key:
        entry[str(path_key or "component_path")] = artifact.source or ""
    raw_keys = [
        k[4:] for k in props if k.startswith("mot:") and k not in ("mot:license_from", "mot:location_key")
    ]
    if raw_keys:
        for key in raw_keys:
            entry[key] = props[f"mot:{key}"]
    elif artifact.license and props.get("mot:license_from", "component") == "component":
        entry["license"] = artifact.license
    return entry


def dumps(bom: AIBOM, *, evaluation: Mapping[str, Any] | None = None) -> str:
    """Write a graph as a Model Openness Tool model file.

    Components are the artifacts with a ``component`` property (use
    :func:`aiprov.analysis.openness.annotate_components` to add inferred ones first).
    ``evaluation`` (``OpennessReport.to_dict()``) adds a ``classification`` block in the
    shape of the MOT's API: class, label and progress, as the MOT would compute them.
    """
    meta = bom.metadata.get("mot") if isinstance(bom.metadata.get("mot"), Mapping) else None
    framework = (
        dict(meta["framework"]) if meta else {"name": FRAMEWORK_NAME, "version": "1.0", "date": "2024-12-15"}
    )
    release: dict[str, Any] = dict(meta["release"]) if meta else _release_fields(bom)
    if meta and meta.get("license"):
        release["license"] = meta["license"]
    elif meta and "license_raw" in meta:
        release["license"] = meta["license_raw"]
    elif not meta:
        model = next((a for a in bom if a.kind == "model"), None)
        if model is not None and model.license:
            release["license"] = {"distribution": {"name": model.license, "path": ""}}
    entries: dict[str, dict[str, Any]] = {}
    for artifact in bom:
        value = artifact.properties.get("component")
        names = (
            [value]
            if isinstance(value, str)
            else [str(v) for v in value]
            if isinstance(value, (list, tuple))
            else []
        )
        for name in names:
            entries.setdefault(name, _component_entry(artifact, name))
    for entry in (meta or {}).get("excluded", []):
        entries.setdefault(str(entry.get("name")), dict(entry))
    order = list((meta or {}).get("order", []))
    order += [n for n in COMPONENT_TYPES if n not in order]
    order += sorted(n for n in entries if n not in order)
    release["components"] = [entries[n] for n in order if n in entries]
    out: dict[str, Any] = {"framework": framework, "release": release}
    for key, value in ((meta or {}).get("extra") or {}).items():
        out.setdefault(key, value)
    if evaluation is not None:
        mof = evaluation.get("mof") or {}
        mot = mof.get("mot") or {}
        out["classification"] = {
            "class": mot.get("class") or 0,
            "label": mot.get("label", "Unclassified"),
            "progress": {int(k): v for k, v in (mot.get("progress") or {}).items()},
        }
    return yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=100)
