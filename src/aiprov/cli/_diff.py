"""``aiprov diff OLD NEW``: what changed between two BOMs, and the findings that came or went."""

from __future__ import annotations

import argparse
import dataclasses

from aiprov.analysis.policy import DISTRIBUTIONS, Policy
from aiprov.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CliError,
    add_fail_on,
    add_input_options,
    add_output,
    input_text,
    load_input,
    write_output,
)
from aiprov.report import diff as render
from aiprov.report.sarif import sarif_json

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "diff", help="what changed between two BOMs (any formats), and the findings that came or went"
    )
    parser.add_argument("old", help="the BOM before (any format aiprov reads)")
    parser.add_argument("new", help="the BOM after")
    add_input_options(parser)
    parser.add_argument(
        "--policy",
        metavar="FILE",
        help="judge both sides by this policy (default: each side's inline policy, else the default)",
    )
    commercial = parser.add_mutually_exclusive_group()
    commercial.add_argument("--commercial", dest="commercial", action="store_true", default=None)
    commercial.add_argument("--non-commercial", dest="commercial", action="store_false")
    parser.add_argument("--distribution", choices=DISTRIBUTIONS)
    parser.add_argument("--mau", type=int, metavar="N")
    parser.add_argument("--format", choices=("text", "json", "markdown", "sarif", "html"), default="text")
    add_fail_on(parser, "a NEW finding")
    add_output(parser)
    parser.set_defaults(run=_run)


def _policy(args: argparse.Namespace, inline: object, source: str) -> Policy:
    if args.policy:
        policy = Policy.load(args.policy)
    elif inline is not None:
        policy = Policy.from_dict(inline, f"{source} (policy)")
    else:
        policy = Policy()
    if args.mau is not None and args.mau < 0:
        raise CliError("--mau must be >= 0")
    return policy.with_use(
        commercial=args.commercial, distribution=args.distribution, monthly_active_users=args.mau
    )


def _run(args: argparse.Namespace) -> int:
    from aiprov.analysis.checks import check

    old, new = load_input(args, args.old), load_input(args, args.new)
    old_policy = _policy(args, old.metadata.get("policy"), args.old)
    new_policy = _policy(args, new.metadata.get("policy"), args.new)
    result = render.diff(old, new, old_report=check(old, old_policy), new_report=check(new, new_policy))
    if args.format == "json":
        text = render.diff_json(result)
    elif args.format == "markdown":
        text = render.diff_markdown(result, args.old, args.new)
    elif args.format == "sarif":
        new_only = dataclasses.replace(result.new_report, findings=result.findings_new, waived=())
        text = sarif_json(new_only, source=args.new, text=input_text(args.new))
    elif args.format == "html":
        from aiprov.report.html import diff_page

        text = diff_page(result, args.old, args.new)
    else:
        text = render.diff_text(result, args.old, args.new)
    write_output(text, args.output)
    return EXIT_FINDINGS if result.new_at_or_above(args.fail_on) else EXIT_OK
