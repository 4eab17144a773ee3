"""Weight files: safetensors and GGUF header metadata, and the sha256 of every weight and data file.

Headers are read through the ``safetensors`` and ``gguf`` packages (the ``weights`` extra), but only
after aiprov has bounded them itself: a safetensors header longer than 100 MB or than the file, or a
GGUF file whose counts or lengths run past its end, is a warning, not a read of 2^63 bytes or a
loop of 2^63 steps. Nothing is unpickled: ``.bin`` / ``.pt`` / ``.ckpt`` files are hashed, never
opened as models.

Hashing streams each file through :mod:`hashlib` in 1 MiB blocks (constant memory); several files
are hashed at once on threads, since hashlib releases the GIL while it digests.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import struct
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aiprov.scan._found import Progress

__all__ = [
    "DATA_SUFFIXES",
    "WEIGHT_SUFFIXES",
    "hash_files",
    "read_gguf",
    "read_safetensors",
    "sha256_file",
    "weights_metadata",
]

#: Files that are model weights (hashed; the first two have headers aiprov reads).
WEIGHT_SUFFIXES = frozenset(
    {
        ".safetensors",
        ".gguf",
        ".bin",
        ".pt",
        ".pth",
        ".ckpt",
        ".onnx",
        ".h5",
        ".msgpack",
        ".tflite",
        ".pkl",
        ".pickle",
        ".npz",
        ".mlmodel",
        ".keras",
        ".ggml",
    }
)
#: Files that are data in a dataset repository (hashed).
DATA_SUFFIXES = frozenset(
    {".parquet", ".arrow", ".jsonl", ".csv", ".tsv", ".json", ".txt", ".zst", ".gz", ".tar", ".zip", ".npy"}
)

#: The safetensors package refuses headers over 100 MB; aiprov refuses them before it is asked.
MAX_SAFETENSORS_HEADER = 100_000_000
#: Bounds on a GGUF header that no real model comes near (Llama 3 has 292 tensors, 128k tokens).
MAX_GGUF_KV = 100_000
MAX_GGUF_TENSORS = 1_000_000
MAX_GGUF_ARRAY = 16_000_000
_BLOCK = 1 << 20
_PARALLEL_FROM = 8 << 20  # files from this size are hashed on threads


class _Bad(Exception):
    """A header that does not hold together (the message says where)."""


def sha256_file(path: Path, progress: Progress | None = None) -> str:
    """The sha256 of a file, streamed in 1 MiB blocks."""
    digest = hashlib.sha256()
    buffer = bytearray(_BLOCK)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        while True:
            n = handle.readinto(buffer)
            if not n:
                break
            digest.update(view[:n])
            if progress is not None:
                progress("hashing", n, None)
    return digest.hexdigest()


def hash_files(
    paths: Iterable[Path], *, progress: Progress | None = None, workers: int | None = None
) -> dict[Path, str | OSError]:
    """sha256 of each path (or the error that stopped it): large files on threads, small ones in turn."""
    paths = list(dict.fromkeys(paths))
    sizes: dict[Path, int] = {}
    out: dict[Path, str | OSError] = {}
    for p in paths:
        try:
            sizes[p] = p.stat().st_size
        except OSError as exc:
            out[p] = exc
    if progress is not None:
        progress("hashing", 0, float(sum(sizes.values())))

    def one(p: Path) -> tuple[Path, str | OSError]:
        try:
            return p, sha256_file(p, progress)
        except OSError as exc:
            return p, exc

    large = [p for p in sizes if sizes[p] >= _PARALLEL_FROM]
    small = [p for p in sizes if sizes[p] < _PARALLEL_FROM]
    if len(large) > 1:
        with ThreadPoolExecutor(max_workers=workers or min(len(large), os.cpu_count() or 2)) as pool:
            out.update(pool.map(one, large))
    else:
        out.update(map(one, large))
    out.update(map(one, small))
    return {p: out[p] for p in paths}


# -- safetensors ---------------------------------------------------------------------------------
def _safetensors_bounds(path: Path) -> int:
    with open(path, "rb") as handle:
        head = handle.read(8)
        size = os.fstat(handle.fileno()).st_size
    if len(head) < 8:
        raise _Bad(f"{len(head)}-byte file: shorter than the 8-byte header length")
    length: int = struct.unpack("<Q", head)[0]
    if length > MAX_SAFETENSORS_HEADER:
        raise _Bad(f"header length {length} is over the {MAX_SAFETENSORS_HEADER:,}-byte limit")
    if 8 + length > size:
        raise _Bad(f"header length {length} runs past the end of the {size}-byte file (truncated?)")
    return length


def read_safetensors(path: Path) -> dict[str, Any]:
    """The header of a safetensors file: ``__metadata__`` (strings) and the tensor count and dtypes.

    Raises :class:`ValueError` (with the reason) for a header that is too long, truncated or not
    valid, and :class:`ImportError` when the ``safetensors`` package is missing.
    """
    try:
        length = _safetensors_bounds(path)
    except _Bad as exc:
        raise ValueError(str(exc)) from None
    from safetensors import SafetensorError, safe_open  # the weights extra; after the bounds check

    try:
        with safe_open(str(path), framework="numpy") as handle:
            metadata = dict(handle.metadata() or {})
            names = list(handle.keys())
    except (SafetensorError, ValueError, OSError) as exc:
        raise ValueError(f"not a valid safetensors header: {exc}") from None
    with open(path, "rb") as f:  # dtypes from the (bounded, already validated) JSON header
        f.seek(8)
        header = json.loads(f.read(length))
    dtypes: set[str] = set()
    for key, entry in header.items():
        if key != "__metadata__" and isinstance(entry, dict) and isinstance(entry.get("dtype"), str):
            dtypes.add(entry["dtype"])
    return {"metadata": metadata, "tensors": len(names), "dtypes": sorted(dtypes)}


# -- GGUF ----------------------------------------------------------------------------------------
# value type -> fixed size (the GGUF spec: 0 u8 1 i8 2 u16 3 i16 4 u32 5 i32 6 f32 7 bool 8 string
# 9 array 10 u64 11 i64 12 f64)
_GGUF_FIXED = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_GGUF_STRING, _GGUF_ARRAY = 8, 9


def _gguf_bounds(path: Path) -> None:
    """Walk a GGUF header checking every count and length against the file, without building values.

    The gguf package's reader trusts them (a string array claiming 2^40 entries is a loop of 2^40
    steps over a sparse file); this walk refuses such a file before it is handed over."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size < 24:
            raise _Bad(f"{size}-byte file: shorter than a GGUF header")
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[:4] != b"GGUF":
                raise _Bad("no GGUF magic")
            (version,) = struct.unpack_from("<I", data, 4)
            if version not in (2, 3):
                raise _Bad(f"GGUF version {version} (aiprov reads 2 and 3)")
            tensors, kvs = struct.unpack_from("<QQ", data, 8)
            if kvs > MAX_GGUF_KV or kvs * 13 > size:
                raise _Bad(f"{kvs} metadata entries claimed: more than the file can hold")
            if tensors > MAX_GGUF_TENSORS or tensors * 24 > size:
                raise _Bad(f"{tensors} tensors claimed: more than the file can hold")
            off = 24

            def need(n: int, what: str) -> None:
                if n < 0 or off + n > size:
                    raise _Bad(f"{what} at byte {off} runs past the end of the {size}-byte file (truncated?)")

            def string(what: str) -> None:
                nonlocal off
                need(8, what)
                (n,) = struct.unpack_from("<Q", data, off)
                off += 8
                need(n, what)
                off += n

            def value(vtype: int, what: str, depth: int = 0) -> None:
                nonlocal off
                if vtype in _GGUF_FIXED:
                    need(_GGUF_FIXED[vtype], what)
                    off += _GGUF_FIXED[vtype]
                elif vtype == _GGUF_STRING:
                    string(what)
                elif vtype == _GGUF_ARRAY and depth == 0:
                    need(12, what)
                    itype, count = struct.unpack_from("<IQ", data, off)
                    off += 12
                    if count > MAX_GGUF_ARRAY:
                        raise _Bad(f"{what}: array of {count} entries claimed")
                    if itype in _GGUF_FIXED:
                        need(_GGUF_FIXED[itype] * count, what)
                        off += _GGUF_FIXED[itype] * count
                    else:
                        for _ in range(count):
                            value(itype, what, depth + 1)
                else:
                    raise _Bad(f"{what}: unknown value type {vtype} at byte {off}")

            for i in range(kvs):
                string(f"metadata entry {i} key")
                need(4, f"metadata entry {i} type")
                (vtype,) = struct.unpack_from("<I", data, off)
                off += 4
                value(vtype, f"metadata entry {i}")
            for i in range(tensors):
                string(f"tensor {i} name")
                need(4, f"tensor {i} dimensions")
                (dims,) = struct.unpack_from("<I", data, off)
                off += 4
                if dims > 8:
                    raise _Bad(f"tensor {i}: {dims} dimensions claimed")
                need(8 * dims + 12, f"tensor {i} shape")
                off += 8 * dims + 12


def _plain(value: Any) -> Any:
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value)


#: GGUF keys kept as artifact properties (``general.base_model.*`` and ``general.source.*`` too).
_GGUF_KEYS = (
    "general.name",
    "general.architecture",
    "general.type",
    "general.basename",
    "general.finetune",
    "general.version",
    "general.organization",
    "general.author",
    "general.license",
    "general.license.name",
    "general.license.link",
    "general.quantized_by",
    "general.size_label",
    "general.file_type",
    "general.url",
    "general.repo_url",
)


def read_gguf(path: Path) -> dict[str, Any]:
    """The metadata of a GGUF file that names where it comes from: ``general.*`` keys (license, name,
    base models, source), the quantization (``file_type`` by name) and the tensor count.

    Raises :class:`ValueError` for a file cut short or whose header does not hold, and
    :class:`ImportError` when the ``gguf`` package is missing.
    """
    try:
        _gguf_bounds(path)
    except _Bad as exc:
        raise ValueError(str(exc)) from None
    from gguf import GGUFReader  # the weights extra; after the bounds walk
    from gguf.constants import LlamaFileType

    try:
        reader = GGUFReader(path, "r")
        out: dict[str, Any] = {}
        for key, field in reader.fields.items():
            if key in _GGUF_KEYS or key.startswith(("general.base_model.", "general.source.")):
                out[key] = _plain(field.contents())
        tensor_count = len(reader.tensors)
        qtypes = sorted({t.tensor_type.name for t in reader.tensors})
    except (ValueError, IndexError, OverflowError, UnicodeDecodeError, KeyError) as exc:
        raise ValueError(f"not a valid GGUF file: {exc}") from None
    file_type = out.get("general.file_type")
    if isinstance(file_type, int):
        with contextlib.suppress(ValueError):
            out["general.file_type"] = LlamaFileType(file_type).name.removeprefix("MOSTLY_")
    out["tensors"] = tensor_count
    out["tensor_types"] = qtypes
    return out


def weights_metadata(path: Path) -> tuple[dict[str, Any], str | None]:
    """What the header of one weight file says, as artifact properties, and what went wrong (or None;
    the caller names the file).

    Only ``.safetensors`` and ``.gguf`` have headers aiprov reads; others give ``({}, None)``.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".safetensors":
            st = read_safetensors(path)
            props: dict[str, Any] = {"format": "safetensors", "tensors": st["tensors"]}
            if st["dtypes"]:
                props["dtypes"] = st["dtypes"]
            if st["metadata"]:
                props["safetensors_metadata"] = st["metadata"]
            return props, None
        if suffix == ".gguf":
            gg = read_gguf(path)
            props = {"format": "gguf", "gguf": gg}
            if "general.file_type" in gg:
                props["quantization"] = gg["general.file_type"]
            return props, None
    except ImportError as exc:
        return {}, (
            f"header not read: {exc.name or 'a package'} is not installed "
            "(install 'aiprov[weights]' to read safetensors and GGUF metadata)"
        )
    except ValueError as exc:
        return {}, str(exc)
    except OSError as exc:
        return {}, f"cannot be read: {exc.strerror or exc}"
    return {}, None
