"""What one scanner found: artifacts, relations and warnings, merged into one graph by :func:`aiprov.scan`.

Every scanner (Hugging Face folders and cache, weight files, Python environments, project code)
returns a :class:`Found`; :func:`aiprov.scan.scan` merges them and builds the
:class:`~aiprov.graph.AIBOM`. An artifact seen twice under one id (a model named by a card's
``base_model`` and found in the cache) becomes one artifact: :func:`merge_artifact`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from aiprov.graph import Artifact, Relation, thaw

__all__ = ["Found", "Progress", "merge_artifact"]

#: A progress callback, ``progress(task, advance, total)``: ``task`` names the work ("hashing",
#: "python environment"), ``advance`` is how much was done since the last call (bytes, files,
#: packages), ``total`` the whole amount when known (the first call may advance 0 to announce it).
#: The CLI turns it into a rich progress bar on a terminal; the library passes ``None``.
Progress = Callable[[str, float, "float | None"], None]

_FIELDS = ("name", "version", "supplier", "license", "concluded_license", "purl", "source")
#: properties whose values are lists that merge by union (in order) rather than first-wins
_LIST_PROPERTIES = frozenset({"scan_warnings", "found_in_also"})


def merge_artifact(old: Artifact, new: Artifact) -> Artifact:
    """One artifact from two sightings under the same id.

    An artifact marked ``unresolved`` (a reference: its license is ``NOASSERTION``) gives way to one
    that is not. Otherwise a field set on one side and not the other is kept; where both are set,
    ``old`` wins, except
    that a more specific kind wins over ``document`` and a sighting with a ``license`` wins over one
    without, and a purl pinned to a version wins over one that is not. Hashes and properties are unioned (``scan_warnings`` lists are concatenated, and a
    second ``found_in`` is kept under ``found_in_also``).
    """
    if old.id != new.id:
        raise ValueError(f"cannot merge {old.id!r} with {new.id!r}")
    # A reference only (a card's base_model, a from_pretrained call: ``unresolved``) gives way to
    # the artifact itself wherever it was found, whichever was seen first.
    if old.properties.get("unresolved") and not new.properties.get("unresolved"):
        old, new = new, old
    if not old.properties.get("unresolved") and new.properties.get("unresolved"):
        new = replace(
            new, license=None, properties={k: v for k, v in new.properties.items() if k != "unresolved"}
        )
    values: dict[str, Any] = {}
    for key in _FIELDS:
        a, b = getattr(old, key), getattr(new, key)
        values[key] = a if a is not None else b
    if old.purl and new.purl and "@" not in old.purl and "@" in new.purl:
        values["purl"] = new.purl  # one pinned to a revision beats one that is not
    kind = old.kind if old.kind != "document" else new.kind
    hashes = dict(new.hashes)
    hashes.update(dict(old.hashes))
    props: dict[str, Any] = thaw(new.properties)
    for key, value in thaw(old.properties).items():
        if key in _LIST_PROPERTIES and isinstance(props.get(key), list) and isinstance(value, list):
            props[key] = value + [v for v in props[key] if v not in value]
        elif key == "found_in" and "found_in" in props and props["found_in"] != value:
            also = props.get("found_in_also", [])
            props["found_in_also"] = [props["found_in"], *[v for v in also if v != value]]
            props["found_in"] = value
        else:
            props[key] = value
    return Artifact(id=old.id, kind=kind, hashes=tuple(hashes.items()), properties=props, **values)


@dataclass(slots=True)
class Found:
    """What a scanner found.

    ``warnings`` are ``(artifact id or None, message)``; the message names the file and the place
    (``models/x/README.md: card YAML: line 3 ...``). A warning with an id is also kept on that
    artifact as ``properties.scan_warnings`` when the graph is built.
    """

    artifacts: dict[str, Artifact] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    warnings: list[tuple[str | None, str]] = field(default_factory=list)

    def add(self, artifact: Artifact) -> Artifact:
        """Add an artifact, merging it with one already found under its id; returns the result."""
        old = self.artifacts.get(artifact.id)
        merged = artifact if old is None else merge_artifact(old, artifact)
        self.artifacts[artifact.id] = merged
        return merged

    def relate(
        self, source: str, kind: str, target: str, properties: Mapping[str, Any] | None = None
    ) -> None:
        """Add ``source -kind-> target`` (once; a repeat with other properties is dropped)."""
        for r in self.relations:
            if r.source == source and r.kind == kind and r.target == target:
                return
        self.relations.append(Relation(source=source, kind=kind, target=target, properties=properties or {}))

    def warn(self, artifact_id: str | None, message: str) -> None:
        self.warnings.append((artifact_id, message))

    def merge(self, other: Found) -> Found:
        """Fold ``other`` into this one (in place) and return self."""
        for artifact in other.artifacts.values():
            self.add(artifact)
        seen = {(r.source, r.kind, r.target) for r in self.relations}
        for r in other.relations:
            key = (r.source, r.kind, r.target)
            if key not in seen:
                seen.add(key)
                self.relations.append(r)
        known = set(self.warnings)
        for w in other.warnings:
            if w not in known:
                known.add(w)
                self.warnings.append(w)
        return self
