"""License knowledge: the catalog of terms, normalization of expressions, compatibility."""

from aiprov.licenses.catalog import CATEGORIES, Catalog, default_catalog, license_terms
from aiprov.licenses.compat import Verdict, is_compatible
from aiprov.licenses.expression import LicenseExpression, Normalized, normalize_license
from aiprov.licenses.terms import Clause, LicenseTerms

__all__ = [
    "CATEGORIES",
    "Catalog",
    "Clause",
    "LicenseExpression",
    "LicenseTerms",
    "Normalized",
    "Verdict",
    "default_catalog",
    "is_compatible",
    "license_terms",
    "normalize_license",
]
