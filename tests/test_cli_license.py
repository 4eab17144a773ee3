"""`aiprov license ...`: the JSON contracts and the exit codes."""

from __future__ import annotations

import json

import pytest

from aiprov.cli import main

SHOW_KEYS = {
    "id",
    "name",
    "category",
    "osi_approved",
    "any_purpose",
    "commercial_use",
    "mau_threshold",
    "use_restrictions",
    "passthrough_required",
    "copyleft",
    "non_commercial",
    "no_derivatives",
    "naming_requirement",
    "attribution_requirement",
    "output_restrictions",
    "curated",
    "clauses",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_show_json_has_the_promised_keys(capsys: pytest.CaptureFixture[str]) -> None:
    """`license show --format json` carries every documented key and the clause of each term."""
    code, out, _ = run(capsys, "license", "show", "llama3.1", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert set(data) >= SHOW_KEYS
    assert data["commercial_use"] == "threshold"
    assert data["mau_threshold"] == 700_000_000
    assert data["naming_requirement"].startswith('a derived model\'s name must begin with "Llama"')
    assert data["clauses"]["naming"]["clause"].startswith("1.b.i")
    assert data["copyleft"] in ("none", "weak", "strong", "network", "share-alike")


def test_show_text_lists_terms_with_clauses(capsys: pytest.CaptureFixture[str]) -> None:
    """The text view shows each term with its section."""
    code, out, _ = run(capsys, "license", "show", "CC-BY-NC-4.0")
    assert code == 0
    assert "Non-commercial" in out
    assert "[§" in out


def test_show_unknown_license_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown id is bad input: exit 2, one line, a suggestion, no traceback."""
    code, out, err = run(capsys, "license", "show", "llama3.7")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "unknown license 'llama3.7'" in err
    assert "Traceback" not in err


def test_normalize_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`license normalize --format json` has input, expression, status and reason."""
    code, out, _ = run(capsys, "license", "normalize", "Apache License, Version 2.0", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["input"] == "Apache License, Version 2.0"
    assert (data["expression"], data["status"]) == ("Apache-2.0", "ok")
    assert data["reason"]


def test_normalize_unknown_is_not_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Reporting `other` as unknown is the command doing its job: exit 0."""
    code, out, _ = run(capsys, "license", "normalize", "other", "--format", "json")
    assert code == 0
    assert json.loads(out)["status"] == "unknown"


def test_normalize_invalid_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A broken expression is bad input."""
    code, out, _ = run(capsys, "license", "normalize", "MIT AND", "--format", "json")
    assert code == 2
    assert json.loads(out)["status"] == "invalid"


def test_compat_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`license compat` answers with compatible and reason."""
    code, out, _ = run(capsys, "license", "compat", "GPL-2.0-only", "Apache-2.0", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["compatible"] is False
    assert "OSADL" in data["reason"]


def test_compat_unknown_input_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A license nobody knows is bad input for compat."""
    code, _, err = run(capsys, "license", "compat", "MIT", "Acme EULA")
    assert code == 2
    assert "Acme EULA" in err


def test_list_by_category(capsys: pytest.CaptureFixture[str]) -> None:
    """`license list --category` filters; JSON lists records."""
    code, out, _ = run(capsys, "license", "list", "--category", "network-copyleft", "--format", "json")
    ids = {r["id"] for r in json.loads(out)}
    assert code == 0
    assert ids == {"AGPL-3.0-only", "AGPL-3.0-or-later"}


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse errors exit 2 too."""
    with pytest.raises(SystemExit) as exc:
        main(["license", "show"])
    assert exc.value.code == 2
