"""Mutated documents of every format through every reader: a typed error or a graph, never an internal
error, never a hang. Small by default; `pytest -m slow` runs many more examples."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aiprov
from aiprov.analysis.policy import Policy
from aiprov.cli import main
from aiprov.exceptions import AiprovError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CHAT = ROOT / "examples" / "chat-product" / "aibom.yaml"
_POLICY = """use: {commercial: true, distribution: saas, monthly_active_users: 1000, region: EU}
data_terms_reach_models: warn
deny: [CC-BY-NC-4.0, copyleft-strong]
require: {hashes: false, source: true}
waivers:
  - {code: naming-requirement, subject: acme-chat-8b, reason: renamed next release, expires: 2030-01-31}
"""

#: One real document per format (what other tools and aiprov write), with the reader's format name.
SEEDS: dict[str, tuple[str, str]] = {
    "manifest-yaml": ("manifest", CHAT.read_text()),
    "manifest-json": ("manifest", aiprov.dumps(aiprov.load(CHAT), "manifest-json")),
    "cyclonedx-json": ("cyclonedx-json", (DATA / "cyclonedx" / "owasp-aibom-generator-1.6.json").read_text()),
    "cyclonedx-xml": ("cyclonedx-xml", (DATA / "cyclonedx" / "mlbom-data-governance-1.6.xml").read_text()),
    "spdx3-json": ("spdx3-json", (DATA / "spdx3" / "ai-finetune.json").read_text()),
    "spdx2-json": ("spdx2-json", (DATA / "spdx2" / "finetune.spdx.json").read_text()),
    "spdx2-tv": ("spdx2-tv", (DATA / "spdx2" / "finetune.spdx").read_text()),
    "mot": ("mot", (DATA / "mot" / "class1-complete.yml").read_text()),
    "policy": ("policy", _POLICY),
}

#: Tokens that break parsers in interesting ways: structure, escapes, line endings, YAML tags and
#: aliases, XML entities, giant and odd numbers, lone surrogates, NUL.
_TOKENS = st.sampled_from(
    [
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        '"',
        "'",
        "\\",
        "\n",
        "\r\n",
        "\r",
        "\t",
        " ",
        "-",
        "- ",
        "#",
        "null",
        "true",
        "NaN",
        "-Infinity",
        "1e999",
        "9" * 5000,
        "0x1F",
        "2024-02-30",
        "~",
        "*a",
        "&a ",
        "!!python/object:os.system",
        "<<: ",
        "? ",
        "|",
        ">",
        "<",
        "/>",
        "&amp;",
        "&ent;",
        "<!DOCTYPE x [<!ENTITY ent 'boom'>]>",
        "<![CDATA[",
        "]]>",
        "\x00",
        "\ufeff",
        "\ud800",
        "é",
        "SPDXVersion: SPDX-2.3\n",
        "<text>",
        "</text>",
        '"name": "dup", "name": "dup2", ',
        '"spdxId": "urn:x", ',
        '"type": "Relationship", ',
        "license: MIT\n",
        "relations:\n",
        "artifacts: []\n",
        "aibom: 1\n",
        "NOASSERTION",
        "NONE",
    ]
)

_MUTATION = st.tuples(
    st.sampled_from(["insert", "replace", "delete", "duplicate", "swap"]),
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.integers(min_value=0, max_value=200),
    _TOKENS,
)


def mutate(text: str, mutations: list[tuple[str, float, int, str]]) -> str:
    """Apply text mutations at relative positions: insert or replace with a token, delete or
    duplicate a span, swap two spans."""
    for op, where, length, token in mutations:
        at = int(where * len(text))
        end = min(len(text), at + length)
        if op == "insert":
            text = text[:at] + token + text[at:]
        elif op == "replace":
            text = text[:at] + token + text[end:]
        elif op == "delete":
            text = text[:at] + text[end:]
        elif op == "duplicate":
            text = text[:end] + text[at:end] + text[end:]
        else:
            mid = (at + end) // 2
            text = text[:at] + text[mid:end] + text[at:mid] + text[end:]
    return text


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    )


def mutate_json(text: str, data: st.DataObject) -> str:
    """A structural mutation of a JSON document: one value somewhere replaced by an arbitrary value."""
    doc = json.loads(text)
    node = doc
    for _ in range(data.draw(st.integers(min_value=0, max_value=6))):
        if isinstance(node, dict) and node:
            key = data.draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], (dict, list)) or not node[key]:
                node[key] = data.draw(_json_values())
                return json.dumps(doc)
            node = node[key]
        elif isinstance(node, list) and node:
            index = data.draw(st.integers(min_value=0, max_value=len(node) - 1))
            if not isinstance(node[index], (dict, list)) or not node[index]:
                node[index] = data.draw(_json_values())
                return json.dumps(doc)
            node = node[index]
    if isinstance(node, dict):
        node[data.draw(st.text(max_size=10))] = data.draw(_json_values())
    elif isinstance(node, list):
        node.append(data.draw(_json_values()))
    return json.dumps(doc)


def read(fmt: str, text: str) -> None:
    """Read ``text`` as ``fmt`` and as whatever detection says, then judge what was read: anything
    but an AiprovError fails the test, as does taking more than a few seconds."""
    start = time.monotonic()
    readers: list[Callable[[], Any]]
    if fmt == "policy":
        with tempfile.NamedTemporaryFile(
            "w", suffix=".yaml", delete=False, encoding="utf-8", errors="surrogatepass"
        ) as fh:
            fh.write(text)
        try:
            readers = [lambda: Policy.load(fh.name)]
            _run(readers)
        finally:
            os.unlink(fh.name)
    else:
        boms: list[aiprov.AIBOM] = []
        readers = [
            lambda: boms.append(aiprov.loads(text, "fuzz", fmt)),
            lambda: boms.append(aiprov.loads(text, "fuzz")),
        ]
        _run(readers)
        if boms:
            first = boms[0]
            _run([lambda: aiprov.check(first), lambda: aiprov.openness(first)])
    assert time.monotonic() - start < 20, "a mutated document took too long"


def _run(calls: list[Callable[[], Any]]) -> None:
    for call in calls:
        with contextlib.suppress(AiprovError):  # a typed error is a right answer; anything else fails
            call()


_SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
_SLOW = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


def _text_test(kind: str, mutations: list[tuple[str, float, int, str]]) -> None:
    fmt, seed = SEEDS[kind]
    read(fmt, mutate(seed, mutations))


@pytest.mark.parametrize("kind", sorted(SEEDS))
@_SETTINGS
@given(mutations=st.lists(_MUTATION, min_size=1, max_size=4))
def test_mutated_documents_read_or_fail_with_a_typed_error(kind: str, mutations: list[Any]) -> None:
    """Every reader, fed a mutated real document, returns a graph or raises an AiprovError."""
    _text_test(kind, mutations)


_JSON_KINDS = sorted(k for k in SEEDS if k.endswith("json"))


@pytest.mark.parametrize("kind", _JSON_KINDS)
@_SETTINGS
@given(data=st.data())
def test_structurally_mutated_json_reads_or_fails_with_a_typed_error(kind: str, data: st.DataObject) -> None:
    """Wrongly typed values anywhere in a JSON document (a string for an object, a list for a string)
    are read or refused with an AiprovError."""
    fmt, seed = SEEDS[kind]
    read(fmt, mutate_json(seed, data))


@_SETTINGS
@given(
    kind=st.sampled_from(sorted(k for k in SEEDS if k != "policy")), mutations=st.lists(_MUTATION, max_size=3)
)
def test_the_command_line_never_exits_3_on_a_mutated_document(kind: str, mutations: list[Any]) -> None:
    """`aiprov check FILE` on a mutated document exits 0, 1 or 2, never 3 (internal error)."""
    _, seed = SEEDS[kind]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc"
        path.write_bytes(mutate(seed, mutations).encode("utf-8", "surrogatepass"))
        for argv in (["check", str(path), "--format", "json"], ["convert", str(path), "--to", "manifest"]):
            code = main(argv)
            assert code in (0, 1, 2), argv


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(SEEDS))
@_SLOW
@given(mutations=st.lists(_MUTATION, min_size=1, max_size=6))
def test_many_mutated_documents_read_or_fail_with_a_typed_error(kind: str, mutations: list[Any]) -> None:
    """The text fuzz at length (slow)."""
    _text_test(kind, mutations)


@pytest.mark.slow
@pytest.mark.parametrize("kind", _JSON_KINDS)
@_SLOW
@given(data=st.data())
def test_many_structurally_mutated_json_documents(kind: str, data: st.DataObject) -> None:
    """The structural JSON fuzz at length (slow)."""
    fmt, seed = SEEDS[kind]
    read(fmt, mutate_json(seed, data))
