"""Installed Python distributions as a scan finds them: ``*.dist-info/METADATA`` folders, and the MIT
text that a License field or a LICENSE file carries. Used by the tests and by
``benchmarks/bench_scan_env.py``, which writes thousands of them."""

from __future__ import annotations

from pathlib import Path

__all__ = ["dist", "license_field", "metadata_text", "mit_text"]

_MIT = """MIT License

Copyright (c) {holder}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def mit_text(holder: str) -> str:
    """The whole MIT license text with ``holder`` ("2024 Acme") on its copyright line."""
    return _MIT.format(holder=holder)


def license_field(text: str) -> list[str]:
    """A License header holding ``text``, folded over lines as setuptools writes a multi-line one (RFC 822)."""
    first, *rest = text.splitlines()
    return ["License: " + first, *("        " + line for line in rest)]


def metadata_text(
    name: str,
    version: str,
    *lines: str,
    license_text: str | None = None,
    description: str = "A long description.",
) -> str:
    """A METADATA file: the name and version, then ``lines`` (headers), the License field, the description."""
    head = ["Metadata-Version: 2.4", f"Name: {name}", f"Version: {version}", *lines]
    if license_text is not None:
        head.extend(license_field(license_text))
    return "\n".join(head) + "\n\n" + description + "\n"


def dist(site: Path, name: str, version: str, *lines: str, license_text: str | None = None) -> Path:
    """``site/<name>-<version>.dist-info/METADATA``, as an installer writes it; the folder."""
    folder = site / f"{name.replace('-', '_')}-{version}.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(metadata_text(name, version, *lines, license_text=license_text))
    return folder
