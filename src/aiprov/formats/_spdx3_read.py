"""Reading SPDX 3.0.1 JSON-LD (compact form, official context) into an AIBOM.

The reader works on the JSON itself, so that documents written by other tools load even
when they carry extension properties; everything it reads is checked (types, vocabularies,
references) and a problem is a :class:`ParseError` naming the file and the node
(``@graph[12].to[0]``). Elements aiprov does not model are kept in
``bom.metadata["spdx3"]["elements"]`` and written back.
"""

from __future__ import annotations

import re
from typing import Any

from aiprov.exceptions import GraphError, ParseError
from aiprov.formats._spdx3_map import (
    ARTIFACT_TYPES,
    CONTEXT_URL,
    FORWARD,
    MARKER,
    REVERSED,
    decode_artifact,
    enum_values,
    known_types,
    vocab,
)
from aiprov.formats._spdx_common import (
    EXTRAS_MEDIA_TYPE,
    apply_document_extras,
    apply_extras,
    apply_relation_extras,
    decode_extras,
    id_from_iri,
)
from aiprov.graph import AIBOM, RELATION_KINDS, Artifact, Relation

__all__ = ["read_graph"]

_SPDX_CONTEXT = re.compile(r"^https://spdx\.org/rdf/([^/]+)/spdx-context\.jsonld$")
_INDIVIDUALS = {"NoAssertionLicense", "NoneLicense", "NoAssertionElement", "NoneElement", "SpdxOrganization"}
_LICENSE_RELS = {"hasDeclaredLicense": "license", "hasConcludedLicense": "concluded_license"}
_SPEC_VERSION = re.compile(r"^3\.0\.\d+$")


def _individual(ref: str) -> str | None:
    name = vocab(ref)
    if isinstance(name, str):
        name = name.removeprefix("expandedlicensing_")
        if name in _INDIVIDUALS:
            return name
    return None


class _Graph:
    """The flattened ``@graph``: every element by id, with the place it was written."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.nodes: dict[str, dict[str, Any]] = {}
        self.where: dict[str, str] = {}
        self.order: list[str] = []
        self.blank: dict[str, dict[str, Any]] = {}
        self.creation: list[tuple[dict[str, Any], str]] = []

    def error(self, message: str, where: str) -> ParseError:
        return ParseError(message, source=self.source, location=where)

    def add(self, node: Any, where: str) -> None:
        if not isinstance(node, dict):
            raise self.error(f"expected a JSON object, got {type(node).__name__}", where)
        node_type = node.get("type")
        if not isinstance(node_type, str):
            raise self.error("node without a type", where)
        node_type = vocab(node_type)
        if ":" not in node_type and node_type not in known_types():
            raise self.error(f"unknown SPDX 3.0.1 type {node_type!r}", f"{where}.type")
        flat = {k: self._flatten(v, f"{where}.{k}") for k, v in node.items()}
        flat["type"] = node_type
        if node_type == "CreationInfo":
            self.creation.append((flat, where))
        node_id = flat.get("spdxId", flat.get("@id"))
        if node_id is None:
            if node_type != "CreationInfo":
                raise self.error(f"{node_type} without spdxId", where)
            return
        if not isinstance(node_id, str) or not node_id:
            raise self.error("spdxId must be a non-empty string", where)
        table = self.blank if node_id.startswith("_:") and "spdxId" not in flat else self.nodes
        if node_id in table:
            # the same element written twice (the SPDX project's own AI example does) is one element;
            # two different elements under one id are an error naming both places
            if table[node_id] == flat:
                return
            raise self.error(
                f"duplicate spdxId {node_id!r}: two different elements (first at {self.where[node_id]})",
                where,
            )
        self.where[node_id] = where
        if table is self.blank:
            self.blank[node_id] = flat
            return
        self.nodes[node_id] = flat
        self.where[node_id] = where
        self.order.append(node_id)

    def _flatten(self, value: Any, where: str) -> Any:
        """Inline elements become references; other inline objects (hashes, entries) stay."""
        if isinstance(value, list):
            return [self._flatten(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, dict):
            if "spdxId" in value:
                self.add(value, where)
                return value["spdxId"]
            if vocab(value.get("type")) == "CreationInfo":
                self.creation.append((value, where))
            return {k: self._flatten(v, f"{where}.{k}") for k, v in value.items()}
        return value


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.graph = _Graph(source)
        self.base = ""
        self.imported: set[str] = set()
        self.consumed: set[str] = set()
        self.custom_refs: dict[str, str] = {}

    def error(self, message: str, where: str) -> ParseError:
        return ParseError(message, source=self.source, location=where)

    # -- checks --------------------------------------------------------------------------
    def check_context(self, data: dict[str, Any]) -> None:
        context = data.get("@context")
        urls = [context] if isinstance(context, str) else context if isinstance(context, list) else []
        urls = [u for u in urls if isinstance(u, str)]
        if CONTEXT_URL in urls:
            return
        for url in urls:
            match = _SPDX_CONTEXT.match(url)
            if match:
                raise self.error(
                    f"unsupported SPDX version {match.group(1)} (aiprov reads SPDX 3.0.1 JSON-LD)", "@context"
                )
        if context is None:
            raise self.error("no @context: not an SPDX 3 JSON-LD document", "(top level)")
        raise self.error(f"@context is not the SPDX 3.0.1 context {CONTEXT_URL}", "@context")

    def check_versions(self) -> None:
        for info, where in self.graph.creation:
            version = info.get("specVersion")
            if not isinstance(version, str) or not _SPEC_VERSION.match(version):
                raise self.error(
                    f"unsupported SPDX specVersion {version!r} (aiprov reads SPDX 3.0.x)",
                    f"{where}.specVersion",
                )

    def ref(self, value: Any, where: str) -> str:
        """A reference that must resolve: an element of the graph, an import or an individual."""
        if not isinstance(value, str) or not value:
            raise self.error("expected a reference (an spdxId string)", where)
        if value in self.graph.nodes or value in self.imported or _individual(value):
            return value
        if value.startswith("https://spdx.org/licenses/"):
            return value
        raise self.error(f"dangling reference {value!r}: no element with this spdxId", where)

    def refs(self, value: Any, where: str) -> list[str]:
        if isinstance(value, str):
            return [self.ref(value, where)]
        if not isinstance(value, list) or not value:
            raise self.error("expected a non-empty list of references", where)
        return [self.ref(v, f"{where}[{i}]") for i, v in enumerate(value)]

    # -- licenses ------------------------------------------------------------------------
    def license(self, ref: str, where: str, depth: int = 0) -> str:
        if depth > 50:
            raise self.error("license expression nested too deeply", where)
        special = _individual(ref)
        if special == "NoAssertionLicense":
            return "NOASSERTION"
        if special == "NoneLicense":
            return "NONE"
        if ref.startswith("https://spdx.org/licenses/") and ref not in self.graph.nodes:
            return ref.rsplit("/", 1)[-1]
        node = self.graph.nodes.get(ref)
        if node is None:
            raise self.error(f"{ref!r} is not a license", where)
        where = self.graph.where[ref]
        node_type = node["type"]
        self.consumed.add(ref)
        if node_type == "simplelicensing_LicenseExpression":
            text = node.get("simplelicensing_licenseExpression")
            if not isinstance(text, str) or not text.strip():
                raise self.error("LicenseExpression without an expression", where)
            for entry in node.get("simplelicensing_customIdToUri") or []:
                if (
                    isinstance(entry, dict)
                    and isinstance(entry.get("key"), str)
                    and isinstance(entry.get("value"), str)
                ):
                    self.custom_refs[entry["key"]] = entry["value"]
            return text.strip()
        if node_type == "expandedlicensing_ListedLicense":
            return ref.rsplit("/", 1)[-1]
        if node_type == "expandedlicensing_CustomLicense":
            self.consumed.discard(ref)  # kept with its text, and reused when written back
            tail = re.split(r"[#/]", ref)[-1]
            if not tail.startswith("LicenseRef-"):
                name = node.get("name") if isinstance(node.get("name"), str) else tail
                tail = "LicenseRef-" + (re.sub(r"[^A-Za-z0-9.\-]+", "-", str(name)).strip("-.") or "custom")
            self.custom_refs.setdefault(tail, ref)
            return tail
        if node_type in (
            "expandedlicensing_ConjunctiveLicenseSet",
            "expandedlicensing_DisjunctiveLicenseSet",
        ):
            members = self.refs(node.get("expandedlicensing_member"), f"{where}.expandedlicensing_member")
            op = " AND " if node_type.endswith("ConjunctiveLicenseSet") else " OR "
            parts = [self.license(m, where, depth + 1) for m in members]
            return op.join(f"({p})" if " " in p else p for p in parts)
        if node_type == "expandedlicensing_OrLaterOperator":
            subject = self.ref(node.get("expandedlicensing_subjectLicense"), f"{where}.subjectLicense")
            return self.license(subject, where, depth + 1) + "+"
        if node_type == "expandedlicensing_WithAdditionOperator":
            lic = self.ref(node.get("expandedlicensing_subjectExtendableLicense"), where)
            add = self.ref(node.get("expandedlicensing_subjectAddition"), where)
            add_node = self.graph.nodes.get(add, {})
            self.consumed.add(add)
            addition = re.split(r"[#/]", add)[-1]
            if add_node.get("type") == "expandedlicensing_CustomLicenseAddition" and not addition.startswith(
                "AdditionRef-"
            ):
                addition = f"AdditionRef-{addition}"
            return f"{self.license(lic, where, depth + 1)} WITH {addition}"
        raise self.error(f"{node_type} is not a license", where)

    # -- the document --------------------------------------------------------------------
    def document(self, data: Any) -> AIBOM:
        if not isinstance(data, dict):
            raise self.error("expected a JSON-LD object with @context and @graph", "(top level)")
        self.check_context(data)
        items = data.get("@graph")
        if items is None:
            items = [{k: v for k, v in data.items() if k != "@context"}]
        if not isinstance(items, list):
            raise self.error("@graph must be a list", "@graph")
        for i, item in enumerate(items):
            self.graph.add(item, f"@graph[{i}]")
        self.check_versions()
        nodes = self.graph.nodes
        docs = [i for i in self.graph.order if nodes[i]["type"] == "SpdxDocument"]
        meta: dict[str, Any] = {}
        if docs:
            doc = nodes[docs[0]]
            self.base = docs[0]
            self.consumed.add(docs[0])
            for j, entry in enumerate(doc.get("import") or []):
                if isinstance(entry, dict) and isinstance(entry.get("externalSpdxId"), str):
                    self.imported.add(entry["externalSpdxId"])
                else:
                    raise self.error(
                        "import entry without externalSpdxId", f"{self.graph.where[docs[0]]}.import[{j}]"
                    )
            meta["document"] = {
                k: v for k, v in doc.items() if k not in ("type", "creationInfo", "element", "rootElement")
            }
        infos = [info for info, _ in self.graph.creation]
        if infos:
            meta["created"] = infos[0].get("created")
            meta["createdBy"] = infos[0].get("createdBy")
        bom = AIBOM()
        arts = self.artifacts(bom)
        relations = self.relations(arts)
        extras = self.annotations()
        doc_extras = extras.pop(self.base, None) if self.base else None
        for node_id, artifact in arts.items():
            if node_id in extras:
                artifact = apply_extras(artifact, extras[node_id], self.source, self.graph.where[node_id])
            bom.add(artifact)
        for rel_id, relation in relations:
            if rel_id in extras:
                relation = apply_relation_extras(
                    relation, extras[rel_id], self.source, self.graph.where[rel_id]
                )
            try:
                bom.add_relation(relation)
            except GraphError as exc:
                raise self.error(exc.message, self.graph.where[rel_id]) from None
        meta["elements"] = [nodes[i] for i in self.graph.order if i not in self.consumed]
        if self.custom_refs:
            meta["licenseRefs"] = self.custom_refs
        bom.metadata["spdx3"] = meta
        if doc_extras:
            apply_document_extras(bom, doc_extras, self.source, self.graph.where[self.base])
        try:
            bom.validate()
        except GraphError as exc:
            raise ParseError(str(exc), source=self.source) from None
        return bom

    def licenses_of(self) -> dict[str, dict[str, list[str]]]:
        out: dict[str, dict[str, list[str]]] = {}
        for node_id in self.graph.order:
            node = self.graph.nodes[node_id]
            if node["type"] != "Relationship":
                continue
            rtype = vocab(node.get("relationshipType"))
            if not isinstance(rtype, str) or rtype not in _LICENSE_RELS:  # relations() names a bad one
                continue
            where = self.graph.where[node_id]
            subject = self.ref(node.get("from"), f"{where}.from")
            targets = self.refs(node.get("to"), f"{where}.to")
            exprs = [self.license(t, f"{where}.to") for t in targets]
            out.setdefault(subject, {}).setdefault(_LICENSE_RELS[rtype], []).extend(exprs)
            self.consumed.add(node_id)
        return out

    def artifacts(self, bom: AIBOM) -> dict[str, Artifact]:
        nodes = self.graph.nodes
        licenses = self.licenses_of()
        out: dict[str, Artifact] = {}
        seen: dict[str, str] = {}
        for node_id in self.graph.order:
            node = nodes[node_id]
            if node["type"] not in ARTIFACT_TYPES:
                continue
            where = self.graph.where[node_id]
            artifact_id = id_from_iri(self.base, node_id)
            if artifact_id in seen:
                raise self.error(f"two elements give the artifact id {artifact_id!r}", where)
            seen[artifact_id] = node_id
            supplier = None
            agent_ref = node.get("suppliedBy")
            if agent_ref is not None:
                agent = nodes.get(self.ref(agent_ref, f"{where}.suppliedBy"), {})
                if isinstance(agent.get("name"), str):
                    supplier = agent["name"]
            lic = licenses.get(node_id, {})
            out[node_id] = decode_artifact(
                node,
                artifact_id=artifact_id,
                declared=_join(lic.get("license")),
                concluded=_join(lic.get("concluded_license")),
                supplier=supplier,
                source=self.source,
                where=where,
            )
            self.consumed.add(node_id)
        return out

    def relations(self, arts: dict[str, Artifact]) -> list[tuple[str, Relation]]:
        out: list[tuple[str, Relation]] = []
        for node_id in self.graph.order:
            node = self.graph.nodes[node_id]
            if node["type"] not in ("Relationship", "LifecycleScopedRelationship"):
                continue
            where = self.graph.where[node_id]
            rtype = vocab(node.get("relationshipType"))
            if not isinstance(rtype, str) or rtype not in enum_values("RelationshipType"):
                raise self.error(f"unknown relationshipType {rtype!r}", f"{where}.relationshipType")
            source = self.ref(node.get("from"), f"{where}.from")
            targets = self.refs(node.get("to"), f"{where}.to")
            if rtype in _LICENSE_RELS:
                continue
            kind = FORWARD.get(rtype) or REVERSED.get(rtype)
            if kind is None or source not in arts:
                continue
            comment = node.get("comment")
            props: dict[str, Any] = {}
            if isinstance(comment, str):
                lines = comment.split("\n")
                marks = [ln[len(MARKER) :] for ln in lines if ln.startswith(MARKER)]
                if marks and marks[-1] in RELATION_KINDS:
                    kind = marks[-1]
                rest = "\n".join(ln for ln in lines if not ln.startswith(MARKER))
                if rest:
                    props["spdx3:comment"] = rest
            if rtype not in (
                "descendantOf",
                "trainedOn",
                "testedOn",
                "generates",
                "contains",
                "dependsOn",
                "usesTool",
            ):
                props["spdx3:relationshipType"] = rtype
            for key, value in node.items():
                if key not in ("type", "spdxId", "creationInfo", "from", "to", "relationshipType", "comment"):
                    props[f"spdx3:{key}"] = value
            if node["type"] != "Relationship":
                props["spdx3:type"] = node["type"]
            mapped = [t for t in targets if t in arts]
            for target in mapped:
                a, b = (target, source) if rtype in REVERSED else (source, target)
                out.append(
                    (node_id, Relation(source=arts[a].id, kind=kind, target=arts[b].id, properties=props))
                )
            rest_targets = [t for t in targets if t not in arts]
            if not rest_targets:
                self.consumed.add(node_id)
            elif mapped:
                node["to"] = rest_targets
        return out

    def annotations(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for node_id in self.graph.order:
            node = self.graph.nodes[node_id]
            if node["type"] != "Annotation" or node.get("contentType") != EXTRAS_MEDIA_TYPE:
                continue
            where = self.graph.where[node_id]
            subject = self.ref(node.get("subject"), f"{where}.subject")
            statement = node.get("statement")
            if not isinstance(statement, str):
                raise self.error("aiprov annotation without a statement", f"{where}.statement")
            out.setdefault(subject, {}).update(decode_extras(statement, self.source, f"{where}.statement"))
            self.consumed.add(node_id)
        return out


def _join(exprs: list[str] | None) -> str | None:
    if not exprs:
        return None
    if len(exprs) == 1:
        return exprs[0]
    return " AND ".join(f"({e})" if " " in e else e for e in exprs)


def read_graph(data: Any, source: str) -> AIBOM:
    """An AIBOM from parsed SPDX 3.0.1 JSON-LD."""
    try:
        return _Reader(source).document(data)
    except RecursionError:
        raise ParseError("SPDX document nested too deeply", source=source) from None
