"""``aiprov notice INPUT``: the notice file to ship with the product."""

from __future__ import annotations

import argparse

from aiprov.analysis.obligations import obligations
from aiprov.cli._check import _policy_args, load_with_policy
from aiprov.cli._common import EXIT_OK, write_output
from aiprov.report import notice as render

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "notice",
        help="the attribution and notice file to ship: Built with …, data credits, use policies, license texts",
    )
    _policy_args(parser, ("text", "markdown", "html", "json"))
    parser.add_argument(
        "--artifact",
        action="append",
        metavar="ID",
        help="an artifact that is shipped (repeatable; default: those nothing else depends on)",
    )
    parser.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    parser.set_defaults(run=_run)


_RENDER = {
    "text": render.notice_text,
    "markdown": render.notice_markdown,
    "html": render.notice_html,
    "json": render.notice_json,
}


def _run(args: argparse.Namespace) -> int:
    bom, policy = load_with_policy(args)
    notice = render.build_notice(bom, obligations(bom, policy), shipped=args.artifact)
    write_output(_RENDER[args.format](notice), args.output)
    return EXIT_OK
