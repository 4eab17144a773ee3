"""The aibom manifest: a short, human-written description of a supply chain (YAML or JSON).

.. code-block:: yaml

    aibom: 1
    artifacts:
      - {id: base, kind: model, name: Llama-3.1-8B, license: llama3.1}
      - {id: tuned, kind: model, name: acme-chat, license: llama3.1}
    relations:
      - {from: tuned, type: fine_tuned_from, to: base}
    policy: {use: {commercial: true, distribution: saas}}   # optional

Errors name the file, the line (YAML) and the key. Reading and writing back loses
nothing: unknown artifact keys are refused (a typo should not vanish silently), and
free data belongs in ``properties`` or the top-level ``metadata``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, cast

import msgspec
import yaml

from aiprov._gc import paused_gc
from aiprov.exceptions import GraphError, ParseError
from aiprov.formats import decode_text, parse_json, read_bytes, source_name
from aiprov.formats._json import check_no_duplicates, refuse_repeats
from aiprov.formats._yaml import NoAliasLoader, refuse_aliases, yaml_error
from aiprov.graph import (
    _ARTIFACT_FIELDS,
    _EMPTY,
    _FITS,
    AIBOM,
    ARTIFACT_KINDS,
    RELATION_KINDS,
    Artifact,
    Relation,
    _artifact,
    _relation,
    freeze,
)

__all__ = ["MAX_YAML_BYTES", "dumps", "loads", "read", "read_raw", "write"]

#: YAML is slow to parse; past this size use the JSON form of the manifest.
MAX_YAML_BYTES = 16 * 1024 * 1024
_ARTIFACT_KEYS = _ARTIFACT_FIELDS  # the manifest's artifact keys are the Artifact's fields
_RELATION_KEYS = ("from", "type", "to", "properties")
_ARTIFACT_KEYSET = frozenset(_ARTIFACT_KEYS)
_RELATION_KEYSET = frozenset(_RELATION_KEYS)
_TEXT_KEYS = ("name", "version", "supplier", "license", "concluded_license", "purl", "source")
#: Canonical (shared) strings for kinds: a million artifacts then share one "model" string.
_KIND = {k: k for k in ARTIFACT_KINDS}
_RELATION_KIND = {k: k for k in RELATION_KINDS}
_TOP_KEYS = ("aibom", "metadata", "artifacts", "relations", "policy")
_HEAD_BYTES = 65536  # where a JSON document's opening brace is looked for


def _bare_artifact(
    strings: dict[str, str],
    artifact_id: str,
    kind: str,
    name: str | None,
    version: str | None,
    supplier: str | None,
    lic: str | None,
    concluded: str | None,
    purl: str | None,
    source: str | None,
) -> Artifact:
    """An artifact with no hashes or properties from checked strings (``kind`` canonical). Licenses
    recur: ``strings`` keeps one string per distinct license text."""
    if lic is not None:
        lic = strings.setdefault(lic, lic)
    return _artifact(artifact_id, kind, name, version, supplier, lic, concluded, purl, source, (), _EMPTY)


def _compose(text: str, source: str) -> yaml.Node | None:
    try:
        refuse_aliases(text, source, "YAML aliases (*ref) are not supported in manifests")
        node: yaml.Node | None = yaml.compose(text, Loader=NoAliasLoader)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, source) from None
    return node


class _Lines:
    """Maps a key path (``artifacts/3/kind``) to the YAML line it was written on."""

    def __init__(self, node: yaml.Node | None) -> None:
        self.node = node

    def find(self, path: tuple[Any, ...]) -> int | None:
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for step in path:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == step:
                        line = key.start_mark.line + 1
                        nxt = value
                        break
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                node = node.value[step]
                line = node.start_mark.line + 1
            else:
                break
            if node is None:
                break
        return line


class _Reader:
    def __init__(self, source: str, lines: _Lines | None) -> None:
        self.source = source
        self.lines = lines

    def error(self, message: str, path: tuple[Any, ...]) -> ParseError:
        key = "/".join(str(p) for p in path) or "(top level)"
        where = key
        if self.lines is not None:
            line = self.lines.find(path)
            if line is not None:
                where = f"line {line}, {key}"
        return ParseError(message, source=self.source, location=where)

    def string(self, value: Any, path: tuple[Any, ...], *, required: bool = False) -> str | None:
        if value is None:
            if required:
                raise self.error("is required", path)
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(f"expected a string, got {type(value).__name__}", path)
        return str(value)

    def mapping(self, value: Any, path: tuple[Any, ...]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(f"expected a mapping, got {type(value).__name__}", path)
        return value

    def fast_artifact(self, data: Any, strings: dict[str, str]) -> Artifact | None:
        """The common case, checked in bulk: a mapping of known keys with string values and no hashes or
        properties. None sends the entry to :meth:`artifact`, which names whatever is wrong."""
        if type(data) is not dict or not data.keys() <= _ARTIFACT_KEYSET:
            return None
        get = data.get
        artifact_id, kind = get("id"), get("kind")
        if type(artifact_id) is not str or type(kind) is not str or not artifact_id.strip():
            return None
        kind = _KIND.get(kind)
        if kind is None or get("hashes") or get("properties"):
            return None
        name, version, supplier, lic, concluded, purl, source = map(get, _TEXT_KEYS)
        for value in (name, version, supplier, lic, concluded, purl, source):
            if value is not None and type(value) is not str:
                return None
        return _bare_artifact(
            strings, artifact_id, kind, name, version, supplier, lic, concluded, purl, source
        )

    def artifact(self, data: Any, index: int) -> Artifact:
        path: tuple[Any, ...] = ("artifacts", index)
        data = self.mapping(data, path)
        for key in data:
            if key not in _ARTIFACT_KEYS:
                raise self.error(
                    f"unknown key {key!r} (allowed: {', '.join(_ARTIFACT_KEYS)}; "
                    "put free data under properties)",
                    (*path, key),
                )
        artifact_id = self.string(data.get("id"), (*path, "id"), required=True)
        if artifact_id is not None and not artifact_id.strip():
            raise self.error("is blank (an artifact needs an id)", (*path, "id"))
        kind = self.string(data.get("kind"), (*path, "kind"), required=True)
        if kind not in ARTIFACT_KINDS:
            raise self.error(f"unknown kind {kind!r} (one of {', '.join(ARTIFACT_KINDS)})", (*path, "kind"))
        hashes = data.get("hashes") or {}
        hashes = self.mapping(hashes, (*path, "hashes"))
        for alg, value in hashes.items():
            if not isinstance(value, str) or not value.strip():
                raise self.error("expected a hex digest string", (*path, "hashes", alg))
        properties = data.get("properties") or {}
        properties = self.mapping(properties, (*path, "properties"))
        fields = {k: self.string(data.get(k), (*path, k)) for k in _TEXT_KEYS}
        assert artifact_id is not None and kind is not None
        return Artifact(
            id=artifact_id,
            kind=kind,
            hashes=tuple((str(a), str(h)) for a, h in hashes.items()),
            properties=properties,
            **fields,
        )

    def relations(self, items: Iterable[Any], known: Mapping[str, Artifact]) -> Iterator[Relation]:
        """Each entry as a Relation. The common case, ``{from, type, to}`` naming known and distinct ids,
        is checked in bulk here; anything else goes to :meth:`relation`, which names what is wrong."""
        kinds, new = _RELATION_KIND, _relation
        for i, data in enumerate(items):
            if type(data) is dict and len(data) == 3:  # three keys, and the three below: exactly those
                source, kind, target = data.get("from"), data.get("type"), data.get("to")
                if type(source) is str and type(kind) is str and type(target) is str and source != target:
                    kind = kinds.get(kind)
                    source_artifact, target_artifact = known.get(source), known.get(target)
                    if kind is not None and source_artifact is not None and target_artifact is not None:
                        yield new(source_artifact.id, kind, target_artifact.id)  # the artifacts' own ids
                        continue
            yield self.relation(data, i, known)

    def relation(self, data: Any, index: int, known: Mapping[str, Artifact]) -> Relation:
        path: tuple[Any, ...] = ("relations", index)
        data = self.mapping(data, path)
        for key in data:
            if key not in _RELATION_KEYS:
                raise self.error(f"unknown key {key!r} (allowed: {', '.join(_RELATION_KEYS)})", (*path, key))
        source = self.string(data.get("from"), (*path, "from"), required=True)
        kind = self.string(data.get("type"), (*path, "type"), required=True)
        target = self.string(data.get("to"), (*path, "to"), required=True)
        if kind not in RELATION_KINDS:
            raise self.error(
                f"unknown relation type {kind!r} (one of {', '.join(RELATION_KINDS)})", (*path, "type")
            )
        for key, value in (("from", source), ("to", target)):
            if value not in known:
                raise self.error(f"unknown artifact id {value!r}", (*path, key))
        if source == target:
            raise self.error(f"relation from {source!r} to itself", path)
        properties = self.mapping(data.get("properties") or {}, (*path, "properties"))
        assert source is not None and kind is not None and target is not None
        return _relation(source, _RELATION_KIND[kind], target, freeze(properties) if properties else _EMPTY)

    def document(self, data: Any) -> AIBOM:
        if data is None:
            raise ParseError(
                "empty manifest (expected `aibom: 1`, `artifacts:` and `relations:`)", source=self.source
            )
        data = self.mapping(data, ())
        self.head(data)
        artifacts = data.get("artifacts") or []
        if not isinstance(artifacts, list):
            raise self.error("expected a list of artifacts", ("artifacts",))
        relations = data.get("relations") or []
        if not isinstance(relations, list):
            raise self.error("expected a list of relations", ("relations",))
        bom = AIBOM()
        self.add_artifacts(bom, artifacts)
        self.add_relations(bom, relations)
        return self.finish(bom, data)

    def head(self, data: Mapping[str, Any]) -> None:
        if "aibom" not in data:
            raise self.error("not an aibom manifest: missing `aibom: 1`", ())
        if data["aibom"] != 1:
            raise self.error(
                f"unsupported manifest version {data['aibom']!r} (this aiprov reads version 1)", ("aibom",)
            )
        for key in data:
            if key not in _TOP_KEYS:
                raise self.error(f"unknown top-level key {key!r} (allowed: {', '.join(_TOP_KEYS)})", (key,))

    def add_artifacts(self, bom: AIBOM, artifacts: Iterable[Any]) -> None:
        known = bom._artifacts
        strings: dict[str, str] = {}
        for i, item in enumerate(artifacts):
            artifact = self.fast_artifact(item, strings) or self.artifact(item, i)
            if artifact.id in known:
                raise self.error(f"duplicate artifact id {artifact.id!r}", ("artifacts", i, "id"))
            bom.add(artifact)

    def add_relations(self, bom: AIBOM, relations: Iterable[Any]) -> None:
        bom._check_mutable()
        bom._link_all(self.relations(relations, bom._artifacts))

    def finish(self, bom: AIBOM, data: Mapping[str, Any], *, fitting: bool = False) -> AIBOM:
        """Keep the metadata and policy, and validate (``fitting``: see ``AIBOM._validate``)."""
        if data.get("metadata") is not None:
            bom.metadata["manifest"] = dict(self.mapping(data["metadata"], ("metadata",)))
        if data.get("policy") is not None:
            bom.metadata["policy"] = dict(self.mapping(data["policy"], ("policy",)))
        try:
            bom._validate(fitting=fitting)
        except GraphError as exc:
            raise ParseError(str(exc), source=self.source) from None
        return bom


_SPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, pos: int) -> int:
    """The position after any JSON whitespace at ``pos``."""
    match = _SPACE.match(text, pos)
    assert match is not None  # the pattern matches the empty string
    return match.end()


class _Irregular(Exception):
    """The streaming reader met something it leaves to the full parser (which names the error)."""


def _stream_json(text: str, reader: _Reader) -> AIBOM:
    """Read a JSON manifest one artifact and relation at a time, so that the parsed form of a large
    manifest never exists whole (at a million artifacts it is larger than the graph). Anything
    unusual (bad JSON, relations before artifacts, a repeated key, any error) raises
    :class:`_Irregular`, and the caller reads the text the ordinary way instead."""
    # the C scanner json.loads itself uses, refusing repeated keys (the full parser then places them)
    scan: Any = cast(Any, json.JSONDecoder(object_pairs_hook=refuse_repeats)).scan_once
    scanstring: Any = cast(Any, json.decoder).scanstring
    skip = _skip
    bom = AIBOM()
    top: dict[str, Any] = {}
    end = 0

    def elements(pos: int) -> Iterator[Any]:
        nonlocal end
        pos = skip(text, pos + 1)
        if text.startswith("]", pos):
            end = pos + 1
            return
        while True:
            try:
                value, pos = scan(text, pos)
            except StopIteration:  # not a JSON value here
                raise _Irregular from None
            yield value
            if text.startswith(", ", pos):  # json.dumps' own separator
                pos += 2
                continue
            pos = skip(text, pos)
            if text.startswith(",", pos):
                pos = skip(text, pos + 1)
            elif text.startswith("]", pos):
                end = pos + 1
                return
            else:
                raise _Irregular

    try:
        pos = skip(text, 0)
        if not text.startswith("{", pos):
            raise _Irregular
        pos = skip(text, pos + 1)
        while not text.startswith("}", pos):
            if not text.startswith('"', pos):
                raise _Irregular
            key, pos = scanstring(text, pos + 1)
            pos = skip(text, pos)
            if key in top or not text.startswith(":", pos):
                raise _Irregular
            pos = skip(text, pos + 1)
            end = pos
            if key == "artifacts" and "relations" not in top and text.startswith("[", pos):
                reader.add_artifacts(bom, elements(pos))
                top[key] = []
            elif key == "relations" and "artifacts" in top and text.startswith("[", pos):
                reader.add_relations(bom, elements(pos))
                top[key] = []
            elif key in ("artifacts", "relations"):
                raise _Irregular  # another layout: leave it to the ordinary reader
            else:
                top[key], end = scan(text, pos)
            pos = skip(text, end)
            if text.startswith(",", pos):
                pos = skip(text, pos + 1)
            elif not text.startswith("}", pos):
                raise _Irregular
        if skip(text, pos + 1) != len(text):
            raise _Irregular
        reader.head(top)
        return reader.finish(bom, top)
    except (StopIteration, ValueError, RecursionError, ParseError, GraphError):
        raise _Irregular from None


# Kinds as Literal types: msgspec then returns its one string per kind rather than a new one for each
# of millions of entries, and refuses any other value (left to the ordinary reader, which names it).
_PlainKind = Literal[ARTIFACT_KINDS]  # type: ignore[valid-type]
_PlainRelationKind = Literal[RELATION_KINDS]  # type: ignore[valid-type]


class _PlainArtifact(msgspec.Struct, forbid_unknown_fields=True, gc=False, omit_defaults=True):
    id: str
    kind: _PlainKind
    name: str | None = None
    version: str | None = None
    supplier: str | None = None
    license: str | None = None
    concluded_license: str | None = None
    purl: str | None = None
    source: str | None = None
    hashes: dict[str, Any] | None = None
    properties: dict[str, Any] | None = None


class _PlainRelation(
    msgspec.Struct,
    forbid_unknown_fields=True,
    gc=False,
    omit_defaults=True,
    rename={"source": "from", "kind": "type", "target": "to"},
):
    source: str
    kind: _PlainRelationKind
    target: str
    properties: dict[str, Any] | None = None


class _PlainManifest(msgspec.Struct, forbid_unknown_fields=True, gc=False, omit_defaults=True):
    aibom: Any
    artifacts: list[_PlainArtifact] = []
    relations: list[_PlainRelation] = []
    metadata: Any = None
    policy: Any = None


_decode_plain = msgspec.json.Decoder(_PlainManifest).decode


def _plain_json(text: str | bytes, reader: _Reader) -> AIBOM | None:
    """Read a JSON manifest of the plain shape (known keys, string values, known and distinct ids)
    in one typed decode, with no dict per entry: three times faster than entry by entry. None for
    anything else, which the caller reads the ordinary way (and which names what is wrong); what
    this accepts reads exactly as that would."""
    try:
        doc = _decode_plain(text)
    except (msgspec.DecodeError, RecursionError, UnicodeError):
        return None
    check_no_duplicates(text, doc, reader.source)  # msgspec keeps the last of repeated keys: refuse them
    try:
        return _plain_graph(doc, reader)
    except (ParseError, GraphError):  # left to the ordinary reader, whose errors are the reference
        return None


def _plain_graph(doc: _PlainManifest, reader: _Reader) -> AIBOM | None:
    top = {"aibom": doc.aibom, "metadata": doc.metadata, "policy": doc.policy}
    reader.head(top)
    bom = AIBOM()
    known, strings = bom._artifacts, dict[str, str]()
    for i, entry in enumerate(doc.artifacts):
        artifact_id, kind = entry.id, entry.kind
        if artifact_id in known or not artifact_id.strip():
            return None
        if entry.hashes or entry.properties:
            known[artifact_id] = reader.artifact(msgspec.structs.asdict(entry), i)
            continue
        known[artifact_id] = _bare_artifact(
            strings,
            artifact_id,
            kind,
            entry.name,
            entry.version,
            entry.supplier,
            entry.license,
            entry.concluded_license,
            entry.purl,
            entry.source,
        )
    relations: list[Relation] = []
    fits, fitting = _FITS, True
    for link in doc.relations:
        source, target = known.get(link.source), known.get(link.target)
        if source is None or target is None or source is target:
            return None
        properties, kind = link.properties, link.kind
        relations.append(  # the artifacts' own id strings, shared
            _relation(source.id, kind, target.id, freeze(properties) if properties else _EMPTY)
        )
        if fitting and (kind, source.kind, target.kind) not in fits:
            fitting = False  # validate() then words the warnings
    bom._link_all(relations)
    return reader.finish(bom, top, fitting=fitting)


def loads(text: str, source: str = "<string>") -> AIBOM:
    """Read a manifest from a string (JSON or YAML)."""
    return _loads(text, source, plain=True)


def _loads(text: str, source: str, *, plain: bool) -> AIBOM:
    """:func:`loads`; ``plain``: try the plain-shape path (False when the caller tried it already)."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        with paused_gc():
            bom = _plain_json(text, _Reader(source, None)) if plain else None
            if bom is not None:
                return bom
            try:
                return _stream_json(text, _Reader(source, None))
            except _Irregular:
                pass
        with paused_gc():
            return _Reader(source, None).document(parse_json(text, source))
    if len(text.encode("utf-8", "surrogatepass")) > MAX_YAML_BYTES:
        raise ParseError(
            f"YAML manifest larger than {MAX_YAML_BYTES // (1024 * 1024)} MiB: write large manifests "
            "as JSON (same keys)",
            source=source,
        )
    node = _compose(text, source)
    if node is None:
        return _Reader(source, None).document(None)
    loader = NoAliasLoader("")
    try:
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, source) from None
    finally:
        loader.dispose()
    return _Reader(source, _Lines(node)).document(data)


def read(path: str | Path) -> AIBOM:
    """Read a manifest file (``.yaml``, ``.yml`` or ``.json``; ``-``: standard input)."""
    return read_raw(read_bytes(path), source_name(path))


def read_raw(raw: bytes, source: str) -> AIBOM:
    """Read a manifest from the bytes of a file. A JSON manifest of the plain shape is decoded from the
    bytes (no text is made of a large file); anything else is read as text."""
    json_like = raw[:_HEAD_BYTES].lstrip(b" \t\r\n").startswith(b"{")  # a byte-order mark: as text
    if json_like:
        with paused_gc():
            bom = _plain_json(raw, _Reader(source, None))
        if bom is not None:
            return bom
    text = decode_text(raw, source)
    del raw  # a large manifest need not be held twice while it is parsed
    return _loads(text, source, plain=not json_like)


def to_dict(bom: AIBOM) -> dict[str, Any]:
    """The manifest form of a graph, as plain data."""
    out: dict[str, Any] = {"aibom": 1}
    if "manifest" in bom.metadata:
        out["metadata"] = bom.metadata["manifest"]
    out["artifacts"] = [a.to_dict() for a in bom]
    out["relations"] = [r.to_dict() for r in bom.relations]
    if "policy" in bom.metadata:
        out["policy"] = bom.metadata["policy"]
    return out


def dumps(bom: AIBOM, *, fmt: str = "yaml") -> str:
    """Write a graph as a manifest (``yaml`` or ``json``)."""
    data = to_dict(bom)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write(bom: AIBOM, path: str | Path) -> None:
    path = Path(path)
    path.write_text(dumps(bom, fmt="json" if path.suffix == ".json" else "yaml"), encoding="utf-8")
