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

The body wins when askalono is sure of it (0.9 or more); a recognised title wins over a weaker body
match. With neither, the answer is None with the best score seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["HEADING_CONFIDENCE", "Detection", "detect_license", "have_text_matcher"]

#: Confidence given to a license recognised by its title alone.
HEADING_CONFIDENCE = 0.8
_SURE = 0.9
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
    seen = 0
    for raw in text.splitlines():
        line = raw.strip().strip("#*_=-").strip()
        if not line:
            continue
        seen += 1
        if seen > _HEAD_LINES:
            break
        if len(line) > 120 or not _TITLE_WORDS.search(line):
            continue
        found = _normalize(line)
        if found is not None:
            return found
    return None


def detect_license(text: str) -> Detection:
    """Which license ``text`` is. Never raises for odd text: an empty or unknown text is
    ``Detection(license=None, ...)``."""
    text = text[:_MAX_TEXT]
    if not text.strip():
        return Detection(license=None, confidence=0.0, method=None)
    body: tuple[str | None, float] = (None, 0.0)
    matcher = _askalono()
    if matcher is not None:
        result = matcher.identify(text)
        score = float(getattr(result, "score", 0.0) or 0.0)
        name = getattr(result, "name", None)
        if isinstance(name, str) and name:
            body = (_normalize(name) or name, score)
    heading = _by_heading(text)
    if body[0] is not None and body[1] >= _SURE:
        return Detection(license=body[0], confidence=body[1], method="askalono")
    if heading is not None:
        confidence = max(HEADING_CONFIDENCE, body[1]) if body[0] == heading else HEADING_CONFIDENCE
        return Detection(license=heading, confidence=confidence, method="heading")
    if body[0] is not None and body[1] >= _LIKELY:
        return Detection(license=body[0], confidence=body[1], method="askalono")
    return Detection(license=None, confidence=body[1], method=None)
