"""CycloneDX XML <-> the JSON form of the same document (private; see formats/cyclonedx.py).

The two encodings of CycloneDX differ in regular ways: arrays are wrapper elements
(``<hashes><hash alg="SHA-256">…</hash></hashes>``), a few fields are attributes, and
child elements follow the XSD's sequence order. Reading goes through defusedxml with
DTDs, entities and external references forbidden.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import defusedxml
import defusedxml.ElementTree as DET

from aiprov.exceptions import InputError, ParseError

__all__ = ["doc_to_xml", "xml_to_doc"]

_NS = re.compile(r"^\{http://cyclonedx\.org/schema/bom/(\d+\.\d+)\}bom$")
_NS_URI = "http://cyclonedx.org/schema/bom/"
#: Characters XML 1.0 cannot hold, not even as a character reference (its ``Char`` production).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: wrapper element -> name of its items (None: items keep their own names)
_WRAPPERS: dict[str, str | None] = {
    "components": "component",
    "services": "service",
    "hashes": "hash",
    "licenses": None,
    "externalReferences": "reference",
    "properties": "property",
    "dependencies": "dependency",
    "authors": "author",
    "ancestors": "component",
    "descendants": "component",
    "variants": "component",
    "commits": "commit",
    "patches": "patch",
    "inputs": "input",
    "outputs": "output",
    "performanceMetrics": "performanceMetric",
    "users": "user",
    "useCases": "useCase",
    "technicalLimitations": "technicalLimitation",
    "performanceTradeoffs": "performanceTradeoff",
    "ethicalConsiderations": "ethicalConsideration",
    "fairnessAssessments": "fairnessAssessment",
    "owners": "owner",
    "custodians": "custodian",
    "stewards": "steward",
    "tags": "tag",
    "endpoints": "endpoint",
    "lifecycles": "lifecycle",
    "vulnerabilities": "vulnerability",
    "annotations": "annotation",
    "compositions": "composition",
    "datasets": None,
    "collection": "graphic",
    "affects": "target",
    "energyConsumptions": "energyConsumption",
    "subjects": "subject",
    "assemblies": "assembly",
}
#: arrays whose items repeat directly, without a wrapper
_REPEATED = frozenset({"sensitiveData", "omniborId", "swhid", "data", "energyProviders"})
_PARTIES = frozenset({"custodian", "steward", "owner"})  # their XML `individual` is JSON `contact`
#: arrays of bom-refs, written in XML as <item ref="..."/>
_REF_ITEMS = {"subjects": "subject", "assemblies": "assembly", "dependencies": "dependency"}
_ORG = frozenset({"supplier", "manufacturer", "provider", "organization", "manufacture"})
_BOOL = frozenset({"modified", "authenticated", "x-trust-boundary", "isExternal"})
_ATTRS: dict[str, tuple[str, ...]] = {
    "component": ("type", "mime-type", "bom-ref", "isExternal"),
    "reference": ("type",),
    "hash": ("alg",),
    "property": ("name",),
    "dependency": ("ref",),
    "license": ("bom-ref", "acknowledgement"),
    "expression": ("bom-ref", "acknowledgement"),
    "text": ("contentType", "encoding"),
    "image": ("contentType", "encoding"),
    "attachment": ("contentType", "encoding"),
}
#: elements of the XSD's attachedTextType: attributes and the content as text
_ATTACHED = frozenset({"text", "image", "attachment"})
_ORDER: dict[str, tuple[str, ...]] = {
    "bom": (
        "metadata",
        "components",
        "services",
        "externalReferences",
        "dependencies",
        "compositions",
        "properties",
        "vulnerabilities",
        "annotations",
        "formulation",
        "declarations",
        "definitions",
        "citations",
    ),
    "metadata": (
        "timestamp",
        "lifecycles",
        "tools",
        "authors",
        "component",
        "manufacturer",
        "manufacture",
        "supplier",
        "licenses",
        "properties",
        "distributionConstraints",
    ),
    "component": (
        "supplier",
        "manufacturer",
        "authors",
        "author",
        "publisher",
        "group",
        "name",
        "version",
        "versionRange",
        "description",
        "scope",
        "hashes",
        "licenses",
        "copyright",
        "patentAssertions",
        "cpe",
        "purl",
        "omniborId",
        "swhid",
        "swid",
        "modified",
        "pedigree",
        "externalReferences",
        "properties",
        "components",
        "evidence",
        "releaseNotes",
        "modelCard",
        "data",
        "cryptoProperties",
        "tags",
    ),
    "service": (
        "provider",
        "group",
        "name",
        "version",
        "description",
        "endpoints",
        "authenticated",
        "x-trust-boundary",
        "trustZone",
        "data",
        "licenses",
        "patentAssertions",
        "externalReferences",
        "properties",
        "services",
        "releaseNotes",
        "tags",
    ),
    "organization": ("name", "address", "url", "contact"),
    "license": ("id", "name", "text", "url", "licensing", "properties"),
    "modelCard": ("modelParameters", "quantitativeAnalysis", "considerations", "properties"),
    "modelParameters": (
        "approach",
        "task",
        "architectureFamily",
        "modelArchitecture",
        "datasets",
        "inputs",
        "outputs",
    ),
    "considerations": (
        "users",
        "useCases",
        "technicalLimitations",
        "performanceTradeoffs",
        "ethicalConsiderations",
        "environmentalConsiderations",
        "fairnessAssessments",
    ),
    "componentData": (
        "type",
        "name",
        "contents",
        "classification",
        "sensitiveData",
        "graphics",
        "description",
        "governance",
    ),
    "pedigree": ("ancestors", "descendants", "variants", "commits", "patches", "notes"),
    "reference": ("url", "comment", "hashes", "properties"),
    "governance": ("custodians", "stewards", "owners"),
}
_COMPONENT_LISTS = frozenset({"components", "ancestors", "descendants", "variants"})


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


# -- XML -> JSON form ----------------------------------------------------------------------
class _Repeated(Exception):
    """An element that holds one value appears twice (the XML form of a repeated JSON key)."""


class _FromXml:
    def __init__(self, ns: str) -> None:
        self.ns = ns

    def children(self, el: ET.Element) -> list[tuple[str, ET.Element]]:
        out = []
        for child in el:
            ns, name = _local(child.tag)
            if ns == self.ns:  # elements of other namespaces (extensions) are not kept
                out.append((name, child))
        return out

    def value(self, name: str, el: ET.Element, parent: str) -> Any:
        kids = self.children(el)
        if name in _WRAPPERS and not el.attrib and (kids or not (el.text or "").strip()):
            return self.wrapper(name, kids, parent)
        if name == "tools" and kids and all(n == "tool" for n, _ in kids):
            return [self.value("tool", k, name) for _, k in kids]
        if not kids and not el.attrib:
            text = el.text or ""
            if name in _BOOL:
                return text.strip() == "true"
            return text
        out: dict[str, Any] = {}
        for attr, val in el.attrib.items():
            key = "contentType" if attr == "content-type" else attr
            out[key] = (val == "true") if key in _BOOL else val
        if name == "dependency":
            deps = [k.get("ref", "") for n, k in kids if n == "dependency"]
            if deps:
                out["dependsOn"] = deps
            return out
        if not kids and el.text is not None and el.text.strip():
            out["value" if name == "property" else "content"] = el.text
        elif name == "property" and not kids:
            out["value"] = el.text or ""
        for child_name, child in kids:
            if name == "service" and child_name == "data":
                out["data"] = self.service_data(child)
            elif name in _PARTIES and child_name == "individual":
                out["contact"] = self.value("contact", child, name)
            elif child_name in _REPEATED or (child_name in ("url", "contact") and name in _ORG):
                out.setdefault(child_name, []).append(self.value(child_name, child, name))
            elif child_name in out and isinstance(out[child_name], list) and child_name not in _WRAPPERS:
                out[child_name].append(self.value(child_name, child, name))
            else:
                if child_name in out:  # one value given twice: refused, not "the last one wins"
                    raise _Repeated(f"<{child_name}> given twice in <{name}> (it takes one value)")
                out[child_name] = self.value(child_name, child, name)
        return out

    def service_data(self, el: ET.Element) -> list[Any]:
        """A service's ``<data>``: ``<classification flow="…">`` items (the 1.4 form) or ``<dataflow>``
        items (1.5+), as the JSON form's ``[{flow, classification, …}]``."""
        items: list[Any] = []
        for child_name, child in self.children(el):
            if child_name == "classification":
                items.append({"flow": child.get("flow", ""), "classification": child.text or ""})
            elif child_name == "dataflow":
                item: dict[str, Any] = dict(child.attrib)
                for part_name, part in self.children(child):
                    if part_name == "classification":
                        item["flow"] = part.get("flow", "")
                        item["classification"] = part.text or ""
                    elif part_name in ("source", "destination"):
                        item[part_name] = [u.text or "" for n, u in self.children(part) if n == "url"]
                    else:
                        item[part_name] = self.value(part_name, part, "dataflow")
                items.append(item)
        return items

    def wrapper(self, name: str, kids: list[tuple[str, ET.Element]], parent: str) -> list[Any]:
        items: list[Any] = []
        refs_only = name in _REF_ITEMS and (name != "dependencies" or parent == "composition")
        for child_name, child in kids:
            if refs_only:
                items.append(child.get("ref", ""))
            elif name == "licenses" and child_name == "expression":
                entry: dict[str, Any] = {"expression": child.text or ""}
                entry.update(child.attrib)
                items.append(entry)
            elif name == "licenses":
                items.append({"license": self.value("license", child, name)})
            elif name == "datasets" and child_name == "ref":
                items.append({"ref": child.text or ""})
            else:
                items.append(self.value(child_name, child, name))
        return items


def xml_to_doc(text: str, source: str) -> dict[str, Any]:
    """The JSON form of a CycloneDX XML document; a :class:`ParseError` for bad or unsafe XML."""
    try:
        root = DET.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        where = f"line {line}, column {column}" if line is not None else None
        raise ParseError(f"not valid XML: {exc}", source=source, location=where) from None
    except defusedxml.DefusedXmlException as exc:
        raise ParseError(
            f"XML with a DTD, entity declaration or external reference is refused ({type(exc).__name__})",
            source=source,
        ) from None
    except RecursionError:  # pragma: no cover - expat does not recurse; kept as a guard
        raise ParseError("XML nested too deeply", source=source) from None
    match = _NS.match(root.tag)
    if match is None:
        raise ParseError(f"not a CycloneDX XML document (root element {root.tag!r})", source=source)
    ns = f"{_NS_URI}{match.group(1)}"
    conv = _FromXml(ns)
    try:
        doc = conv.value("bom", root, "")
    except RecursionError:
        raise ParseError("XML nested too deeply", source=source) from None
    except _Repeated as exc:
        raise ParseError(str(exc), source=source) from None
    if not isinstance(doc, dict):
        doc = {}
    version = doc.get("version")
    if isinstance(version, str) and version.isdigit():
        if len(version) > 4300:  # Python converts no longer integer (and none that long is a version)
            raise ParseError("a number of more than 4,300 digits", source=source, location="bom/@version")
        doc["version"] = int(version)
    from aiprov.formats._cyclonedx_types import typed

    return typed({"bomFormat": "CycloneDX", "specVersion": match.group(1), **doc}, match.group(1))


# -- JSON form -> XML ----------------------------------------------------------------------
def _type_of(name: str, parent_type: str) -> str:
    if name in (
        "component",
        "metadata",
        "modelCard",
        "modelParameters",
        "considerations",
        "pedigree",
        "license",
        "reference",
        "governance",
        "service",
    ):
        return name
    if name in _ORG:
        return "organization"
    if name in ("dataset", "data") and parent_type in ("component", "modelParameters"):
        return "componentData"
    return name


def _ordered(value: dict[str, Any], type_: str) -> list[tuple[str, Any]]:
    order = _ORDER.get(type_)
    items = list(value.items())
    if order is None:
        return items
    rank = {k: i for i, k in enumerate(order)}
    return sorted(items, key=lambda kv: rank.get(kv[0], len(order)))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _service_data(parent: ET.Element, items: list[Any]) -> None:
    """A service's data flows: ``<classification flow="…">`` items when they say no more than
    flow and classification, else ``<dataflow name description>`` items (the XSD allows one form)."""
    data = ET.SubElement(parent, "data")
    dicts = [i for i in items if isinstance(i, dict)]
    if all(set(i) <= {"flow", "classification"} for i in dicts):
        for item in dicts:
            el = ET.SubElement(data, "classification", {"flow": _text(item.get("flow", ""))})
            el.text = _text(item.get("classification", ""))
        return
    for item in dicts:
        flow = ET.SubElement(
            data, "dataflow", {k: _text(item[k]) for k in ("name", "description") if k in item}
        )
        if "classification" in item:
            el = ET.SubElement(flow, "classification", {"flow": _text(item.get("flow", ""))})
            el.text = _text(item["classification"])
        if "governance" in item:
            _element(flow, "governance", item["governance"], "dataflow")
        for end in ("source", "destination"):
            if isinstance(item.get(end), list):
                wrapper = ET.SubElement(flow, end)
                for url in item[end]:
                    ET.SubElement(wrapper, "url").text = _text(url)


def _element(parent: ET.Element, name: str, value: Any, parent_type: str) -> None:
    if name == "data" and parent_type == "service" and isinstance(value, list):
        _service_data(parent, value)
        return
    type_ = _type_of(name, parent_type)
    if isinstance(value, list):
        if name in _WRAPPERS or (name == "tools"):
            wrapper = ET.SubElement(parent, name)
            for item in value:
                _item(wrapper, name, item, type_)
        else:
            for item in value:
                _element(parent, name, item, parent_type)
        return
    el = ET.SubElement(parent, name)
    if not isinstance(value, dict):
        el.text = _text(value)
        return
    _fill(el, name, value, type_)


def _fill(el: ET.Element, name: str, value: dict[str, Any], type_: str) -> None:
    attrs = (*_ATTRS.get(name, ()), "bom-ref")
    for key in attrs:
        if key in value and not isinstance(value[key], (dict, list)):
            el.set("content-type" if key == "contentType" else key, _text(value[key]))
    if (name == "hash" or name in _ATTACHED) and "content" in value:
        el.text = _text(value["content"])
        return
    if name == "property":
        el.text = _text(value.get("value", ""))
        return
    if name == "dependency":
        for dep in value.get("dependsOn") or ():
            ET.SubElement(el, "dependency").set("ref", _text(dep))
        return
    for key, child in _ordered(value, type_):
        if key in attrs and not isinstance(child, (dict, list)):
            continue
        if name in _PARTIES and key == "contact":
            key = "individual"
        _element(el, key, child, type_)


def _item(wrapper: ET.Element, name: str, item: Any, parent_type: str) -> None:
    if name == "licenses" and isinstance(item, dict):
        if "expression" in item:
            el = ET.SubElement(wrapper, "expression")
            el.text = _text(item["expression"])
            for key in ("bom-ref", "acknowledgement"):
                if key in item:
                    el.set(key, _text(item[key]))
            return
        _element(wrapper, "license", item.get("license", {}), parent_type)
        return
    if name == "datasets" and isinstance(item, dict):
        if set(item) == {"ref"}:
            ET.SubElement(wrapper, "ref").text = _text(item["ref"])
        else:
            _element(wrapper, "dataset", item, "modelParameters")
        return
    if name == "tools":
        _element(wrapper, "tool", item, "metadata")
        return
    if name in _REF_ITEMS and isinstance(item, str):
        ET.SubElement(wrapper, _REF_ITEMS[name]).set("ref", item)
        return
    child = _WRAPPERS.get(name) or name.rstrip("s")
    _element(wrapper, child, item, parent_type)


def doc_to_xml(doc: dict[str, Any]) -> str:
    """Serialize the JSON form of a CycloneDX document as XML of its ``specVersion``."""
    spec = str(doc.get("specVersion", "1.6"))
    root = ET.Element("bom", {"xmlns": f"{_NS_URI}{spec}"})
    for key in ("serialNumber", "version"):
        if key in doc:
            root.set(key, _text(doc[key]))
    body = {
        k: v
        for k, v in doc.items()
        if k not in ("bomFormat", "specVersion", "serialNumber", "version", "$schema")
    }
    for key, value in _ordered(body, "bom"):
        _element(root, key, value, "bom")
    ET.indent(root, space="  ")
    xml = ET.tostring(root, encoding="unicode")
    bad = _NOT_XML.search(xml)
    if bad is not None:
        where = _where(doc, bad.group())
        raise InputError(
            f"cannot write CycloneDX XML: {where or 'a value'} holds the character U+{ord(bad.group()):04X}"
            f"{_artifact_at(doc, where)}, which XML 1.0 cannot carry; write CycloneDX JSON instead, or "
            "remove the character"
        )
    # A carriage return in text would be read back as a line feed (XML normalizes line ends): a
    # character reference keeps it. ElementTree already writes one for those in attributes.
    xml = xml.replace("\r", "&#13;")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n"


def _artifact_at(doc: dict[str, Any], where: str) -> str:
    """`` (in artifact 'id')`` for a JSON path inside a component or service, else empty: the error
    names the artifact as the user knows it (escaped: the id may hold the very character)."""
    match = re.match(r"(components|services)\[(\d+)\]", where)
    if match is None:
        return ""
    items = doc.get(match.group(1))
    item = (
        items[int(match.group(2))] if isinstance(items, list) and int(match.group(2)) < len(items) else None
    )
    ref = item.get("bom-ref") if isinstance(item, dict) else None
    return f" (in artifact {ref!r})" if isinstance(ref, str) else ""


def _where(value: Any, char: str, path: str = "") -> str:
    """The JSON path of the first key or string of ``value`` holding ``char``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if char in str(key):
                return f"the key {key!r} of {path or 'the document'}"
            found = _where(item, char, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _where(item, char, f"{path}[{i}]")
            if found:
                return found
    elif isinstance(value, str) and char in value:
        return path
    return ""
