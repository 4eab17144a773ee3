"""SPDX 2 files and snippets: read into the graph and the kept document metadata, written back.

A snippet is a range of a file under its own license (code copied from elsewhere). The graph has no
snippets: they are kept in ``bom.metadata["spdx2"]["snippets"]`` (like the external document
references) with every field, and written back when the file they are from is still an artifact.
SPDX 2 requires a snippet's file to be a *file*, so that artifact is written as a file (not a
package, as other files are) when it can be one: it has the SHA1 checksum SPDX 2 requires of files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiprov.formats._spdx2_map import checksum, hash_name, license_string
from aiprov.graph import AIBOM, Artifact

__all__ = [
    "SPDX2_TARGETS",
    "decode_file",
    "file_model",
    "lost_snippets",
    "read_snippets",
    "snippet_model",
    "written_snippets",
]

#: the formats that carry snippets
SPDX2_TARGETS = ("spdx2-json", "spdx2-tv")


def decode_file(file: Any) -> Artifact:
    """The artifact an SPDX 2 file describes (before the aiprov annotation is applied)."""
    return Artifact(
        id=file.spdx_id.removeprefix("SPDXRef-"),
        kind="document" if any(t.name == "DOCUMENTATION" for t in file.file_types) else "code",
        name=file.name,
        concluded_license=license_string(file.license_concluded),
        hashes=tuple((hash_name(c.algorithm.name), c.value) for c in file.checksums),
        properties={"spdx2:element": "file"},
    )


def _text(value: Any) -> str | None:
    """A text field; SPDX 2's NONE / NOASSERTION as those words (spdx-tools' objects print so)."""
    return None if value is None else str(value)


def read_snippets(doc: Any) -> list[dict[str, Any]]:
    """Every snippet of an spdx-tools document, as JSON-ready data."""
    return [
        {
            "id": sn.spdx_id,
            "file": sn.file_spdx_id,
            "byte_range": list(sn.byte_range),
            "line_range": list(sn.line_range) if sn.line_range else None,
            "license_concluded": license_string(sn.license_concluded),
            "license_info": [str(x) for x in sn.license_info_in_snippet],
            "license_comment": sn.license_comment,
            "copyright_text": _text(sn.copyright_text),
            "comment": sn.comment,
            "name": sn.name,
            "attribution_texts": list(sn.attribution_texts),
        }
        for sn in doc.snippets
    ]


def _snippets(bom: AIBOM) -> list[dict[str, Any]]:
    meta = bom.metadata.get("spdx2")
    kept = meta.get("snippets") if isinstance(meta, dict) else None
    return [s for s in kept or () if isinstance(s, dict)]


def _file_artifact(bom: AIBOM, snippet: dict[str, Any]) -> Artifact | None:
    """The artifact of the file a kept snippet is from, if it can still be written as an SPDX 2 file."""
    file_id = snippet.get("file")
    aid = file_id.removeprefix("SPDXRef-") if isinstance(file_id, str) else None
    artifact = bom.get(aid) if aid is not None and aid in bom else None
    if artifact is None or artifact.properties.get("spdx2:element") != "file":
        return None
    if not any(checksum(alg, value) == "SHA1" for alg, value in artifact.hashes):
        return None
    return artifact


def written_snippets(bom: AIBOM) -> list[tuple[dict[str, Any], str]]:
    """The kept snippets the SPDX 2 writer writes, each with the id of its file's artifact."""
    out = []
    for snippet in _snippets(bom):
        artifact = _file_artifact(bom, snippet)
        clash = str(snippet.get("id")).removeprefix("SPDXRef-") in bom  # an artifact took its SPDXID
        if artifact is not None and not clash:
            out.append((snippet, artifact.id))
    return out


def lost_snippets(bom: AIBOM, target: str) -> list[str]:
    """What ``aiprov convert`` warns of: the snippets a document in ``target`` will not hold."""
    written = {s["id"] for s, _ in written_snippets(bom)} if target in SPDX2_TARGETS else set()
    return [f"SPDX 2 snippet {s.get('id')}" for s in _snippets(bom) if s.get("id") not in written]


def file_model(artifact: Artifact, ref: str, name: str, expression: Callable[[str | None], Any]) -> Any:
    """The spdx-tools file for an artifact a snippet is from."""
    import importlib

    model: Any = importlib.import_module("spdx_tools.spdx.model")
    return model.File(
        name=name,
        spdx_id=ref,
        checksums=[
            model.Checksum(model.ChecksumAlgorithm[alg_name], value)
            for alg, value in artifact.hashes
            if (alg_name := checksum(alg, value)) is not None
        ],
        file_types=[model.FileType.DOCUMENTATION] if artifact.kind == "document" else [],
        license_concluded=expression(artifact.concluded_license),
    )


def snippet_model(snippet: dict[str, Any], file_ref: str, expression: Callable[[str | None], Any]) -> Any:
    """The spdx-tools snippet for a kept one; ``expression`` reads a license expression."""
    import importlib

    model: Any = importlib.import_module("spdx_tools.spdx.model")
    copyright_text: Any = snippet.get("copyright_text")
    special: dict[Any, Any] = {"NOASSERTION": model.SpdxNoAssertion(), "NONE": model.SpdxNone()}
    line_range = snippet.get("line_range")
    return model.Snippet(
        spdx_id=snippet["id"],
        file_spdx_id=file_ref,
        byte_range=tuple(snippet["byte_range"]),
        line_range=tuple(line_range) if line_range else None,
        license_concluded=expression(snippet.get("license_concluded")),
        license_info_in_snippet=[expression(x) for x in snippet.get("license_info") or ()],
        license_comment=snippet.get("license_comment"),
        copyright_text=special.get(copyright_text, copyright_text),
        comment=snippet.get("comment"),
        name=snippet.get("name"),
        attribution_texts=list(snippet.get("attribution_texts") or ()),
    )
