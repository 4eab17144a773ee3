"""The errors aiprov raises. All inherit :class:`AiprovError`.

Exceptions are for bad input and misuse only; judgements about a supply chain are
returned as findings, never raised.
"""

from __future__ import annotations

__all__ = [
    "AiprovError",
    "CatalogError",
    "GraphError",
    "InputError",
    "LicenseDataError",
    "ParseError",
    "UnknownLicenseError",
]


class AiprovError(Exception):
    """Root of every error aiprov raises on purpose."""


class InputError(AiprovError, ValueError):
    """Bad input from the user: a file, an argument or a value aiprov cannot use.

    ``source`` names the file (or ``<string>``) and ``location`` the place in it
    (a line, a key path), when known.
    """

    def __init__(self, message: str, *, source: str | None = None, location: str | None = None) -> None:
        self.message = message
        self.source = source
        self.location = location
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.source and self.location:
            where = f"{self.source}: {self.location}: "
        elif self.source:
            where = f"{self.source}: "
        elif self.location:
            where = f"{self.location}: "
        return f"{where}{self.message}"


class ParseError(InputError):
    """A document could not be read: not the format it claims, or invalid against its schema."""


class GraphError(InputError):
    """An AI-BOM that cannot be a graph: duplicate or unknown ids, a derivation cycle."""


class CatalogError(AiprovError, LookupError):
    """A problem with the license catalog itself."""


class LicenseDataError(CatalogError, InputError):
    """A file in license-data/ is invalid: names the file and the field."""

    def __init__(self, message: str, *, source: str | None = None, location: str | None = None) -> None:
        InputError.__init__(self, message, source=source, location=location)


class UnknownLicenseError(CatalogError, KeyError):
    """A license id that neither the curated catalog nor the SPDX / ScanCode index knows."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown license"
