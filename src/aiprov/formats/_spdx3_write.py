"""Writing an AIBOM as SPDX 3.0.1 JSON-LD with the official bindings (``spdx-python-model``).

Deterministic: identifiers derive from artifact ids (or, for relations and licenses, from a
digest of what they state), the creation date comes from the graph's metadata or is fixed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aiprov.formats._spdx3_map import (
    ARTIFACT_TYPES,
    CONTEXT_URL,
    FORWARD,
    MARKER,
    REVERSED,
    WRITE_RELATION,
    decode_artifact,
    default_purpose,
    default_type,
    encode_native,
    enum_values,
)
from aiprov.formats._spdx_common import (
    EXTRAS_MEDIA_TYPE,
    artifact_extras,
    bom_digest,
    created,
    document_extras,
    encode_extras,
    iri_for,
    license_refs,
    spdx_expression,
)
from aiprov.graph import AIBOM, Artifact, Relation, thaw
from aiprov.licenses import license_terms

__all__ = ["write_graph"]

_TERMS = "https://spdx.org/rdf/3.0.1/terms/"
_LICENSING_INDIVIDUALS = {
    "NOASSERTION": _TERMS + "ExpandedLicensing/NoAssertionLicense",
    "NONE": _TERMS + "ExpandedLicensing/NoneLicense",
}
_ENUM_FIELDS = {
    "ai_useSensitivePersonalInformation": "PresenceType",
    "dataset_hasSensitivePersonalInformation": "PresenceType",
    "dataset_datasetType": "dataset_DatasetType",
}
_RAW_SKIP = {"spdx3:type", "spdx3:software_primaryPurpose"}


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


def _hash_algorithm(alg: str) -> str | None:
    name = alg.lower().replace("-", "_")
    for candidate in (name, name.replace("_", "")):
        if candidate in enum_values("HashAlgorithm") and candidate != "other":
            return candidate
    return None


class _Writer:
    def __init__(self, bom: AIBOM) -> None:
        from spdx_python_model import v3_0_1 as spdx3

        self.s = spdx3
        self.bom = bom
        self.meta: dict[str, Any] = dict(bom.metadata.get("spdx3") or {})
        doc = self.meta.get("document") or {}
        doc_id = doc.get("spdxId") if isinstance(doc, dict) else None
        self.base: str = (
            doc_id if isinstance(doc_id, str) else f"https://aiprov.invalid/spdx/{bom_digest(bom)}"
        )
        self.kept: list[dict[str, Any]] = [
            dict(e) for e in self.meta.get("elements") or [] if isinstance(e, dict)
        ]
        kept_ids = {e.get("spdxId") for e in self.kept}
        self.kept_ids = kept_ids
        refs = self.meta.get("licenseRefs")
        self.custom_refs: dict[str, str] = dict(refs) if isinstance(refs, dict) else {}
        self.ci = spdx3.CreationInfo(specVersion="3.0.1", created=created(bom, "spdx3"))
        created_by = self.meta.get("createdBy")
        if isinstance(created_by, list) and created_by and all(c in kept_ids for c in created_by):
            self.ci.createdBy = created_by
            self.objects: list[Any] = []
        else:
            agent = spdx3.SoftwareAgent(spdxId=f"{self.base}#aiprov", name="aiprov", creationInfo=self.ci)
            self.ci.createdBy = [agent]
            self.objects = [agent]
        self.agents: dict[str, str] = {
            e["name"]: e["spdxId"]
            for e in self.kept
            if isinstance(e.get("name"), str)
            and e.get("type") in ("Organization", "Person", "Agent", "SoftwareAgent")
        }
        self.licenses: dict[str, str] = {}
        self.custom: set[str] = set()
        self.raw: dict[str, dict[str, Any]] = {}  # spdxId -> raw properties to add after serializing
        self.expandedlicensing = False

    # -- licenses ------------------------------------------------------------------------
    def license_ref(self, expression: str, written: str) -> str:
        if expression in _LICENSING_INDIVIDUALS:
            return _LICENSING_INDIVIDUALS[expression]
        if expression in self.licenses:
            return self.licenses[expression]
        s = self.s
        iri = f"{self.base}#license-{_digest(expression)}"
        entries = []
        for ref in license_refs(expression):
            custom_iri = self.custom_refs.get(ref) or f"{self.base}#{ref}"
            entries.append(s.DictionaryEntry(key=ref, value=custom_iri))
            if custom_iri not in self.custom and custom_iri not in self.kept_ids:
                self.objects.append(self.custom_license(ref, custom_iri, written))
                self.custom.add(custom_iri)
        self.objects.append(
            s.simplelicensing_LicenseExpression(
                spdxId=iri,
                creationInfo=self.ci,
                simplelicensing_licenseExpression=expression,
                simplelicensing_customIdToUri=entries,
            )
        )
        self.licenses[expression] = iri
        return iri

    def custom_license(self, ref: str, iri: str, written: str) -> Any:
        self.expandedlicensing = True
        name, see_also = ref, []
        if ref.startswith("LicenseRef-aiprov-"):  # free text that names no known license
            return self.s.expandedlicensing_CustomLicense(
                spdxId=iri, creationInfo=self.ci, name=written, simplelicensing_licenseText=written
            )
        try:
            terms = license_terms(ref)
        except LookupError:
            terms = None
        if terms is not None:
            name = terms.name or ref
            if terms.source_url:
                see_also = [terms.source_url]
        text = f"{name}: the license text is not included in this document."
        if see_also:
            text += f" See {see_also[0]}"
        return self.s.expandedlicensing_CustomLicense(
            spdxId=iri,
            creationInfo=self.ci,
            name=name,
            simplelicensing_licenseText=text,
            expandedlicensing_seeAlso=see_also,
        )

    def relationship(
        self,
        rid: str,
        source: str,
        rtype: str,
        targets: list[str],
        comment: str | None = None,
        cls: str = "Relationship",
    ) -> Any:
        rel = getattr(self.s, cls)(
            spdxId=rid,
            creationInfo=self.ci,
            from_=source,
            to=targets,
            relationshipType=self.s.RelationshipType.NAMED_INDIVIDUALS[rtype],
        )
        if comment:
            rel.comment = comment
        return rel

    # -- artifacts -----------------------------------------------------------------------
    def artifact(self, a: Artifact) -> tuple[Any, str | None, str | None, str | None]:
        s = self.s
        props = thaw(a.properties)
        node_type = props.get("spdx3:type")
        if node_type not in ARTIFACT_TYPES:
            node_type = default_type(a.kind)
        cls = getattr(s, node_type)
        iri = iri_for(self.base, a.id)
        obj = cls(spdxId=iri, creationInfo=self.ci)
        is_package = node_type not in ("software_File", "software_Snippet")
        if a.name is not None:
            obj.name = a.name
        if is_package:
            if a.version is not None:
                obj.software_packageVersion = a.version
            if a.purl is not None:
                obj.software_packageUrl = a.purl
            if a.source is not None:
                obj.software_downloadLocation = a.source
        elif a.purl is not None:
            obj.externalIdentifier = [
                s.ExternalIdentifier(
                    externalIdentifierType=s.ExternalIdentifierType.packageUrl, identifier=a.purl
                )
            ]
        purpose = props.get("spdx3:software_primaryPurpose") or default_purpose(a.kind)
        if purpose in enum_values("software_SoftwarePurpose"):
            obj.software_primaryPurpose = s.software_SoftwarePurpose.NAMED_INDIVIDUALS[purpose]
        hashes = []
        for alg, value in a.hashes:
            algorithm = _hash_algorithm(alg)
            h = s.Hash(algorithm=s.HashAlgorithm.NAMED_INDIVIDUALS[algorithm or "other"], hashValue=value)
            if algorithm is None:
                h.comment = alg
            hashes.append(h)
        if hashes:
            obj.verifiedUsing = hashes
        for field, native in encode_native(node_type, props).items():
            if field in _ENUM_FIELDS:
                named = getattr(s, _ENUM_FIELDS[field]).NAMED_INDIVIDUALS
                native = [named[v] for v in native] if isinstance(native, list) else named[native]
            elif field == "ai_hyperparameter":
                native = [
                    s.DictionaryEntry(key=e["key"], value=e["value"])
                    for e in sorted(native, key=lambda e: e["key"])
                ]
            setattr(obj, field, native)
        if node_type == "dataset_DatasetPackage" and not obj.dataset_datasetType:
            obj.dataset_datasetType = [s.dataset_DatasetType.noAssertion]  # required by SPDX 3.0.1
        supplier = None
        if a.supplier is not None:
            agent_iri = self.agents.get(a.supplier)
            if agent_iri is None:
                agent_iri = f"{self.base}#supplier-{_digest(a.supplier)}"
                self.objects.append(s.Organization(spdxId=agent_iri, name=a.supplier, creationInfo=self.ci))
                self.agents[a.supplier] = agent_iri
            obj.suppliedBy = agent_iri
            supplier = a.supplier
        raw = {k[6:]: v for k, v in props.items() if k.startswith("spdx3:") and k not in _RAW_SKIP}
        if raw:
            self.raw[iri] = raw
        declared = spdx_expression(a.license) if a.license is not None else None
        concluded = spdx_expression(a.concluded_license) if a.concluded_license is not None else None
        for expression, written, rtype in (
            (declared, a.license, "hasDeclaredLicense"),
            (concluded, a.concluded_license, "hasConcludedLicense"),
        ):
            if expression is not None and written is not None:
                rid = f"{self.base}#rel-{_digest(iri, rtype)}"
                self.objects.append(
                    self.relationship(rid, iri, rtype, [self.license_ref(expression, written)])
                )
        return obj, declared, concluded, supplier

    def relation(self, r: Relation) -> tuple[str, dict[str, Any]]:
        props = thaw(r.properties)
        rtype, reverse = WRITE_RELATION[r.kind]
        wanted = props.get("spdx3:relationshipType")
        if isinstance(wanted, str) and (FORWARD.get(wanted) or REVERSED.get(wanted)) in (
            r.kind,
            "derived_from" if WRITE_RELATION[r.kind][0] == "descendantOf" else None,
        ):
            rtype, reverse = wanted, wanted in REVERSED
        default_kind = FORWARD.get(rtype) or REVERSED.get(rtype)
        lines = [props["spdx3:comment"]] if isinstance(props.get("spdx3:comment"), str) else []
        if default_kind != r.kind:
            lines.append(MARKER + r.kind)
        src, dst = iri_for(self.base, r.source), iri_for(self.base, r.target)
        if reverse:
            src, dst = dst, src
        rid = f"{self.base}#rel-{_digest(r.source, r.kind, r.target)}"
        scoped = props.get("spdx3:type") == "LifecycleScopedRelationship"
        cls = "LifecycleScopedRelationship" if scoped else "Relationship"
        self.objects.append(self.relationship(rid, src, rtype, [dst], "\n".join(lines) or None, cls))
        skip = {"spdx3:relationshipType", "spdx3:comment", "spdx3:type"}
        raw = {k[6:]: v for k, v in props.items() if k.startswith("spdx3:") and k not in skip}
        if raw:
            self.raw[rid] = raw
        return rid, {k: v for k, v in props.items() if not k.startswith("spdx3:")}

    def annotation(self, subject: str, extras: dict[str, Any]) -> Any:
        return self.s.Annotation(
            spdxId=f"{self.base}#aiprov-extras-{_digest(subject)}",
            creationInfo=self.ci,
            annotationType=self.s.AnnotationType.other,
            contentType=EXTRAS_MEDIA_TYPE,
            subject=subject,
            statement=encode_extras(extras),
        )

    # -- the document --------------------------------------------------------------------
    def serialize(self, objects: list[Any]) -> dict[str, Any]:
        data: dict[str, Any] = self.s.JSONLDSerializer().serialize_data(
            self.s.SHACLObjectSet(objects), force_at_graph=True
        )
        for node in data.get("@graph", []):
            raw = self.raw.get(node.get("spdxId", ""))
            if raw:
                for key, value in raw.items():
                    node.setdefault(key, value)
        return data

    def write(self) -> str:
        s = self.s
        written: list[tuple[Artifact, Any, str | None, str | None, str | None]] = []
        for a in self.bom:
            obj, declared, concluded, supplier = self.artifact(a)
            written.append((a, obj, declared, concluded, supplier))
        # what the reader will make of each artifact element: the rest goes in an annotation
        nodes = {n.get("spdxId"): n for n in self.serialize([w[1] for w in written])["@graph"]}
        annotations = []
        for a, obj, declared, concluded, supplier in written:
            iri = obj.spdxId
            predicted = decode_artifact(
                nodes[iri],
                artifact_id=a.id,
                declared=declared,
                concluded=concluded,
                supplier=supplier,
                source="<writer>",
                where=iri,
            )
            extras = artifact_extras(a, predicted)
            if extras:
                annotations.append(self.annotation(iri, extras))
        for r in self.bom.relations:
            rid, rest = self.relation(r)
            if rest:
                annotations.append(self.annotation(rid, {"properties": rest}))
        doc_extras = document_extras(self.bom)  # a manifest's metadata and inline policy
        if doc_extras:
            annotations.append(self.annotation(self.base, doc_extras))
        targets = {r.target for r in self.bom.relations}
        roots = [w[1] for w in written if w[0].id not in targets] or [w[1] for w in written[:1]]
        elements = [w[1] for w in written] + self.objects + annotations
        profiles = ["core", "software", "simpleLicensing", "ai", "dataset"]
        if self.expandedlicensing or any(
            str(e.get("type")).startswith("expandedlicensing_") for e in self.kept
        ):
            profiles.append("expandedLicensing")
        doc = s.SpdxDocument(
            spdxId=self.base,
            creationInfo=self.ci,
            profileConformance=[s.ProfileIdentifierType.NAMED_INDIVIDUALS[p] for p in profiles],
            rootElement=sorted(roots, key=lambda o: str(o.spdxId)),
            element=sorted(
                [o.spdxId for o in elements]
                + [e["spdxId"] for e in self.kept if isinstance(e.get("spdxId"), str)]
            ),
        )
        doc_meta = self.meta.get("document")
        if isinstance(doc_meta, dict):
            raw_doc = {k: v for k, v in doc_meta.items() if k not in ("spdxId", "profileConformance")}
            if raw_doc:
                self.raw[self.base] = raw_doc
        else:
            doc.name = "AI-BOM"
        data = self.serialize([doc, *elements])
        graph = data["@graph"]
        info = next((n["@id"] for n in graph if n.get("type") == "CreationInfo" and "@id" in n), None)
        for element in self.kept:
            if info is not None and isinstance(element.get("creationInfo"), (str, dict)):
                element["creationInfo"] = info
            graph.append(element)
        graph.sort(key=lambda n: (n.get("spdxId") is not None, str(n.get("spdxId", n.get("@id", "")))))
        data["@context"] = CONTEXT_URL
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_graph(bom: AIBOM) -> str:
    return _Writer(bom).write()
