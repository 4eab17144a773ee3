"""Text from the input, made safe for where it is written.

An artifact id, name or license comes from a document someone else wrote. In a terminal or a text
file its control characters are shown as escapes, not obeyed (no ANSI sequence clears the screen,
no newline or carriage return forges a line, no bidirectional override reorders what is shown);
in Markdown, characters that would start markup are escaped, so text stays text (no raw HTML, no
link, no table cell or code span broken out of). HTML and XML go through :func:`html.escape` and
the XML writers; JSON needs nothing (it is data: the value is kept exactly).
"""

from __future__ import annotations

import re

__all__ = ["markdown", "markdown_code", "plain", "visible"]

#: C0 and C1 controls but tab (newlines too), DEL, the Unicode line and paragraph separators, the
#: bidirectional marks, embeddings, overrides and isolates (a "Trojan Source" id shows reordered),
#: and the noncharacters U+FFFE / U+FFFF.
_CONTROL = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]"
)
#: Markdown's backslash-escapable characters that start markup inside a line (emphasis, code,
#: links and images, raw HTML and autolinks, table cells, entity references). ``_`` is left alone:
#: ``model_v2`` stays readable, and a lone underscore cannot make a link or HTML.
#: The same but line feed (and tab): for HTML, where a line feed is only white space.
_CONTROL_BUT_LF = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]"
)
_MARKDOWN = re.compile(r"([\\`*\[\]<>|&])")
_BACKTICKS = re.compile("`+")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain(text: str) -> str:
    """``text`` with every control character (newlines too) written as a visible escape: ``\\x1b``
    for ESC, ``\\x0a`` for a line feed, ``\\u202e`` for a right-to-left override."""
    return _CONTROL.sub(_escape, text)


def visible(text: str) -> str:
    """:func:`plain` but for line feeds, which are kept: for HTML text (then ``html.escape``), where a
    line feed is white space and a multi-line quote keeps its lines, while an override or an escape
    sequence is still shown, not obeyed."""
    return _CONTROL_BUT_LF.sub(_escape, text)


def markdown(text: str) -> str:
    """:func:`plain`, with Markdown's markup characters escaped (``<`` and ``>`` too: no raw HTML;
    ``|`` too: safe in a table cell; ``&`` too: an entity in the input is shown, not decoded)."""
    return _MARKDOWN.sub(r"\\\1", plain(text))


def markdown_code(text: str) -> str:
    """``text`` as an inline code span that stays one (in a table cell too): fenced by a run of
    backticks longer than any inside, padded with a space where it starts or ends with one, ``|``
    escaped for the table; nothing in a code span is markup, so nothing else needs escaping."""
    if not text:
        return ""
    body = plain(text).replace("|", "\\|")
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body[:1] in ("`", " ") or body[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{body}{pad}{fence}"
