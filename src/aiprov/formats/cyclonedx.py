"""CycloneDX ML-BOM, JSON and XML: read any valid 1.4-1.7 document, write 1.6 or 1.7.

Models are written as ``machine-learning-model`` components with a ``modelCard``,
datasets as ``data`` components with ``data``, code as library (or application)
components, documents as ``file`` components that related artifacts also point to with
a ``documentation`` external reference, services as ``services``. Derivations are
``pedigree.ancestors``, datasets a model was trained or evaluated on are model-card
dataset refs, and every relation is also in ``dependencies``; the exact relation kind
is kept in ``aiprov:relation:<kind>`` properties. docs/formats.md has the full mapping.

Reading keeps what aiprov does not model: component fields as ``cyclonedx:<field>``
artifact properties, document-level fields in ``AIBOM.metadata["cyclonedx"]``; writing
puts them back. cyclonedx-python-lib has no model card or data classes yet, so these
parts are plain data in the JSON schema's shape (see ``_cyclonedx_write``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from aiprov.exceptions import InputError, ParseError
from aiprov.formats import parse_json
from aiprov.formats._cyclonedx_common import SPEC_VERSIONS
from aiprov.formats._cyclonedx_read import read_document
from aiprov.formats._cyclonedx_write import build_document
from aiprov.formats._cyclonedx_xml import doc_to_xml, xml_to_doc
from aiprov.graph import AIBOM

__all__ = ["MAX_BYTES", "READ_VERSIONS", "WRITE_VERSIONS", "dumps_json", "dumps_xml", "loads", "to_dict"]

READ_VERSIONS = SPEC_VERSIONS
WRITE_VERSIONS = ("1.6", "1.7")
#: Larger documents are refused before parsing (a 10k-component ML-BOM is about 10 MB).
MAX_BYTES = 512 * 1024 * 1024


def loads(text: str, source: str = "<string>") -> AIBOM:
    """Read a CycloneDX document, JSON or XML (told apart by the first character)."""
    if len(text) > MAX_BYTES:
        raise ParseError(f"document larger than {MAX_BYTES // (1024 * 1024)} MiB", source=source)
    stripped = text.lstrip("\ufeff \t\r\n")
    head = stripped[:1]
    if head == "<":
        doc: Any = xml_to_doc(stripped, source)
    elif head in ("{", "["):
        doc = parse_json(text, source)
    else:
        raise ParseError("not a CycloneDX document: expected JSON ('{') or XML ('<')", source=source)
    try:
        return read_document(doc, source)
    except RecursionError:
        raise ParseError("document nested too deeply", source=source) from None


def _check(spec_version: str) -> str:
    if spec_version not in WRITE_VERSIONS:
        raise InputError(f"cannot write CycloneDX {spec_version!r} (one of {', '.join(WRITE_VERSIONS)})")
    return spec_version


def to_dict(
    bom: AIBOM,
    spec_version: str = "1.6",
    findings: Iterable[Mapping[str, Any]] | None = None,
    obligations: Iterable[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The CycloneDX JSON document for ``bom`` as plain data."""
    return build_document(bom, _check(spec_version), findings, obligations)


def dumps_json(
    bom: AIBOM,
    spec_version: str = "1.6",
    findings: Iterable[Mapping[str, Any]] | None = None,
    obligations: Iterable[Mapping[str, Any]] | None = None,
) -> str:
    """CycloneDX JSON. ``findings`` and ``obligations`` (plain JSON dicts) are embedded as
    document-level ``aiprov:finding`` / ``aiprov:obligation`` properties."""
    doc = to_dict(bom, spec_version, findings, obligations)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def dumps_xml(
    bom: AIBOM,
    spec_version: str = "1.6",
    findings: Iterable[Mapping[str, Any]] | None = None,
    obligations: Iterable[Mapping[str, Any]] | None = None,
) -> str:
    """CycloneDX XML, with the same content as :func:`dumps_json`."""
    return doc_to_xml(to_dict(bom, spec_version, findings, obligations))
