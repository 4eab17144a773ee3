"""Machinery shared by the SPDX 2.3 and 3.0.1 readers and writers.

* stable identifiers derived from artifact ids (no random UUIDs);
* the *extras* record: what a writer could not say in the standard's own fields, computed
  as the difference between an artifact and what the reader will make of the element
  written for it, carried in an annotation and applied again on reading — so a round trip
  is loss-free by construction;
* license expressions as SPDX can carry them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, unquote

from aiprov.exceptions import ParseError
from aiprov.formats._jsontext import canonical_json
from aiprov.graph import AIBOM, ARTIFACT_KINDS, RELATION_KINDS, Artifact, Relation, thaw
from aiprov.licenses import normalize_license

__all__ = [
    "DOCUMENT_KEYS",
    "EXTRAS_MEDIA_TYPE",
    "FIXED_CREATED",
    "apply_document_extras",
    "apply_extras",
    "apply_relation_extras",
    "artifact_extras",
    "bom_digest",
    "created",
    "decode_extras",
    "document_extras",
    "encode_extras",
    "id_from_iri",
    "iri_for",
    "license_refs",
    "spdx_expression",
]

#: Media type of the annotations that carry what the standard has no field for.
EXTRAS_MEDIA_TYPE = "application/vnd.aiprov.extras+json"
#: creationInfo date written when the graph gives none: output depends on the graph only.
FIXED_CREATED = "1970-01-01T00:00:00Z"

_FIELDS = ("kind", "name", "version", "supplier", "license", "concluded_license", "purl", "source")
_IRI_SAFE = re.compile(r"^(?:https?|urn):[^\s<>\"{}|\\^`]+$")
_REF = re.compile(r"\b(LicenseRef-[A-Za-z0-9.\-]+|DocumentRef-[A-Za-z0-9.\-]+:LicenseRef-[A-Za-z0-9.\-]+)")


def bom_digest(bom: AIBOM) -> str:
    """A short digest of a graph's content, used to build a document namespace that is
    stable for the same graph and different for different graphs."""
    payload = {
        "artifacts": sorted((a.to_dict() for a in bom), key=lambda d: d["id"]),
        "relations": sorted((r.source, r.kind, r.target) for r in bom.relations),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def created(bom: AIBOM, spdx_key: str) -> datetime:
    """The creation time to write: the one read from this SPDX version (``metadata[spdx_key]``), else
    the graph's, else :data:`FIXED_CREATED`; in UTC when it names no zone, to the second."""
    meta = bom.metadata.get(spdx_key) or {}
    for value in (meta.get("created"), bom.metadata.get("created"), FIXED_CREATED):
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).replace(microsecond=0)
    raise AssertionError("unreachable: FIXED_CREATED parses")


def iri_for(base: str, artifact_id: str) -> str:
    """The SPDX 3 ``spdxId`` of an artifact: the id itself when it already is an IRI
    (kept from a document read earlier), else ``<base>#<percent-encoded id>``."""
    if _IRI_SAFE.match(artifact_id):
        return artifact_id
    return f"{base}#{quote(artifact_id, safe='')}"


def id_from_iri(base: str, iri: str) -> str:
    """The inverse of :func:`iri_for`."""
    prefix = f"{base}#"
    if base and iri.startswith(prefix):
        return unquote(iri[len(prefix) :])
    return iri


def spdx_expression(text: str) -> str:
    """A license as an SPDX expression: the normalized form when aiprov can resolve it,
    else a ``LicenseRef-`` built from the text (the text itself travels in the extras)."""
    if text in ("NOASSERTION", "NONE"):
        return text
    normalized = normalize_license(text)
    if normalized.status == "ok" and normalized.expression:
        return normalized.expression
    if normalized.status == "unknown" and normalized.expression:
        return normalized.expression
    slug = re.sub(r"[^A-Za-z0-9.\-]+", "-", text).strip("-.") or "empty"
    if re.fullmatch(r"LicenseRef-[A-Za-z0-9.\-]+", text):
        return text
    return f"LicenseRef-aiprov-{slug}"


def license_refs(expression: str) -> list[str]:
    """The ``LicenseRef-`` ids an expression uses, in order of first use."""
    seen: dict[str, None] = {}
    for match in _REF.finditer(expression):
        seen.setdefault(match.group(1), None)
    return list(seen)


# -- extras ------------------------------------------------------------------------------
def artifact_extras(original: Artifact, predicted: Artifact) -> dict[str, Any]:
    """What ``predicted`` (the reader's view of the element written) misses of ``original``."""
    extras: dict[str, Any] = {}
    for key in _FIELDS:
        if getattr(original, key) != getattr(predicted, key):
            extras[key] = getattr(original, key)
    if original.hashes != predicted.hashes:
        extras["hashes"] = dict(original.hashes)
    orig_props = thaw(original.properties)
    pred_props = thaw(predicted.properties)
    changed = {k: v for k, v in orig_props.items() if k not in pred_props or pred_props[k] != v}
    dropped = sorted(k for k in pred_props if k not in orig_props)
    if changed:
        extras["properties"] = changed
    if dropped:
        extras["drop"] = dropped
    return extras


def apply_extras(artifact: Artifact, extras: Mapping[str, Any], source: str, where: str) -> Artifact:
    """``artifact`` with the extras read from its annotation applied."""
    fields: dict[str, Any] = artifact.to_dict()
    fields.setdefault("properties", {})
    for key, value in extras.items():
        if key in _FIELDS:
            if value is not None and not isinstance(value, str):
                raise ParseError(f"aiprov extras: {key} must be a string", source=source, location=where)
            if key == "kind" and value not in ARTIFACT_KINDS:
                raise ParseError(f"aiprov extras: unknown kind {value!r}", source=source, location=where)
            if value is None:
                fields.pop(key, None)
            else:
                fields[key] = value
        elif key == "id":
            if not isinstance(value, str) or not value:
                raise ParseError("aiprov extras: id must be a string", source=source, location=where)
            fields["id"] = value
        elif key == "hashes":
            if not isinstance(value, Mapping):
                raise ParseError("aiprov extras: hashes must be a mapping", source=source, location=where)
            fields["hashes"] = {str(a): str(h) for a, h in value.items()}
        elif key == "properties":
            if not isinstance(value, Mapping):
                raise ParseError("aiprov extras: properties must be a mapping", source=source, location=where)
            fields["properties"].update(value)
        elif key == "drop":
            if not isinstance(value, list):
                raise ParseError("aiprov extras: drop must be a list", source=source, location=where)
            for name in value:
                fields["properties"].pop(str(name), None)
    hashes = fields.pop("hashes", {})
    return Artifact(**fields, hashes=tuple(hashes.items()))


def apply_relation_extras(relation: Relation, extras: Mapping[str, Any], source: str, where: str) -> Relation:
    props = extras.get("properties", {})
    if not isinstance(props, Mapping):
        raise ParseError("aiprov extras: properties must be a mapping", source=source, location=where)
    kind = extras.get("kind", relation.kind)
    if kind not in RELATION_KINDS:
        raise ParseError(f"aiprov extras: unknown relation kind {kind!r}", source=source, location=where)
    merged = {**thaw(relation.properties), **props}
    return Relation(source=relation.source, kind=kind, target=relation.target, properties=merged)


#: ``AIBOM.metadata`` keys that travel in the document's extras annotation: a manifest's ``metadata``
#: (kept as ``metadata["manifest"]``) and its inline ``policy``.
DOCUMENT_KEYS = ("manifest", "policy")


def document_extras(bom: AIBOM) -> dict[str, Any]:
    """What the document-level extras annotation carries: the manifest's metadata and policy."""
    return {key: bom.metadata[key] for key in DOCUMENT_KEYS if bom.metadata.get(key) is not None}


def apply_document_extras(bom: AIBOM, extras: Mapping[str, Any], source: str, where: str) -> None:
    """Put the manifest metadata and policy read from the document's annotation back in place."""
    for key, value in extras.items():
        if key not in DOCUMENT_KEYS:
            raise ParseError(f"aiprov document extras: unknown key {key!r}", source=source, location=where)
        if not isinstance(value, Mapping):
            raise ParseError(
                f"aiprov document extras: {key} must be a mapping", source=source, location=where
            )
        bom.metadata[key] = dict(value)


def encode_extras(extras: Mapping[str, Any]) -> str:
    """Canonical JSON: same extras, same bytes."""
    return canonical_json({"aiprov": 1, **extras})


def decode_extras(text: str, source: str, where: str) -> dict[str, Any]:
    from aiprov.formats._json import DuplicateKey, refuse_repeats

    try:
        data = json.loads(text, object_pairs_hook=refuse_repeats)
    except DuplicateKey as exc:
        raise ParseError(
            f"aiprov annotation: duplicate key {exc.key!r}", source=source, location=where
        ) from None
    except (ValueError, RecursionError):  # bad JSON, or a number too long to convert
        raise ParseError("aiprov annotation is not valid JSON", source=source, location=where) from None
    if not isinstance(data, dict) or data.get("aiprov") != 1:
        raise ParseError("aiprov annotation of an unknown version", source=source, location=where)
    data.pop("aiprov")
    return data
