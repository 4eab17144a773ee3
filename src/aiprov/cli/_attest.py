"""``aiprov attest`` and ``aiprov verify-attestation``: in-toto statements about a BOM's files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aiprov.analysis.policy import Policy
from aiprov.cli._common import EXIT_FINDINGS, EXIT_OK, CliError, use_color
from aiprov.formats import load
from aiprov.provenance.attest import sign_envelope, statement, verify_attestation
from aiprov.report import _json
from aiprov.report._escape import plain
from aiprov.report.provenance import RENDERERS

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser(
        "attest", help="an in-toto statement of the BOM's files (DSSE-signed with --key)"
    )
    cmd.add_argument("input", help="any BOM aiprov reads")
    cmd.add_argument("-o", "--output", metavar="FILE", help="write here (default: standard output)")
    cmd.add_argument(
        "--key", metavar="PEM", help="sign in a DSSE envelope with this private key (ECDSA P-256 or Ed25519)"
    )
    cmd.add_argument(
        "--predicate",
        choices=("bom", "check"),
        default="bom",
        help="bom: the CycloneDX BOM (default); check: the check result under --policy",
    )
    cmd.add_argument("--policy", metavar="FILE", help="policy YAML for --predicate check")
    cmd.set_defaults(run=_attest)

    ver = commands.add_parser(
        "verify-attestation",
        help="check a DSSE-signed attestation's signature and its subjects' digests against the files",
    )
    ver.add_argument("input", metavar="FILE", help="a DSSE envelope (or a bare in-toto statement)")
    ver.add_argument(
        "--key", action="append", required=True, metavar="PUB", help="a trusted public key, PEM (repeatable)"
    )
    ver.add_argument(
        "--root",
        metavar="DIR",
        help="where the subjects' files are (default: their recorded root, else the file's folder)",
    )
    ver.add_argument("--format", choices=tuple(RENDERERS), default="text")
    ver.set_defaults(run=_verify_attestation)


def _attest(args: argparse.Namespace) -> int:
    bom = load(args.input)
    policy = Policy.load(args.policy) if args.policy else Policy.of(bom, args.input)
    body = statement(bom, predicate=args.predicate, policy=policy)
    document = sign_envelope(body, args.key) if args.key else body
    text = _json.dumps(document) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _verify_attestation(args: argparse.Namespace) -> int:
    if args.root is not None and not Path(args.root).is_dir():
        raise CliError(f"--root {args.root}: not a folder")
    result = verify_attestation(args.input, args.key, root=args.root)
    if args.format == "json":
        sys.stdout.write(_json.dumps(result.to_dict()) + "\n")
    else:
        if args.format == "text":
            head = (
                f"{args.input}: signature verified (key sha256:{result.keyid})"
                if result.signed
                else f"{args.input}: signature NOT verified"
            )
            predicate = plain(str(result.statement.get("predicateType")))
            sys.stdout.write(f"{plain(head)}; predicate {predicate}\n\n")
        sys.stdout.write(RENDERERS[args.format](result.report, None, use_color()))
    return EXIT_OK if result.signed and not result.report.at_or_above("error") else EXIT_FINDINGS
