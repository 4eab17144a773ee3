"""File digests: the algorithm names BOMs use mapped to :mod:`hashlib`, files read once for every
algorithm asked, many files at a time.

hashlib releases the GIL while it digests a buffer larger than 2 KiB, so threads hash several
files in parallel on several cores; each file is read in 1 MiB blocks into one reused buffer.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

__all__ = ["BLOCK", "hash_file", "hash_files", "hashlib_name"]

BLOCK = 1 << 20

_SHA2 = re.compile(r"sha-?(1|224|256|384|512)")
_SHA3 = re.compile(r"sha3-?(224|256|384|512)")


def hashlib_name(algorithm: str) -> str | None:
    """The :mod:`hashlib` name of a digest algorithm as a BOM spells it (``sha256``, ``SHA-256``,
    ``SHA3-512``, ``BLAKE2b-512``, ``MD5``), or None when hashlib has no such algorithm."""
    name = algorithm.strip().lower().replace("_", "-")
    match = _SHA2.fullmatch(name)
    if match:
        return "sha" + match.group(1)
    match = _SHA3.fullmatch(name)
    if match:
        return "sha3_" + match.group(1)
    if name in ("blake2b", "blake2b-512"):
        return "blake2b"
    if name in ("blake2s", "blake2s-256"):
        return "blake2s"
    if name == "md5":
        return "md5"
    return None


def hash_file(path: str | Path, algorithms: Iterable[str]) -> dict[str, str]:
    """The hex digests of one file for each hashlib algorithm named, from one streamed read."""
    hashers = {name: hashlib.new(name) for name in algorithms}
    buffer = bytearray(BLOCK)
    view = memoryview(buffer)
    updates = [h.update for h in hashers.values()]
    with open(path, "rb", buffering=0) as fh:
        while True:
            size = fh.readinto(buffer)
            if not size:
                break
            chunk = view[:size]
            for update in updates:
                update(chunk)
    return {name: h.hexdigest() for name, h in hashers.items()}


def hash_files(
    jobs: Mapping[Path, frozenset[str]], *, workers: int | None = None
) -> dict[Path, dict[str, str] | OSError]:
    """Digests of many files (``path -> hashlib names``), several files at a time, largest first so
    the slowest file starts at once. A file that cannot be read maps to its :class:`OSError`."""

    def one(path: Path) -> dict[str, str] | OSError:
        try:
            return hash_file(path, jobs[path])
        except OSError as exc:
            return exc

    def size(path: Path) -> int:
        try:
            return path.stat().st_size
        except OSError:
            return 0

    order = sorted(jobs, key=size, reverse=True)
    if len(order) <= 1:
        return {path: one(path) for path in order}
    workers = workers or min(len(order), os.cpu_count() or 1, 16)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(order, pool.map(one, order), strict=True))
