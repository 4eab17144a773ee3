"""Free data as canonical JSON text, for the writers that carry it in a string field (private).

Manifests are YAML, whose safe loader makes dates and timestamps of unquoted ``2026-12-31``; JSON
has no such type, so they are written as their ISO 8601 text (which every reader of a policy or a
date-valued property takes back as the same date). A value JSON cannot hold at all (YAML
``!!binary`` bytes, ``!!set``) is refused with an :class:`InputError` naming it, never written as
Python's ``repr``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from aiprov.exceptions import InputError

__all__ = ["canonical_json", "json_default"]


def json_default(value: Any) -> Any:
    """``json.dumps``' ``default``: dates as ISO 8601 text; anything else is an InputError."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    raise InputError(
        f"a value of type {type(value).__name__} ({str(value)[:40]!r}) cannot be written as JSON; "
        "give it as text"
    )


def canonical_json(value: Any) -> str:
    """Same value, same bytes: keys sorted, no ASCII escaping, dates as ISO 8601 text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=json_default)
