"""Shared pieces of the command line: exit codes, output helpers, the command registry."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TextIO

from aiprov.report import _json

if TYPE_CHECKING:
    from aiprov.graph import AIBOM

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


class CliError(Exception):
    """A usage problem found after argument parsing (exit 2)."""


def emit_json(data: Any) -> None:
    sys.stdout.write(_json.dumps(data) + "\n")


def add_input(parser: argparse.ArgumentParser, help: str) -> None:
    """The input argument every reading command takes, with ``--from`` and ``--max-size``."""
    parser.add_argument("input", help=f"{help}; '-' reads standard input")
    add_input_options(parser)


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """``--from FORMAT`` and ``--max-size SIZE``, for a command whose inputs are named otherwise (read
    them with ``load_input(args, path)``)."""
    from aiprov.formats import READ_FORMATS

    parser.add_argument(
        "--from",
        dest="input_format",
        choices=READ_FORMATS,
        metavar="FORMAT",
        help=f"the input's format (default: detected from its content; one of {', '.join(READ_FORMATS)})",
    )
    parser.add_argument(
        "--max-size",
        metavar="SIZE",
        help="refuse inputs larger than SIZE bytes (K, M, G suffixes; 0: no limit; default: "
        "$AIPROV_MAX_SIZE, else 256M, and 32M for SPDX 2, 64M for CycloneDX XML, 16M for MOT YAML)",
    )


def load_input(args: argparse.Namespace, path: str | None = None) -> AIBOM:
    """Read ``path`` (default: the command's ``input``) as :func:`add_input_options` described it."""
    from pathlib import Path

    from aiprov.formats import load, parse_size

    target = args.input if path is None else path
    if target != "-" and Path(target).is_dir():  # a folder is scanned, then judged
        from aiprov.cli._scan import load_or_scan

        return load_or_scan(target)
    size = getattr(args, "max_size", None)
    limit = parse_size(size) if size is not None else None
    return load(args.input if path is None else path, getattr(args, "input_format", None), max_size=limit)


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


@contextlib.contextmanager
def output_stream(output: str | None) -> Iterator[TextIO]:
    """A stream to write a command's result to: the file ``output`` (UTF-8, replaced), or standard
    output for None or ``-``. For results written piece by piece (a large JSON report), where
    :func:`write_output` would need the whole text first."""
    if output in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
        return
    with open(output, "w", encoding="utf-8") as stream:
        yield stream
