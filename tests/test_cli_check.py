"""`aiprov check` / `aiprov obligations` on the shipped examples and on broken input, as a new user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aiprov.cli import main

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def codes_for(
    capsys: pytest.CaptureFixture[str], example: str, *extra: str
) -> tuple[int, list[dict[str, object]]]:
    code, out, _ = run(capsys, "check", EX / example / "aibom.yaml", "--format", "json", *extra)
    return code, json.loads(out)["findings"]


def test_chat_product(capsys: pytest.CaptureFixture[str]) -> None:
    """Example 1: naming, relicensing, NC data, OpenAI outputs and the Llama AUP are all found."""
    code, findings = codes_for(capsys, "chat-product")
    got = {(f["code"], f["subject"], f["severity"]) for f in findings}
    assert code == 1
    assert ("naming-requirement", "acme-chat-8b", "error") in got
    assert ("naming-requirement", "acme-support-lora", "error") in got
    assert ("relicense-conflict", "acme-support-lora", "error") in got
    assert ("noncommercial-use", "customer-dialogs-nc", "error") in got
    assert ("noncommercial-use", "acme-support-lora", "warning") in got
    assert ("output-restriction", "acme-support-lora", "warning") in got
    assert ("use-restricted", "acme-support-lora", "warning") in got
    assert ("attribution-required", "acme-chat-8b", "info") in got


def test_sd_finetune_released_under_mit(capsys: pytest.CaptureFixture[str]) -> None:
    """Example 2: an OpenRAIL-M fine-tune under MIT is a relicense conflict."""
    code, findings = codes_for(capsys, "sd-finetune")
    errors = {(f["code"], f["subject"]) for f in findings if f["severity"] == "error"}
    assert code == 1
    assert errors == {("relicense-conflict", "pixel-art-diffusion")}


def test_open_model_has_no_error_or_warning(capsys: pytest.CaptureFixture[str]) -> None:
    """Example 3: a fully open OLMo-style release comes out clean (info only)."""
    code, findings = codes_for(capsys, "open-model", "--fail-on", "warning")
    assert code == 0
    assert {f["severity"] for f in findings} <= {"info"}


def test_code_mixing(capsys: pytest.CaptureFixture[str]) -> None:
    """Example 4: GPL-2.0-only code cannot take Apache-2.0 nor go into GPL-3.0; the MIT model stays MIT."""
    code, findings = codes_for(capsys, "code-mixing")
    conflicts = {f["subject"] for f in findings if f["code"] == "copyleft-conflict"}
    assert code == 1
    assert conflicts == {"infer-server", "audio-codec"}
    assert not any(f["subject"] == "tiny-classifier" and f["severity"] != "info" for f in findings)


def test_json_shape_and_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON has findings with the promised keys and a summary."""
    _, out, _ = run(capsys, "check", EX / "chat-product/aibom.yaml", "--format", "json")
    data = json.loads(out)
    assert set(data) == {"findings", "summary"}
    assert set(data["findings"][0]) == {
        "code",
        "severity",
        "subject",
        "message",
        "path",
        "license",
        "clause",
        "certainty",
        "remedy",
    }
    assert data["summary"]["errors"] == sum(1 for f in data["findings"] if f["severity"] == "error")


def test_fail_on_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    """--fail-on never always exits 0; warning fails on warnings."""
    assert run(capsys, "check", EX / "chat-product/aibom.yaml", "--fail-on", "never")[0] == 0
    assert run(capsys, "check", EX / "sd-finetune/aibom.yaml", "--fail-on", "warning")[0] == 1


def test_flags_override_the_policy(capsys: pytest.CaptureFixture[str]) -> None:
    """--non-commercial removes NC findings; --mau over 700M raises the Llama threshold."""
    _, findings = codes_for(capsys, "chat-product", "--non-commercial")
    assert not any(f["code"] == "noncommercial-use" for f in findings)
    _, findings = codes_for(capsys, "chat-product", "--mau", "800000000")
    assert any(f["code"] == "mau-threshold" and f["severity"] == "error" for f in findings)


def test_text_and_markdown_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    """Text groups by artifact with chains; markdown has a table per artifact."""
    _, out, _ = run(capsys, "check", EX / "chat-product/aibom.yaml")
    assert "acme-support-lora (model, Apache-2.0)" in out
    assert "-adapter_of->" in out
    assert "\033[" not in out  # no colour when not a terminal
    _, md, _ = run(capsys, "check", EX / "chat-product/aibom.yaml", "--format", "markdown")
    assert md.startswith("# aiprov check")
    assert "| severity | certainty | code | message | remedy |" in md


def test_obligations(capsys: pytest.CaptureFixture[str]) -> None:
    """Obligations list what to do, grouped by artifact, with the Llama display text and naming."""
    code, out, _ = run(capsys, "obligations", EX / "chat-product/aibom.yaml", "--format", "json")
    data = json.loads(out)
    assert code == 0
    lora = next(a for a in data["artifacts"] if a["subject"] == "acme-support-lora")
    actions = {(o["action"], o["license"]) for o in lora["obligations"]}
    llama = "LicenseRef-scancode-llama-3.1-license-2024"
    assert ("display-attribution", llama) in actions
    assert ("name-prefix", llama) in actions
    assert ("pass-on-restrictions", llama) in actions
    assert len(actions) == len(lora["obligations"])  # deduplicated


def test_obligations_internal_use_has_no_distribution_duties(capsys: pytest.CaptureFixture[str]) -> None:
    """Internal use triggers no notice or naming duties."""
    _, out, _ = run(capsys, "obligations", EX / "code-mixing/aibom.yaml", "--distribution", "internal")
    assert "offer-source" not in out


def test_policy_file_and_waivers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A policy file replaces the inline one; waivers silence and expire."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "use: {commercial: true, distribution: weights}\n"
        "waivers:\n  - {code: relicense-conflict, subject: pixel-art-diffusion, reason: legal ok,"
        " expires: 2026-01-01}\n"
    )
    code, out, _ = run(
        capsys,
        "check",
        EX / "sd-finetune/aibom.yaml",
        "--policy",
        policy,
        "--today",
        "2025-06-01",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["summary"]["waived"] == 1
    code, out, _ = run(
        capsys,
        "check",
        EX / "sd-finetune/aibom.yaml",
        "--policy",
        policy,
        "--today",
        "2026-06-01",
        "--format",
        "json",
    )
    assert code == 1
    assert "waiver-expired" in {f["code"] for f in json.loads(out)["findings"]}


BAD = {
    "empty.yaml": ("", "empty"),
    "not-yaml.yaml": ("aibom: 1\nartifacts: [\n", "not valid YAML"),
    "wrong-type.yaml": ("aibom: 1\nartifacts: {id: a}\n", "expected a list of artifacts"),
    "bad-kind.yaml": ("aibom: 1\nartifacts:\n  - {id: a, kind: modle}\n", "line 3, artifacts/0/kind"),
    "bad-relation.yaml": (
        "aibom: 1\nartifacts:\n  - {id: a, kind: model}\n  - {id: b, kind: model}\n"
        "relations:\n  - {from: a, type: finetuned, to: b}\n",
        "unknown relation type 'finetuned'",
    ),
    "dangling.yaml": (
        "aibom: 1\nartifacts:\n  - {id: a, kind: model}\nrelations:\n  - {from: a, type: trained_on, "
        "to: ghost}\n",
        "unknown artifact id 'ghost'",
    ),
    "duplicate.yaml": (
        "aibom: 1\nartifacts:\n  - {id: a, kind: model}\n  - {id: a, kind: dataset}\n",
        "duplicate artifact id 'a'",
    ),
    "cycle.yaml": (
        "aibom: 1\nartifacts:\n  - {id: a, kind: model}\n  - {id: b, kind: model}\nrelations:\n"
        "  - {from: a, type: fine_tuned_from, to: b}\n  - {from: b, type: merged_from, to: a}\n",
        "derivation cycle",
    ),
    "alias-bomb.yaml": (
        "aibom: 1\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        "aliases",
    ),
    "wrong-version.yaml": ("aibom: 2\nartifacts: []\n", "unsupported manifest version"),
    "unknown-key.yaml": (
        "aibom: 1\nartifacts:\n  - {id: a, kind: model, licence: MIT}\n",
        "unknown key 'licence'",
    ),
    "binary.yaml": ("\udcff\udcfe", "not UTF-8"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_exits_2_with_one_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Broken manifests: exit 2, one line naming the file and the problem, no traceback."""
    text, expected = BAD[name]
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    code, out, err = run(capsys, "check", path)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert str(path) in err
    assert expected in err
    assert "Traceback" not in err


def test_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that is not a file is bad input."""
    assert run(capsys, "check", tmp_path / "nope.yaml")[0] == 2
    assert run(capsys, "check", tmp_path)[0] == 2


def test_bad_policy_names_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A policy with a wrong value names the file and key."""
    policy = tmp_path / "p.yaml"
    policy.write_text("use: {distribution: everywhere}\n")
    code, _, err = run(capsys, "check", EX / "open-model/aibom.yaml", "--policy", policy)
    assert code == 2
    assert "p.yaml: use/distribution" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # an alias bomb: refused before anything is built
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ndeny: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
            "p.yaml: line 2: YAML aliases (*ref) are not supported in policies",
        ),
        ("use: [commercial\n", "p.yaml: line 2, column 1: not valid YAML"),
        ("\xff\n", "p.yaml: not UTF-8 text"),
    ],
)
def test_bad_policy_yaml_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    """A policy file that is not plain YAML (aliases, bad syntax, not UTF-8) is bad input, named by place."""
    policy = tmp_path / "p.yaml"
    policy.write_bytes(text.encode("latin-1"))
    code, _, err = run(capsys, "check", EX / "open-model/aibom.yaml", "--policy", policy)
    assert code == 2
    assert expected in err and "Traceback" not in err


def test_large_yaml_manifest_is_refused_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 50 MB YAML manifest gets a clear error (use JSON), not a long hang."""
    path = tmp_path / "big.yaml"
    line = "  - {id: a%d, kind: dataset, license: MIT}\n"
    with path.open("w") as fh:
        fh.write("aibom: 1\nartifacts:\n")
        i = 0
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(line % i)
            i += 1
    code, _, err = run(capsys, "check", path)
    assert code == 2
    assert "JSON" in err


@pytest.mark.slow
def test_large_json_manifest_is_checked(tmp_path: Path) -> None:
    """A 50 MB JSON manifest is read and checked without a hang (slow)."""
    arts = [
        {"id": f"d{i}", "kind": "dataset", "license": "CC-BY-4.0", "source": f"https://e.org/{i}"}
        for i in range(450_000)
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"aibom": 1, "artifacts": arts, "relations": []}))
    assert path.stat().st_size > 40 * 1024 * 1024
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "aiprov",
            "check",
            str(path),
            "--format",
            "json",
            "--distribution",
            "internal",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["artifacts"] == 450_000
