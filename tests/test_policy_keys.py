"""A policy key that no check reads is a bug: every key docs/policy.md documents changes a verdict."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aiprov.analysis import Policy, check
from aiprov.graph import AIBOM

from .builders import chain

DOC = Path(__file__).resolve().parents[1] / "docs" / "policy.md"

_LLAMA = chain(("m", "model", "llama3.1", {"name": "Llama-x"}))
_NC = chain(("d", "dataset", "CC-BY-NC-4.0"))
_DATA = chain(("m", "model", "MIT"), ("d", "dataset", "CC-BY-SA-4.0"), relations=(("m", "trained_on", "d"),))
_AGPL = chain(
    ("svc", "service", "LicenseRef-acme-proprietary"),
    ("lib", "code", "AGPL-3.0-only"),
    relations=(("svc", "depends_on", "lib"),),
)
_GPL = chain(
    ("app", "code", "Apache-2.0"), ("lib", "code", "GPL-3.0-only"), relations=(("app", "depends_on", "lib"),)
)
_BIGSCIENCE = chain(("m", "model", "bigscience-openrail-m"))
_LLAMA4 = chain(("m", "model", "llama4", {"name": "Llama-4-Scout"}))
_STABILITY = chain(("m", "model", "LicenseRef-scancode-stability-ai-community-2024"))
_PLAIN = chain(("m", "model", "MIT"))

#: key -> (supply chain, policy without the key's effect, policy with it)
CASES: dict[str, tuple[AIBOM, dict[str, Any], dict[str, Any]]] = {
    "use.commercial": (_NC, {"use": {"commercial": False}}, {"use": {"commercial": True}}),
    "use.distribution": (_GPL, {"use": {"distribution": "internal"}}, {"use": {"distribution": "weights"}}),
    "use.monthly_active_users": (_LLAMA, {}, {"use": {"monthly_active_users": 800_000_000}}),
    "use.revenue_usd": (_STABILITY, {}, {"use": {"revenue_usd": 5_000_000}}),
    "use.field": (_BIGSCIENCE, {}, {"use": {"field": "medical"}}),
    "use.region": (_LLAMA4, {}, {"use": {"region": "EU"}}),
    "data_terms_reach_models": (
        _DATA,
        {"data_terms_reach_models": "off"},
        {"data_terms_reach_models": "strict"},
    ),
    "proprietary": (
        _AGPL,
        {"use": {"distribution": "saas"}},
        {"use": {"distribution": "saas"}, "proprietary": ["LicenseRef-acme-proprietary"]},
    ),
    "deny": (_NC, {}, {"deny": ["non-commercial"]}),
    "allow": (_NC, {"deny": ["non-commercial"]}, {"deny": ["non-commercial"], "allow": ["CC-BY-NC-4.0"]}),
    "require": (_PLAIN, {}, {"require": {"hashes": True}}),
    "waivers": (
        _NC,
        {},
        {"waivers": [{"code": "noncommercial-use", "subject": "d", "reason": "research only"}]},
    ),
}


def _verdict(bom: AIBOM, data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [(f.code, f.severity, f.subject, f.certainty) for f in check(bom, Policy.from_dict(data)).findings]


def test_the_cases_cover_every_documented_key() -> None:
    """Each key in docs/policy.md's table has a case below (a new key needs one)."""
    documented: set[str] = set()
    for line in DOC.read_text().splitlines():
        if line.startswith("| `"):
            documented.update(re.findall(r"`([a-z_.]+)`", line.split(" | ")[0]))
    assert documented == set(CASES) | set(VERIFY_CASES)


#: Keys whose verdicts are given by `aiprov verify`, each with the test there that shows a change.
VERIFY_CASES = {
    "trusted_signers": "tests/test_provenance_verify.py::test_policy_signers_are_checked",
}


def test_verify_keys_have_their_test() -> None:
    """A key judged by verify names a test in the verify suite that exists."""
    for target in VERIFY_CASES.values():
        path, name = target.split("::")
        assert f"def {name}(" in (Path(__file__).parents[1] / path).read_text(encoding="utf-8")


@pytest.mark.parametrize("key", sorted(CASES))
def test_every_policy_key_changes_a_verdict(key: str) -> None:
    """Setting the key changes the findings of a supply chain it is about."""
    bom, without, with_key = CASES[key]
    assert _verdict(bom, without) != _verdict(bom, with_key)
