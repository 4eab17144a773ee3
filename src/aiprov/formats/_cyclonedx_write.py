"""AIBOM -> a CycloneDX document as plain JSON-shaped data (private; see formats/cyclonedx.py).

The model card and data parts are built here as plain dicts, in the shape of the
CycloneDX JSON schema, so that they can move onto cyclonedx-python-lib classes once the
library has them.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from aiprov.formats import _cyclonedx_common as c
from aiprov.formats._cyclonedx_licenses import licenses
from aiprov.formats._jsontext import canonical_json
from aiprov.graph import AIBOM, Artifact, Relation, thaw
from aiprov.licenses import default_catalog, normalize_license

__all__ = ["build_document"]

_ML = "machine-learning-model"
_DATA_TYPES = frozenset({"source-code", "configuration", "dataset", "definition", "other"})


def hashes(art: Artifact, props: list[dict[str, str]]) -> list[dict[str, str]]:
    out = []
    for alg, value in art.hashes:
        cdx = c.ALG_TO_CDX.get(alg.lower())
        if cdx is not None and c.HASH_CONTENT.match(value):
            out.append({"alg": cdx, "content": value})
        else:
            props.append({"name": c.P_HASH + alg, "value": value})
    return out


def _generic(key: str, value: Any, props: list[dict[str, str]]) -> None:
    if isinstance(value, str):
        props.append({"name": c.P_PROP + key, "value": value})
    else:
        props.append({"name": c.P_JSON + key, "value": canonical_json(value)})


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _merge(base: Any, over: Any) -> Any:
    """Generated data over kept raw data: dicts merged key by key, lists concatenated."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(out[key], value) if key in out else value
        return out
    if isinstance(base, list) and isinstance(over, list):
        return base + [v for v in over if v not in base]
    return over


def _use_restrictions(art: Artifact) -> list[dict[str, str]]:
    """One consideration per license with use restrictions: the categories, the clause and the source."""
    out: list[dict[str, str]] = []
    text = art.concluded_license or art.license
    if not text:
        return out
    for lid in normalize_license(text).ids:
        record = default_catalog().get(lid)
        if record is None or not record.use_restrictions:
            continue
        clause = record.clause("use_restrictions")
        where = f" §{clause.clause}" if clause is not None and clause.clause else ""
        what = ", ".join(record.use_restriction_categories) or "see the license"
        strategy = f"Use is restricted by {record.name}{where} ({what})"
        if record.use_policy:
            strategy += f"; acceptable use policy {record.use_policy}"
        if record.source_url:
            strategy += f"; source: {record.source_url}"
        out.append({"name": f"{c.P_USE_RESTRICTION}{record.id}", "mitigationStrategy": strategy})
    return out


class _Writer:
    def __init__(self, bom: AIBOM, spec: str) -> None:
        self.bom = bom
        self.spec = spec
        #: service id -> the service it is nested in: the one service that contains it
        self.nested_in: dict[str, str] = {}
        #: (parent, child) pairs the nesting alone says: no property, no dependency entry
        self.said_by_nesting: set[tuple[str, str]] = set()
        for art in bom:
            if art.kind != "service":
                continue
            parents = [
                r.source for r in bom.incoming(art.id, ("contains",)) if bom[r.source].kind == "service"
            ]
            if len(parents) == 1:
                self.nested_in[art.id] = parents[0]
                if len([r for r in bom.outgoing(parents[0]) if r.target == art.id]) == 1:
                    self.said_by_nesting.add((parents[0], art.id))

    def targets(self, art: Artifact) -> list[str]:
        """What the ``dependencies`` entry of ``art`` lists."""
        return list(
            dict.fromkeys(
                r.target
                for r in _outgoing(self.bom, art.id)
                if (art.id, r.target) not in self.said_by_nesting
            )
        )

    def component(self, art: Artifact) -> dict[str, Any]:
        raw = {k[len(c.RAW) :]: v for k, v in thaw(art.properties).items() if k.startswith(c.RAW)}
        props: list[dict[str, str]] = []
        ctype = raw.pop("type", None) or c.DEFAULT_TYPE[art.kind]
        if c.kind_of(ctype, art.name if art.name is not None else art.id) != art.kind:
            props.append({"name": c.P_KIND, "value": art.kind})
        comp: dict[str, Any] = {"type": ctype, "bom-ref": art.id}
        supplier = raw.pop("supplier", None)
        if art.supplier is not None:
            if isinstance(supplier, dict) and supplier.get("name") == art.supplier:
                comp["supplier"] = supplier
            else:
                comp["supplier"] = {"name": art.supplier}
        comp["name"] = art.name if art.name is not None else art.id
        if art.name is None:
            props.append({"name": c.P_UNNAMED, "value": "true"})
        if art.version is not None:
            comp["version"] = art.version
        raw_licenses = raw.pop("licenses", None)
        lic = licenses(art, raw_licenses, props)
        hs = hashes(art, props)
        if hs:
            comp["hashes"] = hs
        if lic:
            comp["licenses"] = lic
        if art.purl is not None:
            comp["purl"] = art.purl
        refs: list[dict[str, Any]] = list(raw.pop("externalReferences", None) or [])
        if art.source is not None:
            refs.append({"type": "distribution", "url": art.source})
        self.fill(art, comp, raw, props, refs, ctype)
        if refs:
            comp["externalReferences"] = refs
        extra = raw.pop("properties", None) or []
        for key, value in raw.items():  # the rest of the kept CycloneDX fields
            comp[key] = _merge(value, comp[key]) if key in comp else value
        all_props = list(extra) + props
        if all_props:
            comp["properties"] = all_props
        return comp

    def fill(
        self,
        art: Artifact,
        comp: dict[str, Any],
        raw: dict[str, Any],
        props: list[dict[str, str]],
        refs: list[dict[str, Any]],
        ctype: str,
    ) -> None:
        """Well-known properties, model card, data and relations."""
        card: dict[str, Any] = {}
        params: dict[str, Any] = {}
        data: dict[str, Any] = {}
        for key, value in sorted(art.properties.items()):
            if key.startswith(c.RAW):
                continue
            value = thaw(value)
            if key == "description" and isinstance(value, str):
                comp["description"] = value
            elif key == "homepage" and isinstance(value, str):
                refs.append({"type": "website", "url": value})
            elif key == "domain" and (tags := _str_list(value)) and len(set(tags)) == len(tags):
                comp["tags"] = tags
            elif (
                ctype == _ML
                and key in ("task", "architecture_family", "model_architecture")
                and isinstance(value, str)
            ):
                params[
                    {"task": "task", "architecture_family": "architectureFamily"}.get(
                        key, "modelArchitecture"
                    )
                ] = value
            elif ctype == _ML and key in ("inputs", "outputs") and (formats := _str_list(value)):
                params[key] = [{"format": f} for f in formats]
            elif ctype == _ML and key == "limitations" and isinstance(value, str):
                card.setdefault("considerations", {})["technicalLimitations"] = [value]
            elif (
                ctype == "data"
                and key == "dataset_type"
                and isinstance(value, str)
                and value in _DATA_TYPES
                and value != "dataset"
            ):
                data["type"] = value
            elif ctype == "data" and key == "sensitive_personal_information" and isinstance(value, str):
                data["sensitiveData"] = [value]
            else:
                _generic(key, value, props)
        rels = _outgoing(self.bom, art.id)
        ancestors = []
        for rel in rels:
            if (art.id, rel.target) not in self.said_by_nesting:
                props.append({"name": c.P_RELATION_PREFIX + rel.kind, "value": rel.target})
            if rel.properties:
                value = {"kind": rel.kind, "target": rel.target, "properties": thaw(rel.properties)}
                props.append({"name": c.P_RELATION_PROPS, "value": canonical_json(value)})
            target = self.bom[rel.target]
            if ctype == _ML and rel.kind in ("trained_on", "evaluated_on"):
                params.setdefault("datasets", []).append({"ref": rel.target})
            elif rel.kind in c.DERIVATION_KINDS and target.kind != "service" and art.kind != "service":
                ancestors.append(self.stub(target, rel))
            elif target.kind == "document" and target.source is not None:
                doc = {"type": "documentation", "url": target.source, "comment": f"{c.P_REF}={target.id}"}
                refs.append(doc)
        if ancestors:
            comp["pedigree"] = {"ancestors": ancestors}
        if ctype == _ML:
            restrictions = _use_restrictions(art)
            if restrictions:
                card.setdefault("considerations", {})["ethicalConsiderations"] = restrictions
            if params:
                card = {"modelParameters": params, **card}
            if card or "modelCard" in raw:
                comp["modelCard"] = card
        if ctype == "data":
            data.setdefault("type", "dataset")
            kept = raw.pop("data", None)
            if isinstance(kept, list) and kept and isinstance(kept[0], dict):
                comp["data"] = [_merge(kept[0], data), *kept[1:]]
            else:
                comp["data"] = [data]

    def stub(self, target: Artifact, rel: Relation) -> dict[str, Any]:
        stub: dict[str, Any] = {
            "type": c.DEFAULT_TYPE.get(target.kind, "library"),
            "name": target.name if target.name is not None else target.id,
        }
        if target.version is not None:
            stub["version"] = target.version
        if target.purl is not None:
            stub["purl"] = target.purl
        stub["properties"] = [
            {"name": c.P_RELATION, "value": rel.kind},
            {"name": c.P_REF, "value": target.id},
        ]
        return stub

    def service(self, art: Artifact) -> dict[str, Any]:
        raw = {k[len(c.RAW) :]: v for k, v in thaw(art.properties).items() if k.startswith(c.RAW)}
        props: list[dict[str, str]] = []
        svc: dict[str, Any] = {"bom-ref": art.id}
        provider = raw.pop("provider", None)
        if art.supplier is not None:
            svc["provider"] = (
                provider
                if isinstance(provider, dict) and provider.get("name") == art.supplier
                else {"name": art.supplier}
            )
        svc["name"] = art.name if art.name is not None else art.id
        if art.name is None:
            props.append({"name": c.P_UNNAMED, "value": "true"})
        if art.version is not None:
            svc["version"] = art.version
        lic = licenses(art, raw.pop("licenses", None), props)
        if lic:
            svc["licenses"] = lic
        for alg, value in art.hashes:
            props.append({"name": c.P_HASH + alg, "value": value})
        if art.purl is not None:
            props.append({"name": c.P_PURL, "value": art.purl})
        refs: list[dict[str, Any]] = list(raw.pop("externalReferences", None) or [])
        if art.source is not None:
            refs.append({"type": "distribution", "url": art.source})
        self.fill(art, svc, raw, props, refs, "service")
        if refs:
            svc["externalReferences"] = refs
        extra = raw.pop("properties", None) or []
        for key, value in raw.items():
            svc[key] = _merge(value, svc[key]) if key in svc else value
        if extra or props:
            svc["properties"] = list(extra) + props
        return svc


def _outgoing(bom: AIBOM, art_id: str) -> list[Relation]:
    """The relations of an artifact in a fixed order (kind, target), not the order they were added."""
    return sorted(bom.outgoing(art_id), key=lambda r: (r.kind, r.target))


def _serial(bom: AIBOM) -> str:
    digest = hashlib.sha256()
    for art_id in sorted(a.id for a in bom):
        digest.update(art_id.encode("utf-8", "surrogatepass") + b"\0")
    for rel in sorted(bom.relations, key=lambda r: (r.source, r.kind, r.target)):
        digest.update(f"{rel.source}\0{rel.kind}\0{rel.target}\0".encode("utf-8", "surrogatepass"))
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'aiprov:' + digest.hexdigest())}"


def _embedded(name: str, items: Iterable[Mapping[str, Any]] | None) -> list[dict[str, str]]:
    return [{"name": name, "value": canonical_json(item)} for item in items or ()]


def build_document(
    bom: AIBOM,
    spec: str,
    findings: Iterable[Mapping[str, Any]] | None = None,
    obligations: Iterable[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The CycloneDX document for ``bom`` as JSON-shaped data (keys in schema order)."""
    from aiprov import __version__

    kept: dict[str, Any] = dict(bom.metadata.get("cyclonedx") or {})
    writer = _Writer(bom, spec)
    doc: dict[str, Any] = {"bomFormat": "CycloneDX", "specVersion": spec}
    doc["serialNumber"] = kept.pop("serialNumber", None) or _serial(bom)
    doc["version"] = kept.pop("version", None) or 1
    metadata = kept.pop("metadata", None)
    if not isinstance(metadata, dict):
        metadata = {
            "tools": {"components": [{"type": "application", "name": "aiprov", "version": __version__}]}
        }
    else:
        metadata = dict(metadata)
    components, services = [], []
    subject = None
    service_docs: dict[str, dict[str, Any]] = {}
    ordered = sorted(bom, key=lambda a: a.id)  # the same graph gives the same bytes, whatever its order
    for art in ordered:
        if art.kind == "service":
            service_docs[art.id] = writer.service(art)
            continue
        comp = writer.component(art)
        if art.properties.get(c.RAW + "subject") is not None:
            comp.pop("subject", None)
            subject = comp
        else:
            components.append(comp)
    for art_id, svc in service_docs.items():  # nested services in the one service containing them
        parent = writer.nested_in.get(art_id)
        if parent is None:
            services.append(svc)
        else:
            service_docs[parent].setdefault("services", []).append(svc)
    if subject is not None:
        metadata["component"] = subject
    doc["metadata"] = metadata
    doc["components"] = components
    if services:
        doc["services"] = services
    # kept from a document read: entries that said "depends on nothing", written back for artifacts
    # that still have none; nested services an entry listed too, listed again
    empty: dict[Any, dict[str, Any]] = {}
    listed: dict[Any, list[Any]] = {}
    for d in kept.pop("dependencies", None) or ():
        if isinstance(d, dict) and d.get("dependsOn"):
            listed.setdefault(d.get("ref"), []).extend(d["dependsOn"])
        elif isinstance(d, dict) and "ref" in d:
            empty[d["ref"]] = d
    dependencies = []
    for art in ordered:
        targets = writer.targets(art)
        again = [t for t in listed.get(art.id, ()) if (art.id, t) in writer.said_by_nesting]
        targets = list(dict.fromkeys([*again, *targets]))
        if targets:
            dependencies.append({"ref": art.id, "dependsOn": targets})
        elif art.id in empty:
            dependencies.append(empty[art.id])
    dependencies += [d for ref, d in empty.items() if ref not in bom]
    if dependencies:
        doc["dependencies"] = dependencies
    root_props: list[dict[str, str]] = list(kept.pop("properties", None) or [])
    if "manifest" in bom.metadata:
        root_props.append({"name": c.P_MANIFEST, "value": canonical_json(bom.metadata["manifest"])})
    if "policy" in bom.metadata:
        root_props.append({"name": c.P_POLICY, "value": canonical_json(bom.metadata["policy"])})
    root_props += _embedded(c.P_FINDING, findings)
    root_props += _embedded(c.P_OBLIGATION, obligations)
    for key, value in kept.items():
        doc.setdefault(key, value)
    if root_props:
        doc["properties"] = root_props
    return doc
