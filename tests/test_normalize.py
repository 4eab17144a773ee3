"""Normalization: what people write becomes a canonical expression, or an honest unknown / invalid."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiprov import normalize_license

CASES = [
    # SPDX ids and expressions, any case, deprecated ids, or-later
    ("MIT", "MIT"),
    ("mit", "MIT"),
    ("apache-2.0", "Apache-2.0"),
    ("GPL-2.0", "GPL-2.0-only"),
    ("GPL-2.0+", "GPL-2.0-or-later"),
    ("gpl-3.0+", "GPL-3.0-or-later"),
    ("LGPL-2.1", "LGPL-2.1-only"),
    ("MIT OR Apache-2.0", "MIT OR Apache-2.0"),
    ("mit or apache-2.0", "MIT OR Apache-2.0"),
    ("(MIT OR Apache-2.0) AND BSD-3-Clause", "(MIT OR Apache-2.0) AND BSD-3-Clause"),
    ("MIT AND (Apache-2.0 OR GPL-2.0+)", "MIT AND (Apache-2.0 OR GPL-2.0-or-later)"),
    ("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"),
    ("gpl-2.0 with classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"),
    ("MIT AND MIT", "MIT"),
    # ScanCode keys and LicenseRefs
    ("LicenseRef-scancode-llama-3.1-license-2024", "LicenseRef-scancode-llama-3.1-license-2024"),
    ("llama-2-license-2023", "LicenseRef-scancode-llama-2-license-2023"),
    # Hugging Face identifiers
    ("llama2", "LicenseRef-scancode-llama-2-license-2023"),
    ("llama3", "LicenseRef-aiprov-llama-3"),
    ("llama3.1", "LicenseRef-scancode-llama-3.1-license-2024"),
    ("llama3.2", "LicenseRef-scancode-llama-3.2-license-2024"),
    ("llama3.3", "LicenseRef-scancode-llama-3.3-license-2024"),
    ("llama4", "LicenseRef-scancode-llama-4-cla-2025"),
    ("gemma", "LicenseRef-scancode-gemma-tou-2024-04-01"),
    ("openrail++", "LicenseRef-scancode-bigscience-open-rail-m2"),
    ("creativeml-openrail-m", "LicenseRef-scancode-stable-diffusion-2022-08-22"),
    ("bigscience-bloom-rail-1.0", "LicenseRef-scancode-bigscience-rail-1.0"),
    ("cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0"),
    ("c-uda", "C-UDA-1.0"),
    ("apple-amlr", "LicenseRef-aiprov-apple-amlr"),
    ("openmdw-1.0", "OpenMDW-1.0"),
    ("odc-by", "ODC-By-1.0"),
    # free text
    ("Apache 2.0", "Apache-2.0"),
    ("Apache License, Version 2.0", "Apache-2.0"),
    ("apache 2.0", "Apache-2.0"),
    ("GPLv3", "GPL-3.0-only"),
    ("CC BY-NC 4.0", "CC-BY-NC-4.0"),
    ("Llama 3.1 Community License", "LicenseRef-scancode-llama-3.1-license-2024"),
    ("MIT License", "MIT"),
    ("Apache License 2.0 OR MIT", "Apache-2.0 OR MIT"),
    ("ODC-By", "ODC-By-1.0"),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_normalizes_to_canonical(text: str, expected: str) -> None:
    """Spellings people write map to one canonical expression."""
    result = normalize_license(text)
    assert result.status == "ok", result.reason
    assert result.expression == expected


@pytest.mark.parametrize("text", ["other", "unknown", "", "   ", "NOASSERTION", "none"])
def test_no_license_is_unknown_with_a_reason(text: str) -> None:
    """`other`, `unknown` and empty input give status unknown, a reason and no guess."""
    result = normalize_license(text)
    assert result.status == "unknown"
    assert result.expression is None
    assert result.reason


@pytest.mark.parametrize(
    "text", ["MIT AND", "(MIT", "MIT OR OR Apache-2.0", "WITH Classpath-exception-2.0", ")"]
)
def test_unparseable_is_invalid_with_a_reason(text: str) -> None:
    """A broken expression is invalid, never an exception."""
    result = normalize_license(text)
    assert result.status == "invalid"
    assert result.reason


def test_unknown_identifier_is_named() -> None:
    """A name nobody knows is reported, not silently guessed."""
    result = normalize_license("Acme Proprietary EULA")
    assert result.status == "unknown"
    assert "Acme Proprietary EULA" in result.reason


def test_custom_licenseref_is_kept_but_unknown() -> None:
    """A LicenseRef the catalog does not know stays as written, with status unknown."""
    result = normalize_license("MIT AND LicenseRef-acme-eula")
    assert result.status == "unknown"
    assert result.expression == "MIT AND LicenseRef-acme-eula"
    assert result.unknown_ids == ("LicenseRef-acme-eula",)


def test_json_shape() -> None:
    """to_dict has the keys the CLI's JSON promises."""
    data = normalize_license("Apache 2.0").to_dict()
    assert {"input", "expression", "status", "reason"} <= set(data)


@given(st.text(max_size=200))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    """Any text gives a result with a status and a reason."""
    result = normalize_license(text)
    assert result.status in ("ok", "unknown", "invalid")
    assert result.reason


_TOKENS = st.sampled_from(
    [
        "MIT",
        "apache-2.0",
        "GPL-2.0+",
        "llama3.1",
        "cc-by-nc-4.0",
        "Apache 2.0",
        "BSD-3-Clause",
        "gemma",
        "AND",
        "OR",
        "and",
        "or",
        "(",
        ")",
        "WITH",
        "Classpath-exception-2.0",
        "foo",
    ]
)


@given(st.lists(_TOKENS, min_size=1, max_size=12).map(" ".join) | st.text(max_size=60))
def test_normalizing_twice_equals_once(text: str) -> None:
    """Normalization is idempotent: normalizing the canonical expression gives it back."""
    first = normalize_license(text)
    if first.expression is None:
        return
    second = normalize_license(first.expression)
    assert second.expression == first.expression
    assert second.status == first.status
