"""Which license a LICENSE text is (aiprov.licenses.detect)."""

from __future__ import annotations

import pytest

from aiprov.licenses.detect import HEADING_CONFIDENCE, detect_license, have_text_matcher

from .test_scan_hf import MIT_TEXT

BSD2_BODY = """Copyright (c) 2020, Someone
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n",
            "LicenseRef-scancode-llama-3.1-license-2024",
        ),
        (
            "# Gemma Terms of Use\n\nLast modified: April 1, 2024\n",
            "LicenseRef-scancode-gemma-tou-2024-04-01",
        ),
        (
            "                                 Apache License\n                           Version 2.0, January 2004\n",
            "Apache-2.0",
        ),
        (MIT_TEXT, "MIT"),
    ],
    ids=["llama-3.1", "gemma", "apache-two-line-title", "mit"],
)
def test_a_title_names_the_license(text: str, expected: str) -> None:
    """A text that opens with a license's name is that license, with the heading confidence."""
    found = detect_license(text)
    assert (found.license, found.confidence, found.method) == (expected, HEADING_CONFIDENCE, "heading")


@pytest.mark.skipif(not have_text_matcher(), reason="pyaskalono (aiprov[license-text]) is not installed")
def test_an_untitled_text_is_matched_by_its_body() -> None:
    """A BSD-2-Clause text without a title is recognised by askalono with high confidence."""
    found = detect_license(BSD2_BODY)
    assert found.license == "BSD-2-Clause" and found.method == "askalono" and found.confidence >= 0.9


@pytest.mark.parametrize("text", ["", "   \n", "Hello, this is a README about cats.\n"])
def test_no_license_is_none(text: str) -> None:
    """Text that is no license gives None, not a guess."""
    assert detect_license(text).license is None
