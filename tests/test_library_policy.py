"""One input, one answer: the library and the CLI judge a manifest by the same policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import aiprov
from aiprov.analysis import Policy, check, obligations
from aiprov.cli import main

MANIFEST = """\
aibom: 1
policy:
  use: {commercial: false, distribution: internal}
artifacts:
  - {id: nc-data, kind: dataset, license: CC-BY-NC-4.0, source: "https://example.org/d"}
  - {id: app, kind: model, license: MIT, source: "https://example.org/m"}
relations:
  - {from: app, type: trained_on, to: nc-data}
"""


def test_check_of_a_loaded_manifest_applies_its_inline_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``aiprov.check(aiprov.load(FILE))`` gives what ``aiprov check FILE --format json`` gives: the
    manifest's ``policy:`` (here non-commercial, internal) is applied either way."""
    path = tmp_path / "aibom.yaml"
    path.write_text(MANIFEST)
    report = check(aiprov.load(path))
    assert report.policy.use.commercial is False
    assert "noncommercial-use" not in {f.code for f in report.findings}
    assert main(["check", str(path), "--format", "json", "--fail-on", "never"]) == 0
    assert json.loads(capsys.readouterr().out) == report.to_dict()
    # an explicit policy still wins over the inline one
    assert "noncommercial-use" in {f.code for f in check(aiprov.load(path), Policy()).findings}
    assert obligations(aiprov.load(path)).policy.use.distribution == "internal"
