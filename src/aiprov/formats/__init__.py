"""Readers and writers, one module a format, and detection of the format from content.

Every reader returns an :class:`~aiprov.graph.AIBOM`; every writer takes one. Readers
never execute or fetch anything from their input, and keep what aiprov does not model
(in artifact ``properties`` and ``AIBOM.metadata``) so that writing back loses nothing.
"""

from __future__ import annotations

import importlib
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

import msgspec

from aiprov.exceptions import InputError, ParseError
from aiprov.graph import AIBOM

__all__ = [
    "DEFAULT_MAX_SIZE",
    "FORMAT_MAX_SIZE",
    "READ_FORMATS",
    "WRITE_FORMATS",
    "detect",
    "dumps",
    "load",
    "loads",
    "parse_size",
    "size_limit",
]

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

#: The largest input read when neither ``max_size`` nor ``AIPROV_MAX_SIZE`` says otherwise (bytes).
DEFAULT_MAX_SIZE = 256 * 1024 * 1024
#: Lower defaults for formats whose readers are slow per byte (spdx-tools parses SPDX 2 at about
#: 1 MB/s, XML through defusedxml at about 2 MB/s, YAML at a few MB/s): past these a document would
#: take minutes. An explicit limit (``max_size``, ``--max-size``, ``AIPROV_MAX_SIZE``) replaces them.
FORMAT_MAX_SIZE = {
    "spdx2-json": 32 * 1024 * 1024,
    "spdx2-tv": 32 * 1024 * 1024,
    "cyclonedx-xml": 64 * 1024 * 1024,
    "mot": 16 * 1024 * 1024,
}
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(text: str) -> int:
    """A size such as ``500000``, ``64K``, ``512M``, ``2G`` (also ``KiB``, ``MB``: powers of 1024) in
    bytes; ``0`` means no limit. Raises :class:`InputError`."""
    match = re.fullmatch(r"\s*(\d+)\s*([kmgKMG]?)(?:i?[bB])?\s*", text)
    if match is None:
        raise InputError(f"size {text!r}: expected a number of bytes, optionally with K, M or G")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def size_limit(explicit: int | None = None) -> int | None:
    """The size limit that applies: ``explicit`` if given, else ``AIPROV_MAX_SIZE``, else None (the
    defaults). 0 is returned as-is (no limit)."""
    if explicit is not None:
        return explicit
    env = os.environ.get("AIPROV_MAX_SIZE")
    if env:
        try:
            return parse_size(env)
        except InputError as exc:
            raise InputError(f"AIPROV_MAX_SIZE: {exc.message}") from None
    return None


def _too_large(limit: int, source: str, what: str = "input") -> ParseError:
    return ParseError(
        f"{what} larger than the limit of {limit:,} bytes (raise it with --max-size or AIPROV_MAX_SIZE; "
        "0 for none)",
        source=source,
    )


def source_name(path: str | Path) -> str:
    """How errors name an input: the path, or ``<stdin>`` for ``-``."""
    return "<stdin>" if str(path) == "-" else str(path)


def detect(text: str) -> str:
    """The format of a document, from its content. Raises :class:`ParseError` if none fits.

    The first 64 KiB decide the common case; when they do not, the document's structure does (its
    top-level JSON keys, its XML root, its top-level YAML keys or tag-value lines), however late the
    telling key comes (``cyclonedx-py`` sorts keys, so ``bomFormat`` can come after 100 KB)."""
    head = text[:_HEAD].lstrip("\ufeff \t\r\n")
    whole = len(text) <= _HEAD
    if head.startswith(("{", "[")):
        found = _detect_json_head(head)
        if found is None and not whole:
            found = _detect_json_structure(text)
        if found is not None:
            return found
        raise ParseError(
            "JSON document of no format aiprov reads (CycloneDX, SPDX 2.3 / 3.0.1, aibom manifest)"
        )
    if head.startswith("<"):
        if "cyclonedx.org/schema/bom" in head or (
            not whole and re.search(r"<(?:\w+:)?bom\b[^>]*cyclonedx\.org/schema/bom", text)
        ):
            return "cyclonedx-xml"
        raise ParseError("XML document that is not CycloneDX")
    for body in (head,) if whole else (head, text):
        if re.search(r"^SPDXVersion:\s*SPDX-2", body, re.MULTILINE):
            return "spdx2-tv"
        if re.search(r"^aibom\s*:", body, re.MULTILINE):
            return "manifest"
        if re.search(r"^framework\s*:", body, re.MULTILINE) and re.search(
            r"^release\s*:", body, re.MULTILINE
        ):
            return "mot"
    if not head.strip():
        raise ParseError("empty document")
    raise ParseError(
        "not a format aiprov reads: expected an aibom manifest (`aibom: 1`), CycloneDX, SPDX 2.3 "
        "(JSON or tag-value), SPDX 3.0.1 JSON-LD or a Model Openness Tool YAML file"
    )


def _detect_json_head(head: str) -> str | None:
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
    return None


def _detect_json_structure(text: str) -> str | None:
    """The format named by a JSON document's top-level keys (None: not JSON, or none fits)."""
    try:
        data = _decode(text)
    except (msgspec.DecodeError, RecursionError, UnicodeError):
        return None
    if not isinstance(data, dict):
        return None
    if str(data.get("_type", "")).startswith("https://in-toto.io/Statement/") or (
        data.get("payloadType") == "application/vnd.in-toto+json"
    ):
        return "intoto"
    if data.get("bomFormat") == "CycloneDX":
        return "cyclonedx-json"
    if "spdxVersion" in data:
        return "spdx2-json"
    if "@context" in data and "spdx" in str(data["@context"]).lower():
        return "spdx3-json"
    if "aibom" in data:
        return "manifest"
    if "framework" in data and "release" in data:
        return "mot"
    return None


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
    if fmt is not None and fmt not in _FORMATS:
        raise InputError(f"unknown format {fmt!r} (one of {', '.join(READ_FORMATS)})")
    try:
        fmt = fmt or detect(text)
    except ParseError as exc:
        raise ParseError(exc.message, source=source) from None
    reader = getattr(_module(fmt), _FORMATS[fmt][1] or "")
    try:
        bom: AIBOM = reader(text, source)
    except UnicodeEncodeError as exc:  # a lone surrogate: only a str from the Python API (files are UTF-8)
        raise ParseError(f"not valid text: {exc.reason} (character {exc.start})", source=source) from None
    bom.metadata.setdefault("source_format", fmt)
    return bom


def load(path: str | Path, fmt: str | None = None, *, max_size: int | None = None) -> AIBOM:
    """Read a file of any supported format: ``aiprov.load("aibom.yaml")``; ``"-"`` reads standard input.

    The input is read once, into memory (so pipes, ``/dev/stdin`` and ``<(...)`` work), and no further
    than the size limit: ``max_size`` bytes if given (0: none), else ``AIPROV_MAX_SIZE``, else
    :data:`DEFAULT_MAX_SIZE` (lower for the slow formats: :data:`FORMAT_MAX_SIZE`)."""
    if fmt is not None and fmt not in _FORMATS:
        raise InputError(f"unknown format {fmt!r} (one of {', '.join(READ_FORMATS)})")
    limit = size_limit(max_size)
    source = source_name(path)
    raw = read_bytes(path, DEFAULT_MAX_SIZE if limit is None else limit)
    found = fmt or _detect_head_bytes(raw)
    if limit is None and found in FORMAT_MAX_SIZE and len(raw) > FORMAT_MAX_SIZE[found]:
        raise _too_large(FORMAT_MAX_SIZE[found], source, f"{found} document")
    if found in ("manifest", "manifest-json"):
        from aiprov.formats import manifest

        bom = manifest.read_raw(raw, source)  # large JSON manifests are read from their bytes
        bom.metadata.setdefault("source_format", found)
        return bom
    text = decode_text(raw, source)
    del raw
    if found is None:
        try:
            found = detect(text)
        except ParseError as exc:
            raise ParseError(exc.message, source=source) from None
        if limit is None and found in FORMAT_MAX_SIZE and len(text) > FORMAT_MAX_SIZE[found]:
            raise _too_large(FORMAT_MAX_SIZE[found], source, f"{found} document")
    return loads(text, source, found)


def _detect_head_bytes(raw: bytes) -> str | None:
    """The format :func:`detect` finds in the first characters (None: the head does not tell)."""
    head = raw[: 4 * _HEAD].decode("utf-8-sig", "ignore")[:_HEAD]
    if len(raw) > 4 * _HEAD or len(head) >= _HEAD:
        # only a window: a format it names is certain; a refusal is not (the whole text decides)
        stripped = head.lstrip("\ufeff \t\r\n")
        if stripped.startswith(("{", "[")):
            return _detect_json_head(stripped)
    try:
        return detect(head)
    except ParseError:
        return None


def read_bytes(path: str | Path, limit: int | None = None) -> bytes:
    """A file's bytes (``-``: standard input), read once and no further than ``limit`` bytes (None:
    the configured limit, see :func:`load`; 0: none), with errors that name the file."""
    source = source_name(path)
    if limit is None:
        configured = size_limit()
        limit = DEFAULT_MAX_SIZE if configured is None else configured
    if str(path) == "-":
        return _read_limited(sys.stdin.buffer, limit, source)
    path = Path(path)
    if path.is_dir():
        raise ParseError("is a directory, not a document", source=source)
    with open(path, "rb") as fh:
        info = os.fstat(fh.fileno())
        if stat.S_ISREG(info.st_mode):  # a file: its size is known, one read
            if limit and info.st_size > limit:
                raise _too_large(limit, source)
            data = fh.read(info.st_size + 1)
            if len(data) > info.st_size:  # it grew while read
                data += _read_limited(fh, limit, source, len(data))
            return data
        return _read_limited(fh, limit, source)  # a pipe or a device: in chunks, stopping at the limit


def _read_limited(stream: Any, limit: int, source: str, total: int = 0) -> bytes:
    """Everything ``stream`` holds, in chunks, refusing past ``limit`` bytes (0: no limit) without
    reading (or holding) more than one chunk beyond it: ``/dev/zero`` is refused in a moment. ``total``:
    bytes already read before these."""
    chunks: list[bytes] = []
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            break
        total += len(chunk)
        if limit and total > limit:
            raise _too_large(limit, source)
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def decode_text(raw: bytes, path: str | Path) -> str:
    """A file's bytes as text (UTF-8, a byte-order mark dropped), with errors that name the file."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text (byte {exc.start})", source=source_name(path)) from None


def read_text(path: str | Path, limit: int | None = None) -> str:
    """A file's text (UTF-8, a byte-order mark dropped), with errors that name the file."""
    return decode_text(read_bytes(path, limit), path)


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
    """``json.loads`` with errors that name the file and place, a guard against deep nesting, and no
    silent loss: a repeated key or an integer of more than 4,300 digits is a placed ParseError.

    msgspec's decoder reads first: it gives the same values for every document it accepts, four to
    five times faster on a large manifest (it builds no intermediate objects), and a cheap check proves
    it dropped no repeated key (``_json.check_no_duplicates``). What it refuses (bad JSON, and the NaN /
    Infinity literals and out-of-range numbers that ``json`` takes) goes to ``json.loads``, so the
    result and the errors are exactly those of ``json``."""
    from aiprov.formats import _json

    try:
        data = _decode(text)
    except (msgspec.DecodeError, RecursionError, UnicodeError):  # lone surrogates in the text, too
        return _json.loads_strict(text, source)
    _json.check_no_duplicates(text, data, source)
    return data
