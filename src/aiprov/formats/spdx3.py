"""SPDX 3.0.1 JSON-LD with the AI and Dataset profiles.

Models are ``ai_AIPackage``, datasets ``dataset_DatasetPackage``, code, documents and
services ``software_Package``; relations become ``trainedOn``, ``testedOn``,
``descendantOf`` (the exact aiprov kind in the relationship comment), ``generates``
(reversed), ``contains``, ``dependsOn`` and ``usesTool``; licenses are SimpleLicensing
expressions with a ``CustomLicense`` for each ``LicenseRef-``. What SPDX 3 has no field for
travels in an ``Annotation`` of media type ``application/vnd.aiprov.extras+json``, so that
``loads(dumps(bom)) == bom``. The mapping is documented in docs/formats-spdx.md.

>>> from aiprov.graph import AIBOM, Artifact
>>> bom = AIBOM([Artifact(id="m", kind="model", license="MIT")])
>>> loads(dumps(bom)) == bom
True
"""

from __future__ import annotations

from aiprov.exceptions import ParseError
from aiprov.formats._spdx3_read import read_graph
from aiprov.formats._spdx3_write import write_graph
from aiprov.graph import AIBOM

__all__ = ["MAX_DOCUMENT_CHARS", "dumps", "loads"]

#: Documents larger than this are refused before parsing (a guard against runaway input).
MAX_DOCUMENT_CHARS = 512 * 1024 * 1024


def loads(text: str, source: str = "<string>") -> AIBOM:
    """Read an SPDX 3.0.1 JSON-LD document. Raises :class:`ParseError` naming the file and place."""
    from aiprov.formats import parse_json

    if len(text) > MAX_DOCUMENT_CHARS:
        raise ParseError(
            f"document of {len(text):,} characters is larger than the limit of {MAX_DOCUMENT_CHARS:,}",
            source=source,
        )
    return read_graph(parse_json(text, source), source)


def dumps(bom: AIBOM) -> str:
    """Write a graph as SPDX 3.0.1 JSON-LD; the same graph always gives the same bytes."""
    return write_graph(bom)
