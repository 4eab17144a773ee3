"""SARIF 2.1.0 for code scanning: one rule per finding code, one result per finding.

GitHub code scanning (and any SARIF viewer) shows each result at a place in the input file:
the line where the artifact is declared (``id: …`` in a manifest, ``"bom-ref"`` in CycloneDX
JSON, ``bom-ref="…"`` in CycloneDX XML, ``"spdxId"`` / ``"SPDXID"`` / ``SPDXID:`` in SPDX), or
line 1 with the artifact as a logical location where it cannot be found. A result's
``partialFingerprints`` hash what the finding *is* (code, subject, license, origin), never where it
stands, so the same finding stays the same alert when lines move.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiprov.analysis.checks import CODES, Finding, Report
from aiprov.report import _json

__all__ = ["SARIF_SCHEMA", "identity", "locate_artifacts", "sarif", "sarif_json"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_DOCS = "https://github.com/aiprov/aiprov/blob/main/docs/findings.md"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_FINGERPRINT = "aiprovFinding/v1"

#: How each format names an artifact where it is declared: a regex with the id in group 1.
_DECLARATIONS = (
    re.compile(r'^\s*-?\s*"?id"?\s*:\s*["\']?([^"\'\n,}]+?)["\']?\s*[,}]?\s*$'),  # manifest YAML/JSON
    re.compile(r'^\s*-\s*\{\s*id\s*:\s*["\']?([^"\',}]+?)["\']?\s*[,}]'),  # manifest flow style
    re.compile(r'"bom-ref"\s*:\s*"((?:[^"\\]|\\.)*)"'),  # CycloneDX JSON
    re.compile(r'\bbom-ref="([^"]*)"'),  # CycloneDX XML
    re.compile(r'"(?:spdxId|SPDXID|@id)"\s*:\s*"((?:[^"\\]|\\.)*)"'),  # SPDX 3 / SPDX 2 JSON
    re.compile(r"^\s*SPDXID:\s*(\S+)\s*$"),  # SPDX 2 tag-value
)


def locate_artifacts(text: str) -> dict[str, int]:
    """Map each artifact id declared in ``text`` to the (1-based) line that first declares it."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for pattern in _DECLARATIONS:
            match = pattern.search(line)
            if match:
                lines.setdefault(match.group(1).strip(), number)
                break
    return lines


def _location(source: str) -> dict[str, str]:
    """Where the input is: relative to the working directory (the repository root in CI, which
    ``%SRCROOT%`` stands for) where it can be, else an absolute ``file:`` URI."""
    path = Path(source)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return {"uri": path.resolve().as_uri()}
    return {"uri": quote(path.as_posix(), safe="/@-._~!$&'()*+,;="), "uriBaseId": "%SRCROOT%"}


def identity(finding: Finding) -> tuple[str, str, str, str]:
    """What a finding is, whatever lines or intermediate artifacts moved: its code, subject,
    license and origin (the artifact whose terms it is about: the end of its path)."""
    origin = finding.path[-1] if finding.path else finding.subject
    return (finding.code, finding.subject, finding.license or "", origin)


def _fingerprint(finding: Finding) -> str:
    return hashlib.sha256("\x1f".join(identity(finding)).encode("utf-8")).hexdigest()


_BRACKETS = re.compile(r"(\\*)([\[\]])")


def _text(message: str) -> str:
    """A message for SARIF's ``message.text``, whose viewers read ``[text](target)`` as an embedded
    link (SARIF 2.1.0 §3.11.6): square brackets from the input are escaped with a backslash (and a
    backslash before one doubled), so an id such as ``](javascript:…)`` stays text. The raw values
    are kept in the result's ``properties`` and logical locations."""
    return _BRACKETS.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), message)


def _rule(code: str, description: str) -> dict[str, Any]:
    anchor = code.replace("_", "-")
    return {
        "id": code,
        "name": "".join(part.capitalize() for part in code.split("-")),
        "shortDescription": {"text": description[:1].upper() + description[1:]},
        "fullDescription": {"text": f"aiprov finding {code}: {description}."},
        "help": {
            "text": f"{description[:1].upper() + description[1:]}. See {_DOCS}#{anchor}",
            "markdown": f"{description[:1].upper() + description[1:]}. See [docs/findings.md]({_DOCS}#{anchor}).",
        },
        "helpUri": f"{_DOCS}#{anchor}",
        "properties": {"tags": ["license", "compliance", "ai-supply-chain"]},
    }


def _result(
    finding: Finding, rule_index: int, where: dict[str, str] | None, lines: Mapping[str, int]
) -> dict[str, Any]:
    properties: dict[str, Any] = {"subject": finding.subject, "path": list(finding.path)}
    for key in ("license", "clause", "certainty", "remedy"):
        value = getattr(finding, key, None)
        if value is not None:
            properties[key] = value
    message = finding.message
    remedy = getattr(finding, "remedy", None)
    if remedy:
        message = (
            f"{message}. Remedy: {remedy}" if not message.endswith(".") else f"{message} Remedy: {remedy}"
        )
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": _text(message)},
        "partialFingerprints": {_FINGERPRINT: _fingerprint(finding)},
        "properties": properties,
    }
    logical = [{"name": finding.subject, "fullyQualifiedName": "/".join(finding.path), "kind": "element"}]
    if where is not None:
        physical: dict[str, Any] = {"artifactLocation": dict(where)}
        physical["region"] = {"startLine": lines.get(finding.subject, 1)}
        result["locations"] = [{"physicalLocation": physical, "logicalLocations": logical}]
    else:
        result["locations"] = [{"logicalLocations": logical}]
    return result


def sarif(
    report: Report,
    *,
    source: str | None = None,
    text: str | None = None,
    extra_codes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The SARIF 2.1.0 log of ``report`` as a dict.

    ``source`` is the input path as the user gave it (the result's artifact location);
    ``text`` its content, read to find the line each artifact is declared on. ``extra_codes``
    adds rules for codes of other commands (``verify``) beside :data:`CODES`.
    """
    descriptions = dict(CODES)
    descriptions.update(extra_codes or {})
    # Every known rule, in a fixed order, so that a rule's index is the same in every run.
    codes = sorted(set(descriptions) | {f.code for f in report.findings})
    index = {code: i for i, code in enumerate(codes)}
    rules = [_rule(code, descriptions.get(code, code)) for code in codes]
    lines = locate_artifacts(text) if text is not None else {}
    where = _location(source) if source is not None and source != "-" else None
    from aiprov import __version__

    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "aiprov",
                "semanticVersion": __version__ if re.match(r"^\d+\.\d+\.\d+", __version__) else "0.0.0",
                "informationUri": "https://github.com/aiprov/aiprov",
                "rules": rules,
            }
        },
        "columnKind": "utf16CodeUnits",
        "results": [_result(f, index[f.code], where, lines) for f in report.findings],
        "properties": {"summary": report.summary()},
    }
    if where is not None:
        run["artifacts"] = [{"location": dict(where), "roles": ["analysisTarget"]}]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def sarif_json(report: Report, **options: Any) -> str:
    """:func:`sarif` as JSON text (indented by two spaces, then a newline)."""
    return _json.dumps(sarif(report, **options)) + "\n"
