"""Nothing lost, nothing crashed: repeated keys, giant integers, impossible dates, Windows line endings,
wrongly typed values and containment rings, in every reader that can meet them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import aiprov
from aiprov.analysis.policy import Policy
from aiprov.cli import main
from aiprov.exceptions import ParseError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CHAT = ROOT / "examples" / "chat-product" / "aibom.yaml"

#: One document of each format that has keys, and the key to repeat in it.
_KEYED = {
    "manifest.yaml": (CHAT, "name"),
    "manifest.json": (None, "name"),  # the JSON form of CHAT (the msgspec fast path reads it)
    "cyclonedx.json": (DATA / "cyclonedx" / "owasp-aibom-generator-1.6.json", "name"),
    "spdx3.json": (DATA / "spdx3" / "ai-finetune.json", "name"),
    "spdx2.json": (DATA / "spdx2" / "finetune.spdx.json", "name"),
    "mot.yml": (DATA / "mot" / "class1-complete.yml", "name"),
}


def _text(kind: str) -> str:
    path, _ = _KEYED[kind]
    if path is None:
        return aiprov.dumps(aiprov.load(CHAT), "manifest-json")
    return path.read_text()


def _repeat_key(text: str, key: str, yaml: bool) -> tuple[str, int]:
    """The text with the first ``key`` given a second, different value just before it, and that
    second occurrence's line."""
    if yaml:
        match = re.search(rf"^(\s*(?:- )?){key}:.*$", text, re.MULTILINE)
        assert match is not None
        indent = " " * len(match.group(1))
        line = text.count("\n", 0, match.end()) + 2
        return text[: match.end()] + f"\n{indent}{key}: shadowed-value" + text[match.end() :], line
    match = re.search(rf'"{key}"\s*:\s*"[^"]*"', text)
    assert match is not None
    line = text.count("\n", 0, match.end()) + 1
    return text[: match.end()] + f', "{key}": "shadowed-value"' + text[match.end() :], line


@pytest.mark.parametrize("kind", sorted(_KEYED))
def test_a_repeated_key_is_an_error_in_every_reader(kind: str, tmp_path: Path) -> None:
    """Every reader of JSON or YAML refuses a key given twice, naming the key and its line."""
    _, key = _KEYED[kind]
    text, line = _repeat_key(_text(kind), key, yaml=not kind.endswith(".json"))
    path = tmp_path / kind
    path.write_text(text)
    with pytest.raises(ParseError, match=f"duplicate key '{key}'") as info:
        aiprov.load(path)
    assert info.value.source == str(path)
    assert (info.value.location or "").startswith(f"line {line}")


def test_a_repeated_license_is_not_judged_as_the_last_one(capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's case: `license: CC-BY-NC-4.0` then `license: MIT` is an error, not an MIT verdict."""
    text = "aibom: 1\nartifacts:\n  - id: d\n    kind: dataset\n    license: CC-BY-NC-4.0\n    license: MIT\n"
    with pytest.raises(ParseError, match="duplicate key 'license'") as info:
        aiprov.loads(text, "m.yaml")
    assert info.value.location == "line 6, column 5"


def test_a_repeated_key_in_a_policy_is_an_error(tmp_path: Path) -> None:
    """Policy files are YAML too: a repeated key is named with its line."""
    path = tmp_path / "policy.yaml"
    path.write_text("use:\n  commercial: false\n  commercial: true\n")
    with pytest.raises(ParseError, match="duplicate key 'commercial'") as info:
        Policy.load(path)
    assert info.value.location == "line 3, column 3"


_BIG = "7" * 5000


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("m.yaml", f"aibom: 1\nartifacts:\n  - {{id: a, kind: model, properties: {{n: {_BIG}}}}}\n"),
        (
            "m.json",
            f'{{"aibom": 1, "artifacts": [{{"id": "a", "kind": "model",\n "properties": {{"n": {_BIG}}}}}]}}',
        ),
        ("v.yaml", f"aibom: {_BIG}\n"),
        ("c.json", f'{{"bomFormat": "CycloneDX", "specVersion": "1.6",\n "version": {_BIG}}}'),
        ("s.json", f'{{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",\n "@graph": [{_BIG}]}}'),
        ("s2.json", f'{{"spdxVersion": "SPDX-2.3",\n "packages": [{_BIG}]}}'),
        ("mot.yml", f"framework: {{name: x}}\nrelease:\n  name: {_BIG}\n"),
        ("c.xml", f'<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="{_BIG}"/>'),
    ],
)
def test_an_integer_of_more_than_4300_digits_is_a_placed_error(name: str, text: str, tmp_path: Path) -> None:
    """Python refuses to convert integers past 4,300 digits: every reader says so at the line."""
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ParseError, match="more than 4,300 digits") as info:
        aiprov.load(path)
    assert (info.value.location or "").startswith(("line 2", "line 3", "line 1", "bom/@version"))


def test_an_integer_of_more_than_4300_digits_in_a_policy(tmp_path: Path) -> None:
    """The policy reader places a giant number too."""
    path = tmp_path / "policy.yaml"
    path.write_text(f"use:\n  monthly_active_users: {_BIG}\n")
    with pytest.raises(ParseError, match="more than 4,300 digits") as info:
        Policy.load(path)
    assert (info.value.location or "").startswith("line 2")


@pytest.mark.parametrize("date", ["2024-02-30", "2023-13-01", "'2024-02-30'"])
def test_a_policy_date_that_does_not_exist_is_a_placed_error(date: str, tmp_path: Path) -> None:
    """`expires: 2024-02-30` is refused with the file and place, quoted or not."""
    path = tmp_path / "policy.yaml"
    path.write_text(f"waivers:\n  - {{code: naming-requirement, subject: x, reason: y, expires: {date}}}\n")
    with pytest.raises(ParseError) as info:
        Policy.load(path)
    assert info.value.source == str(path)
    assert info.value.location is not None


def test_an_impossible_date_in_an_inline_policy_is_a_placed_error(capsys: pytest.CaptureFixture[str]) -> None:
    """The manifest's inline policy is read by the same loader: exit 2, one line, the place."""
    text = CHAT.read_text() + "  waivers:\n    - {code: x, subject: y, reason: z, expires: 2024-02-30}\n"
    assert "\npolicy:" in CHAT.read_text()
    with pytest.raises(ParseError, match="no such date '2024-02-30'"):
        aiprov.loads(text, "m.yaml")


def test_tag_value_with_windows_line_endings_reads_like_unix(tmp_path: Path) -> None:
    """An SPDX 2.3 tag-value file saved with CRLF reads exactly as the LF one."""
    lf = DATA / "spdx2" / "finetune.spdx"
    crlf = tmp_path / "finetune-crlf.spdx"
    crlf.write_bytes(lf.read_bytes().replace(b"\n", b"\r\n"))
    assert aiprov.load(crlf) == aiprov.load(lf)


@pytest.mark.parametrize(
    ("where", "value", "location"),
    [
        (("packages",), ["not a package"], "packages/0"),
        (("packages",), "not a list", "packages"),
        (("relationships",), [42], "relationships/0"),
        (("creationInfo",), "yesterday", "creationInfo"),
        (("packages", 0, "checksums"), "x", None),
        (("packages", 0, "externalRefs"), [1], None),
        (("packages", 0, "name"), 5, None),
    ],
)
def test_spdx2_json_with_wrongly_typed_values_is_a_placed_error(
    where: tuple[str | int, ...], value: object, location: str | None, tmp_path: Path
) -> None:
    """A string where a package object goes (and the like) is exit 2 with the place, not exit 3."""
    data = json.loads((DATA / "spdx2" / "finetune.spdx.json").read_text())
    node = data
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = value
    path = tmp_path / "bad.spdx.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ParseError) as info:
        aiprov.load(path)
    if location is not None:
        assert info.value.location == location
    assert main(["check", str(path)]) == 2


def _ring(fmt: str) -> str:
    """finetune.spdx.json with trl and ultrachat containing each other (as tools-python's examples do)."""
    data = json.loads((DATA / "spdx2" / "finetune.spdx.json").read_text())
    data["relationships"] += [
        {
            "spdxElementId": "SPDXRef-trl",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": "SPDXRef-ultrachat",
        },
        {
            "spdxElementId": "SPDXRef-ultrachat",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": "SPDXRef-trl",
        },
    ]
    text = json.dumps(data)
    return text if fmt == "spdx2-json" else aiprov.dumps(aiprov.loads(text), fmt)


@pytest.mark.parametrize("fmt", ["spdx2-json", "spdx2-tv", "cyclonedx-json", "spdx3-json", "manifest"])
def test_a_containment_cycle_is_kept_with_a_warning(fmt: str) -> None:
    """Two CONTAINS relationships forming a ring are data: kept, judged, and reported as a warning."""
    bom = aiprov.loads(_ring(fmt), "ring")
    assert {(r.source, r.target) for r in bom.relations if r.kind == "contains"} >= {
        ("trl", "ultrachat"),
        ("ultrachat", "trl"),
    }
    report = aiprov.check(bom)
    ring = [f for f in report.findings if f.code == "containment-cycle"]
    assert len(ring) == 1 and ring[0].severity == "warning"
    aiprov.obligations(bom)  # judged like any other graph (no refusal, no internal error)
    aiprov.openness(bom)


def test_terms_flow_around_a_containment_ring() -> None:
    """Each artifact on a ring gets the copyleft terms of the others (propagation settles the cycle)."""
    bom = aiprov.AIBOM(
        [
            aiprov.Artifact(id="app", kind="code", license="MIT"),
            aiprov.Artifact(id="lib", kind="code", license="GPL-3.0-only"),
        ]
    )
    bom.relate("app", "contains", "lib")
    bom.relate("lib", "contains", "app")
    codes = {(f.code, f.subject) for f in aiprov.check(bom).findings}
    assert ("containment-cycle", "app") in codes or ("containment-cycle", "lib") in codes
    assert ("copyleft-conflict", "app") in codes


def test_a_derivation_cycle_is_still_refused() -> None:
    """A model fine-tuned from its own descendant cannot be judged: still a GraphError."""
    bom = aiprov.AIBOM([aiprov.Artifact(id="a", kind="model"), aiprov.Artifact(id="b", kind="model")])
    bom.relate("a", "fine_tuned_from", "b")
    bom.relate("b", "merged_from", "a")
    with pytest.raises(aiprov.GraphError, match="derivation cycle"):
        bom.validate()


def test_spdx3_dataset_type_list_converts_to_cyclonedx() -> None:
    """SPDX 3.0.1 `dataset_datasetType` is a list: converting it to CycloneDX does not crash."""
    bom = aiprov.load(DATA / "spdx3" / "ai-finetune.json")
    assert aiprov.loads(aiprov.dumps(bom, "cyclonedx-json"))


def test_one_yaml_key_written_two_ways_is_a_repeat(tmp_path: Path) -> None:
    """`1:` and `0x1:` are the same key to YAML: the second is named, not silently kept."""
    path = tmp_path / "policy.yaml"
    path.write_text("use:\n  commercial: true\nrequire:\n  1: x\n  0x1: y\n")
    with pytest.raises(ParseError, match="duplicate key '0x1'") as info:
        Policy.load(path)
    assert info.value.location == "line 5, column 3"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{"use": {"commercial": false, "commercial": true}}', "duplicate key 'commercial'"),
        ('{"use": {"monthly_active_users": ' + _BIG + "}}", "not valid JSON"),
    ],
)
def test_json_embedded_in_a_cyclonedx_property_is_read_strictly(value: str, message: str) -> None:
    """The policy aiprov embeds in CycloneDX (`aiprov:policy`) is JSON read with the same rules."""
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [],
        "properties": [{"name": "aiprov:policy", "value": value}],
    }
    with pytest.raises(ParseError, match=message) as info:
        aiprov.loads(json.dumps(doc), "c.json")
    assert info.value.location is not None


def test_an_element_given_twice_in_cyclonedx_xml_is_an_error() -> None:
    """XML's repeated key: a component with two <name> elements is refused, not read as the last."""
    xml = (
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"><components>'
        '<component type="library"><name>a</name><name>b</name></component></components></bom>'
    )
    with pytest.raises(ParseError, match="<name> given twice in <component>"):
        aiprov.loads(xml, "c.xml")
