"""SPDX 2.3, JSON and tag-value, through ``spdx-tools``.

Every artifact is a package. SPDX 2.3 has no models, datasets, ``trainedOn`` or AI fields:
what it cannot say (the artifact kind, AI and dataset facts, hashes it cannot carry) goes
into one package annotation by the tool ``aiprov`` holding JSON, and the exact relation kind
into the relationship comment (``aiprov:relation=trained_on``), so a round trip loses
nothing. The mapping is documented in docs/formats-spdx.md.
"""

from __future__ import annotations

import copy
import functools
import importlib
import io
import json
import re
from datetime import datetime
from typing import Any

from aiprov.exceptions import GraphError, ParseError
from aiprov.formats._spdx2_map import (
    FORWARD,
    MARKER,
    PROPS_MARKER,
    REVERSED,
    WRITE_RELATION,
    check_shape,
    check_tag_value,
    checksum,
    decode_package,
    license_string,
    one_line,
    spdx_ref,
)
from aiprov.formats._spdx2_snippets import (
    decode_file,
    file_model,
    read_snippets,
    snippet_model,
    written_snippets,
)
from aiprov.formats._spdx_common import (
    apply_document_extras,
    apply_extras,
    artifact_extras,
    bom_digest,
    created,
    decode_extras,
    document_extras,
    encode_extras,
    license_refs,
    spdx_expression,
)
from aiprov.graph import AIBOM, RELATION_KINDS, Artifact, Relation, thaw

__all__ = ["MAX_DOCUMENT_CHARS", "dumps_json", "dumps_tv", "loads"]

MAX_DOCUMENT_CHARS = 256 * 1024 * 1024
_VERSIONS = ("SPDX-2.2", "SPDX-2.3")
_TOOL = "aiprov"
_DOCUMENT = "SPDXRef-DOCUMENT"


def _module(name: str) -> Any:
    """An spdx-tools module, typed loosely (spdx-tools re-exports without ``__all__``)."""
    return importlib.import_module(name)


@functools.cache
def _tag_value_parser() -> Any:
    """spdx-tools' tag-value parser module, made to share one license index.

    Its ``p_license`` calls ``license_expression.get_spdx_licensing()`` for every license
    field, which rebuilds the whole SPDX license index (~0.15 s each: a 1,000-package
    document took minutes). The JSON parser already shares ``spdx_licensing``; this points
    the tag-value parser at the same object. Parsing results are unchanged.
    """
    module = _module("spdx_tools.spdx.parser.tagvalue.parser")
    shared = _module("spdx_tools.common.spdx_licensing").spdx_licensing
    if getattr(module, "get_spdx_licensing", None) is not None:
        module.get_spdx_licensing = lambda: shared
    return module


# -- reading -------------------------------------------------------------------------------
def _parse(text: str, source: str) -> Any:
    from aiprov.formats import parse_json

    parsing_error: type[Exception] = _module("spdx_tools.spdx.parser.error").SPDXParsingError

    stripped = text.lstrip("\ufeff \t\r\n")
    try:
        if stripped.startswith(("{", "[")):
            data = parse_json(text, source)
            if not isinstance(data, dict):
                raise ParseError("expected a JSON object", source=source)
            version = data.get("spdxVersion")
            if version not in _VERSIONS:
                raise ParseError(
                    f"unsupported SPDX version {version!r} (aiprov reads SPDX-2.2 and SPDX-2.3)",
                    source=source,
                    location="spdxVersion",
                )
            check_shape(data, source)
            try:
                return (
                    _module("spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser")
                    .JsonLikeDictParser()
                    .parse(data)
                )
            except (AttributeError, TypeError, ValueError, KeyError) as exc:  # spdx-tools assumes types
                raise ParseError(
                    f"invalid SPDX 2 document: a value of the wrong type ({type(exc).__name__}: {exc})",
                    source=source,
                ) from None
        match = re.search(r"^SPDXVersion:\s*(\S+)", text, re.MULTILINE)
        if match is None or match.group(1) not in _VERSIONS:
            raise ParseError(
                f"unsupported SPDX version {match.group(1) if match else None!r} (aiprov reads SPDX-2.2 and SPDX-2.3)",
                source=source,
                location=f"line {text[: match.start()].count(chr(10)) + 1}" if match else None,
            )
        # Windows line endings read as Unix ones (the lexer's rules end at "\n"; a "\r" left before
        # it breaks checksums, references and every <text> value)
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        try:
            return _tag_value_parser().Parser().parse(text)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            raise ParseError(f"invalid SPDX 2 document: {type(exc).__name__}: {exc}", source=source) from None
    except parsing_error as exc:
        messages = [str(m) for m in getattr(exc, "messages", [])]
        first = messages[0] if messages else "invalid document"
        line = re.search(r"line (\d+)", first)
        more = f" (and {len(messages) - 1} more problems)" if len(messages) > 1 else ""
        raise ParseError(
            f"invalid SPDX 2 document: {first[:500]}{more}",
            source=source,
            location=f"line {line.group(1)}" if line else None,
        ) from None
    except RecursionError:
        raise ParseError("document nested too deeply", source=source) from None


def _is_ours(annotation: Any) -> bool:
    return bool(
        annotation.annotator.name == _TOOL and annotation.annotation_comment.startswith('{"aiprov": 1')
    )


def loads(text: str, source: str = "<string>") -> AIBOM:
    """Read an SPDX 2.2/2.3 document, JSON or tag-value. Raises :class:`ParseError` naming the file."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise ParseError(
            f"document larger than the limit of {MAX_DOCUMENT_CHARS:,} characters", source=source
        )
    doc = _parse(text, source)
    extras: dict[str, dict[str, Any]] = {}
    kept_annotations = []
    for ann in doc.annotations:
        if _is_ours(ann):
            extras.setdefault(ann.spdx_id, {}).update(
                decode_extras(ann.annotation_comment, source, f"annotation of {ann.spdx_id}")
            )
        else:
            kept_annotations.append(ann)
    bom = AIBOM()
    doc_extras = extras.pop(_DOCUMENT, None)
    ids: dict[str, str] = {}

    def place(spdx_id: str, artifact: Artifact, element: str, elements: str) -> None:
        """Add an element's artifact, with aiprov's annotations on it applied; its id must be new."""
        if spdx_id in extras:
            artifact = apply_extras(artifact, extras[spdx_id], source, f"{element} {spdx_id}")
        if artifact.id in bom:
            raise ParseError(f"two {elements} give the artifact id {artifact.id!r}", source=source)
        ids[spdx_id] = artifact.id
        bom.add(artifact)

    for package in doc.packages:
        artifact = decode_package(
            package,
            license_text={
                "declared": license_string(package.license_declared),
                "concluded": license_string(package.license_concluded),
            },
        )
        place(package.spdx_id, artifact, "package", "packages")
    for file in doc.files:  # SPDX 2 files become artifacts too (written back as packages)
        place(file.spdx_id, decode_file(file), "file", "elements")
    known = {*ids, *(s.spdx_id for s in doc.snippets), "SPDXRef-DOCUMENT"}
    other: list[list[Any]] = []
    for rel in doc.relationships:
        rtype = rel.relationship_type.name
        a, b = rel.spdx_element_id, rel.related_spdx_element_id
        for end in (a, b):
            if isinstance(end, str) and ":" not in end and end not in known:
                raise ParseError(
                    f"dangling reference {end!r}: no package, file or snippet with this SPDXID",
                    source=source,
                    location=f"relationship {a} {rtype} {b}",
                )
        kind = FORWARD.get(rtype) or REVERSED.get(rtype) or ("other" if rtype == "OTHER" else None)
        props: dict[str, Any] = {}
        lines = (rel.comment or "").split("\n") if rel.comment else []
        for line in lines:
            if line.startswith(MARKER) and line[len(MARKER) :] in RELATION_KINDS:
                kind = line[len(MARKER) :]
            elif line.startswith(PROPS_MARKER):
                decoded = decode_extras(line[len(PROPS_MARKER) :], source, f"relationship {a} {rtype} {b}")
                props.update(decoded.get("properties", {}))
        rest = "\n".join(ln for ln in lines if not ln.startswith((MARKER, PROPS_MARKER)))
        if kind is None or kind == "other" or not isinstance(b, str) or a not in ids or b not in ids:
            if a != "SPDXRef-DOCUMENT" or rtype != "DESCRIBES":
                other.append([a, rtype, str(b), rel.comment])
            continue
        if rest:
            props["spdx2:comment"] = rest
        if rtype != WRITE_RELATION[kind][0]:
            props["spdx2:relationshipType"] = rtype
        src, dst = (ids[b], ids[a]) if rtype in REVERSED else (ids[a], ids[b])
        try:
            bom.add_relation(Relation(source=src, kind=kind, target=dst, properties=props))
        except GraphError as exc:
            raise ParseError(exc.message, source=source, location=f"relationship {a} {rtype} {b}") from None
    info = doc.creation_info
    bom.metadata["spdx2"] = {
        "snippets": read_snippets(doc),  # written back with their files (_spdx2_snippets)
        "license_list_version": str(info.license_list_version) if info.license_list_version else None,
        "external_document_refs": [
            {
                "id": ref.document_ref_id,
                "uri": ref.document_uri,
                "checksum": [ref.checksum.algorithm.name, ref.checksum.value],
            }
            for ref in info.external_document_refs
        ],
        "annotations": [
            {
                "spdx_id": ann.spdx_id,
                "type": ann.annotation_type.name,
                "annotator": ann.annotator.to_serialized_string(),
                "date": ann.annotation_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "comment": ann.annotation_comment,
            }
            for ann in kept_annotations
        ],
        "name": info.name,
        "namespace": info.document_namespace,
        "created": info.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "creators": [a.to_serialized_string() for a in info.creators],
        "comment": info.document_comment,
        "creator_comment": info.creator_comment,
        "relationships": other,
        "extracted_licenses": [
            {
                "id": e.license_id,
                "text": e.extracted_text,
                "name": e.license_name if isinstance(e.license_name, str) else None,
                "cross_references": list(e.cross_references),
                "comment": e.comment,
            }
            for e in doc.extracted_licensing_info
        ],
    }
    if doc_extras:
        apply_document_extras(bom, doc_extras, source, f"annotation of {_DOCUMENT}")
    try:
        bom.validate()
    except GraphError as exc:
        raise ParseError(str(exc), source=source) from None
    return bom


# -- writing -------------------------------------------------------------------------------
def _actor(text: str) -> Any:
    """An SPDX 2 actor from its written form (``Person: Jane Doe (jane@example.org)``)."""
    model = _module("spdx_tools.spdx.model")
    parsing_error: type[Exception] = _module("spdx_tools.spdx.parser.error").SPDXParsingError
    try:
        return _module("spdx_tools.spdx.parser.actor_parser").ActorParser.parse_actor(text)
    except (parsing_error, ValueError):  # not in spdx-tools' form: read it as before
        kind, _, name = text.partition(":")
        actor_type = {"Tool": model.ActorType.TOOL, "Person": model.ActorType.PERSON}.get(
            kind.strip(), model.ActorType.ORGANIZATION
        )
        return model.Actor(actor_type, name.strip() or _TOOL)


def _document(bom: AIBOM, extras: dict[str, dict[str, Any]], line: Any = str) -> tuple[Any, dict[str, str]]:
    """The spdx-tools document; ``line`` writes the one-line fields (tag-value: ``one_line``)."""
    spdx_licensing = _module("spdx_tools.common.spdx_licensing").spdx_licensing
    model = _module("spdx_tools.spdx.model")
    Actor = model.Actor
    ActorType = model.ActorType
    Annotation = model.Annotation
    AnnotationType = model.AnnotationType
    Checksum = model.Checksum
    ChecksumAlgorithm = model.ChecksumAlgorithm
    CreationInfo = model.CreationInfo
    Document = model.Document
    ExternalPackageRef = model.ExternalPackageRef
    ExternalPackageRefCategory = model.ExternalPackageRefCategory
    ExtractedLicensingInfo = model.ExtractedLicensingInfo
    Package = model.Package
    PackagePurpose = model.PackagePurpose
    Relationship = model.Relationship
    RelationshipType = model.RelationshipType
    SpdxNoAssertion = model.SpdxNoAssertion
    SpdxNone = model.SpdxNone

    meta = bom.metadata.get("spdx2") or {}
    created_at = created(bom, "spdx2")
    creators = [_actor(str(text)) for text in meta.get("creators") or [f"Tool: {_TOOL}"]]
    info = CreationInfo(
        spdx_version="SPDX-2.3",
        spdx_id="SPDXRef-DOCUMENT",
        name=meta.get("name") or "AI-BOM",
        document_namespace=meta.get("namespace") or f"https://aiprov.invalid/spdx2/{bom_digest(bom)}",
        creators=creators,
        created=created_at,
        document_comment=meta.get("comment"),
        creator_comment=meta.get("creator_comment"),
        license_list_version=model.Version.from_string(meta["license_list_version"])
        if isinstance(meta.get("license_list_version"), str)
        else None,
        external_document_refs=[
            model.ExternalDocumentRef(
                r["id"], r["uri"], Checksum(ChecksumAlgorithm[r["checksum"][0]], r["checksum"][1])
            )
            for r in meta.get("external_document_refs") or ()
        ],
    )
    taken: set[str] = set()
    refs = {a.id: spdx_ref(a.id, taken) for a in sorted(bom, key=lambda a: a.id)}
    extracted: dict[str, Any] = {}
    for e in meta.get("extracted_licenses") or []:
        extracted[e["id"]] = ExtractedLicensingInfo(
            license_id=e["id"],
            extracted_text=e.get("text"),
            license_name=e.get("name"),
            cross_references=e.get("cross_references") or [],
            comment=e.get("comment"),
        )

    def expression(text: str | None) -> Any:
        if text is None:
            return None
        expr = spdx_expression(text)
        if expr == "NOASSERTION":
            return SpdxNoAssertion()
        if expr == "NONE":
            return SpdxNone()
        for ref in license_refs(expr):
            if ref not in extracted:
                free = ref.startswith("LicenseRef-aiprov-")
                extracted[ref] = ExtractedLicensingInfo(
                    license_id=ref,
                    extracted_text=text
                    if free
                    else f"{ref}: the license text is not included in this document.",
                    license_name=line(text) if free else ref,
                )
        return spdx_licensing.parse(expr)

    packages, files, annotations = [], [], []
    snippets = written_snippets(bom)  # their files are written as SPDX 2 files, not packages
    as_files = {aid for _, aid in snippets}
    analyzed = {r.source for r in bom.relations if r.kind == "contains" and r.target in as_files}
    for a in sorted(bom, key=lambda a: refs[a.id]):
        props = thaw(a.properties)
        ref = refs[a.id]
        purpose = props.get("spdx2:primary_package_purpose")
        external = (
            [ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", a.purl)] if a.purl else []
        )
        for r in props.get("spdx2:external_references") or []:
            if isinstance(r, dict):
                external.append(
                    ExternalPackageRef(
                        ExternalPackageRefCategory[r["category"]], r["type"], r["locator"], r.get("comment")
                    )
                )
        package = Package(
            spdx_id=ref,
            name=line(a.name if a.name else a.id),
            download_location=line(a.source) if a.source else SpdxNoAssertion(),
            version=line(a.version) if a.version is not None else None,
            supplier=Actor(ActorType.ORGANIZATION, one_line(a.supplier)) if a.supplier else None,
            files_analyzed=a.id in analyzed,  # SPDX 2: a package that contains files
            checksums=[
                Checksum(ChecksumAlgorithm[alg_name], value)
                for alg, value in a.hashes
                if (alg_name := checksum(alg, value)) is not None
            ],
            homepage=props.get("homepage") if isinstance(props.get("homepage"), str) else None,
            description=props.get("description") if isinstance(props.get("description"), str) else None,
            license_declared=expression(a.license),
            license_concluded=expression(a.concluded_license),
            external_references=external,
            primary_package_purpose=PackagePurpose[purpose]
            if purpose in PackagePurpose.__members__
            else None,
            **{
                f: props[f"spdx2:{f}"]
                for f in (
                    "summary",
                    "comment",
                    "source_info",
                    "license_comment",
                    "file_name",
                    "copyright_text",
                )
                if isinstance(props.get(f"spdx2:{f}"), str)
            },
            attribution_texts=list(props.get("spdx2:attribution_texts") or []),
        )
        if a.id in as_files:
            files.append(file_model(a, ref, line(a.name if a.name else a.id), expression))
        else:
            packages.append(package)
        if ref in extras:
            annotations.append(
                Annotation(
                    ref,
                    AnnotationType.OTHER,
                    Actor(ActorType.TOOL, _TOOL),
                    created_at,
                    encode_extras(extras[ref]),
                )
            )
    written = {*refs.values(), _DOCUMENT, *(sn["id"] for sn, _ in snippets)}
    for kept in meta.get("annotations") or ():  # other tools' annotations of what is written again
        if kept["spdx_id"] in written:
            annotations.append(
                Annotation(
                    kept["spdx_id"],
                    AnnotationType[kept["type"]],
                    _actor(kept["annotator"]),
                    datetime.strptime(kept["date"], "%Y-%m-%dT%H:%M:%SZ"),
                    kept["comment"],
                )
            )
    doc_extras = document_extras(bom)  # a manifest's metadata and inline policy
    if doc_extras:
        annotations.append(
            Annotation(
                _DOCUMENT,
                AnnotationType.OTHER,
                Actor(ActorType.TOOL, _TOOL),
                created_at,
                encode_extras(doc_extras),
            )
        )
    relationships = [
        Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, refs[a.id])
        for a in sorted(bom, key=lambda a: refs[a.id])
        if not bom.incoming(a.id)
    ]
    for r in sorted(bom.relations, key=lambda r: (refs[r.source], r.kind, refs[r.target])):
        props = thaw(r.properties)
        rtype, reverse = WRITE_RELATION[r.kind]
        wanted = props.get("spdx2:relationshipType")
        if isinstance(wanted, str) and (FORWARD.get(wanted) or REVERSED.get(wanted)) == (
            FORWARD.get(rtype) or REVERSED.get(rtype)
        ):
            rtype, reverse = wanted, wanted in REVERSED
        lines = [props["spdx2:comment"]] if isinstance(props.get("spdx2:comment"), str) else []
        if (FORWARD.get(rtype) or REVERSED.get(rtype)) != r.kind:
            lines.append(MARKER + r.kind)
        rest = {k: v for k, v in props.items() if not k.startswith("spdx2:")}
        if rest:
            lines.append(PROPS_MARKER + encode_extras({"properties": rest}))
        left, right = refs[r.source], refs[r.target]
        if reverse:
            left, right = right, left
        relationships.append(Relationship(left, RelationshipType[rtype], right, "\n".join(lines) or None))
    for a_ref, rtype, b_ref, comment in meta.get("relationships") or []:
        ends_known = all(e in written or ":" in e or e in ("NOASSERTION", "NONE") for e in (a_ref, b_ref))
        if rtype in RelationshipType.__members__ and ends_known:
            special = {"NOASSERTION": SpdxNoAssertion(), "NONE": SpdxNone()}
            relationships.append(
                Relationship(a_ref, RelationshipType[rtype], special.get(b_ref, b_ref), comment)
            )
    return Document(
        info,
        packages=packages,
        files=files,
        snippets=[snippet_model(sn, refs[aid], expression) for sn, aid in snippets],
        annotations=annotations,
        relationships=relationships,
        extracted_licensing_info=[extracted[k] for k in sorted(extracted)],
    ), refs


def _serialize(doc: Any, fmt: str) -> str:
    stream = io.StringIO()
    if fmt == "json":
        # spdx-tools' package converter scans all annotations for every package (quadratic: 5,000
        # annotated packages took 30 s), so the package annotations are added here, in its format
        annotations: dict[str, list[dict[str, str]]] = {}
        package_ids = {p.spdx_id for p in doc.packages}
        for ann in doc.annotations:
            if ann.spdx_id not in package_ids:
                continue  # the document's own: spdx-tools writes it
            annotations.setdefault(ann.spdx_id, []).append(
                {
                    "annotationDate": ann.annotation_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "annotationType": ann.annotation_type.name,
                    "annotator": ann.annotator.to_serialized_string(),
                    "comment": ann.annotation_comment,
                }
            )
        bare = copy.copy(doc)
        bare.annotations = [ann for ann in doc.annotations if ann.spdx_id not in package_ids]
        writer = _module("spdx_tools.spdx.writer.json.json_writer")
        writer.write_document_to_stream(bare, stream, validate=False)
        data = json.loads(stream.getvalue())
        packages = []
        for package in data.get("packages", []):
            if package["SPDXID"] in annotations:
                package["annotations"] = annotations[package["SPDXID"]]
            packages.append(dict(sorted(package.items(), key=lambda kv: (kv[0] != "SPDXID", kv[0]))))
        if packages:
            data["packages"] = packages
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    _module("spdx_tools.spdx.writer.tagvalue.tagvalue_writer").write_document_to_stream(
        doc, stream, validate=False
    )
    return stream.getvalue()


def _dump(bom: AIBOM, fmt: str) -> str:
    line = one_line if fmt == "tv" else str  # JSON carries any string; a tag-value line does not
    doc, refs = _document(bom, {}, line)
    text = _serialize(doc, fmt)
    # what a reader will make of each package: the rest goes into the aiprov annotation
    back = _parse(text, "<writer>")
    by_ref = {p.spdx_id: p for p in back.packages}
    as_files = {f.spdx_id: decode_file(f) for f in back.files}  # the files snippets are from
    extras: dict[str, dict[str, Any]] = {}
    for a in bom:
        predicted = as_files.get(refs[a.id])
        if predicted is None:
            package = by_ref[refs[a.id]]
            predicted = decode_package(
                package,
                license_text={
                    "declared": license_string(package.license_declared),
                    "concluded": license_string(package.license_concluded),
                },
            )
        diff = artifact_extras(a, predicted)
        if predicted.id != a.id:
            diff["id"] = a.id
        if diff:
            extras[refs[a.id]] = diff
    if not extras:
        return text
    doc, _ = _document(bom, extras, line)
    return _serialize(doc, fmt)


def dumps_json(bom: AIBOM) -> str:
    """Write a graph as SPDX 2.3 JSON; the same graph always gives the same bytes."""
    return _dump(bom, "json")


def dumps_tv(bom: AIBOM) -> str:
    """Write a graph as SPDX 2.3 tag-value; the same graph always gives the same bytes. Raises
    :class:`InputError` naming the artifact for a value tag-value cannot carry."""
    check_tag_value(bom)
    return _dump(bom, "tv")
