"""Every door an input comes through: standard input, /dev/stdin, process substitution, named pipes,
endless devices and huge files (a size limit), format detection from structure, and ``--from``."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import aiprov
from aiprov.cli import main
from aiprov.exceptions import InputError, ParseError
from aiprov.formats import DEFAULT_MAX_SIZE, FORMAT_MAX_SIZE, detect, parse_size

ROOT = Path(__file__).resolve().parents[1]
CHAT = ROOT / "examples" / "chat-product" / "aibom.yaml"
CDX = ROOT / "tests" / "data" / "cyclonedx" / "owasp-aibom-generator-1.6.json"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def aiprov_cmd(*argv: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aiprov", *argv], capture_output=True, text=True, env=ENV, timeout=60, **kwargs
    )


def late_bomformat(tmp_path: Path) -> Path:
    """A CycloneDX document laid out as cyclonedx-python-lib writes it: bomFormat after 100+ KB."""
    components = [
        {
            "bom-ref": f"pkg:pypi/p{i}@1.0",
            "type": "library",
            "name": f"p{i}",
            "version": "1.0",
            "licenses": [{"license": {"id": "MIT"}}],
            "purl": f"pkg:pypi/p{i}@1.0",
            "description": "x" * 80,
        }
        for i in range(800)
    ]
    doc = {
        "components": components,
        "dependencies": [{"ref": c["bom-ref"]} for c in components],
        "metadata": {"timestamp": "2025-01-01T00:00:00+00:00"},
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
    }
    path = tmp_path / "env.cdx.json"
    path.write_text(json.dumps(doc, indent=2))
    assert path.read_text().index('"bomFormat"') > 65536
    return path


def test_format_is_detected_from_structure_however_late_the_key(tmp_path: Path) -> None:
    """A CycloneDX document whose bomFormat comes after the first 64 KiB is still CycloneDX."""
    path = late_bomformat(tmp_path)
    assert detect(path.read_text()) == "cyclonedx-json"
    bom = aiprov.load(path)
    assert len(bom) == 800 and bom.metadata["source_format"] == "cyclonedx-json"


def test_a_late_top_level_yaml_key_is_detected(tmp_path: Path) -> None:
    """An aibom manifest whose `aibom: 1` comes after a long comment block is a manifest."""
    text = "".join(f"# line {i} of a long note at the top of the file\n" for i in range(2000))
    text += CHAT.read_text()
    path = tmp_path / "late.yaml"
    path.write_text(text)
    assert len(text) > 65536
    assert aiprov.load(path).metadata["source_format"] == "manifest"


@pytest.mark.parametrize(
    "argv",
    [
        ("check", "--fail-on", "never"),
        ("obligations",),
        ("openness",),
        ("convert", "--to", "spdx3-json"),
    ],
    ids=lambda a: a[0],
)
def test_from_says_the_format_on_every_reading_command(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """`--from FORMAT` is accepted by every command that reads an input, and is obeyed."""
    assert main([*argv, str(CDX), "--from", "cyclonedx-json"]) == 0
    capsys.readouterr()
    assert main([*argv, str(CDX), "--from", "spdx2-json"]) == 2
    assert capsys.readouterr().err.startswith(f"aiprov: error: {CDX}")


def test_from_a_wrong_format_is_a_placed_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Reading a CycloneDX file as a manifest fails with exit 2 and one line naming the file."""
    assert main(["check", str(CDX), "--from", "manifest"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(CDX) in err


def test_dash_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`aiprov check -` reads the document from standard input, named <stdin> in errors."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(CHAT.read_bytes())))
    assert main(["check", "-", "--format", "json", "--fail-on", "never"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"aibom: 2\n")))
    assert main(["check", "-"]) == 2
    assert capsys.readouterr().err.startswith("aiprov: error: <stdin>")


@pytest.mark.parametrize("door", ["-", "/dev/stdin"])
def test_stdin_doors_in_a_real_process(door: str) -> None:
    """`-` and /dev/stdin read a piped document whole (read once, never reopened)."""
    if door == "/dev/stdin" and not Path("/dev/stdin").exists():
        pytest.skip("no /dev/stdin here")
    proc = aiprov_cmd("convert", door, "--to", "manifest", input=CDX.read_text())
    assert proc.returncode == 0, proc.stderr
    assert aiprov.loads(proc.stdout).metadata["source_format"] == "manifest"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for <(...)")
def test_process_substitution() -> None:
    """`aiprov check <(cat x)` reads the pipe once and judges the document."""
    cmd = f"{sys.executable} -m aiprov check <(cat {CHAT}) --format json --fail-on never"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=ENV, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["findings"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_whose_writer_has_finished_does_not_hang(tmp_path: Path) -> None:
    """A FIFO is read once to its end: the writer finishing is the end of the document."""
    fifo = tmp_path / "doc.fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as fh:
            fh.write(CHAT.read_bytes())

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    start = time.monotonic()
    bom = aiprov.load(fifo)
    writer.join(5)
    assert len(bom) == len(aiprov.load(CHAT))
    assert time.monotonic() - start < 10


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_endless_input_is_refused_by_the_size_limit_within_seconds() -> None:
    """/dev/zero is refused with a message naming the limit and how to raise it, in seconds."""
    start = time.monotonic()
    proc = aiprov_cmd("check", "/dev/zero", "--max-size", "8M")
    assert time.monotonic() - start < 20
    assert proc.returncode == 2
    assert "/dev/zero: input larger than the limit of 8,388,608 bytes" in proc.stderr
    assert "--max-size" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_default_limit_refuses_dev_zero() -> None:
    """With no flag the default limit (256 MiB) stops an endless input."""
    with pytest.raises(ParseError, match="limit of 268,435,456 bytes"):
        aiprov.load("/dev/zero")


def test_the_limit_is_configurable_by_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """AIPROV_MAX_SIZE sets the limit; --max-size overrides it; 0 means no limit."""
    monkeypatch.setenv("AIPROV_MAX_SIZE", "1K")
    assert main(["check", str(CHAT)]) == 2
    assert "limit of 1,024 bytes" in capsys.readouterr().err
    assert main(["check", str(CHAT), "--max-size", "0", "--fail-on", "never"]) == 0
    monkeypatch.setenv("AIPROV_MAX_SIZE", "lots")
    assert main(["check", str(CHAT)]) == 2
    assert "AIPROV_MAX_SIZE" in capsys.readouterr().err


def test_sizes_are_parsed_with_units() -> None:
    """Sizes take K, M, G (powers of 1024); anything else is a typed error."""
    assert parse_size("500") == 500
    assert parse_size("64K") == 65536
    assert parse_size("2MiB") == 2 * 1024**2
    assert parse_size("1g") == 1024**3
    with pytest.raises(InputError):
        parse_size("-3")


def test_slow_formats_have_a_lower_default_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An SPDX 2 tag-value document over its format's limit is refused at once, naming the format."""
    monkeypatch.setitem(FORMAT_MAX_SIZE, "spdx2-tv", 1000)
    path = tmp_path / "big.spdx"
    path.write_text("SPDXVersion: SPDX-2.3\n" + "# padding\n" * 200)
    with pytest.raises(ParseError, match="spdx2-tv document larger than the limit of 1,000 bytes"):
        aiprov.load(path)
    assert aiprov.load(ROOT / "tests" / "data" / "spdx2" / "finetune.spdx", max_size=0)
    assert max(FORMAT_MAX_SIZE.values()) <= DEFAULT_MAX_SIZE


@pytest.mark.slow
def test_a_200_mb_tag_value_file_is_refused_in_seconds(tmp_path: Path) -> None:
    """A 200 MB tag-value document is refused by the default limit rather than parsed for minutes."""
    path = tmp_path / "huge.spdx"
    block = (ROOT / "tests" / "data" / "spdx2" / "finetune.spdx").read_text() + "\n"
    with open(path, "w") as fh:
        fh.write("SPDXVersion: SPDX-2.3\n")
        for _ in range(200 * 1024 * 1024 // len(block)):
            fh.write(block)
    start = time.monotonic()
    proc = aiprov_cmd("check", str(path))
    assert time.monotonic() - start < 30
    assert proc.returncode == 2 and "spdx2-tv document larger than the limit" in proc.stderr


@pytest.mark.slow
def test_cyclonedx_reading_time_grows_linearly(tmp_path: Path) -> None:
    """Reading CycloneDX JSON ten times larger takes at most about ten times as long."""

    def doc(n: int) -> str:
        comps = [{"bom-ref": f"c{i}", "type": "library", "name": f"c{i}", "version": "1"} for i in range(n)]
        return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": comps})

    def seconds(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            aiprov.loads(text)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = doc(10_000), doc(100_000)
    assert seconds(large) < 25 * seconds(small)


def test_a_real_cyclonedx_py_environment_document_is_detected_and_read() -> None:
    """cyclonedx-py's own output (bomFormat after 170 KB) is read as CycloneDX and judged."""
    path = ROOT / "tests" / "data" / "cyclonedx" / "cyclonedx-py-environment-1.6.json"
    assert path.read_text().index('"bomFormat"') > 65536
    bom = aiprov.load(path)
    assert bom.metadata["source_format"] == "cyclonedx-json"
    assert len(bom) > 100 and bom.relation_count > 100
    assert aiprov.check(bom).artifacts == len(bom)
