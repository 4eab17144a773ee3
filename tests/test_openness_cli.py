"""``aiprov openness``: formats, exit codes and the rendered report."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from aiprov.cli import main

ROOT = Path(__file__).parent / "data"


def test_json_output_has_both_frameworks(capsys: pytest.CaptureFixture[str]) -> None:
    """--format json prints {"osaid": {...}, "mof": {...}} and exits 0."""
    assert main(["openness", str(ROOT / "openness" / "olmo.yaml"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["osaid"]["conformant"] is True
    assert "class" in data["mof"] and "components" in data["mof"]


def test_framework_option_limits_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    """--framework mof leaves out the OSAID part."""
    assert (
        main(["openness", str(ROOT / "mot" / "class3-global.yml"), "--framework", "mof", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert "osaid" not in data and data["mof"]["class"] == 3


def test_not_conformant_is_still_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    """A negative verdict is a produced report: exit 0, with the failing clause in the text."""
    assert main(["openness", str(ROOT / "openness" / "llama2.yaml")]) == 0
    out = capsys.readouterr().out
    assert "NOT CONFORMANT" in out and "Llama 2 §1.b.iv" in out


def test_markdown_carries_svg_badges(capsys: pytest.CaptureFixture[str]) -> None:
    """The markdown report embeds SVG badges for the OSAID status and the MOF class."""
    assert main(["openness", str(ROOT / "mot" / "class1-complete.yml"), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    images = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", out)
    assert len(images) == 2
    svgs = [base64.b64decode(i).decode() for i in images]
    assert any("Class I - Open Science" in s for s in svgs)
    assert all(s.startswith("<svg") for s in svgs)


@pytest.mark.parametrize("name", ["malformed.yml"])
def test_bad_input_exits_2(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed MOT file gives one line on stderr and exit 2."""
    assert main(["openness", str(ROOT / "mot" / name)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aiprov: error:") and len(err.strip().splitlines()) == 1


def test_missing_file_exits_2(tmp_path: Path) -> None:
    """A file that does not exist is bad input (exit 2)."""
    assert main(["openness", str(tmp_path / "nope.yml")]) == 2
