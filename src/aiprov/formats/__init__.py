"""Readers and writers, one module a format, and detection of the format from content.

Every reader returns an :class:`~aiprov.graph.AIBOM`; every writer takes one. Readers
never execute or fetch anything from their input, and keep what aiprov does not model
(in artifact ``properties`` and ``AIBOM.metadata``) so that writing back loses nothing.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import msgspec

from aiprov.exceptions import InputError, ParseError
from aiprov.graph import AIBOM

__all__ = ["READ_FORMATS", "WRITE_FORMATS", "detect", "dumps", "load", "loads"]

# format name -> (module, reader function, writer function or None)
_FORMATS: dict[str, tuple[str, str | None, str | None]] = {
    "manifest": ("aiprov.formats.manifest", "loads", "dumps"),
    "manifest-json": ("aiprov.formats.manifest", "loads", "dumps"),
    "cyclonedx-json": ("aiprov.formats.cyclonedx", "loads", "dumps_json"),
    "cyclonedx-xml": ("aiprov.formats.cyclonedx", "loads", "dumps_xml"),
    "spdx3-json": ("aiprov.formats.spdx3", "loads", "dumps"),
    "spdx2-json": ("aiprov.formats.spdx2", "loads", "dumps_json"),
    "spdx2-tv": ("aiprov.formats.spdx2", "loads", "dumps_tv"),
    "mot": ("aiprov.formats.mot", "loads", "dumps"),
    "intoto": ("aiprov.formats.intoto", "loads", None),  # written by `aiprov attest`
}
READ_FORMATS = tuple(k for k, v in _FORMATS.items() if v[1] and k != "manifest-json")
WRITE_FORMATS = tuple(k for k, v in _FORMATS.items() if v[2])

_HEAD = 65536
_decode = msgspec.json.Decoder().decode


def detect(text: str) -> str:
    """The format of a document, from its content. Raises :class:`ParseError` if none fits."""
    head = text[:_HEAD].lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        if re.search(r'"_type"\s*:\s*"https://in-toto\.io/Statement/', head) or re.search(
            r'"payloadType"\s*:\s*"application/vnd\.in-toto\+json"', head
        ):
            return "intoto"  # before CycloneDX: a statement's predicate can be a CycloneDX BOM
        if re.search(r'"bomFormat"\s*:\s*"CycloneDX"', head):
            return "cyclonedx-json"
        if re.search(r'"spdxVersion"\s*:', head):
            return "spdx2-json"
        if re.search(r'"@context"\s*:', head) and "spdx" in head.lower():
            return "spdx3-json"
        if re.search(r'"aibom"\s*:', head):
            return "manifest"
        if re.search(r'"framework"\s*:', head) and re.search(r'"release"\s*:', head):
            return "mot"
        raise ParseError(
            "JSON document of no format aiprov reads (CycloneDX, SPDX 2.3 / 3.0.1, aibom manifest)"
        )
    if head.startswith("<"):
        if "cyclonedx.org/schema/bom" in head:
            return "cyclonedx-xml"
        raise ParseError("XML document that is not CycloneDX")
    if re.search(r"^SPDXVersion:\s*SPDX-2", head, re.MULTILINE):
        return "spdx2-tv"
    if re.search(r"^aibom\s*:", head, re.MULTILINE):
        return "manifest"
    if re.search(r"^framework\s*:", head, re.MULTILINE) and re.search(r"^release\s*:", head, re.MULTILINE):
        return "mot"
    if not head.strip():
        raise ParseError("empty document")
    raise ParseError(
        "not a format aiprov reads: expected an aibom manifest (`aibom: 1`), CycloneDX, SPDX 2.3 "
        "(JSON or tag-value), SPDX 3.0.1 JSON-LD or a Model Openness Tool YAML file"
    )


def _module(fmt: str) -> Any:
    if fmt not in _FORMATS:
        raise InputError(f"unknown format {fmt!r} (one of {', '.join(sorted(_FORMATS))})")
    module_name = _FORMATS[fmt][0]
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise InputError(f"format {fmt!r} is not available in this version of aiprov") from None
        raise


def loads(text: str, source: str = "<string>", fmt: str | None = None) -> AIBOM:
    """Read a document of any supported format (detected from content unless ``fmt`` is given)."""
    try:
        fmt = fmt or detect(text)
    except ParseError as exc:
        raise ParseError(exc.message, source=source) from None
    reader = getattr(_module(fmt), _FORMATS[fmt][1] or "")
    bom: AIBOM = reader(text, source)
    bom.metadata.setdefault("source_format", fmt)
    return bom


def load(path: str | Path, fmt: str | None = None) -> AIBOM:
    """Read a file of any supported format: ``aiprov.load("aibom.yaml")``."""
    if fmt in ("manifest", "manifest-json") or (fmt is None and _detect_file(path) == "manifest"):
        from aiprov.formats import manifest

        bom = manifest.read(path)  # large JSON manifests are read from their bytes
        bom.metadata.setdefault("source_format", fmt or "manifest")
        return bom
    return loads(read_text(path), str(path), fmt)


def _detect_file(path: str | Path) -> str | None:
    """The format :func:`detect` finds in the file's first characters (None: none, or unreadable:
    reading it whole then names the problem)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4 * _HEAD)  # at least _HEAD characters of UTF-8
    except OSError:
        return None
    try:
        return detect(head.decode("utf-8-sig", "ignore")[:_HEAD])
    except ParseError:
        return None


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, with errors that name the file."""
    path = Path(path)
    if path.is_dir():
        raise ParseError("is a directory, not a document", source=str(path))
    return path.read_bytes()


def decode_text(raw: bytes, path: str | Path) -> str:
    """A file's bytes as text (UTF-8, a byte-order mark dropped), with errors that name the file."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text (byte {exc.start})", source=str(path)) from None


def read_text(path: str | Path) -> str:
    """A file's text (UTF-8, a byte-order mark dropped), with errors that name the file."""
    return decode_text(read_bytes(path), path)


def dumps(bom: AIBOM, fmt: str, **options: Any) -> str:
    """Write a graph in ``fmt`` (see :data:`WRITE_FORMATS`)."""
    writer_name = _FORMATS.get(fmt, ("", None, None))[2]
    if writer_name is None:
        raise InputError(f"cannot write format {fmt!r} (one of {', '.join(WRITE_FORMATS)})")
    if fmt == "manifest-json":
        options = {**options, "fmt": "json"}
    writer = getattr(_module(fmt), writer_name)
    text: str = writer(bom, **options)
    return text


def parse_json(text: str, source: str) -> Any:
    """``json.loads`` with errors that name the file and place, and a guard against deep nesting.

    msgspec's decoder reads first: it gives the same values for every document it accepts, four to
    five times faster on a large manifest (it builds no intermediate objects). What it refuses (bad
    JSON, and the NaN / Infinity literals and out-of-range numbers that ``json`` takes) goes to
    ``json.loads``, so the result and the errors are exactly those of ``json``."""
    try:
        return _decode(text)
    except (msgspec.DecodeError, RecursionError, UnicodeError):  # lone surrogates in the text, too
        pass
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"not valid JSON: {exc.msg}", source=source, location=f"line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise ParseError("JSON nested too deeply", source=source) from None
