"""JSON types for the JSON form of a CycloneDX XML document (private; see _cyclonedx_xml.py).

XML text has no types, so ``<value>0.4</value>`` reads as the string ``"0.4"``, which the JSON
schema refuses where it wants a number; converting such a document to JSON would then write an
invalid file. The official JSON schema of the document's version (shipped in
cyclonedx-python-lib) says which fields are numbers, integers and booleans: the values of those
fields that parse as one are given that type. Only XML input is walked; JSON input already has
its types.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from typing import Any

__all__ = ["typed"]

_INTEGER = re.compile(r"^[+-]?\d{1,30}$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@functools.cache
def _schema(spec: str) -> dict[str, Any] | None:
    try:
        text = (
            importlib.resources.files("cyclonedx.schema._res") / f"bom-{spec}.SNAPSHOT.schema.json"
        ).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    schema: dict[str, Any] = json.loads(text)
    return schema


class _Typer:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.expanded: dict[int, list[dict[str, Any]]] = {}

    def expand(self, node: Any) -> list[dict[str, Any]]:
        """A schema node as the plain alternatives it allows ($ref followed, oneOf/anyOf/allOf opened)."""
        if not isinstance(node, dict):
            return []
        key = id(node)
        known = self.expanded.get(key)
        if known is not None:
            return known
        self.expanded[key] = []  # a recursive definition: no more alternatives down that way
        out = [node]
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = self.schema
            for part in ref[2:].split("/"):
                target = target.get(part) if isinstance(target, dict) else None
            out += self.expand(target)
        for combinator in ("oneOf", "anyOf", "allOf"):
            for alternative in node.get(combinator) or ():
                out += self.expand(alternative)
        self.expanded[key] = out
        return out

    def walk(self, value: Any, nodes: list[dict[str, Any]]) -> Any:
        if isinstance(value, dict):
            for key, item in value.items():
                subs: list[dict[str, Any]] = []
                for node in nodes:
                    props = node.get("properties")
                    if isinstance(props, dict) and key in props:
                        subs += self.expand(props[key])
                if subs:
                    value[key] = self.walk(item, subs)
            return value
        if isinstance(value, list):
            subs = [n for node in nodes for n in self.expand(node.get("items"))]
            return [self.walk(item, subs) for item in value] if subs else value
        if isinstance(value, str):
            return _scalar(value, nodes)
        return value


def _scalar(value: str, nodes: list[dict[str, Any]]) -> Any:
    types: set[str] = set()
    for node in nodes:
        kind = node.get("type")
        types.update([kind] if isinstance(kind, str) else kind if isinstance(kind, list) else ())
        if "enum" in node or "const" in node:
            types.add("string")
    if not types or "string" in types:
        return value
    text = value.strip()
    if "integer" in types and _INTEGER.match(text):
        return int(text)
    if "number" in types and _NUMBER.match(text):
        number = float(text)
        return int(number) if _INTEGER.match(text) else number
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    return value


def typed(doc: dict[str, Any], spec: str) -> dict[str, Any]:
    """``doc`` (the JSON form of an XML document, changed in place) with numbers and booleans typed."""
    schema = _schema(spec)
    if schema is None:
        return doc
    typer = _Typer(schema)
    return typer.walk(doc, typer.expand(schema))  # type: ignore[no-any-return]
