"""Reading JSON strictly: a repeated key or an integer too long to convert is a placed error, never a
silent "last one wins" or an internal error.

msgspec decodes first (four to five times faster than ``json``), but it keeps the last of repeated
keys without a word. :func:`check_no_duplicates` proves a decoded document had none at the cost of
one re-encode: every key in the text is followed by one ``:``, so when the text holds no more colons
than the re-encoded data (and no escaped colon, ``\\u003a``, could hide one), no key was dropped.
Only when the counts differ is the text read again key by key, and only a real repetition then
costs the (slow) pass that finds its line.
"""

from __future__ import annotations

import json
import re
from json import scanner
from typing import Any

import msgspec

from aiprov.exceptions import ParseError

__all__ = [
    "DuplicateKey",
    "check_no_duplicates",
    "duplicate_error",
    "int_error",
    "loads_strict",
    "refuse_repeats",
]

_ESCAPED_COLON = re.compile(rb"\\u003[aA]")
_ESCAPED_COLON_TEXT = re.compile(r"\\u003[aA]")
_LONG_INT = re.compile(r"[0-9]{4300,}")
_encode = msgspec.json.Encoder().encode


class DuplicateKey(ValueError):
    """A JSON object names a key twice (raised inside the decoder, turned into a ParseError)."""

    def __init__(self, key: str, position: int | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.position = position


def refuse_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An ``object_pairs_hook`` that raises :class:`DuplicateKey` for a key named twice."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return data


_strict_decoder = json.JSONDecoder(object_pairs_hook=refuse_repeats)


def check_no_duplicates(raw: str | bytes, decoded: Any, source: str) -> None:
    """Raise a placed :class:`ParseError` if the JSON text ``raw``, which msgspec decoded as
    ``decoded``, repeats a key in any object. Cheap when it does not (see the module's note)."""
    if isinstance(raw, bytes):
        colons, escaped = raw.count(b":"), _ESCAPED_COLON.search(raw) is not None
    else:
        colons, escaped = raw.count(":"), _ESCAPED_COLON_TEXT.search(raw) is not None
    if not escaped and colons == _encode(decoded).count(b":"):
        return
    text = raw.decode("utf-8-sig", "replace") if isinstance(raw, bytes) else raw
    try:
        _strict_decoder.decode(text)
    except DuplicateKey as exc:
        raise duplicate_error(text, exc.key, source) from None
    except (ValueError, RecursionError):  # msgspec read it: json's own refusals are not ours to report
        pass


def loads_strict(text: str, source: str) -> Any:
    """``json.loads`` that refuses repeated keys and places its errors (the standard library's reading
    and messages otherwise: NaN and Infinity literals, out-of-range numbers)."""
    try:
        return _strict_decoder.decode(text)
    except DuplicateKey as exc:
        raise duplicate_error(text, exc.key, source) from None
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"not valid JSON: {exc.msg}", source=source, location=f"line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise ParseError("JSON nested too deeply", source=source) from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise int_error(text, source, exc) from None


def int_error(text: str, source: str, exc: ValueError | None = None) -> ParseError:
    """An integer longer than Python converts (4,300 digits) as a placed error: such a number is no
    count or version anyone means, and converting it costs time quadratic in its length."""
    match = _LONG_INT.search(text)
    where = None
    if match is not None:
        where = f"line {text.count(chr(10), 0, match.start()) + 1}"
    message = "a number of more than 4,300 digits"
    if match is None and exc is not None:
        message = f"unreadable number: {exc}"
    return ParseError(message, source=source, location=where)


def duplicate_error(text: str, key: str, source: str) -> ParseError:
    """The error for a repeated key, placed at the line of its second occurrence (found by a slow,
    position-keeping pass made only once a repetition is known)."""
    position = _duplicate_position(text)
    where = f"line {text.count(chr(10), 0, position) + 1}" if position is not None else None
    return ParseError(
        f"duplicate key {key!r} (a key may appear once in an object)", source=source, location=where
    )


def _duplicate_position(text: str) -> int | None:
    """Where the value of the first repeated key begins, by the pure-Python scanner with an object
    parser that keeps the position of each value."""
    decoder = json.JSONDecoder()
    plain_object: Any = json.decoder.JSONObject  # type: ignore[attr-defined]

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any, *rest: Any) -> Any:
        starts: list[int] = []

        def scan_value(s: str, idx: int) -> Any:
            starts.append(idx)
            return scan_once(s, idx)

        pairs, end = plain_object(s_and_end, strict, scan_value, None, list, *rest[2:])
        seen: set[str] = set()
        for i, (key, _) in enumerate(pairs):
            if key in seen:
                raise DuplicateKey(key, starts[i] if i < len(starts) else s_and_end[1])
            seen.add(key)
        return dict(pairs), end

    context: Any = decoder
    context.parse_object = parse_object
    make_scanner: Any = scanner.py_make_scanner  # type: ignore[attr-defined]
    context.scan_once = make_scanner(context)  # the pure-Python scanner: it calls parse_object
    try:
        decoder.decode(text)
    except DuplicateKey as exc:
        return exc.position
    except (ValueError, RecursionError):
        return None
    return None
