"""``aiprov license show|normalize|compat|list``."""

from __future__ import annotations

import argparse
import difflib

from aiprov.cli._common import EXIT_INPUT, EXIT_OK, CliError, emit_json
from aiprov.licenses import CATEGORIES, default_catalog, is_compatible, normalize_license
from aiprov.licenses.terms import LicenseTerms

__all__ = ["register"]

_TERM_LABELS = (
    ("any_purpose", "Use for any purpose", "any_purpose"),
    ("commercial_use", "Commercial use", "commercial_use"),
    ("use_restrictions", "Use restrictions", "use_restrictions"),
    ("passthrough", "Pass-through to derivatives", "passthrough_required"),
    ("derivative_licensing", "Derivative licensing", "derivative_licensing"),
    ("copyleft", "Copyleft", "copyleft"),
    ("non_commercial", "Non-commercial", "non_commercial"),
    ("no_derivatives", "No derivatives", "no_derivatives"),
    ("attribution", "Attribution", "attribution_requirement"),
    ("naming", "Naming", "naming_requirement"),
    ("output_restrictions", "Output restrictions", "output_restrictions"),
    ("derivative_definition", "What is a derivative", "derivative_definition"),
    ("termination", "Termination", "termination"),
    ("governing_law", "Governing law", "governing_law"),
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("license", help="what a license permits and requires")
    sub = parser.add_subparsers(dest="license_command", metavar="SUBCOMMAND")
    sub.required = True

    show = sub.add_parser("show", help="the terms of one license, each with its clause")
    show.add_argument("id", help="SPDX id, LicenseRef-, ScanCode key or Hugging Face identifier")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(run=_show)

    normalize = sub.add_parser("normalize", help="turn free text into a canonical expression")
    normalize.add_argument("text", help='e.g. "Apache 2.0", "GPLv3 or MIT", "llama3.1"')
    normalize.add_argument("--format", choices=("text", "json"), default="text")
    normalize.set_defaults(run=_normalize)

    compat = sub.add_parser("compat", help="may INBOUND material be included in a work under OUTBOUND?")
    compat.add_argument("outbound", help="the license the combined work is distributed under")
    compat.add_argument("inbound", help="the license (or expression) of the material included")
    compat.add_argument("--format", choices=("text", "json"), default="text")
    compat.set_defaults(run=_compat)

    listing = sub.add_parser("list", help="the curated licenses")
    listing.add_argument("--category", choices=CATEGORIES, help="only this category")
    listing.add_argument(
        "--all", action="store_true", help="also every SPDX / ScanCode id (derived records, not hand-curated)"
    )
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(run=_list)


def _lookup(license_id: str) -> LicenseTerms:
    catalog = default_catalog()
    record = catalog.get(license_id)
    if record is not None:
        return record
    norm = normalize_license(license_id)
    if norm.status == "ok" and norm.parsed is not None and norm.parsed.op == "id" and norm.parsed.id:
        found = catalog.get(norm.parsed.id)
        if found is not None:
            return found
    close = difflib.get_close_matches(license_id.lower(), list(catalog.names()), n=3, cutoff=0.75)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise CliError(f"unknown license {license_id!r}{hint}")


def _fmt(value: object) -> str:
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value) or "none"
    return str(value)


def _show(args: argparse.Namespace) -> int:
    record = _lookup(args.id)
    if args.format == "json":
        emit_json(record.to_dict())
        return EXIT_OK
    print(f"{record.id}  {record.name}")
    meta = [
        f"category: {record.category}",
        f"kind: {record.kind}",
        f"OSI approved: {_fmt(record.osi_approved)}",
        "curated from the text" if record.curated else f"NOT curated: {record.basis}",
    ]
    print("  " + " | ".join(meta))
    if record.source_url:
        print(f"  source: {record.source_url}")
    print()
    for term, label, attr in _TERM_LABELS:
        value = getattr(record, attr)
        if term == "commercial_use" and record.threshold is not None:
            value = f"{value} (above {record.threshold:,} {record.threshold_counted or ''})".rstrip()
        if term == "use_restrictions" and record.use_restriction_categories:
            value = f"{_fmt(value)}: {', '.join(record.use_restriction_categories)}"
            if record.use_policy:
                value += f" (policy {record.use_policy})"
        clause = record.clause(term)
        where = f"  [§{clause.clause}]" if clause is not None and clause.clause else ""
        print(f"  {label:<28} {_fmt(value)}{where}")
        if clause is not None and clause.note and record.curated:
            print(f"  {'':<28}   {clause.note}")
    return EXIT_OK


def _normalize(args: argparse.Namespace) -> int:
    result = normalize_license(args.text)
    if args.format == "json":
        emit_json(result.to_dict())
    else:
        print(f"{result.status}: {result.expression or '-'}  ({result.reason})")
    return EXIT_INPUT if result.status == "invalid" else EXIT_OK


def _compat(args: argparse.Namespace) -> int:
    for text in (args.outbound, args.inbound):
        norm = normalize_license(text)
        if norm.status != "ok":
            raise CliError(f"{text!r}: {norm.reason}")
    verdict = is_compatible(args.outbound, args.inbound)
    if args.format == "json":
        emit_json(verdict.to_dict())
    else:
        print(f"{verdict.verdict}: {verdict.inbound} into {verdict.outbound}")
        print(f"  {verdict.reason}")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    catalog = default_catalog()
    records = list(catalog.curated())
    if args.all:
        curated_ids = {r.id for r in records}
        records += [
            r for i in catalog.all_ids() if i not in curated_ids and (r := catalog.get(i)) is not None
        ]
    if args.category:
        records = [r for r in records if r.category == args.category]
    if args.format == "json":
        emit_json(
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "category": r.category,
                    "kind": r.kind,
                    "curated": r.curated,
                    "osi_approved": r.osi_approved,
                }
                for r in records
            ]
        )
        return EXIT_OK
    for r in records:
        print(f"{r.id:<52} {r.category:<18} {r.name}")
    return EXIT_OK
