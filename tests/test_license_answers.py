"""`aiprov license` answers read against the texts (issue 15, class 7), through the API and the CLI."""

from __future__ import annotations

import json

import pytest

from aiprov import is_compatible
from aiprov.cli import main
from aiprov.licenses import default_catalog, license_terms


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


# (outbound, inbound, expected, the clause that decides it)
PAIRS = [
    pytest.param(
        "CC-BY-SA-4.0",
        "CC-BY-SA-3.0",
        True,
        "CC BY-SA 3.0 §4(b): an Adaptation may go out under '(ii) a later version of this License with the same "
        "License Elements as this License'",
        id="cc-by-sa-3.0-into-4.0",
    ),
    pytest.param(
        "CC-BY-SA-3.0",
        "CC-BY-SA-4.0",
        False,
        "CC BY-SA 4.0 §3(b)(1): 'a Creative Commons license with the same License Elements, this version or later, "
        "or a BY-SA Compatible License' - 3.0 is an earlier version",
        id="cc-by-sa-4.0-not-into-3.0",
    ),
    pytest.param(
        "CC-BY-NC-SA-4.0",
        "CC-BY-NC-SA-3.0",
        True,
        "CC BY-NC-SA 3.0 §4(b): '(ii) a later version of this License with the same License Elements'",
        id="cc-by-nc-sa-3.0-into-4.0",
    ),
    pytest.param(
        "CC-BY-SA-4.0",
        "CC-BY-NC-SA-3.0",
        False,
        "CC BY-NC-SA 3.0 §4(c): no exercise 'primarily intended for or directed toward commercial advantage'",
        id="cc-by-nc-sa-3.0-not-into-cc-by-sa-4.0",
    ),
    pytest.param(
        "AGPL-3.0-only",
        "GPL-3.0-only",
        True,
        "GPL-3.0 §13: 'you have permission to link or combine any covered work with a work licensed under version 3 "
        "of the GNU Affero General Public License into a single combined work, and to convey the resulting work'",
        id="gpl-3.0-into-agpl-3.0",
    ),
    pytest.param(
        "AGPL-3.0-or-later",
        "GPL-3.0-or-later",
        True,
        "GPL-3.0 §13 (as above), for the or-later ids",
        id="gpl-3.0+-into-agpl-3.0+",
    ),
    pytest.param(
        "GPL-3.0-only",
        "AGPL-3.0-only",
        True,
        "AGPL-3.0 §13: 'permission to link or combine any covered work with a work licensed under version 3 of the "
        "GNU General Public License ... the work with which it is combined will remain governed by version 3'",
        id="agpl-3.0-into-gpl-3.0",
    ),
    pytest.param(
        "AGPL-3.0-only",
        "GPL-2.0-only",
        False,
        "GPL-2.0 §6: 'You may not impose any further restrictions'; no later-version option (§9) for -only",
        id="gpl-2.0-only-not-into-agpl",
    ),
    pytest.param(
        "GPL-3.0-only",
        "CC-BY-SA-4.0",
        True,
        "CC BY-SA 4.0 §3(b)(1) 'or a BY-SA Compatible License'; Creative Commons declared GPLv3 one (2015-10-08)",
        id="cc-by-sa-4.0-into-gpl-3.0",
    ),
    pytest.param(
        "CC-BY-SA-4.0",
        "GPL-3.0-only",
        False,
        "GPL-3.0 §5(c): the whole work must be licensed 'under this License'; the compatibility is one way",
        id="gpl-3.0-not-into-cc-by-sa-4.0",
    ),
    pytest.param(
        "GPL-2.0-only",
        "GPL-3.0-only",
        False,
        "GPL-3.0 §5(c) asks for GPL-3.0 on the whole, GPL-2.0 §6 forbids further restrictions",
        id="gpl-3.0-not-into-gpl-2.0-only",
    ),
    pytest.param(
        "GPL-3.0-only",
        "GPL-2.0-only",
        False,
        "GPL-2.0 §2(b): the whole 'licensed as a whole ... under the terms of this License' (v2 only)",
        id="gpl-2.0-only-not-into-gpl-3.0",
    ),
    pytest.param(
        "GPL-2.0-only",
        "LGPL-2.1-only",
        True,
        "LGPL-2.1 §3: 'You may opt to apply the terms of the ordinary GNU General Public License instead of this "
        "License to a given copy of the Library'",
        id="lgpl-2.1-into-gpl-2.0",
    ),
    pytest.param(
        "GPL-3.0-only",
        "LGPL-3.0-only",
        True,
        "LGPL-3.0 preamble: it 'incorporates the terms and conditions of version 3 of the GNU General Public "
        "License, supplemented by the additional permissions listed below'",
        id="lgpl-3.0-into-gpl-3.0",
    ),
    pytest.param(
        "GPL-2.0-only",
        "Apache-2.0",
        False,
        "Apache-2.0 §3 patent termination and §4 conditions are further restrictions under GPL-2.0 §6",
        id="apache-2.0-not-into-gpl-2.0-only",
    ),
    pytest.param(
        "GPL-3.0-only",
        "Apache-2.0",
        True,
        "GPL-3.0 §7 and §10-11 accept Apache-2.0's patent terms (the FSF lists Apache-2.0 as GPLv3-compatible)",
        id="apache-2.0-into-gpl-3.0",
    ),
]


@pytest.mark.parametrize(("outbound", "inbound", "expected", "clause"), PAIRS)
def test_compat_answers_what_the_texts_say(outbound: str, inbound: str, expected: bool, clause: str) -> None:
    """May INBOUND go into a work under OUTBOUND: the answer the clause gives (the API)."""
    assert is_compatible(outbound, inbound).compatible is expected, clause


@pytest.mark.parametrize(("outbound", "inbound", "expected", "clause"), PAIRS)
def test_compat_cli_gives_the_same_answer(
    capsys: pytest.CaptureFixture[str], outbound: str, inbound: str, expected: bool, clause: str
) -> None:
    """`aiprov license compat` answers as the API does."""
    code, out = cli(capsys, "license", "compat", outbound, inbound, "--format", "json")
    assert code == 0
    assert json.loads(out)["compatible"] is expected, clause


def test_agpl_into_gpl_says_the_network_duty_applies() -> None:
    """GPL-3.0 §13: 'the special requirements of the GNU Affero General Public License, section 13, concerning
    interaction through a network will apply to the combination as such'."""
    verdict = is_compatible("GPL-3.0-only", "AGPL-3.0-only")
    assert "network" in verdict.reason and verdict.basis == "rule:gpl-agpl-section-13"


def test_later_versions_via_gpl2_section_9() -> None:
    """GPL-2.0 §9: 'you have the option of following the terms and conditions either of that version or of any
    later version'; so GPL-2.0-or-later code may go into an AGPL-3.0 work through GPL-3.0 §13."""
    verdict = is_compatible("AGPL-3.0-only", "GPL-2.0-or-later")
    assert verdict.compatible is True and "§9" in verdict.reason


def test_derived_share_alike_is_unknown_not_no() -> None:
    """CC BY-SA 2.0 §4(b) also allows 'a later version of this License with the same License Elements'; aiprov has
    not curated 2.0, so it says unknown for a share-alike outbound instead of a guessed no."""
    assert not license_terms("CC-BY-SA-2.0").curated
    assert is_compatible("CC-BY-SA-4.0", "CC-BY-SA-2.0").compatible is None
    assert (
        is_compatible("MIT", "CC-BY-SA-2.0").compatible is False
    )  # MIT is not share-alike: no in any reading


def test_show_keeps_the_with_exception_and_says_what_it_changes(capsys: pytest.CaptureFixture[str]) -> None:
    """Classpath exception: 'permission to link this library with independent modules to produce an executable,
    regardless of the license terms of these independent modules'."""
    code, out = cli(capsys, "license", "show", "GPL-2.0-or-later WITH Classpath-exception-2.0")
    assert code == 0
    assert out.startswith("GPL-2.0-or-later WITH Classpath-exception-2.0")
    assert "exception: Classpath exception 2.0" in out and "independent modules" in out
    code, out = cli(
        capsys, "license", "show", "GPL-2.0-or-later WITH Classpath-exception-2.0", "--format", "json"
    )
    data = json.loads(out)
    assert data["id"] == "GPL-2.0-or-later"
    assert data["exception"]["id"] == "Classpath-exception-2.0" and data["exception"]["curated"] is True
    assert "terms of your choice" in data["exception"]["quote"]


def test_show_an_exception_aiprov_has_not_read_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """An exception ScanCode names but aiprov has not read is shown as not curated, never dropped."""
    exception = default_catalog().exception("Autoconf-exception-3.0")
    assert exception is not None and exception.curated is False
    code, out = cli(capsys, "license", "show", "GPL-3.0-or-later WITH Autoconf-exception-3.0")
    assert code == 0 and "Autoconf-exception-3.0" in out and "not curated" in out


def test_show_accepts_what_normalize_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    """`license show` takes an OR expression `normalize` accepts and shows each option; AND shows every part."""
    code, out = cli(capsys, "license", "show", "gpl-2.0+ or mit")
    assert code == 0
    assert "a choice of 2 (OR)" in out and "option 1: GPL-2.0-or-later" in out and "option 2: MIT" in out
    code, out = cli(capsys, "license", "show", "MIT OR Apache-2.0", "--format", "json")
    data = json.loads(out)
    assert data["expression"] == "MIT OR Apache-2.0"
    assert [[r["id"] for r in choice] for choice in data["choices"]] == [["MIT"], ["Apache-2.0"]]
    code, out = cli(capsys, "license", "show", "MIT AND Apache-2.0")
    assert code == 0 and "every one of these 2 licenses applies (AND)" in out


def test_show_bad_expression_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An expression `normalize` rejects is a one-line error naming the problem."""
    assert main(["license", "show", "MIT AND Foo-Bar-Licence"]) == 2
    err = capsys.readouterr().err
    assert "Foo-Bar-Licence" in err and len(err.strip().splitlines()) == 1


def test_derived_records_say_unknown_not_none(capsys: pytest.CaptureFixture[str]) -> None:
    """A derived (not curated) record cannot know a termination clause or a naming duty: unknown, not none."""
    record = license_terms("Artistic-2.0")
    assert not record.curated
    assert record.termination is None and record.naming_required is None
    assert record.to_dict()["termination"] is None
    code, out = cli(capsys, "license", "show", "Artistic-2.0")
    assert code == 0
    termination = next(line for line in out.splitlines() if line.strip().startswith("Termination"))
    naming = next(line for line in out.splitlines() if line.strip().startswith("Naming"))
    assert termination.split()[1:] == ["unknown"] and naming.split()[1:] == ["unknown"]


def test_unread_records_say_unknown_for_termination() -> None:
    """A record whose text was not read says unknown for termination, not an empty list read as none."""
    for record in default_catalog().curated():
        if not record.curated:
            assert record.termination is None, record.id


def test_curated_records_say_none_only_where_the_text_does(capsys: pytest.CaptureFixture[str]) -> None:
    """GPL-3.0 has no naming duty and names no governing law: 'no' and 'none named', never 'unknown'."""
    gpl = license_terms("GPL-3.0-only")
    assert gpl.naming_required is False and gpl.naming_requirement is None
    assert gpl.to_dict()["naming_required"] is False
    code, out = cli(capsys, "license", "show", "GPL-3.0-only")
    naming = next(line for line in out.splitlines() if line.strip().startswith("Naming"))
    law = next(line for line in out.splitlines() if line.strip().startswith("Governing law"))
    assert naming.split()[1] == "no"
    assert "none named in the text" in law
    code, out = cli(capsys, "license", "show", "MIT")
    assert code == 0
    termination = next(line for line in out.splitlines() if line.strip().startswith("Termination"))
    assert "no termination clause in the text" in termination


def test_compat_with_an_exception_says_what_the_exception_permits() -> None:
    """GCC Runtime Library Exception §1: 'You may then convey such a combination under terms of your choice';
    the matrix has no row for it, so the verdict stays unknown but says what the exception permits."""
    verdict = is_compatible("MIT", "GPL-3.0-only WITH GCC-exception-3.1")
    assert verdict.compatible is None
    assert "Eligible Compilation" in verdict.reason


def test_compat_of_two_matrix_ids_does_not_load_the_catalog() -> None:
    """`license compat GPL-3.0-only Apache-2.0` is answered from the OSADL matrix without reading license-data."""
    import subprocess
    import sys

    code = (
        "import contextlib, io\n"
        "from aiprov.cli import main\n"
        "from aiprov.licenses.catalog import default_catalog\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['license', 'compat', 'GPL-3.0-only', 'Apache-2.0']) == 0\n"
        "print(default_catalog.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "0"
