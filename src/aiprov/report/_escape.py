"""Text from the input, made safe for where it is written.

An artifact id, name or license comes from a document someone else wrote. In a terminal or a text
file its control characters are shown as escapes, not obeyed (no ANSI sequence clears the screen,
no newline forges a line); in Markdown, characters that would start markup are escaped.
"""

from __future__ import annotations

import re

__all__ = ["markdown", "plain"]

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_MARKDOWN = re.compile(r"([\\`*\[\]<>|])")


def plain(text: str) -> str:
    """``text`` with every control character (newlines too) written as a visible ``\\xNN`` escape."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def markdown(text: str) -> str:
    """:func:`plain`, with Markdown's markup characters (and ``<``, ``>``: no raw HTML) escaped."""
    return _MARKDOWN.sub(r"\\\1", plain(text))
