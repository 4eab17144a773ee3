"""Which license a LICENSE text is, with a confidence.

Two matchers, for two kinds of text:

* **askalono** (the ``pyaskalono`` bindings, in the ``license-text`` extra) compares the whole text
  with the SPDX license list's texts, which its Rust library embeds: a score in 0..1 that tolerates
  reflowed lines, changed copyright lines and markdown, and needs no network and no data of ours.
  It was chosen over a matcher of our own because the SPDX texts are not otherwise available offline
  (no package aiprov depends on ships them), and over ScanCode's licensedcode because that brings
  36,000 rule files and a native index for what is one lookup per repository here.
* **the heading**: the SPDX list has none of the AI licenses (Llama, Gemma, the RAIL family, Qwen,
  ...), whose texts open by naming themselves ("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT"). The first
  lines of the text are looked up in aiprov's catalog by name (its aliases); a hit has confidence
  0.8: the title was recognised, the body was not compared.

A recognised title is taken as it is, and askalono is asked only about texts whose title names no
license: the bindings load askalono's whole SPDX store on every call (half a second), which a
scan of a cache holding hundreds of LICENSE files cannot pay for texts whose first line already
says what they are. A body match counts from a score of 0.5 (askalono's own threshold for a
likely match); below that the answer is None with the score seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

__all__ = ["HEADING_CONFIDENCE", "Detection", "detect_license", "have_text_matcher"]

#: Confidence given to a license recognised by its title alone.
HEADING_CONFIDENCE = 0.8
_LIKELY = 0.5
_HEAD_LINES = 12
_MAX_TEXT = 512 * 1024  # a LICENSE longer than this is compared on its first 512 KiB
_TITLE_WORDS = re.compile(r"licen[cs]e|terms of use|agreement|policy|public domain|unlicense", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class Detection:
    """What a license text was found to be: ``license`` (an SPDX id or LicenseRef, None when no
    match is good enough), the ``confidence`` (0..1) and the ``method`` (``askalono``, ``heading``,
    or None)."""

    license: str | None
    confidence: float
    method: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"detected": self.license, "confidence": round(self.confidence, 4), "method": self.method}


@cache
def _askalono() -> Any:
    try:
        import askalono
    except ImportError:
        return None
    return askalono


def have_text_matcher() -> bool:
    """Whether the full-text matcher (askalono) is installed."""
    return _askalono() is not None


def _normalize(name: str) -> str | None:
    from aiprov.licenses.expression import normalize_license

    norm = normalize_license(name)
    return norm.expression if norm.status == "ok" else None


def _by_heading(text: str) -> str | None:
    """The license the first lines name: each line, then each line with the next (``Apache License`` /
    ``Version 2.0, January 2004``), looked up by name in the catalog."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip().strip("#*_=-").strip()
        if line:
            lines.append(line)
            if len(lines) > _HEAD_LINES:
                break
    for i, line in enumerate(lines[:_HEAD_LINES]):
        for candidate in (line, f"{line} {lines[i + 1]}" if i + 1 < len(lines) else ""):
            if not candidate or len(candidate) > 160 or not _TITLE_WORDS.search(candidate):
                continue
            found = _normalize(candidate)
            if found is not None:
                return found
    return None


def detect_license(text: str) -> Detection:
    """Which license ``text`` is. Never raises for odd text: an empty or unknown text is
    ``Detection(license=None, ...)``. Results are cached per text (a cache of many repositories
    holds the same few LICENSE texts)."""
    return _detect(text[:_MAX_TEXT])


@lru_cache(maxsize=512)
def _detect(text: str) -> Detection:
    if not text.strip():
        return Detection(license=None, confidence=0.0, method=None)
    heading = _by_heading(text)
    if heading is not None:
        return Detection(license=heading, confidence=HEADING_CONFIDENCE, method="heading")
    matcher = _askalono()
    if matcher is None:
        return Detection(license=None, confidence=0.0, method=None)
    result = matcher.identify(text)
    score = float(getattr(result, "score", 0.0) or 0.0)
    name = getattr(result, "name", None)
    if isinstance(name, str) and name and score >= _LIKELY:
        return Detection(license=_normalize(name) or name, confidence=score, method="askalono")
    return Detection(license=None, confidence=score, method=None)
