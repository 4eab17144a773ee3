"""Shared pieces of the command line: exit codes, output helpers, the command registry."""

from __future__ import annotations

import sys
from typing import Any

from aiprov.report import _json

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


class CliError(Exception):
    """A usage problem found after argument parsing (exit 2)."""


def emit_json(data: Any) -> None:
    sys.stdout.write(_json.dumps(data) + "\n")


def use_color(stream: Any = None) -> bool:
    import os

    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def input_text(path: str) -> str | None:
    """The text of an input that is a regular file (for placing results on its lines), else None."""
    from pathlib import Path

    from aiprov.exceptions import AiprovError
    from aiprov.formats import read_text

    try:
        if not Path(path).is_file():
            return None
        return read_text(path)
    except (AiprovError, OSError):
        return None


def write_output(text: str, output: str | None) -> None:
    """Write ``text`` to the file ``output``, or to standard output for None or ``-``."""
    if output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from pathlib import Path

    Path(output).write_text(text, encoding="utf-8")
