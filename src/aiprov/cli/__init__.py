"""The ``aiprov`` command: thin wrappers that parse arguments, call the library and render.

Exit codes: 0 the command did its job (and, for ``check``, nothing reached the
threshold); 1 ``check`` found something at or above ``--fail-on``; 2 bad input, with one
line naming the problem and no traceback; 3 an internal error (a bug: please report it;
set ``AIPROV_DEBUG=1`` for the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from aiprov.cli._common import EXIT_INPUT, EXIT_INTERNAL, CliError
from aiprov.exceptions import AiprovError
from aiprov.report._escape import plain

__all__ = ["main"]

#: One module a subcommand, in the order ``aiprov --help`` lists them.
_SUBCOMMANDS = (
    "_check",
    "_obligations",
    "_openness",
    "_convert",
    "_license",
    "_notice",
    "_diff",
    "_scan",
    "_verify",
    "_attest",
)


class _Version(argparse.Action):
    """``--version``, with the version looked up only when asked (importlib.metadata is slow to import)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        import aiprov

        parser.exit(message=f"aiprov {aiprov.__version__}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aiprov",
        description="License and provenance compliance for AI supply chains.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for name in _SUBCOMMANDS:
        module_name = f"aiprov.cli.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # a subcommand not shipped in this build
            if exc.name != module_name:
                raise
            continue
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except (CliError, AiprovError) as exc:
        # a message quotes ids, names and file names from the input: one line, shown and not obeyed
        print(f"aiprov: error: {plain(str(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except FileNotFoundError as exc:
        print(f"aiprov: error: {plain(str(exc.filename or exc))}: no such file", file=sys.stderr)
        return EXIT_INPUT
    except IsADirectoryError as exc:
        print(f"aiprov: error: {plain(str(exc.filename or exc))}: is a directory", file=sys.stderr)
        return EXIT_INPUT
    except PermissionError as exc:
        print(f"aiprov: error: {plain(str(exc.filename or exc))}: permission denied", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: one line, not a traceback
        if os.environ.get("AIPROV_DEBUG"):
            raise
        print(
            f"aiprov: internal error: {type(exc).__name__}: {plain(str(exc))} (set AIPROV_DEBUG=1 for details; "
            "please report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
