"""Packaging: license-data ships inside the wheel and loads from an installed copy."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_the_license_data(tmp_path: Path) -> None:
    """Build the wheel, install it in a fresh environment and load the catalog from it."""
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("aiprov-*.whl"))
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    # dependencies come from the running environment, appended after the new env's own site-packages
    site_dir = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site_dir, "zz_parent.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall", str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "import aiprov.licenses.catalog as c; p = c.license_data_path(); "
        "print(p); print(len(list(c.default_catalog().curated())))"
    )
    out = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path)
    path, count = out.stdout.split()
    assert path.startswith(str(env)) and path.endswith("_license_data")
    assert int(count) >= 80


def test_editable_checkout_finds_the_repository_data() -> None:
    """From a source checkout the catalog reads license-data/ in the repository."""
    from aiprov.licenses.catalog import license_data_path

    path = license_data_path()
    assert (path / "schema.json").is_file()
    assert (path / "licenses").is_dir()


def test_py_typed_is_shipped() -> None:
    """The package is marked typed."""
    import aiprov

    assert (Path(aiprov.__file__).parent / "py.typed").is_file()
