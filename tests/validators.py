"""Validation of what aiprov writes against each format's own schema or validator (shared by tests).

CycloneDX: cyclonedx-python-lib's strict JSON schema and XSD validators. SPDX 3.0.1: the official
JSON Schema (offline copy in ``shared/standards/spdx-3.0.1``, found through ``AIPROV_SPDX3_STANDARD``
or next to the checkout; skipped when absent) and, always, a load by the official bindings
(``spdx-python-model``), which check every property's type. SPDX 2.3: spdx-tools' full validation.
The manifest: the JSON Schema aiprov publishes.
"""

from __future__ import annotations

import functools
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPDX3_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"


def spdx3_standard() -> Path | None:
    """The directory holding the SPDX 3.0.1 ``schema.json``, if there is one on this machine."""
    candidates = [os.environ.get("AIPROV_SPDX3_STANDARD", "")]
    candidates += [str(p / "shared" / "standards" / "spdx-3.0.1") for p in ROOT.parents]
    for candidate in candidates:
        if candidate and (Path(candidate) / "schema.json").is_file():
            return Path(candidate)
    return None


@functools.cache
def _spdx3_validator(definition: str) -> Any:
    import jsonschema

    standard = spdx3_standard()
    assert standard is not None
    schema = json.loads((standard / "schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}", "unevaluatedProperties": False}
    )


def spdx3_errors(text: str) -> list[str]:
    """Problems the official bindings find loading the document, and (when the schema is on this
    machine) errors against the SPDX 3.0.1 JSON Schema, each ``@graph`` item checked against the
    definition its ``type`` names."""
    from spdx_python_model import v3_0_1 as spdx3

    doc = json.loads(text)
    errors = [] if doc.get("@context") == SPDX3_CONTEXT else ["@context is not the SPDX 3.0.1 context"]
    try:
        spdx3.JSONLDDeserializer().read(io.StringIO(text), spdx3.SHACLObjectSet())
    except Exception as exc:  # the bindings raise bare TypeError / ValueError for invalid values
        errors.append(f"spdx-python-model: {type(exc).__name__}: {exc}")
    if spdx3_standard() is not None:
        defs = _spdx3_validator("AnyClass").schema["$defs"]
        for item in doc.get("@graph", []):
            definition = item.get("type") if item.get("type") in defs else "AnyClass"
            errors += [
                f"{item.get('spdxId')}: {e.message}" for e in _spdx3_validator(definition).iter_errors(item)
            ]
    return errors


def spdx2_errors(text: str, suffix: str) -> list[str]:
    """spdx-tools' full validation of an SPDX 2.3 document (``suffix``: ``.spdx.json`` or ``.spdx``)."""
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc{suffix}"
        path.write_text(text, encoding="utf-8")
        return [m.validation_message for m in validate_full_spdx_document(parse_file(str(path)))]


def cyclonedx_errors(text: str, spec: str, xml: bool) -> list[str]:
    """The strict JSON schema or the XSD of CycloneDX ``spec``, through cyclonedx-python-lib."""
    from cyclonedx.schema import SchemaVersion

    version = SchemaVersion.from_version(spec)
    if xml:
        from cyclonedx.validation.xml import XmlValidator

        error = XmlValidator(version).validate_str(text)
    else:
        from cyclonedx.validation.json import JsonStrictValidator

        error = JsonStrictValidator(version).validate_str(text)
    return [] if error is None else [str(error)]


@functools.cache
def _manifest_validator() -> Any:
    import jsonschema

    schema = json.loads(
        (ROOT / "src/aiprov/schemas/aibom-manifest-1.schema.json").read_text(encoding="utf-8")
    )
    return jsonschema.Draft202012Validator(schema)


def manifest_errors(text: str) -> list[str]:
    """Errors of a YAML manifest against the published manifest schema."""
    import yaml

    return [e.message for e in _manifest_validator().iter_errors(yaml.safe_load(text))]


def errors(fmt: str, text: str, spec: str = "1.6") -> list[str]:
    """The validation errors of a document aiprov wrote in ``fmt`` (one of WRITE_FORMATS)."""
    if fmt in ("cyclonedx-json", "cyclonedx-xml"):
        return cyclonedx_errors(text, spec, xml=fmt == "cyclonedx-xml")
    if fmt == "spdx3-json":
        return spdx3_errors(text)
    if fmt in ("spdx2-json", "spdx2-tv"):
        return spdx2_errors(text, ".spdx.json" if fmt == "spdx2-json" else ".spdx")
    if fmt == "manifest":
        return manifest_errors(text)
    if fmt == "manifest-json":
        return [e.message for e in _manifest_validator().iter_errors(json.loads(text))]
    raise ValueError(fmt)
