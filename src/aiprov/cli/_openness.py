"""``aiprov openness INPUT``: OSAID 1.0 conformance and MOF class, requirement by requirement."""

from __future__ import annotations

import argparse

from aiprov.analysis.openness import openness
from aiprov.cli._common import EXIT_OK, add_input, add_output, load_input, output_stream
from aiprov.report.openness import openness_json, openness_markdown, openness_text

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "openness",
        help="is it open? Open Source AI Definition 1.0 and Model Openness Framework class",
        description="Judge a release against the OSI's Open Source AI Definition 1.0 and the LF AI & Data "
        "Model Openness Framework (with the Model Openness Tool's class beside aiprov's). Exit 0 when "
        "the report was produced, whatever it says; 2 on bad input.",
    )
    add_input(parser, "any document aiprov reads, including Model Openness Tool YAML, or a folder to scan")
    parser.add_argument("--framework", choices=("osaid", "mof", "both"), default="both")
    parser.add_argument("--format", choices=("text", "json", "markdown", "html"), default="text")
    add_output(parser)
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    bom = load_input(args)
    frameworks = ("osaid", "mof") if args.framework == "both" else (args.framework,)
    report = openness(bom, frameworks=frameworks)
    if args.format == "html":
        from aiprov.report.html import openness_page

        text = openness_page(report)
    else:
        text = {"json": openness_json, "markdown": openness_markdown, "text": openness_text}[args.format](
            report
        )
    with output_stream(args.output) as stream:
        stream.write(text)
    return EXIT_OK
