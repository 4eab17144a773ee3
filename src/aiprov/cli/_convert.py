"""``aiprov convert INPUT --to FORMAT [-o OUT] [--spec-version 1.6|1.7]``: one format to another.

The input format is detected from the content (``--from FORMAT`` says it); ``-`` reads stdin. ``-o -`` or no ``-o`` prints to stdout.
"""

from __future__ import annotations

import argparse

from aiprov.cli._common import EXIT_OK, CliError, add_input, load_input, warn, write_output
from aiprov.formats import dumps
from aiprov.formats._spdx2_snippets import lost_snippets

__all__ = ["register"]

TARGETS = ("cyclonedx-json", "cyclonedx-xml", "spdx3-json", "spdx2-json", "spdx2-tv", "manifest")
_CYCLONEDX = ("cyclonedx-json", "cyclonedx-xml")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "convert",
        help="convert an AI-BOM between formats (input format detected from content)",
        description="Convert an AI-BOM: aibom manifest, CycloneDX (JSON/XML), SPDX 2.3 or SPDX 3.0.1.",
    )
    add_input(parser, "the document to read (format detected from its content unless --from)")
    parser.add_argument("--to", required=True, choices=TARGETS, help="the format to write")
    parser.add_argument("-o", "--output", default="-", help="file to write (default: stdout; '-' for stdout)")
    parser.add_argument(
        "--spec-version",
        choices=("1.6", "1.7"),
        default=None,
        help="CycloneDX version to write (default: 1.7 for a CycloneDX 1.7 input, else 1.6)",
    )
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    if args.spec_version is not None and args.to not in _CYCLONEDX:
        raise CliError(f"--spec-version applies to cyclonedx-json and cyclonedx-xml, not {args.to}")
    bom = load_input(args)
    # a CycloneDX 1.7 input stays 1.7 unless told otherwise: its 1.7-only fields would not validate as 1.6
    default = "1.7" if bom.metadata.get("cyclonedx_spec_version") == "1.7" else "1.6"
    options = {"spec_version": args.spec_version or default} if args.to in _CYCLONEDX else {}
    text = dumps(bom, args.to, **options)
    # what the reader could not carry over, and the SPDX 2 snippets the target does not hold
    for what in [*(bom.metadata.get("not_kept") or ()), *lost_snippets(bom, args.to)]:
        warn(f"{args.input}: {what} is not kept in the output")
    write_output(text, args.output)
    return EXIT_OK
