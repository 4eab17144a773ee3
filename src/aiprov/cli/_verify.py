"""``aiprov verify``: the files a BOM describes checked against its digests and model signatures."""

from __future__ import annotations

import argparse
from pathlib import Path

from aiprov.analysis.policy import Policy
from aiprov.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CliError,
    add_fail_on,
    add_output,
    input_text,
    output_stream,
    use_color,
    write_output,
)
from aiprov.formats import load
from aiprov.graph import AIBOM
from aiprov.provenance.signatures import TrustedSigners
from aiprov.provenance.verify import verify
from aiprov.report.provenance import RENDERERS

__all__ = ["register", "trust_args"]


def trust_args(parser: argparse.ArgumentParser) -> None:
    trust = parser.add_argument_group("whom to trust for model signatures (model.sig)")
    trust.add_argument(
        "--trusted-key", action="append", default=[], metavar="PEM", help="a signer's public key (repeatable)"
    )
    trust.add_argument(
        "--trusted-certificate",
        action="append",
        default=[],
        metavar="PEM",
        help="a certificate chain to trust for certificate-signed models (repeatable)",
    )
    trust.add_argument("--identity", help="sigstore: the signer identity (needs --issuer; uses the network)")
    trust.add_argument("--issuer", help="sigstore: the OpenID Connect issuer of --identity")


def trusted(args: argparse.Namespace) -> TrustedSigners:
    if bool(args.identity) != bool(args.issuer):
        raise CliError("--identity and --issuer go together")
    return TrustedSigners(
        keys=tuple(args.trusted_key),
        certificates=tuple(args.trusted_certificate),
        identities=((args.identity, args.issuer),) if args.identity else (),
    )


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser(
        "verify", help="check the files a BOM describes against its digests and their model signatures"
    )
    cmd.add_argument("input", help="any BOM aiprov reads (manifest, CycloneDX, SPDX, in-toto statement)")
    cmd.add_argument(
        "--root",
        metavar="DIR",
        help="where the files are: replaces the scan root the BOM records "
        "(default: that root, else the BOM file's folder)",
    )
    trust_args(cmd)
    cmd.add_argument("--policy", metavar="FILE", help="policy YAML (require: [signed], trusted_signers)")
    cmd.add_argument("--format", choices=(*RENDERERS, "sarif", "html"), default="text")
    cmd.add_argument(
        "--annotate",
        metavar="FILE",
        help="also write the BOM with each model and weights artifact's signature status recorded "
        "(properties signature, signed_by), in the input's format: what `aiprov check` reads under "
        "require: [signed]",
    )
    add_output(cmd)
    add_fail_on(cmd)
    cmd.set_defaults(run=_verify)


def _verify(args: argparse.Namespace) -> int:
    bom = load(args.input)
    policy = Policy.load(args.policy) if args.policy else Policy.of(bom, args.input)
    if args.annotate == "-":
        raise CliError("--annotate needs a file (standard output carries the report)")
    if args.root is not None and not Path(args.root).is_dir():
        raise CliError(f"--root {args.root}: not a folder")
    report = verify(bom, args.root, base=Path(args.input).parent, policy=policy, trusted=trusted(args))
    if args.annotate:
        _annotate(report.annotate(bom), args.annotate)
    with output_stream(args.output) as stream:
        if args.format == "sarif":
            from aiprov.provenance.verify import CODES
            from aiprov.report.sarif import sarif_json

            stream.write(
                sarif_json(report, source=args.input, text=input_text(args.input), extra_codes=CODES)
            )
        elif args.format == "html":
            from aiprov.report.html import verify_page

            stream.write(verify_page(report, bom, source=args.input))
        else:
            stream.write(RENDERERS[args.format](report, bom, use_color(stream)))
    return EXIT_FINDINGS if report.at_or_above(args.fail_on) else EXIT_OK


def _annotate(bom: AIBOM, path: str) -> None:
    """The annotated BOM, written in the format it was read from; the manifest where that format is
    read-only (an in-toto statement) or keeps no artifact properties (MOT)."""
    from aiprov.formats import WRITE_FORMATS, dumps

    fmt = bom.metadata.get("source_format")
    fmt = fmt if isinstance(fmt, str) and fmt in WRITE_FORMATS and fmt != "mot" else "manifest"
    options = {"spec_version": "1.7" if bom.metadata.get("cyclonedx_spec_version") == "1.7" else "1.6"}
    write_output(dumps(bom, fmt, **(options if fmt.startswith("cyclonedx") else {})), path)
