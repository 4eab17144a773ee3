"""Bad input to aiprov scan: a warning on the artifact, never a traceback, a hang or an unbounded read."""

from __future__ import annotations

import builtins
import os
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aiprov
from aiprov.cli import main
from aiprov.scan import _cards, weights

from .hf_fixtures import card, safetensors_bytes, write_gguf


def model_folder(tmp_path: Path, **files: bytes | str) -> Path:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text(card({"license": "mit"}))
    for name, content in files.items():
        path = folder / name.replace("__", ".")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return folder


def warnings_of(bom: aiprov.AIBOM, art_id: str) -> list[str]:
    return list(bom[art_id].properties.get("scan_warnings", ()))


def test_broken_card_yaml_is_a_placed_warning(tmp_path: Path) -> None:
    """A card whose YAML does not parse: the repo is still an artifact, with a warning naming file and line."""
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\nbase_model: [unclosed\n---\n# x\n")
    (folder / "model.safetensors").write_bytes(safetensors_bytes())
    bom = aiprov.scan(folder)
    (w,) = warnings_of(bom, "file:m")
    assert w.startswith("README.md: line ") and "card YAML is not valid" in w
    assert w in bom.metadata["scan"]["warnings"]


def test_card_yaml_aliases_are_refused(tmp_path: Path) -> None:
    """A YAML alias bomb in a card is refused before anything is built."""
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b]\n---\n"
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text(bomb)
    (folder / "model.safetensors").write_bytes(safetensors_bytes())
    (w,) = warnings_of(aiprov.scan(folder), "file:m")
    assert "aliases are not read" in w


def test_invalid_model_index_keeps_the_rest_of_the_card(tmp_path: Path) -> None:
    """A malformed model-index is a warning; the license and base model are still read."""
    folder = tmp_path / "m"
    folder.mkdir()
    text = card({"license": "mit", "base_model": "org/base", "model-index": [{"results": [{"bad": 1}]}]})
    (folder / "README.md").write_text(text)
    (folder / "model.safetensors").write_bytes(safetensors_bytes())
    bom = aiprov.scan(folder)
    assert bom["file:m"].license == "mit"
    assert "hf:org/base" in bom
    assert any("model_index" in w or "model-index" in w for w in warnings_of(bom, "file:m"))


def test_lying_safetensors_header_length(tmp_path: Path) -> None:
    """An 8-byte header length of 2^63: a warning, no read of it."""
    folder = model_folder(tmp_path, model__safetensors=struct.pack("<Q", 2**63) + b"{}")
    bom = aiprov.scan(folder)
    (w,) = warnings_of(bom, "file:m/model.safetensors")
    assert w.startswith("model.safetensors: header length 9223372036854775808")
    assert bom["file:m/model.safetensors"].hashes  # still hashed: drift can be detected


def test_truncated_safetensors_header(tmp_path: Path) -> None:
    """A header length past the end of the file: truncated."""
    folder = model_folder(tmp_path, model__safetensors=safetensors_bytes()[:40])
    (w,) = warnings_of(aiprov.scan(folder), "file:m/model.safetensors")
    assert "runs past the end" in w


def test_safetensors_header_that_is_not_json(tmp_path: Path) -> None:
    """A bounded header that is not JSON: the safetensors package's error, as a warning."""
    folder = model_folder(tmp_path, model__safetensors=struct.pack("<Q", 4) + b"nope")
    (w,) = warnings_of(aiprov.scan(folder), "file:m/model.safetensors")
    assert "not a valid safetensors header" in w


def test_gguf_cut_short(tmp_path: Path) -> None:
    """A GGUF file cut short is a warning naming the place."""
    whole = tmp_path / "whole.gguf"
    write_gguf(whole, name="x", license_id="mit", base_repo="org/base")
    folder = model_folder(tmp_path, model__gguf=whole.read_bytes()[:120])
    (w,) = warnings_of(aiprov.scan(folder), "file:m/model.gguf")
    assert w.startswith("model.gguf: ") and "runs past the end" in w


def test_gguf_lying_array_count_in_a_sparse_file(tmp_path: Path) -> None:
    """A GGUF array claiming 2^40 strings over a large sparse file: refused at once, not looped over."""
    head = b"GGUF" + struct.pack("<IQQ", 3, 0, 1)
    key = b"general.tags"
    head += struct.pack("<Q", len(key)) + key + struct.pack("<I", 9) + struct.pack("<IQ", 8, 2**40)
    folder = model_folder(tmp_path)
    path = folder / "model.gguf"
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(8 * 1024**3)  # 8 GiB, sparse
    start = time.monotonic()
    bom = aiprov.scan(folder, hashes=False)
    assert time.monotonic() - start < 5
    (w,) = warnings_of(bom, "file:m/model.gguf")
    assert "array of 1099511627776 entries" in w


def test_gguf_lying_counts(tmp_path: Path) -> None:
    """Tensor and entry counts the file cannot hold are refused."""
    folder = model_folder(tmp_path, model__gguf=b"GGUF" + struct.pack("<IQQ", 3, 2**62, 2**62) + b"\0" * 64)
    (w,) = warnings_of(aiprov.scan(folder), "file:m/model.gguf")
    assert "metadata entries claimed" in w


def test_fifty_gigabyte_sparse_file_is_read_boundedly(tmp_path: Path) -> None:
    """A 50 GB file (sparse) with a lying header: the header is refused and nothing else is read
    (with hashing off; hashing streams the whole file in constant memory by design)."""
    folder = model_folder(tmp_path)
    path = folder / "model.safetensors"
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", 2**63))
        fh.truncate(50 * 1024**3)
    start = time.monotonic()
    bom = aiprov.scan(folder, hashes=False)
    assert time.monotonic() - start < 5
    art = bom["file:m/model.safetensors"]
    assert art.properties["size"] == 50 * 1024**3
    assert "over the 100,000,000-byte limit" in warnings_of(bom, art.id)[0]


def open_denying(path: Path) -> Callable[..., Any]:
    """``open``, but refusing ``path`` as an unreadable file is refused (where chmod cannot: as root)."""
    real_open = builtins.open

    def guarded(file: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    return guarded


def test_unreadable_weights_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be opened: a warning on its artifact (as root, permission is simulated)."""
    folder = model_folder(tmp_path, model__safetensors=safetensors_bytes())
    target = folder / "model.safetensors"
    if os.geteuid() == 0:
        monkeypatch.setattr(weights, "open", open_denying(target), raising=False)
    else:
        target.chmod(0)
    bom = aiprov.scan(folder)
    ws = warnings_of(bom, "file:m/model.safetensors")
    assert any("cannot be read" in w and "ermission denied" in w for w in ws)
    assert not bom["file:m/model.safetensors"].hashes


def test_unreadable_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A README that cannot be read: a warning, the repository still found."""
    folder = model_folder(tmp_path, model__safetensors=safetensors_bytes())
    monkeypatch.setattr(_cards, "open", open_denying(folder / "README.md"), raising=False)
    bom = aiprov.scan(folder)
    assert warnings_of(bom, "file:m") == ["README.md: cannot be read: Permission denied"]
    assert bom["file:m/model.safetensors"].hashes


def test_symlink_loop(tmp_path: Path) -> None:
    """A folder symlink back to its parent and a self-referencing file link: no hang, a warning."""
    folder = model_folder(tmp_path, model__safetensors=safetensors_bytes())
    (folder / "sub").mkdir()
    (folder / "sub" / "loop").symlink_to("..")
    (folder / "self.bin").symlink_to("self.bin")
    bom = aiprov.scan(folder)
    assert "file:m/model.safetensors" in bom
    assert any("self.bin" in w and "cannot be followed" in w for w in bom.metadata["scan"]["warnings"])


def test_symlink_leaving_the_root(tmp_path: Path) -> None:
    """A symlink that points outside the scanned folder is not followed, and is reported."""
    outside = tmp_path / "secret.safetensors"
    outside.write_bytes(safetensors_bytes())
    folder = model_folder(tmp_path)
    (folder / "model.safetensors").symlink_to(outside)
    bom = aiprov.scan(folder)
    assert "file:m/model.safetensors" not in bom
    (w,) = warnings_of(bom, "file:m")
    assert w.startswith("model.safetensors: symlink leaves the scanned folder")


def test_fifo_is_not_opened(tmp_path: Path) -> None:
    """A named pipe called model.safetensors is not a file: not opened (which would block)."""
    folder = model_folder(tmp_path)
    os.mkfifo(folder / "model.safetensors")
    bom = aiprov.scan(folder)
    assert "file:m/model.safetensors" not in bom


def test_notebook_that_is_not_json(tmp_path: Path) -> None:
    """A .ipynb that is not JSON is a warning, not a traceback."""
    pytest.importorskip("aiprov.scan.code")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "1"\nlicense = "MIT"\n')
    (tmp_path / "broken.ipynb").write_text("{not json")
    bom = aiprov.scan(tmp_path)
    assert any("broken.ipynb" in w for w in bom.metadata["scan"]["warnings"])


def test_missing_root_is_an_input_error(tmp_path: Path) -> None:
    """A root that does not exist raises InputError naming it."""
    with pytest.raises(aiprov.InputError, match="no such file or folder"):
        aiprov.scan(tmp_path / "nope")


@pytest.mark.parametrize("command", ["scan", "check", "openness"])
def test_cli_bad_root_exits_2(tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The command line: one line, exit 2, no traceback."""
    assert main([command, str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope" in err and "Traceback" not in err


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_KEYS = st.sampled_from(
    ["license", "license_name", "license_link", "base_model", "base_model_relation", "datasets", "model-index",
     "source_datasets", "pipeline_tag", "language", "tags", "generated_by", "library_name", "pretty_name"]
)  # fmt: skip


@given(st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_any_card_data_is_read_without_a_traceback(data: dict[str, Any]) -> None:
    """Whatever types a card's keys hold, from_model_card gives a graph (odd values are warnings or ignored)."""
    import yaml

    text = "---\n" + yaml.safe_dump(data) + "---\n"
    bom = aiprov.from_model_card(text)
    assert len(bom) >= 1
    aiprov.dumps(bom, "manifest")


def test_without_the_weights_extra_headers_are_skipped_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No safetensors package: a warning naming the extra to install; the file is still hashed."""
    folder = model_folder(tmp_path, model__safetensors=safetensors_bytes())
    monkeypatch.setitem(sys.modules, "safetensors", None)
    bom = aiprov.scan(folder)
    (w,) = warnings_of(bom, "file:m/model.safetensors")
    assert "install 'aiprov[weights]'" in w
    assert bom["file:m/model.safetensors"].hashes


def test_without_askalono_titles_still_name_licenses(monkeypatch: pytest.MonkeyPatch) -> None:
    """No pyaskalono: a title is still recognised; an untitled text is None, not a guess."""
    from aiprov.licenses import detect

    monkeypatch.setattr(detect, "_askalono", lambda: None)
    detect._detect.cache_clear()
    try:
        assert detect.detect_license("MIT License\n\nPermission is hereby granted").license == "MIT"
        assert (
            detect.detect_license("Permission is hereby granted, free of charge, to any person").license
            is None
        )
    finally:
        detect._detect.cache_clear()
