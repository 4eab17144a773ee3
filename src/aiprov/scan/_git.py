"""Which hub repository a folder on disk is, and at which commit: a git clone's remote and HEAD, or
the metadata ``snapshot_download(local_dir=...)`` leaves behind. Read from the files, never by
running git."""

from __future__ import annotations

import re
from pathlib import Path

from aiprov.scan._cards import hub_ref, read_text

__all__ = ["identify"]


def identify(folder: Path) -> tuple[str | None, str | None, str | None]:
    """(hub repo id, repo type, commit) of a folder: a git clone's remote and HEAD, or the metadata
    snapshot_download(local_dir=...) leaves in ``.cache/huggingface/download``."""
    repo_id = repo_type = commit = None
    git = folder / ".git"
    try:
        if (git / "config").is_file():
            text = read_text(git / "config", 256 * 1024)
            for m in re.finditer(r"^\s*url\s*=\s*(\S+)", text, re.MULTILINE):
                ref = hub_ref(m.group(1))
                if ref:
                    repo_id, repo_type = ref
                    break
            head = read_text(git / "HEAD", 4096).strip()
            if re.fullmatch(r"[0-9a-f]{40}", head):
                commit = head
            elif head.startswith("ref: "):
                ref_name = head[5:].strip()
                ref_file = git / ref_name
                if ref_file.is_file():
                    commit = read_text(ref_file, 4096).strip() or None
                elif (git / "packed-refs").is_file():
                    for line in read_text(git / "packed-refs", 4 * 1024 * 1024).splitlines():
                        parts = line.split()
                        if len(parts) == 2 and parts[1] == ref_name:
                            commit = parts[0]
        meta_dir = folder / ".cache" / "huggingface" / "download"
        if commit is None and meta_dir.is_dir():
            for meta in sorted(meta_dir.rglob("*.metadata"))[:64]:
                first = read_text(meta, 4096).splitlines()[:1]
                if first and re.fullmatch(r"[0-9a-f]{40}", first[0].strip()):
                    commit = first[0].strip()
                    break
    except OSError:
        pass
    if commit is not None and not re.fullmatch(r"[0-9a-f]{40}", commit):
        commit = None
    return repo_id, repo_type, commit
