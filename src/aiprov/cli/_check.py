"""``aiprov check`` and ``aiprov obligations``."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys

from aiprov.analysis.checks import check
from aiprov.analysis.obligations import obligations
from aiprov.analysis.policy import DISTRIBUTIONS, Policy
from aiprov.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CliError,
    add_input,
    input_text,
    load_input,
    output_stream,
    use_color,
)
from aiprov.formats import source_name
from aiprov.graph import AIBOM
from aiprov.report import findings as render
from aiprov.report.sarif import sarif_json

__all__ = ["register"]


def _policy_args(
    parser: argparse.ArgumentParser, formats: tuple[str, ...] = ("text", "json", "markdown", "sarif")
) -> None:
    add_input(parser, "aibom manifest, CycloneDX, SPDX 2.3/3.0.1 document, MOT YAML, or a folder to scan")
    parser.add_argument(
        "--policy",
        metavar="FILE",
        help="policy YAML (default: the manifest's inline policy, "
        "else a commercial product that distributes weights)",
    )
    commercial = parser.add_mutually_exclusive_group()
    commercial.add_argument(
        "--commercial", dest="commercial", action="store_true", default=None, help="the use is commercial"
    )
    commercial.add_argument(
        "--non-commercial", dest="commercial", action="store_false", help="the use is non-commercial"
    )
    parser.add_argument("--distribution", choices=DISTRIBUTIONS, help="how the result is shipped")
    parser.add_argument("--mau", type=int, metavar="N", help="monthly active users of the product")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="judge waiver expiry as of this date")
    parser.add_argument("--format", choices=formats, default="text")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chk = commands.add_parser(
        "check", help="find license conflicts and compliance problems in a supply chain"
    )
    _policy_args(chk, ("text", "json", "markdown", "sarif", "html"))
    chk.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="FILE",
        help="write the report to FILE instead of standard output (the exit code is the same)",
    )
    chk.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default="error",
        help="exit 1 when a finding is at or above this severity (default: error)",
    )
    chk.set_defaults(run=_check)
    obl = commands.add_parser(
        "obligations", help="what you must do to ship: notices, attribution, naming, ..."
    )
    _policy_args(obl, ("text", "json", "markdown"))
    obl.set_defaults(run=_obligations)


def load_with_policy(args: argparse.Namespace) -> tuple[AIBOM, Policy]:
    bom = load_input(args)
    policy = Policy.load(args.policy) if args.policy else Policy.of(bom, source_name(args.input))
    if args.mau is not None and args.mau < 0:
        raise CliError("--mau must be >= 0")
    policy = policy.with_use(
        commercial=args.commercial, distribution=args.distribution, monthly_active_users=args.mau
    )
    if args.today:
        try:
            policy = dataclasses.replace(policy, today=dt.date.fromisoformat(args.today))
        except ValueError:
            raise CliError(f"--today {args.today!r}: expected YYYY-MM-DD") from None
    return bom, policy


def _check(args: argparse.Namespace) -> int:
    bom, policy = load_with_policy(args)
    report = check(bom, policy)
    with output_stream(args.output) as stream:
        if args.format == "json":
            render.write_findings_json(report, stream)
        elif args.format == "markdown":
            stream.write(render.findings_markdown(report, bom))
        elif args.format == "sarif":
            stream.write(sarif_json(report, source=args.input, text=input_text(args.input)))
        elif args.format == "html":
            from aiprov.analysis.openness import openness
            from aiprov.report.html import report_page

            page = report_page(bom, report, obligations=obligations(bom, policy), openness=openness(bom))
            stream.write(page)
        else:
            render.write_findings_text(report, stream, bom, color=use_color(stream))
    return EXIT_FINDINGS if report.at_or_above(args.fail_on) else EXIT_OK


def _obligations(args: argparse.Namespace) -> int:
    bom, policy = load_with_policy(args)
    report = obligations(bom, policy)
    if args.format == "json":
        sys.stdout.write(render.obligations_json(report))
    elif args.format == "markdown":
        sys.stdout.write(render.obligations_markdown(report, bom))
    else:
        sys.stdout.write(render.obligations_text(report, bom, color=use_color()))
    return EXIT_OK
