"""The user's intended use and rules: what aiprov judges a supply chain against.

A policy file (YAML) looks like::

    use:
      commercial: true
      distribution: saas          # internal | saas | weights | source
      monthly_active_users: 2000000
      revenue_usd: 5000000
      field: medical              # matched against license use-restriction categories
      region: EU
    data_terms_reach_models: warn # strict | warn | off
    deny: [AGPL-3.0-only, non-commercial]      # license ids or categories
    allow: [CC-BY-NC-4.0]                      # exceptions to deny
    proprietary: [LicenseRef-acme-proprietary] # your own LicenseRef- ids that are proprietary
    require: {hashes: true, osi_approved_weights: false, source: false, supplier: false}
    # or a list of the demands: require: [hashes, signed]
    trusted_signers:                           # who may sign models (aiprov verify)
      - {name: acme, key: keys/acme.pub}       # a public key (PEM), relative to this file
      - {certificate: certs/ca.pem}            # a certificate chain (PEM)
      - {identity: release@acme.example, issuer: https://accounts.google.com}  # sigstore
    waivers:
      - {code: naming-requirement, subject: acme-chat, reason: "renaming in v2", expires: 2026-12-31}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from aiprov.exceptions import ParseError
from aiprov.formats import read_text
from aiprov.formats._yaml import load_yaml
from aiprov.graph import AIBOM
from aiprov.licenses.catalog import CATEGORIES, default_catalog

__all__ = [
    "CATEGORY_NAMES",
    "CONDITIONAL_CATEGORIES",
    "DEFAULT_POLICY",
    "DISTRIBUTIONS",
    "FIELD_CATEGORIES",
    "Policy",
    "Require",
    "Signer",
    "Use",
    "Waiver",
]

DISTRIBUTIONS = ("internal", "saas", "weights", "source")
DataTerms = Literal["strict", "warn", "off"]

#: A field of use -> the license use-restriction categories it runs into.
FIELD_CATEGORIES: dict[str, frozenset[str]] = {
    "medical": frozenset({"medical", "unauthorized-professional-practice"}),
    "health": frozenset({"medical", "unauthorized-professional-practice"}),
    "legal": frozenset({"legal-advice", "unauthorized-professional-practice"}),
    "finance": frozenset({"unauthorized-professional-practice", "automated-decisions"}),
    "military": frozenset({"military-warfare", "weapons"}),
    "defense": frozenset({"military-warfare", "weapons"}),
    "law-enforcement": frozenset({"law-enforcement-surveillance", "biometric-identification"}),
    "surveillance": frozenset({"law-enforcement-surveillance", "biometric-identification", "privacy"}),
    "biometrics": frozenset({"biometric-identification"}),
    "employment": frozenset({"automated-decisions", "harassment-discrimination"}),
    "critical-infrastructure": frozenset({"critical-infrastructure"}),
    "competing-products": frozenset({"competing-models"}),
}

#: Use-restriction categories that forbid a practice only where it is unlicensed or unauthorized
#: (Llama AUP 1.d: "the unauthorized or unlicensed practice of any profession"): a product in the
#: field is not barred, the user must confirm it is practised lawfully.
CONDITIONAL_CATEGORIES = frozenset({"unauthorized-professional-practice"})

#: Member states of the European Union (ISO 3166-1 alpha-2), for ``use.region``.
EU_MEMBERS = frozenset(
    {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT"}
    | {"LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "HU"}
)

#: Names accepted in deny/allow besides license ids: aiprov's license categories.
CATEGORY_NAMES = frozenset(CATEGORIES) - {"policy"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Use:
    """How the supply chain's result will be used."""

    commercial: bool = True
    distribution: str = "weights"
    monthly_active_users: int | None = None
    revenue_usd: float | None = None
    field: str | None = None
    region: str | None = None

    @property
    def distributed(self) -> bool:
        """Copies change hands (weights or source): distribution-triggered duties apply."""
        return self.distribution in ("weights", "source")

    @property
    def made_available(self) -> bool:
        """Others use it (SaaS or distributed): "make available" duties apply."""
        return self.distribution != "internal"

    def regions(self) -> frozenset[str]:
        """The regions ``region`` lies in: itself (upper case) and ``EU`` for a member state or the
        European Union by name."""
        if not self.region:
            return frozenset()
        key = self.region.strip().upper()
        if key in ("EU", "EUROPEAN UNION") or key in EU_MEMBERS:
            return frozenset({key, "EU"})
        return frozenset({key})

    def restricted_categories(self) -> frozenset[str]:
        if not self.field:
            return frozenset()
        key = self.field.strip().lower()
        return FIELD_CATEGORIES.get(key, frozenset({key}))

    def to_dict(self) -> dict[str, Any]:
        return {
            "commercial": self.commercial,
            "distribution": self.distribution,
            "monthly_active_users": self.monthly_active_users,
            "revenue_usd": self.revenue_usd,
            "field": self.field,
            "region": self.region,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Require:
    """Opt-in demands; the default policy demands none of them."""

    hashes: bool = False
    source: bool = False
    supplier: bool = False
    osi_approved_weights: bool = False
    signed: bool = False  # every model and weights artifact carries a verified signature (aiprov verify)

    def to_dict(self) -> dict[str, bool]:
        return {
            "hashes": self.hashes,
            "source": self.source,
            "supplier": self.supplier,
            "osi_approved_weights": self.osi_approved_weights,
            "signed": self.signed,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Signer:
    """Someone the user trusts to sign models: a public key, a certificate chain or a sigstore
    identity with its OpenID Connect issuer. Paths are resolved against the policy file's folder."""

    name: str | None = None
    key: str | None = None
    certificate: str | None = None
    identity: str | None = None
    issuer: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (
                ("name", self.name),
                ("key", self.key),
                ("certificate", self.certificate),
                ("identity", self.identity),
                ("issuer", self.issuer),
            )
            if v is not None
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Waiver:
    """Silences finding ``code`` on ``subject`` (``*`` for every subject) until ``expires``."""

    code: str
    subject: str
    reason: str
    expires: dt.date | None = None

    def active(self, today: dt.date) -> bool:
        return self.expires is None or today <= self.expires

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "subject": self.subject,
            "reason": self.reason,
            "expires": self.expires.isoformat() if self.expires else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """The intended use and the rules findings are judged by."""

    use: Use = field(default_factory=Use)
    data_terms_reach_models: DataTerms = "warn"
    deny: tuple[str, ...] = ()
    #: LicenseRef- ids the user declares proprietary (judged as a proprietary license: it cannot carry
    #: copyleft terms), for licenses aiprov cannot read.
    proprietary: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    require: Require = field(default_factory=Require)
    waivers: tuple[Waiver, ...] = ()
    trusted_signers: tuple[Signer, ...] = ()
    today: dt.date | None = None
    source: str | None = None

    def as_of(self) -> dt.date:
        return self.today or dt.date.today()

    def with_use(self, **changes: Any) -> Policy:
        """A copy with some ``use`` fields changed (CLI overrides); None values are ignored."""
        changes = {k: v for k, v in changes.items() if v is not None}
        if "distribution" in changes and changes["distribution"] not in DISTRIBUTIONS:
            raise ParseError(f"distribution must be one of {', '.join(DISTRIBUTIONS)}")
        return replace(self, use=replace(self.use, **changes))

    def to_dict(self) -> dict[str, Any]:
        return {
            "use": self.use.to_dict(),
            "data_terms_reach_models": self.data_terms_reach_models,
            "deny": list(self.deny),
            "allow": list(self.allow),
            "proprietary": list(self.proprietary),
            "require": self.require.to_dict(),
            "waivers": [w.to_dict() for w in self.waivers],
            "trusted_signers": [s.to_dict() for s in self.trusted_signers],
        }

    # -- reading -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any, source: str = "<policy>") -> Policy:
        """Build a policy from plain data; errors name the file and key."""
        return _PolicyReader(source).policy(data)

    @classmethod
    def of(cls, bom: AIBOM, source: str = "<manifest>") -> Policy:
        """The policy a supply chain carries inline (a manifest's ``policy:``), else the default one:
        what :func:`~aiprov.analysis.check` and ``aiprov check`` both judge by when given no policy."""
        inline = bom.metadata.get("policy")
        if inline is None:
            return DEFAULT_POLICY
        return cls.from_dict(inline, f"{source} (policy)")

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        text = read_text(path)  # placed errors: a directory, not UTF-8
        data = load_yaml(text, str(path), "YAML aliases (*ref) are not supported in policies")
        return cls.from_dict(data, str(path))


class _PolicyReader:
    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, message: str, key: str) -> ParseError:
        return ParseError(message, source=self.source, location=key)

    def policy(self, data: Any) -> Policy:
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            raise self.error("a policy must be a mapping", "(top level)")
        known = {
            "use",
            "data_terms_reach_models",
            "deny",
            "allow",
            "proprietary",
            "require",
            "waivers",
            "today",
            "trusted_signers",
        }
        for key in data:
            if key not in known:
                raise self.error(f"unknown key {key!r} (allowed: {', '.join(sorted(known))})", str(key))
        terms = data.get("data_terms_reach_models", "warn")
        if terms not in ("strict", "warn", "off"):
            raise self.error("must be strict, warn or off", "data_terms_reach_models")
        return Policy(
            use=self.use(data.get("use")),
            data_terms_reach_models=terms,
            deny=self.names(data.get("deny"), "deny"),
            allow=self.names(data.get("allow"), "allow"),
            proprietary=self.refs(data.get("proprietary"), "proprietary"),
            require=self.require(data.get("require")),
            waivers=tuple(
                self.waiver(w, i) for i, w in enumerate(self.listing(data.get("waivers"), "waivers"))
            ),
            today=self.date(data.get("today"), "today") if data.get("today") is not None else None,
            trusted_signers=tuple(
                self.signer(s, i)
                for i, s in enumerate(self.listing(data.get("trusted_signers"), "trusted_signers"))
            ),
            source=self.source,
        )

    def listing(self, value: Any, key: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error("expected a list", key)
        return value

    def refs(self, value: Any, key: str) -> tuple[str, ...]:
        """License ids the user names as proprietary: ``LicenseRef-`` ids (aiprov cannot know them)."""
        out = []
        for i, item in enumerate(self.listing(value, key)):
            if not isinstance(item, str) or not item.strip().startswith("LicenseRef-"):
                raise self.error("expected a LicenseRef- id", f"{key}/{i}")
            out.append(item.strip())
        return tuple(out)

    def names(self, value: Any, key: str) -> tuple[str, ...]:
        out = []
        for i, item in enumerate(self.listing(value, key)):
            if not isinstance(item, str) or not item.strip():
                raise self.error("expected a license id or category", f"{key}/{i}")
            name = item.strip()
            if name not in CATEGORY_NAMES:
                canonical = default_catalog().resolve(name)
                if canonical is None:
                    raise self.error(
                        f"{name!r} is neither a license aiprov knows nor a category "
                        f"({', '.join(sorted(CATEGORY_NAMES))})",
                        f"{key}/{i}",
                    )
                name = canonical
            out.append(name)
        return tuple(out)

    def use(self, data: Any) -> Use:
        if data is None:
            return Use()
        if not isinstance(data, Mapping):
            raise self.error("expected a mapping", "use")
        known = {"commercial", "distribution", "monthly_active_users", "revenue_usd", "field", "region"}
        for key in data:
            if key not in known:
                raise self.error(f"unknown key {key!r} (allowed: {', '.join(sorted(known))})", f"use/{key}")
        commercial = data.get("commercial", True)
        if not isinstance(commercial, bool):
            raise self.error("expected true or false", "use/commercial")
        distribution = data.get("distribution", "weights")
        if distribution not in DISTRIBUTIONS:
            raise self.error(f"expected one of {', '.join(DISTRIBUTIONS)}", "use/distribution")
        mau = data.get("monthly_active_users")
        if mau is not None and (isinstance(mau, bool) or not isinstance(mau, int) or mau < 0):
            raise self.error("expected a whole number >= 0", "use/monthly_active_users")
        revenue = data.get("revenue_usd")
        if revenue is not None and (
            isinstance(revenue, bool) or not isinstance(revenue, (int, float)) or revenue < 0
        ):
            raise self.error("expected a number >= 0", "use/revenue_usd")
        for key in ("field", "region"):
            if data.get(key) is not None and not isinstance(data.get(key), str):
                raise self.error("expected a string", f"use/{key}")
        return Use(
            commercial=commercial,
            distribution=distribution,
            monthly_active_users=mau,
            revenue_usd=float(revenue) if revenue is not None else None,
            field=data.get("field"),
            region=data.get("region"),
        )

    def require(self, data: Any) -> Require:
        if data is None:
            return Require()
        known = {"hashes", "source", "supplier", "osi_approved_weights", "signed"}
        if isinstance(data, list):  # require: [hashes, signed]
            for i, name in enumerate(data):
                if name not in known:
                    raise self.error(
                        f"unknown requirement {name!r} (known: {', '.join(sorted(known))})", f"require/{i}"
                    )
            return Require(**dict.fromkeys(data, True))
        if not isinstance(data, Mapping):
            raise self.error("expected a mapping or a list of requirements", "require")
        values = {}
        for key, value in data.items():
            if key not in known:
                raise self.error(
                    f"unknown requirement {key!r} (known: {', '.join(sorted(known))})", f"require/{key}"
                )
            if not isinstance(value, bool):
                raise self.error("expected true or false", f"require/{key}")
            values[key] = value
        return Require(**values)

    def date(self, value: Any, key: str) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.error("expected a date YYYY-MM-DD", key)

    def signer(self, data: Any, index: int) -> Signer:
        key = f"trusted_signers/{index}"
        fields = ("name", "key", "certificate", "identity", "issuer")
        if not isinstance(data, Mapping):
            raise self.error(f"expected a mapping with {', '.join(fields)}", key)
        for name, value in data.items():
            if name not in fields:
                raise self.error(f"unknown key {name!r} (allowed: {', '.join(fields)})", f"{key}/{name}")
            if not isinstance(value, str) or not value.strip():
                raise self.error("expected a non-empty string", f"{key}/{name}")
        if sum(1 for k in ("key", "certificate", "identity") if k in data) != 1:
            raise self.error("give exactly one of key, certificate or identity (with issuer)", key)
        if ("identity" in data) != ("issuer" in data):
            raise self.error("a sigstore identity needs its issuer (and an issuer its identity)", key)
        base = Path(self.source).parent if not self.source.startswith("<") else Path()
        paths = {k: str(base / data[k]) for k in ("key", "certificate") if k in data}
        return Signer(
            name=data.get("name"),
            key=paths.get("key"),
            certificate=paths.get("certificate"),
            identity=data.get("identity"),
            issuer=data.get("issuer"),
        )

    def waiver(self, data: Any, index: int) -> Waiver:
        key = f"waivers/{index}"
        if not isinstance(data, Mapping):
            raise self.error("expected a mapping with code, subject, reason, expires", key)
        for required in ("code", "subject", "reason"):
            if not isinstance(data.get(required), str) or not data[required].strip():
                raise self.error("is required (a string)", f"{key}/{required}")
        unknown = set(data) - {"code", "subject", "reason", "expires"}
        if unknown:
            raise self.error(f"unknown key {sorted(unknown)[0]!r}", key)
        expires = self.date(data["expires"], f"{key}/expires") if data.get("expires") is not None else None
        return Waiver(code=data["code"], subject=data["subject"], reason=data["reason"], expires=expires)


#: The common case: a commercial product that distributes weights.
DEFAULT_POLICY = Policy()
