"""SPDX 2.3 <-> aiprov: packages, checksums, relationship types (through ``spdx-tools``' model)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from aiprov.exceptions import InputError, ParseError
from aiprov.graph import AIBOM, Artifact
from aiprov.report._escape import plain

__all__ = [
    "FORWARD",
    "MARKER",
    "PROPS_MARKER",
    "REVERSED",
    "WRITE_RELATION",
    "check_shape",
    "check_tag_value",
    "checksum",
    "decode_package",
    "hash_name",
    "license_string",
    "one_line",
    "spdx_ref",
    "tag_value_breaker",
]

MARKER = "aiprov:relation="
PROPS_MARKER = "aiprov:properties="

#: SPDX 2.3 relationship type -> aiprov kind, same direction
FORWARD = {
    "DESCENDANT_OF": "derived_from",
    "GENERATED_FROM": "generated_by",
    "CONTAINS": "contains",
    "DEPENDS_ON": "depends_on",
    "STATIC_LINK": "depends_on",
    "DYNAMIC_LINK": "depends_on",
    "HAS_PREREQUISITE": "depends_on",
}
#: SPDX 2.3 relationship type -> aiprov kind, ``related`` is the dependent
REVERSED = {
    "ANCESTOR_OF": "derived_from",
    "GENERATES": "generated_by",
    "CONTAINED_BY": "contains",
    "DEPENDENCY_OF": "depends_on",
    "RUNTIME_DEPENDENCY_OF": "depends_on",
    "BUILD_DEPENDENCY_OF": "depends_on",
    "PREREQUISITE_FOR": "depends_on",
    "BUILD_TOOL_OF": "built_with",
    "DEV_TOOL_OF": "built_with",
}
#: aiprov kind -> (SPDX 2.3 type, reversed?); trainedOn / testedOn do not exist in 2.3: OTHER + marker
WRITE_RELATION = {
    "fine_tuned_from": ("DESCENDANT_OF", False),
    "adapter_of": ("DESCENDANT_OF", False),
    "merged_from": ("DESCENDANT_OF", False),
    "quantized_from": ("DESCENDANT_OF", False),
    "distilled_from": ("DESCENDANT_OF", False),
    "derived_from": ("DESCENDANT_OF", False),
    "trained_on": ("OTHER", False),
    "evaluated_on": ("OTHER", False),
    "generated_by": ("GENERATED_FROM", False),
    "contains": ("CONTAINS", False),
    "depends_on": ("DEPENDS_ON", False),
    "built_with": ("BUILD_TOOL_OF", True),
}

_HEX_LENGTH = {
    "SHA1": 40,
    "SHA224": 56,
    "SHA256": 64,
    "SHA384": 96,
    "SHA512": 128,
    "SHA3_256": 64,
    "SHA3_384": 96,
    "SHA3_512": 128,
    "BLAKE2B_256": 64,
    "BLAKE2B_384": 96,
    "BLAKE2B_512": 128,
    "MD2": 32,
    "MD4": 32,
    "MD5": 32,
    "ADLER32": 8,
}
_HEX = re.compile(r"^[0-9a-fA-F]+$")


def spdx_ref(artifact_id: str, taken: set[str]) -> str:
    """An ``SPDXRef-`` id for an artifact id: the id itself where SPDX allows it."""
    safe = re.sub(r"[^A-Za-z0-9.\-]", "-", artifact_id)
    ref = f"SPDXRef-{safe}"
    if safe != artifact_id or ref in taken or ref == "SPDXRef-DOCUMENT":
        ref = f"{ref}-{hashlib.sha256(artifact_id.encode()).hexdigest()[:8]}"
    taken.add(ref)
    return ref


def checksum(alg: str, value: str) -> str | None:
    """The SPDX 2.3 algorithm name for an aiprov hash, when SPDX 2.3 can carry it exactly."""
    name = alg.upper().replace("-", "_")
    name = {"BLAKE2B256": "BLAKE2B_256", "BLAKE2B384": "BLAKE2B_384", "BLAKE2B512": "BLAKE2B_512"}.get(
        name, name
    )
    if name == "BLAKE3":
        # spdx-tools' validator wants at least 256 digits for BLAKE3
        return name if len(value) >= 256 and _HEX.match(value) and value == value.lower() else None
    length = _HEX_LENGTH.get(name)
    if length is None or len(value) != length or not _HEX.match(value) or value != value.lower():
        return None
    return name


def hash_name(algorithm: str) -> str:
    return (
        algorithm.lower().replace("_", "-")
        if algorithm.startswith("SHA3")
        else algorithm.lower().replace("_", "")
    )


def _text(value: Any) -> str | None:
    """A field's value as text; NOASSERTION / NONE (spdx-tools objects) as None."""
    if value is None or not isinstance(value, str):
        return None
    return value


def decode_package(package: Any, *, license_text: dict[str, str | None]) -> Artifact:
    """The artifact an SPDX 2.3 package describes (before the aiprov annotation is applied)."""
    properties: dict[str, Any] = {}
    for key, field in (("description", "description"), ("homepage", "homepage")):
        value = _text(getattr(package, field))
        if value is not None:
            properties[key] = value
    for field in ("summary", "comment", "source_info", "license_comment", "file_name"):
        value = _text(getattr(package, field))
        if value is not None:
            properties[f"spdx2:{field}"] = value
    copyright_text = getattr(package, "copyright_text", None)
    if isinstance(copyright_text, str):
        properties["spdx2:copyright_text"] = copyright_text
    if package.primary_package_purpose is not None:
        properties["spdx2:primary_package_purpose"] = package.primary_package_purpose.name
    if package.attribution_texts:
        properties["spdx2:attribution_texts"] = list(package.attribution_texts)
    purl = None
    other_refs = []
    for ref in package.external_references:
        if ref.reference_type == "purl" and purl is None:
            purl = ref.locator
        else:
            other_refs.append(
                {
                    "category": ref.category.name,
                    "type": ref.reference_type,
                    "locator": ref.locator,
                    "comment": ref.comment,
                }
            )
    if other_refs:
        properties["spdx2:external_references"] = other_refs
    supplier = package.supplier
    download = package.download_location
    return Artifact(
        id=package.spdx_id.removeprefix("SPDXRef-"),
        kind="code",
        name=package.name,
        version=package.version,
        supplier=getattr(supplier, "name", None),
        license=license_text.get("declared"),
        concluded_license=license_text.get("concluded"),
        purl=purl,
        source=download if isinstance(download, str) else None,
        hashes=tuple((hash_name(c.algorithm.name), c.value) for c in package.checksums),
        properties=properties,
    )


def license_string(value: Any) -> str | None:
    """An spdx-tools license expression (or NONE / NOASSERTION) as text."""
    return None if value is None else str(value)


def one_line(value: str) -> str:
    """A value for a one-line field (a tag-value line; an actor): its control characters (line
    breaks among them) written as visible escapes (``\\x0a``), so no value forges a tag or breaks the
    document. The exact value goes into the aiprov annotation, like anything else the package
    cannot carry, so aiprov reads it back unchanged."""
    return plain(value)


def tag_value_breaker(value: str) -> str | None:
    """What makes ``value`` unwritable as a tag-value text value, if anything: spdx-tools wraps a value
    with a line feed in ``<text>…</text>`` (so a ``</text>`` inside would end it early and the rest
    be read as tags) and writes any other value on its line (where a lone carriage return, a line
    break to many readers, would start a forged tag)."""
    if "\n" in value and "</text>" in value:
        return "'</text>' in a multi-line value"
    if "\r" in value and "\n" not in value:
        return "a carriage return in a one-line value"
    return None


def check_tag_value(bom: AIBOM) -> None:
    """Refuse (naming the artifact and field) what tag-value cannot carry, rather than write a
    document in which a value forges tags. The one-line fields (name, supplier, version, download
    location) are escaped instead, their exact values kept in the aiprov annotation."""
    meta = bom.metadata.get("spdx2") or {}
    for key, value in sorted(meta.items()) if isinstance(meta, dict) else ():
        problem = tag_value_breaker(value) if isinstance(value, str) else None
        if problem:
            raise InputError(
                f"cannot write SPDX 2 tag-value: the document's {key} holds {problem}, which tag-value "
                "cannot carry; write SPDX 2 JSON (spdx2-json) instead"
            )
    snippets = meta.get("snippets") if isinstance(meta, dict) else None
    for snippet in snippets or ():  # kept SPDX 2 snippets: their text fields
        texts = [(k, v) for k, v in sorted(snippet.items()) if isinstance(v, str)]
        texts += [("attribution_texts", v) for v in snippet.get("attribution_texts") or ()]
        for key, value in texts:
            problem = tag_value_breaker(value) if isinstance(value, str) else None
            if problem:
                raise InputError(
                    f"cannot write SPDX 2 tag-value: snippet {snippet.get('id')!r}: {key} holds {problem}, "
                    "which tag-value cannot carry; write SPDX 2 JSON (spdx2-json) instead"
                )
    for a in sorted(bom, key=lambda a: a.id):
        fields = [("license", a.license), ("concluded_license", a.concluded_license)]
        fields += [(f"properties.{k}", v) for k, v in sorted(a.properties.items())]
        for name, value in fields:
            problem = tag_value_breaker(value) if isinstance(value, str) else None
            if problem:
                raise InputError(
                    f"cannot write SPDX 2 tag-value: artifact {a.id!r}: {name} holds {problem}, which "
                    "tag-value cannot carry; write SPDX 2 JSON (spdx2-json) instead"
                )


#: The SPDX 2.3 JSON fields that hold a list of objects, and the fields that hold one object.
_LISTS_OF_OBJECTS = (
    "packages",
    "files",
    "snippets",
    "relationships",
    "annotations",
    "hasExtractedLicensingInfos",
    "externalDocumentRefs",
)
_OBJECTS = ("creationInfo",)


def check_shape(data: dict[str, Any], source: str) -> None:
    """Refuse, with the place, the wrongly typed values spdx-tools' parser would trip over (a string
    where a package object goes): its parser assumes the schema's types."""
    for key in _LISTS_OF_OBJECTS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            raise ParseError(f"expected a list, got {type(value).__name__}", source=source, location=key)
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise ParseError(
                    f"expected an object, got {type(item).__name__}", source=source, location=f"{key}/{i}"
                )
    for key in _OBJECTS:
        if key in data and not isinstance(data[key], dict):
            raise ParseError(
                f"expected an object, got {type(data[key]).__name__}", source=source, location=key
            )
