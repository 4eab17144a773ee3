"""``aiprov license show|normalize|compat|list``."""

from __future__ import annotations

import argparse
import difflib

from aiprov.cli._common import EXIT_INPUT, EXIT_OK, CliError, emit_json
from aiprov.licenses import CATEGORIES, default_catalog, is_compatible, normalize_license
from aiprov.licenses.compat import osadl_answer
from aiprov.licenses.terms import ExceptionTerms, LicenseTerms
from aiprov.report._terms import fmt, term_value

__all__ = ["register"]

#: (clause key, label), in the order ``license show`` prints them
_TERM_LABELS = (
    ("any_purpose", "Use for any purpose"),
    ("commercial_use", "Commercial use"),
    ("use_restrictions", "Use restrictions"),
    ("passthrough", "Pass-through to derivatives"),
    ("derivative_licensing", "Derivative licensing"),
    ("copyleft", "Copyleft"),
    ("non_commercial", "Non-commercial"),
    ("no_derivatives", "No derivatives"),
    ("attribution", "Attribution"),
    ("naming", "Naming"),
    ("output_restrictions", "Output restrictions"),
    ("derivative_definition", "What is a derivative"),
    ("termination", "Termination"),
    ("governing_law", "Governing law"),
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


def _unknown(license_id: str, reason: str | None = None) -> CliError:
    catalog = default_catalog()
    close = difflib.get_close_matches(license_id.lower(), list(catalog.names()), n=3, cutoff=0.75)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    because = f": {reason}" if reason else ""
    return CliError(f"unknown license {license_id!r}{because}{hint}")


def _resolve(text: str) -> list[list[tuple[LicenseTerms, ExceptionTerms | None]]]:
    """The licenses ``text`` names, as the choices it offers: one list per way to satisfy it.

    An id or alias is one choice of one license; ``A OR B`` two choices; ``A AND B`` one
    choice of two licenses; ``X WITH E`` keeps the exception beside its license.
    """
    catalog = default_catalog()
    record = catalog.get(text)
    if record is not None:
        return [[(record, None)]]
    norm = normalize_license(text)
    if norm.status != "ok" or norm.parsed is None:
        # the reason adds something unless it only repeats that ``text`` itself is unknown
        raise _unknown(text, None if norm.unknown_ids == (text,) else norm.reason)
    choices = []
    for conjunction in norm.parsed.choices():
        resolved = []
        for leaf in conjunction:
            assert leaf.id is not None
            found = catalog.get(leaf.id)
            if found is None:  # pragma: no cover - normalize said ok, so every id resolves
                raise _unknown(leaf.id)
            exception = catalog.exception(leaf.exception) if leaf.exception else None
            resolved.append((found, exception))
        choices.append(resolved)
    return choices


def _term_value(record: LicenseTerms, term: str) -> str:
    """One term as ``license show`` prints it: as :func:`~aiprov.report._terms.term_value` reads it,
    but saying so where a curated text has no termination clause, names no law or defines no derivative."""
    if term == "termination" and record.curated and record.termination is not None and not record.termination:
        return "no termination clause in the text"
    if (
        term in ("governing_law", "derivative_definition")
        and getattr(record, term) is None
        and record.curated
    ):
        clause = record.clause(term)
        if clause is not None and clause.clause is None:
            return "none named in the text" if term == "governing_law" else "not defined in the text"
    return term_value(record, term)


def _print_record(record: LicenseTerms, exception: ExceptionTerms | None, indent: str = "") -> None:
    title = f"{record.id} WITH {exception.id}" if exception else record.id
    print(f"{indent}{title}  {record.name}")
    meta = [
        f"category: {record.category}",
        f"kind: {record.kind}",
        f"OSI approved: {fmt(record.osi_approved)}",
        "curated from the text" if record.curated else f"NOT curated: {record.basis}",
    ]
    print(f"{indent}  " + " | ".join(meta))
    if record.source_url:
        print(f"{indent}  source: {record.source_url}")
    if exception is not None:
        where = f"  [{exception.clause}]" if exception.clause else ""
        print(f"{indent}  exception: {exception.name}{where}")
        print(f"{indent}    {exception.effect}")
    print()
    for term, label in _TERM_LABELS:
        clause = record.clause(term)
        where = f"  [§{clause.clause}]" if clause is not None and clause.clause else ""
        print(f"{indent}  {label:<28} {_term_value(record, term)}{where}")
        if clause is not None and clause.note and record.curated:
            print(f"{indent}  {'':<28}   {clause.note}")


def _as_dict(record: LicenseTerms, exception: ExceptionTerms | None) -> dict[str, object]:
    data = record.to_dict()
    data["exception"] = exception.to_dict() if exception is not None else None
    return data


def _show(args: argparse.Namespace) -> int:
    choices = _resolve(args.id)
    if len(choices) == 1 and len(choices[0]) == 1:
        record, exception = choices[0][0]
        if args.format == "json":
            emit_json(_as_dict(record, exception))
        else:
            _print_record(record, exception)
        return EXIT_OK
    expression = str(normalize_license(args.id).expression)
    if args.format == "json":
        emit_json(
            {
                "expression": expression,
                "choices": [[_as_dict(r, e) for r, e in choice] for choice in choices],
            }
        )
        return EXIT_OK
    if len(choices) == 1:
        print(f"{expression}: every one of these {len(choices[0])} licenses applies (AND)")
    else:
        print(f"{expression}: a choice of {len(choices)} (OR); the terms of the option you choose apply")
    for number, choice in enumerate(choices, 1):
        print()
        if len(choices) > 1:
            print(f"option {number}: {' AND '.join(f'{r.id} WITH {e.id}' if e else r.id for r, e in choice)}")
        for record, exception in choice:
            _print_record(record, exception, indent="  " if len(choices) > 1 else "")
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
        if osadl_answer(text, text) is not None:
            continue  # a canonical id the OSADL matrix has a row for: no need to load the catalog
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
