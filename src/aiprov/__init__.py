"""aiprov: license and provenance compliance for AI supply chains.

>>> import aiprov
>>> aiprov.normalize_license("Apache License, Version 2.0").expression
'Apache-2.0'
>>> aiprov.license_terms("llama3.1").naming_prefix
'Llama'
"""

from aiprov.analysis import OpennessReport, Policy, check, obligations, openness
from aiprov.exceptions import AiprovError, GraphError, InputError, ParseError, UnknownLicenseError
from aiprov.formats import dumps, load, loads
from aiprov.graph import AIBOM, Artifact, Relation
from aiprov.licenses import (
    Catalog,
    LicenseTerms,
    Normalized,
    Verdict,
    is_compatible,
    license_terms,
    normalize_license,
)
from aiprov.scan import from_model_card, scan  # the function shadows the subpackage: aiprov.scan(...)


def __getattr__(name: str) -> str:
    """``aiprov.__version__``, looked up when asked: importing importlib.metadata costs a command's
    start-up about 0.1 s."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("aiprov")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            return "0+unknown"
    raise AttributeError(f"module 'aiprov' has no attribute {name!r}")


__all__ = [
    "AIBOM",
    "AiprovError",
    "Artifact",
    "Catalog",
    "GraphError",
    "InputError",
    "LicenseTerms",
    "Normalized",
    "OpennessReport",
    "ParseError",
    "Policy",
    "Relation",
    "UnknownLicenseError",
    "Verdict",
    "__version__",
    "check",
    "dumps",
    "from_model_card",
    "is_compatible",
    "license_terms",
    "load",
    "loads",
    "normalize_license",
    "obligations",
    "openness",
    "scan",
]
