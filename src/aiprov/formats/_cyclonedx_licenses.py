"""CycloneDX ``licenses`` <-> an artifact's declared and concluded license texts (private)."""

from __future__ import annotations

import functools
import importlib.resources
import json
from typing import Any

from aiprov.formats import _cyclonedx_common as c
from aiprov.graph import Artifact
from aiprov.licenses import default_catalog, normalize_license

__all__ = ["licenses", "licenses_to_text"]


def licenses_to_text(entries: Any) -> tuple[str | None, str | None]:
    """(declared, concluded) as written in a ``licenses`` array: ids, names or expressions.

    Several entries of one acknowledgement are joined with ``AND``: every license listed applies.
    """
    declared: list[str] = []
    concluded: list[str] = []
    if not isinstance(entries, list):
        return None, None
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        if isinstance(entry.get("expression"), str):
            text, ack = entry["expression"], entry.get("acknowledgement")
        elif isinstance(entry.get("license"), dict):
            lic = entry["license"]
            text = lic.get("id") if isinstance(lic.get("id"), str) else lic.get("name")
            ack = lic.get("acknowledgement")
            if not isinstance(text, str):
                continue
        else:
            continue
        (concluded if ack == "concluded" else declared).append(text.strip())
    return (" AND ".join(declared) or None, " AND ".join(concluded) or None)


@functools.cache
def _spdx_ids() -> frozenset[str]:
    """The SPDX ids the CycloneDX schema accepts in ``license.id``."""
    try:
        text = (
            importlib.resources.files("cyclonedx.schema._res")
            .joinpath("spdx.SNAPSHOT.schema.json")
            .read_text()
        )
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - the library ships it
        return frozenset()
    return frozenset(json.loads(text).get("enum", ()))


@functools.cache
def _license_choice(text: str) -> tuple[tuple[tuple[str, Any], ...], str, bool]:
    """(entries as frozen pairs, the canonical text they express, whether it is an expression)."""
    norm = normalize_license(text)
    parsed = norm.parsed
    if norm.status == "ok" and parsed is not None and norm.expression:
        if parsed.op == "id" and not parsed.exception and parsed.id:
            lid = parsed.id
            lic: dict[str, str]
            if lid in _spdx_ids():
                lic = {"id": lid}
            else:
                lic = {"name": lid}
                record = default_catalog().get(lid)
                if record is not None and record.source_url:
                    lic["url"] = record.source_url
            return (("license", lic),), lid, False
        return (("expression", norm.expression),), norm.expression, True
    return (("license", {"name": text}),), text, False


def _entries(text: str, ack: str | None) -> tuple[list[dict[str, Any]], str, bool]:
    pairs, canonical, is_expr = _license_choice(text)
    out: list[dict[str, Any]] = []
    for key, value in pairs:
        if key == "license":
            lic = dict(value)
            if ack:
                lic["acknowledgement"] = ack
            out.append({"license": lic})
        else:
            entry = {"expression": value}
            if ack:
                entry["acknowledgement"] = ack
            out.append(entry)
    return out, canonical, is_expr


def licenses(art: Artifact, raw: Any, props: list[dict[str, str]]) -> list[dict[str, Any]] | None:
    """The ``licenses`` of a component or service; exact texts that it cannot hold go to ``props``."""
    declared, concluded = art.license, art.concluded_license
    if isinstance(raw, list) and raw and licenses_to_text(raw) == (declared, concluded):
        return [_valid(e) for e in raw]  # the reader's own input, unchanged: write it back
    if declared is None and concluded is None:
        return None
    if declared is not None and concluded is None:
        out, canonical, _ = _entries(declared, None)
        if canonical != declared:
            props.append({"name": c.P_DECLARED, "value": declared})
        return out
    if declared is None:
        assert concluded is not None
        out, canonical, _ = _entries(concluded, "concluded")
        props.append({"name": c.P_CONCLUDED, "value": concluded})
        return out
    assert declared is not None and concluded is not None
    d_out, d_can, d_expr = _entries(declared, "declared")
    if d_can != declared:
        props.append({"name": c.P_DECLARED, "value": declared})
    c_out, c_can, c_expr = _entries(concluded, "concluded")
    if not d_expr and not c_expr:
        if c_can != concluded:
            props.append({"name": c.P_CONCLUDED, "value": concluded})
        return d_out + c_out
    props.append({"name": c.P_CONCLUDED, "value": concluded})
    return d_out


def _valid(entry: Any) -> Any:
    """An entry as read, with a ``license.id`` the schema would refuse moved to ``name``."""
    if isinstance(entry, dict) and isinstance(entry.get("license"), dict):
        lic = dict(entry["license"])
        if "id" in lic and lic["id"] not in _spdx_ids():
            lic["name"] = str(lic.pop("id"))
        return {**entry, "license": lic}
    return entry
