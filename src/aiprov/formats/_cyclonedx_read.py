"""A CycloneDX document (JSON-shaped data) -> AIBOM (private; see formats/cyclonedx.py).

The reader is tolerant of what other tools write (license names in ``license.id``, the
base model only as a property) and strict about structure: a field of the wrong type or
a dangling reference is a :class:`ParseError` naming the file and the JSON path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiprov.exceptions import GraphError, ParseError
from aiprov.formats import _cyclonedx_common as c
from aiprov.formats._cyclonedx_licenses import licenses, licenses_to_text
from aiprov.formats._json import DuplicateKey, refuse_repeats
from aiprov.graph import AIBOM, RELATION_KINDS, Artifact, Relation

__all__ = ["read_document"]

_BASE_MODEL = re.compile(r"(^|[:._-])base[_-]?model$", re.IGNORECASE)
_BASE_RELATION = re.compile(r"(^|[:._-])base[_-]?model[_-]?relation$", re.IGNORECASE)
_HF_RELATION = {
    "finetune": "fine_tuned_from",
    "adapter": "adapter_of",
    "merge": "merged_from",
    "quantized": "quantized_from",
}
_ROOT_CONSUMED = (
    "bomFormat",
    "specVersion",
    "$schema",
    "components",
    "services",
    "dependencies",
    "properties",
)


@dataclass
class _Link:
    """A relation seen in the document, resolved once every component is known."""

    source: str
    kind: str | None  # None: decided from the artifact kinds (pedigree without aiprov:relation)
    target: str | None = None  # a bom-ref
    component: dict[str, Any] | None = None  # a foreign pedigree ancestor, matched or added
    name: str | None = None  # a base model named in a property
    path: str = ""
    explicit: bool = False


@dataclass
class _State:
    source: str
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    links: list[_Link] = field(default_factory=list)
    rel_props: dict[tuple[str, str, str], Any] = field(default_factory=dict)

    def error(self, message: str, path: str) -> ParseError:
        return ParseError(message, source=self.source, location=path or "(top level)")

    def dict_(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(f"expected an object, got {_type(value)}", path)
        return value

    def list_(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(f"expected an array, got {_type(value)}", path)
        return value

    def str_(self, value: Any, path: str, *, required: bool = False) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise self.error(f"expected a string, got {_type(value)}", path)
        return value

    def new_id(self, comp: dict[str, Any]) -> str:
        base = comp.get("purl") if isinstance(comp.get("purl"), str) else None
        if base is None:
            name = str(comp.get("name") or "component")
            base = f"{name}@{comp['version']}" if isinstance(comp.get("version"), str) else name
        candidate, n = base, 1
        while candidate in self.artifacts:
            n += 1
            candidate = f"{base}#{n}"
        return candidate


def _type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def _prune(value: Any) -> Any:
    """Drop empty containers left after the mapped parts were taken out."""
    if isinstance(value, dict):
        out = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in ({}, [], None)}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


class _Reader:
    def __init__(self, source: str) -> None:
        self.s = _State(source)

    # -- one component ---------------------------------------------------------------------
    def component(self, comp: Any, path: str, *, service: bool = False) -> str:
        s = self.s
        comp = dict(s.dict_(comp, path))
        ctype = "service" if service else s.str_(comp.pop("type", None), f"{path}.type", required=True)
        assert ctype is not None
        ref = s.str_(comp.pop("bom-ref", None), f"{path}.bom-ref")
        name = s.str_(comp.pop("name", None), f"{path}.name")
        art_id = ref if ref is not None else s.new_id({**comp, "name": name})
        if art_id in s.artifacts:
            raise s.error(f"duplicate bom-ref {art_id!r}", f"{path}.bom-ref")
        props: dict[str, Any] = {}
        fields: dict[str, Any] = {"name": name}
        fields["version"] = s.str_(comp.pop("version", None), f"{path}.version")
        fields["purl"] = None if service else s.str_(comp.pop("purl", None), f"{path}.purl")
        supplier_key = "provider" if service else "supplier"
        supplier = comp.pop(supplier_key, None)
        if supplier is not None:
            supplier = s.dict_(supplier, f"{path}.{supplier_key}")
            fields["supplier"] = s.str_(supplier.get("name"), f"{path}.{supplier_key}.name")
            if set(supplier) - {"name"}:
                props[c.RAW + supplier_key] = supplier
        description = comp.pop("description", None)
        if isinstance(description, str):
            props["description"] = description
        elif description is not None:
            props[c.RAW + "description"] = description
        tags = comp.pop("tags", None)
        if tags is not None:
            props["domain"] = [str(t) for t in s.list_(tags, f"{path}.tags")]
        hashes: dict[str, str] = {}
        for i, h in enumerate(s.list_(comp.pop("hashes", None), f"{path}.hashes")):
            h = s.dict_(h, f"{path}.hashes[{i}]")
            alg = s.str_(h.get("alg"), f"{path}.hashes[{i}].alg", required=True)
            content = s.str_(h.get("content"), f"{path}.hashes[{i}].content", required=True)
            assert alg is not None and content is not None
            hashes[c.ALG_FROM_CDX.get(alg, alg.lower())] = content
        raw_lic = comp.pop("licenses", None)
        declared, concluded = licenses_to_text(s.list_(raw_lic, f"{path}.licenses"))
        kind = "service" if service else c.kind_of(ctype, name)
        foreign_props = []
        unnamed = False
        for i, prop in enumerate(s.list_(comp.pop("properties", None), f"{path}.properties")):
            prop = s.dict_(prop, f"{path}.properties[{i}]")
            pname = s.str_(prop.get("name"), f"{path}.properties[{i}].name", required=True) or ""
            value = prop.get("value")
            where = f"{path}.properties[{i}]"
            if not isinstance(value, str):
                foreign_props.append(prop)
            elif pname == c.P_KIND and (value in c.DEFAULT_TYPE or value == "service"):
                kind = value
            elif pname == c.P_UNNAMED:
                unnamed = value == "true"
            elif pname == c.P_DECLARED:
                declared = value
            elif pname == c.P_CONCLUDED:
                concluded = value
            elif (
                pname.startswith(c.P_RELATION_PREFIX) and pname[len(c.P_RELATION_PREFIX) :] in RELATION_KINDS
            ):
                kind_ = pname[len(c.P_RELATION_PREFIX) :]
                s.links.append(_Link(art_id, kind_, target=value, path=where, explicit=True))
            elif pname == c.P_RELATION_PROPS:
                data = self.json_value(value, where)
                if isinstance(data, dict) and isinstance(data.get("properties"), dict):
                    s.rel_props[(art_id, str(data.get("kind")), str(data.get("target")))] = data["properties"]
            elif pname.startswith(c.P_PROP):
                props[pname[len(c.P_PROP) :]] = value
            elif pname.startswith(c.P_JSON):
                props[pname[len(c.P_JSON) :]] = self.json_value(value, where)
            elif pname.startswith(c.P_HASH):
                hashes[pname[len(c.P_HASH) :]] = value
            elif pname == c.P_PURL and service:
                fields["purl"] = value
            else:
                if _BASE_MODEL.search(pname) and kind in ("model", "weights"):
                    self.base_models(art_id, value, comp, where)
                foreign_props.append(prop)
        if foreign_props:
            props[c.RAW + "properties"] = foreign_props
        fields["license"], fields["concluded_license"] = declared, concluded
        if unnamed and name == art_id:
            fields["name"] = None
        refs = []
        for i, ref_ in enumerate(s.list_(comp.pop("externalReferences", None), f"{path}.externalReferences")):
            ref_ = s.dict_(ref_, f"{path}.externalReferences[{i}]")
            rtype, url = ref_.get("type"), ref_.get("url")
            comment = ref_.get("comment")
            if isinstance(comment, str) and comment.startswith(c.P_REF + "="):
                continue  # written by aiprov for a relation to a document: the relation says it
            if rtype == "distribution" and "source" not in fields and set(ref_) <= {"type", "url"}:
                fields["source"] = s.str_(url, f"{path}.externalReferences[{i}].url")
            elif rtype == "website" and "homepage" not in props and set(ref_) <= {"type", "url"}:
                props["homepage"] = s.str_(url, f"{path}.externalReferences[{i}].url")
            else:
                refs.append(ref_)
        if refs:
            props[c.RAW + "externalReferences"] = refs
        if "modelCard" in comp:
            self.model_card(
                art_id, s.dict_(comp.pop("modelCard"), f"{path}.modelCard"), props, kind, f"{path}.modelCard"
            )
        if "data" in comp and not service:
            self.data(s.list_(comp.pop("data"), f"{path}.data"), props, f"{path}.data")
        pedigree = comp.pop("pedigree", None)
        if pedigree is not None:
            pedigree = dict(s.dict_(pedigree, f"{path}.pedigree"))
            for i, anc in enumerate(s.list_(pedigree.pop("ancestors", None), f"{path}.pedigree.ancestors")):
                self.ancestor(
                    art_id, s.dict_(anc, f"{path}.pedigree.ancestors[{i}]"), f"{path}.pedigree.ancestors[{i}]"
                )
            if pedigree:
                props[c.RAW + "pedigree"] = pedigree
        nested_key = "services" if service else "components"
        nested = s.list_(comp.pop(nested_key, None), f"{path}.{nested_key}")
        if ctype != c.DEFAULT_TYPE.get(kind, ctype) and not service:
            props[c.RAW + "type"] = ctype
        for key, value in comp.items():  # everything else, kept for writing back
            props[c.RAW + key] = value
        fields["hashes"] = tuple(hashes.items())
        try:
            art = Artifact(id=art_id, kind=kind, properties=props, **fields)
        except GraphError as exc:
            raise s.error(exc.message, path) from None
        if raw_lic and licenses(art, None, []) != raw_lic:
            art = Artifact(id=art_id, kind=kind, properties={**props, c.RAW + "licenses": raw_lic}, **fields)
        s.artifacts[art_id] = art
        for i, child in enumerate(nested):
            child_id = self.component(child, f"{path}.{nested_key}[{i}]", service=service)
            s.links.append(_Link(art_id, "contains", target=child_id, path=f"{path}.{nested_key}[{i}]"))
        return art_id

    def json_value(self, value: str, path: str) -> Any:
        try:
            return json.loads(value, object_pairs_hook=refuse_repeats)
        except DuplicateKey as exc:
            raise self.s.error(f"property value: duplicate key {exc.key!r}", path) from None
        except (ValueError, RecursionError):  # bad JSON, or a number too long to convert
            raise self.s.error("property value is not valid JSON", path) from None

    def base_models(self, art_id: str, value: str, owner: dict[str, Any], path: str) -> None:
        names: Any = value
        if value.startswith("["):
            try:
                names = json.loads(value)
            except (ValueError, RecursionError):  # not JSON (or a number too long): the text is the name
                names = [value]
        for name in names if isinstance(names, list) else [names]:
            if isinstance(name, str) and name.strip():
                kind = None
                for prop in owner.get("properties") or ():
                    if isinstance(prop, dict) and _BASE_RELATION.search(str(prop.get("name", ""))):
                        kind = _HF_RELATION.get(str(prop.get("value", "")).lower())
                self.s.links.append(_Link(art_id, kind or "fine_tuned_from", name=name.strip(), path=path))

    def model_card(
        self, art_id: str, card: dict[str, Any], props: dict[str, Any], kind: str, path: str
    ) -> None:
        s = self.s
        card = json.loads(json.dumps(card))  # a private copy to take the mapped parts out of
        params = card.get("modelParameters")
        if isinstance(params, dict):
            for key, prop in (
                ("task", "task"),
                ("architectureFamily", "architecture_family"),
                ("modelArchitecture", "model_architecture"),
            ):
                if isinstance(params.get(key), str):
                    props[prop] = params.pop(key)
            for key in ("inputs", "outputs"):
                items = params.get(key)
                if isinstance(items, list) and all(
                    isinstance(i, dict) and set(i) == {"format"} for i in items
                ):
                    props[key] = [str(i["format"]) for i in params.pop(key)]
            kept = []
            for i, entry in enumerate(s.list_(params.get("datasets"), f"{path}.modelParameters.datasets")):
                if isinstance(entry, dict) and set(entry) == {"ref"} and isinstance(entry["ref"], str):
                    s.links.append(
                        _Link(
                            art_id,
                            "trained_on",
                            target=entry["ref"],
                            path=f"{path}.modelParameters.datasets[{i}].ref",
                        )
                    )
                else:
                    kept.append(entry)
            params["datasets"] = kept
        considerations = card.get("considerations")
        if isinstance(considerations, dict):
            limits = considerations.get("technicalLimitations")
            if isinstance(limits, list) and len(limits) == 1 and isinstance(limits[0], str):
                props["limitations"] = considerations.pop("technicalLimitations")[0]
            ethical = considerations.get("ethicalConsiderations")
            if isinstance(ethical, list):
                considerations["ethicalConsiderations"] = [
                    e
                    for e in ethical
                    if not (isinstance(e, dict) and str(e.get("name", "")).startswith(c.P_USE_RESTRICTION))
                ]
        for i, prop in enumerate(card.get("properties") or ()):
            if (
                isinstance(prop, dict)
                and _BASE_MODEL.search(str(prop.get("name", "")))
                and kind in ("model", "weights")
            ) and isinstance(prop.get("value"), str):
                self.base_models(art_id, prop["value"], card, f"{path}.properties[{i}]")
        rest = _prune(card)
        if rest:
            props[c.RAW + "modelCard"] = rest

    def data(self, entries: list[Any], props: dict[str, Any], path: str) -> None:
        if not entries:
            return
        first = dict(self.s.dict_(entries[0], f"{path}[0]"))
        dtype = first.pop("type", None)
        if isinstance(dtype, str) and dtype != "dataset":
            props["dataset_type"] = dtype
        sensitive = first.get("sensitiveData")
        if isinstance(sensitive, list) and len(sensitive) == 1 and isinstance(sensitive[0], str):
            props["sensitive_personal_information"] = first.pop("sensitiveData")[0]
        rest = [first, *entries[1:]]
        if rest != [{}]:
            props[c.RAW + "data"] = rest

    def ancestor(self, art_id: str, anc: dict[str, Any], path: str) -> None:
        kind = ref = None
        for prop in anc.get("properties") or ():
            if isinstance(prop, dict) and prop.get("name") == c.P_RELATION:
                kind = prop.get("value") if prop.get("value") in RELATION_KINDS else None
            elif (
                isinstance(prop, dict) and prop.get("name") == c.P_REF and isinstance(prop.get("value"), str)
            ):
                ref = prop["value"]
        if ref is not None:
            self.s.links.append(_Link(art_id, kind, target=ref, path=path))
        else:
            self.s.links.append(_Link(art_id, kind, component=anc, path=path))

    # -- the document ----------------------------------------------------------------------
    def document(self, doc: Any) -> AIBOM:
        s = self.s
        doc = s.dict_(doc, "")
        if doc.get("bomFormat") != "CycloneDX":
            raise s.error("not a CycloneDX document (bomFormat is not 'CycloneDX')", "bomFormat")
        spec = doc.get("specVersion")
        if spec not in c.SPEC_VERSIONS:
            raise s.error(
                f"unsupported CycloneDX specVersion {spec!r} (aiprov reads {', '.join(c.SPEC_VERSIONS)})",
                "specVersion",
            )
        kept = {k: v for k, v in doc.items() if k not in _ROOT_CONSUMED}
        bom_meta: dict[str, Any] = {}
        root_props = []
        for i, prop in enumerate(s.list_(doc.get("properties"), "properties")):
            prop = s.dict_(prop, f"properties[{i}]")
            name, value = prop.get("name"), prop.get("value")
            if name == c.P_MANIFEST and isinstance(value, str):
                bom_meta["manifest"] = self.json_value(value, f"properties[{i}]")
            elif name == c.P_POLICY and isinstance(value, str):
                bom_meta["policy"] = self.json_value(value, f"properties[{i}]")
            elif name in (c.P_FINDING, c.P_OBLIGATION) and isinstance(value, str):
                key = "embedded_findings" if name == c.P_FINDING else "embedded_obligations"
                bom_meta.setdefault(key, []).append(self.json_value(value, f"properties[{i}]"))
            else:
                root_props.append(prop)
        if root_props:
            kept["properties"] = root_props
        components = s.list_(doc.get("components"), "components")
        refs = {x.get("bom-ref") for x in components if isinstance(x, dict) and _hashable(x.get("bom-ref"))}
        metadata = kept.get("metadata")
        if metadata is not None:
            metadata = dict(s.dict_(metadata, "metadata"))
            subject = metadata.get("component")
            subject_ref = subject.get("bom-ref") if isinstance(subject, dict) else None
            if (
                isinstance(subject, dict)
                and (not _hashable(subject_ref) or subject_ref not in refs)  # a list: component() names it
                and "type" in subject
            ):
                subject_id = self.component(metadata.pop("component"), "metadata.component")
                art = s.artifacts[subject_id]
                s.artifacts[subject_id] = Artifact(
                    **{f: getattr(art, f) for f in Artifact.__dataclass_fields__ if f != "properties"},
                    properties={**art.properties, c.RAW + "subject": True},
                )
            kept["metadata"] = metadata
        for i, comp in enumerate(components):
            self.component(comp, f"components[{i}]")
        for i, svc in enumerate(s.list_(doc.get("services"), "services")):
            self.component(svc, f"services[{i}]", service=True)
        # kept for writing back: entries that say "depends on nothing" (not "unknown"), and the
        # nested services (or components) an entry lists too, which the nesting alone would say
        empty: list[dict[str, Any]] = []
        nested = {(ln.source, ln.target) for ln in s.links if ln.kind == "contains" and not ln.explicit}
        for i, dep in enumerate(s.list_(doc.get("dependencies"), "dependencies")):
            dep = s.dict_(dep, f"dependencies[{i}]")
            ref = s.str_(dep.get("ref"), f"dependencies[{i}].ref", required=True)
            targets = [
                s.str_(t, f"dependencies[{i}].dependsOn[{j}]", required=True)
                for j, t in enumerate(s.list_(dep.get("dependsOn"), f"dependencies[{i}].dependsOn"))
            ]
            if not targets:
                empty.append(dep)
            repeated = [t for t in targets if (ref, t) in nested]
            if repeated:
                empty.append({"ref": ref, "dependsOn": repeated})
            for j, target in enumerate(targets):
                where = f"dependencies[{i}].dependsOn[{j}]"
                s.links.append(_Link(str(ref), None, target=target, path=where))
                s.links[-1].kind = "depends_on"
        bom = AIBOM(s.artifacts.values())
        self.relate(bom)
        if empty:
            kept["dependencies"] = empty
        bom.metadata["cyclonedx"] = kept
        bom.metadata["cyclonedx_spec_version"] = spec
        bom.metadata.update(bom_meta)
        try:
            bom.validate()
        except GraphError as exc:
            raise ParseError(str(exc), source=s.source) from None
        return bom

    def relate(self, bom: AIBOM) -> None:
        s = self.s
        by_purl: dict[str, str] = {}
        by_name: dict[tuple[str, str | None], str] = {}
        for art in s.artifacts.values():
            if art.purl:
                by_purl.setdefault(art.purl, art.id)
            if art.name:
                by_name.setdefault((art.name, art.version), art.id)
                by_name.setdefault((art.name, None), art.id)
        explicit = {(ln.source, str(ln.target)) for ln in s.links if ln.explicit}
        pairs: set[tuple[str, str]] = set(explicit)
        for link in s.links:
            if link.source not in bom:
                raise s.error(f"unknown bom-ref {link.source!r}", link.path)
            target = link.target
            if link.component is not None:
                target = self.match_ancestor(bom, link.component, link.path, by_purl, by_name)
            elif link.name is not None:
                target = self.match_name(bom, link.name, by_purl, by_name)
            if target is None or target not in bom:
                raise s.error(f"unknown bom-ref {target!r}", link.path)
            if not link.explicit and (link.source, target) in explicit:
                continue
            if link.kind == "depends_on" and not link.explicit and (link.source, target) in pairs:
                continue  # the dependency graph repeats a relation said more exactly elsewhere
            kind = link.kind
            if kind is None:
                both = {bom[link.source].kind, bom[target].kind} <= {"model", "weights"}
                kind = "fine_tuned_from" if both else "derived_from"
            props = s.rel_props.get((link.source, kind, target)) or {}
            try:
                bom.add_relation(Relation(source=link.source, kind=kind, target=target, properties=props))
            except GraphError as exc:
                raise s.error(exc.message, link.path) from None
            pairs.add((link.source, target))

    def match_ancestor(
        self,
        bom: AIBOM,
        anc: dict[str, Any],
        path: str,
        by_purl: dict[str, str],
        by_name: dict[tuple[str, str | None], str],
    ) -> str:
        ref = anc.get("bom-ref")
        if isinstance(ref, str) and ref in bom:
            return ref
        if isinstance(anc.get("purl"), str) and anc["purl"] in by_purl:
            return by_purl[anc["purl"]]
        name, version = anc.get("name"), anc.get("version")
        if isinstance(name, str) and (name, version if isinstance(version, str) else None) in by_name:
            return by_name[(name, version if isinstance(version, str) else None)]
        copy = {k: v for k, v in anc.items() if k != "bom-ref"}
        if isinstance(ref, str) and ref not in self.s.artifacts:
            copy["bom-ref"] = ref
        new_id = self.component(copy, path)
        self.add_new(bom, new_id, by_purl, by_name)
        return new_id

    def match_name(
        self, bom: AIBOM, name: str, by_purl: dict[str, str], by_name: dict[tuple[str, str | None], str]
    ) -> str:
        """A base model named in a property: a component of that name, purl or bom-ref, else a new model."""
        if name in bom:
            return name
        for purl in (name, f"pkg:huggingface/{name}"):
            if purl in by_purl:
                return by_purl[purl]
        if (name, None) in by_name:
            return by_name[(name, None)]
        new_id = self.component({"type": "machine-learning-model", "bom-ref": name, "name": name}, "")
        self.add_new(bom, new_id, by_purl, by_name)
        return new_id

    def add_new(
        self, bom: AIBOM, new_id: str, by_purl: dict[str, str], by_name: dict[tuple[str, str | None], str]
    ) -> None:
        art = self.s.artifacts[new_id]
        bom.add(art)
        if art.purl:
            by_purl.setdefault(art.purl, art.id)
        if art.name:
            by_name.setdefault((art.name, art.version), art.id)
            by_name.setdefault((art.name, None), art.id)


def read_document(doc: Any, source: str) -> AIBOM:
    """Map a parsed CycloneDX JSON document (or the JSON form of an XML one) onto a graph."""
    return _Reader(source).document(doc)


def _hashable(value: Any) -> bool:
    """Whether a JSON value can be a set member or a key (a list or object where a string belongs
    cannot, and is left to the check that names it)."""
    return not isinstance(value, (list, dict))
