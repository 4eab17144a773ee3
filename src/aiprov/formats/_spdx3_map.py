"""SPDX 3.0.1 <-> aiprov vocabulary: classes, purposes, relationship types, AI and dataset fields.

Used by both the reader (:mod:`aiprov.formats._spdx3_read`) and the writer
(:mod:`aiprov.formats._spdx3_write`); docs/formats-spdx.md has the same tables for people.
"""

from __future__ import annotations

import functools
from typing import Any

from aiprov.exceptions import ParseError
from aiprov.graph import Artifact

__all__ = [
    "ARTIFACT_TYPES",
    "CONTEXT_URL",
    "FORWARD",
    "MARKER",
    "REVERSED",
    "WRITE_RELATION",
    "decode_artifact",
    "default_purpose",
    "default_type",
    "encode_native",
    "enum_values",
    "known_types",
    "native_fields",
    "vocab",
]

CONTEXT_URL = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
#: the prefix of the relationship comment line that keeps the exact aiprov relation kind
MARKER = "aiprov:relation="

#: SPDX classes read as artifacts
ARTIFACT_TYPES = frozenset(
    {"ai_AIPackage", "dataset_DatasetPackage", "software_Package", "software_File", "software_Snippet"}
)

#: SPDX relationshipType -> aiprov kind, same direction (from = dependent)
FORWARD: dict[str, str] = {
    "trainedOn": "trained_on",
    "testedOn": "evaluated_on",
    "descendantOf": "derived_from",
    "contains": "contains",
    "dependsOn": "depends_on",
    "usesTool": "built_with",
    "hasStaticLink": "depends_on",
    "hasDynamicLink": "depends_on",
    "hasPrerequisite": "depends_on",
    "hasRequirement": "depends_on",
    "hasProvidedDependency": "depends_on",
    "hasOptionalDependency": "depends_on",
}
#: SPDX relationshipType -> aiprov kind, opposite direction (``to`` is the dependent)
REVERSED: dict[str, str] = {"generates": "generated_by", "ancestorOf": "derived_from"}

#: aiprov kind -> (SPDX relationshipType, reversed?)
WRITE_RELATION: dict[str, tuple[str, bool]] = {
    "trained_on": ("trainedOn", False),
    "evaluated_on": ("testedOn", False),
    "fine_tuned_from": ("descendantOf", False),
    "adapter_of": ("descendantOf", False),
    "merged_from": ("descendantOf", False),
    "quantized_from": ("descendantOf", False),
    "distilled_from": ("descendantOf", False),
    "derived_from": ("descendantOf", False),
    "generated_by": ("generates", True),
    "contains": ("contains", False),
    "depends_on": ("dependsOn", False),
    "built_with": ("usesTool", False),
}

_DEFAULT_TYPE = {
    "model": "ai_AIPackage",
    "weights": "ai_AIPackage",
    "dataset": "dataset_DatasetPackage",
    "code": "software_Package",
    "document": "software_Package",
    "service": "software_Package",
}
_DEFAULT_PURPOSE = {
    "model": "model",
    "weights": "model",
    "dataset": "data",
    "document": "documentation",
}


def default_type(kind: str) -> str:
    return _DEFAULT_TYPE[kind]


def default_purpose(kind: str) -> str | None:
    return _DEFAULT_PURPOSE.get(kind)


@functools.cache
def known_types() -> frozenset[str]:
    from spdx_python_model import v3_0_1 as spdx3

    return frozenset(k for k in spdx3.SHACLObject.CLASSES if ":" not in k)


@functools.cache
def enum_values(name: str) -> frozenset[str]:
    """The compact names of an SPDX 3.0.1 vocabulary (``RelationshipType``, ``HashAlgorithm``…)."""
    from spdx_python_model import v3_0_1 as spdx3

    return frozenset(getattr(spdx3, name).NAMED_INDIVIDUALS)


def _kind(node_type: str, purpose: str | None) -> str:
    if node_type == "ai_AIPackage":
        return "model"
    if node_type == "dataset_DatasetPackage":
        return "dataset"
    if purpose == "model":
        return "weights" if node_type == "software_File" else "model"
    if purpose == "data":
        return "dataset"
    if purpose == "documentation":
        return "document"
    return "code"


def vocab(value: Any) -> Any:
    """A vocabulary value in compact form (``trainedOn``), also when written as a full IRI."""
    if isinstance(value, str) and value.startswith("https://spdx.org/rdf/3.0.1/terms/"):
        return value.rsplit("/", 1)[-1]
    return value


_HASH_NAMES = {"sha3_224": "sha3-224", "sha3_256": "sha3-256", "sha3_384": "sha3-384", "sha3_512": "sha3-512"}

# property key -> (SPDX field, shape); shapes: "str", "list" (list of str), "one-or-list", "dict", "presence"
_MODEL_FIELDS = {
    "domain": ("ai_domain", "list"),
    "hyperparameters": ("ai_hyperparameter", "dict"),
    "limitations": ("ai_limitation", "str"),
    "architecture_family": ("ai_typeOfModel", "one"),
    "sensitive_personal_information": ("ai_useSensitivePersonalInformation", "presence"),
}
_DATASET_FIELDS = {
    "dataset_type": ("dataset_datasetType", "one-or-list"),
    "data_collection": ("dataset_dataCollectionProcess", "str"),
    "known_bias": ("dataset_knownBias", "one-or-list"),
    "sensitive_personal_information": ("dataset_hasSensitivePersonalInformation", "presence"),
}


def native_fields(node_type: str) -> dict[str, tuple[str, str]]:
    """property key -> (SPDX field, shape) for the class ``node_type``."""
    common = {"description": ("description", "str")}
    if node_type != "software_File" and node_type != "software_Snippet":
        common["homepage"] = ("software_homePage", "str")
    if node_type == "ai_AIPackage":
        return {**common, **_MODEL_FIELDS}
    if node_type == "dataset_DatasetPackage":
        return {**common, **_DATASET_FIELDS}
    return common


def encode_native(node_type: str, properties: dict[str, Any]) -> dict[str, Any]:
    """SPDX field -> value for the well-known properties that fit the class exactly enough."""
    out: dict[str, Any] = {}
    for key, (field, shape) in native_fields(node_type).items():
        value = properties.get(key)
        if value is None:
            continue
        is_strs = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if (shape == "str" and isinstance(value, str)) or (shape == "list" and is_strs):
            out[field] = value
        elif shape == "one" and isinstance(value, str):
            out[field] = [value]
        elif shape == "one-or-list":
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                continue
            if field == "dataset_datasetType" and not set(values) <= enum_values("dataset_DatasetType"):
                continue
            out[field] = values
        elif shape == "dict" and isinstance(value, dict):
            out[field] = [{"key": str(k), "value": str(v)} for k, v in value.items() if v is not None]
        elif shape == "presence" and value in enum_values("PresenceType"):
            out[field] = value
    return out


class _Fields:
    """Typed access to a node's values, raising :class:`ParseError` with the place."""

    def __init__(self, node: dict[str, Any], source: str, where: str) -> None:
        self.node = node
        self.source = source
        self.where = where
        self.used: set[str] = {"type", "spdxId", "@id", "creationInfo"}

    def error(self, message: str, key: str) -> ParseError:
        return ParseError(message, source=self.source, location=f"{self.where}.{key}")

    def text(self, key: str) -> str | None:
        value = self.node.get(key)
        self.used.add(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(f"expected a string, got {type(value).__name__}", key)
        return value

    def strs(self, key: str) -> list[str]:
        value = self.node.get(key)
        self.used.add(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error("expected a list of strings", key)
        return list(value)

    def objects(self, key: str) -> list[dict[str, Any]]:
        value = self.node.get(key)
        if value is None:
            return []
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            raise self.error("expected a list of objects", key)
        return [v for v in value if isinstance(v, dict)]


def _hashes(fields: _Fields) -> list[tuple[str, str]] | None:
    """The hashes of ``verifiedUsing``, or None when it holds something else too (kept raw)."""
    items = fields.objects("verifiedUsing")
    raw = fields.node.get("verifiedUsing")
    if raw is None:
        return []
    if len(items) != (len(raw) if isinstance(raw, list) else 1):
        return None
    out = []
    for i, item in enumerate(items):
        if vocab(item.get("type")) != "Hash":
            return None
        alg, value, comment = vocab(item.get("algorithm")), item.get("hashValue"), item.get("comment")
        if not isinstance(alg, str) or not isinstance(value, str):
            raise fields.error("a Hash needs algorithm and hashValue strings", f"verifiedUsing[{i}]")
        if alg == "other" and isinstance(comment, str) and comment:
            alg = comment
        elif alg not in enum_values("HashAlgorithm"):
            raise fields.error(f"unknown hash algorithm {alg!r}", f"verifiedUsing[{i}]")
        out.append((_HASH_NAMES.get(alg, alg), value))
    fields.used.add("verifiedUsing")
    return out


def _purl_identifier(fields: _Fields) -> str | None:
    items = fields.objects("externalIdentifier")
    if (
        len(items) == 1
        and vocab(items[0].get("externalIdentifierType")) == "packageUrl"
        and set(items[0])
        <= {
            "type",
            "externalIdentifierType",
            "identifier",
        }
    ):
        value = items[0].get("identifier")
        if isinstance(value, str):
            fields.used.add("externalIdentifier")
            return value
    return None


def decode_artifact(
    node: dict[str, Any],
    *,
    artifact_id: str,
    declared: str | None,
    concluded: str | None,
    supplier: str | None,
    source: str,
    where: str,
) -> Artifact:
    """The artifact an SPDX 3 element describes (before the aiprov extras are applied).

    Whatever the element says that has no aiprov field is kept raw under ``spdx3:<field>``.
    """
    node_type = str(node.get("type"))
    fields = _Fields(node, source, where)
    purpose = vocab(fields.text("software_primaryPurpose"))
    kind = _kind(node_type, purpose)
    properties: dict[str, Any] = {}
    if purpose is not None and purpose != default_purpose(kind):
        properties["spdx3:software_primaryPurpose"] = purpose
    if node_type != default_type(kind):
        properties["spdx3:type"] = node_type
    for key, (field, shape) in native_fields(node_type).items():
        if field not in node:
            continue
        if shape == "str":
            properties[key] = fields.text(field)
        elif shape == "list":
            properties[key] = fields.strs(field)
        elif shape in ("one", "one-or-list"):
            values = [vocab(v) for v in fields.strs(field)]
            if field == "dataset_datasetType" and values == ["noAssertion"]:
                continue  # the writer's filler for a required field
            if shape == "one" and len(values) != 1:
                properties[f"spdx3:{field}"] = values
            else:
                properties[key] = values[0] if len(values) == 1 else values
        elif shape == "dict":
            entries = fields.objects(field)
            properties[key] = {str(e.get("key")): e.get("value") for e in entries}
            fields.used.add(field)
        elif shape == "presence":
            properties[key] = vocab(fields.text(field))
    hashes = _hashes(fields)
    purl = fields.text("software_packageUrl") if "software_packageUrl" in node else _purl_identifier(fields)
    name = fields.text("name")
    version = fields.text("software_packageVersion")
    download = fields.text("software_downloadLocation")
    if supplier is not None:
        fields.used.add("suppliedBy")
    for key, value in node.items():
        if key not in fields.used:
            properties[f"spdx3:{key}"] = value
    return Artifact(
        id=artifact_id,
        kind=kind,
        name=name,
        version=version,
        supplier=supplier,
        license=declared,
        concluded_license=concluded,
        purl=purl,
        source=download,
        hashes=tuple(hashes or ()),
        properties={k: v for k, v in properties.items() if v is not None},
    )
