"""Python environments: installed distributions, one license each, Requires-Dist as depends_on."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from importlib import metadata
from pathlib import Path

import pytest

from aiprov.exceptions import InputError
from aiprov.licenses import normalize_license
from aiprov.scan._found import Found
from aiprov.scan._pylicense import choose_license, classifier_family, classifier_license, in_family
from aiprov.scan.pyenv import scan_environment, scan_python, site_packages

from ._distinfo import dist, mit_text

MIT_TEXT = mit_text("2024 Example Authors")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site-packages folder of fixture distributions, one per license case and requirement case."""
    s = tmp_path / "site-packages"
    dist(
        s,
        "expr-pkg",
        "1.0",
        "License-Expression: Apache-2.0",
        "License: MIT",
        "Classifier: License :: OSI Approved :: BSD License",
        "Requires-Dist: text-pkg>=1",
        'Requires-Dist: never-pkg; python_version < "3"',
        'Requires-Dist: other-platform; sys_platform == "no-such-platform"',
        'Requires-Dist: extra-pkg; extra == "fast"',
        'Requires-Dist: absent-pkg; extra == "slow"',
        "Provides-Extra: fast",
        "Provides-Extra: slow",
    )
    dist(s, "text-pkg", "2.0", "Requires-Dist: missing-pkg", license_text=MIT_TEXT)
    dist(
        s,
        "trove-pkg",
        "0.1",
        "Classifier: Programming Language :: Python :: 3",
        "Classifier: License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)",
    )
    dist(s, "mit-pkg", "3.1", "License: MIT", "Classifier: License :: OSI Approved :: MIT License")
    dist(s, "family-pkg", "1.0", "Classifier: License :: OSI Approved :: BSD License")
    dist(s, "extra-pkg", "1.0", "License: BSD-3-Clause")
    dist(s, "Weird_Name.Pkg", "1.0.post1", "License-Expression: MIT OR Apache-2.0")
    return s


def test_license_expression_comes_first(site: Path) -> None:
    """PEP 639 License-Expression wins over the License field and classifiers: one license, not the AND."""
    art = scan_python(site).artifacts["pypi:expr-pkg"]
    assert art.license == "Apache-2.0"
    assert art.properties["license_source"] == "License-Expression"
    assert art.properties["license_declared"]["License"] == "MIT"  # what else it said is kept


def test_license_field_holding_the_whole_text_is_matched_as_a_text(site: Path) -> None:
    """A License field that is the MIT text is recognised as MIT, not used as an id."""
    art = scan_python(site).artifacts["pypi:text-pkg"]
    assert art.license == "MIT"
    assert art.properties["license_source"] == "License text"
    assert art.properties["license_declared"]["License"].endswith("...")  # kept, shortened


def test_classifiers_only(site: Path) -> None:
    """Classifiers alone give the license they name (GPLv3+ -> GPL-3.0-or-later)."""
    art = scan_python(site).artifacts["pypi:trove-pkg"]
    assert art.license == "GPL-3.0-or-later"
    assert art.properties["license_source"] == "classifiers"


def test_same_license_in_field_and_classifier_is_one_license(site: Path) -> None:
    """License: MIT plus the MIT classifier is MIT (not 'MIT AND MIT')."""
    assert scan_python(site).artifacts["pypi:mit-pkg"].license == "MIT"


def test_family_classifier_is_not_guessed_to_a_version(site: Path) -> None:
    """'BSD License' names a family: kept as written (analysis reports it unknown), never guessed."""
    art = scan_python(site).artifacts["pypi:family-pkg"]
    assert art.license == "BSD License"
    assert any("family" in n for n in art.properties["license_notes"])


def test_ids_and_purls_use_the_canonical_name(site: Path) -> None:
    """pypi:<canonical name>, purl pkg:pypi/<name>@<version>, found_in python:<site-packages>."""
    found = scan_python(site)
    art = found.artifacts["pypi:weird-name-pkg"]
    assert art.kind == "code"
    assert art.name == "Weird_Name.Pkg"
    assert art.purl == "pkg:pypi/weird-name-pkg@1.0.post1"
    assert art.license == "MIT OR Apache-2.0"
    assert art.properties["found_in"] == f"python:{site.absolute()}"


def test_requires_dist_honours_markers_and_installed_extras(site: Path) -> None:
    """depends_on between installed distributions: markers that fail here and extras whose
    requirements are not installed give no relation; an installed extra does, naming the extra."""
    found = scan_python(site)
    triples = {(r.source, r.target): dict(r.properties) for r in found.relations if r.kind == "depends_on"}
    assert triples[("pypi:expr-pkg", "pypi:text-pkg")] == {"requirement": "text-pkg>=1"}
    assert triples[("pypi:expr-pkg", "pypi:extra-pkg")]["extra"] == "fast"
    assert not any(t in ("pypi:never-pkg", "pypi:other-platform", "pypi:absent-pkg") for _, t in triples)
    messages = [m for _, m in found.warnings]
    assert any("missing-pkg" in m and "not installed" in m for m in messages)  # required, absent: said
    assert not any("absent-pkg" in m or "never-pkg" in m for m in messages)  # not required here


def test_unsatisfied_version_is_a_warning(tmp_path: Path) -> None:
    """A requirement the installed version does not meet is related and warned about."""
    s = tmp_path / "sp"
    dist(s, "a", "1.0", "License: MIT", "Requires-Dist: b>=2")
    dist(s, "b", "1.5", "License: MIT")
    found = scan_python(s)
    assert [(r.source, r.target) for r in found.relations] == [("pypi:a", "pypi:b")]
    assert any("b 1.5 is installed" in m for _, m in found.warnings)


def test_progress_is_called_per_distribution(site: Path) -> None:
    """progress(task, advance, total): a first call announcing the total, then one per distribution."""
    calls: list[tuple[str, float, float | None]] = []
    scan_python(site, progress=lambda task, n, total: calls.append((task, n, total)))
    assert calls[0] == ("python environment", 0, 7.0)
    assert sum(n for _, n, _ in calls) == 7


@pytest.fixture(scope="module")
def here() -> Found:
    """The test suite's own environment, scanned once."""
    return scan_python()


def test_running_interpreter(here: Found) -> None:
    """The running environment: every distribution importlib.metadata lists, with its version."""
    found = here
    assert found.artifacts["pypi:packaging"].version == metadata.version("packaging")
    assert found.artifacts["pypi:pytest"].properties["found_in"] == f"python:{sys.executable}"
    names = {d.metadata["Name"] for d in metadata.distributions() if d.metadata["Name"]}
    assert len(found.artifacts) >= len({n.lower().replace("_", "-").replace(".", "-") for n in names})
    # pytest requires pluggy and iniconfig in every supported version
    assert ("pypi:pytest", "pypi:pluggy") in {(r.source, r.target) for r in found.relations}


def test_another_interpreter_agrees_with_this_one(here: Found) -> None:
    """Named by path, the interpreter is run (isolated) and lists the same distributions."""
    there = scan_python(sys.executable)
    assert set(there.artifacts) == set(here.artifacts)
    assert {a.license for a in there.artifacts.values()} == {a.license for a in here.artifacts.values()}


def fake_venv(tmp_path: Path) -> tuple[Path, Path]:
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=sys.platform != "win32").create(env)
    sites = site_packages(env)
    assert sites, "a new venv has a site-packages folder"
    return env, sites[0]


def test_a_venv_interpreter_is_run_without_executing_its_pth_files(tmp_path: Path) -> None:
    """A venv's python lists the venv's distributions (not the caller's), and no .pth file of the
    scanned environment runs (python -I -S)."""
    env, site = fake_venv(tmp_path)
    dist(site, "only-in-venv", "0.3", "License-Expression: GPL-3.0-only")
    marker = tmp_path / "pth-ran"
    (site / "evil.pth").write_text(f"import pathlib; pathlib.Path({str(marker)!r}).write_text('x')\n")
    python = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    found = scan_python(str(python))
    assert set(found.artifacts) == {"pypi:only-in-venv"}
    assert found.artifacts["pypi:only-in-venv"].license == "GPL-3.0-only"
    assert found.artifacts["pypi:only-in-venv"].properties["found_in"].startswith("python:")
    assert not marker.exists()


def test_a_venv_folder_is_read_without_running_it(tmp_path: Path) -> None:
    """scan_environment(venv folder) reads lib/pythonX.Y/site-packages from disk."""
    env, site = fake_venv(tmp_path)
    dist(site, "in-venv", "1.0", "License: Apache 2.0")
    found = scan_environment(env)
    assert found.artifacts["pypi:in-venv"].license == "Apache-2.0"
    assert found.artifacts["pypi:in-venv"].properties["found_in"] == f"python:{site.absolute()}"


def test_broken_metadata_is_a_warning_not_a_drop(tmp_path: Path) -> None:
    """No METADATA, undecodable METADATA, an unparsable requirement: warnings; the distribution is kept
    (name and version from its folder)."""
    s = tmp_path / "sp"
    (s / "nometa-1.2.dist-info").mkdir(parents=True)
    bad = s / "badbytes-0.1.dist-info"
    bad.mkdir()
    (bad / "METADATA").write_bytes(b"Name: badbytes\nLicense: \xff\xfe\n")
    dist(s, "badreq", "1.0", "License: MIT", "Requires-Dist: this is not ((a requirement")
    found = scan_python(s)
    assert found.artifacts["pypi:nometa"].version == "1.2"
    assert "pypi:badbytes" in found.artifacts
    assert found.artifacts["pypi:badreq"].license == "MIT"
    subjects = {subject for subject, _ in found.warnings}
    assert {"pypi:nometa", "pypi:badbytes", "pypi:badreq"} <= subjects


def test_not_an_environment_is_an_input_error(tmp_path: Path) -> None:
    """A folder holding no environment, a missing interpreter, one that fails: InputError (exit 2)."""
    with pytest.raises(InputError, match="not a Python environment"):
        scan_python(tmp_path)
    with pytest.raises(InputError, match="no such Python interpreter"):
        scan_python("no-such-python-3.99")
    failing = tmp_path / "python"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    if sys.platform != "win32":
        with pytest.raises(InputError, match="exit 3"):
            scan_python(str(failing))


@pytest.mark.parametrize(
    ("expression", "field", "classifiers", "expected"),
    [
        (None, "Apache 2.0", [], "Apache-2.0"),
        (None, "UNKNOWN", ["License :: OSI Approved :: MIT License"], "MIT"),
        (None, "Dual License", ["License :: OSI Approved :: Apache Software License"], "Apache Software License"),
        (None, "Dual License", [], "Dual License"),
        (None, None, ["License :: OSI Approved :: BSD License", "License :: OSI Approved :: Zero-Clause BSD (0BSD)"], "0BSD"),
        (None, None, ["License :: OSI Approved :: MIT License", "License :: OSI Approved :: ISC License (ISCL)"], "MIT AND ISC"),
        (None, None, ["License :: OSI Approved"], None),
        (None, None, ["License :: OSI Approved :: MIT License", "License :: Other/Proprietary License"], "MIT AND Other/Proprietary License"),
        ("not ((valid", "MIT", [], "MIT"),
    ],
)  # fmt: skip
def test_choice_rules(
    expression: str | None, field: str | None, classifiers: list[str], expected: str | None
) -> None:
    """The order and the rules of choose_license: the License field counts when the normalizer knows
    it, else the classifiers do, else it is kept as written; a family classifier is dropped beside one
    of its members; several classifiers are taken as AND (one naming no license is kept, never
    dropped); a bad expression falls through."""
    assert choose_license(expression, field, classifiers).license == expected


def test_classifier_table() -> None:
    """Version-less GPL classifiers name -only; family classifiers name nothing."""
    assert (
        classifier_license("License :: OSI Approved :: GNU General Public License v2 (GPLv2)")
        == "GPL-2.0-only"
    )
    assert classifier_license("License :: OSI Approved :: Apache Software License") is None
    assert classifier_license("License :: Public Domain") is not None
    assert classifier_license("Programming Language :: Python") is None


# -- aiprov against pip-licenses on this environment (issue 12, Done when) -------------------------
def _ids(text: str | None) -> frozenset[str] | None:
    """The license ids a tool's answer names: an SPDX expression or name, a classifier's name, or
    pip-licenses' "; "-joined classifiers. None when it names none aiprov can read."""
    if text is None or text.strip().upper() in ("", "UNKNOWN"):
        return frozenset()
    ids: set[str] = set()
    for part in text.split("; "):
        spdx = classifier_license(f"License :: {part}")
        norm = normalize_license(part)
        if spdx is not None:
            ids.update(normalize_license(spdx).ids)
        elif norm.ok:
            ids.update(norm.ids)
        else:
            return None
    return frozenset(ids)


def compare(
    pip_answer: str,
    aiprov_answer: str | None,
    source: str | None,
    classifiers: list[str] | tuple[str, ...] = (),
) -> tuple[str, str]:
    """("agree" | "better" | "unexplained", reason) for one package; ``classifiers`` are its
    ``License ::`` classifiers."""
    if pip_answer == (aiprov_answer or "UNKNOWN"):
        return "agree", "the same words"
    theirs, ours = _ids(pip_answer), _ids(aiprov_answer)
    if theirs is not None and theirs == ours:
        return "agree", "the same licenses"
    family = classifier_family(f"License :: {pip_answer}")
    if family and ours and all(in_family(i, family) for i in ours):
        return "agree", (
            f"pip-licenses prints the family classifier {pip_answer!r}; aiprov names the member, "
            f"{aiprov_answer}, from the {source}"
        )
    if theirs == frozenset() and ours:
        return "better", f"pip-licenses found no license; aiprov read {aiprov_answer} from the {source}"
    if theirs is None and ours and source == "License text":
        return "better", (
            f"pip-licenses prints the License field's text; aiprov matched the text as {aiprov_answer}"
        )
    named = "; ".join(c.split("::")[-1].strip() for c in classifiers if c.count("::") >= 2)
    if ours and source in ("License", "License text", "License-Expression") and pip_answer == named:
        return "better", (
            f"pip-licenses prefers the classifiers ({pip_answer}); the {source} field, the author's own "
            f"statement and ahead of the classifiers in the issue's order, says {aiprov_answer}"
        )
    return "unexplained", f"pip-licenses: {pip_answer!r}; aiprov: {aiprov_answer!r} (from {source})"


def test_licenses_agree_with_pip_licenses(here: Found) -> None:
    """On the test suite's own environment aiprov's license agrees with pip-licenses' for at least 95%
    of packages, and every disagreement is one where aiprov's answer is the better one (listed)."""
    pytest.importorskip("piplicenses", reason="pip-licenses is in the test extra")
    from packaging.utils import canonicalize_name

    out = subprocess.run(
        [sys.executable, "-m", "piplicenses", "--format=json", "--with-system"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    rows = json.loads(out)
    assert len(rows) >= 20
    verdicts: dict[str, list[str]] = {"agree": [], "better": [], "unexplained": []}
    for row in rows:
        art = here.artifacts.get(f"pypi:{canonicalize_name(row['Name'])}")
        assert art is not None, f"pip-licenses lists {row['Name']}, which aiprov did not find"
        declared = art.properties.get("license_declared") or {}
        verdict, reason = compare(
            row["License"], art.license, art.properties.get("license_source"), declared.get("classifiers", ())
        )
        verdicts[verdict].append(f"{row['Name']}: {reason}")
    ratio = len(verdicts["agree"]) / len(rows)
    refined = [r for r in verdicts["agree"] if "family" in r]
    report = "\n".join(
        ["disagreements (aiprov better):", *verdicts["better"], "unexplained:", *verdicts["unexplained"]]
    )
    print(f"agreement {ratio:.1%} of {len(rows)} ({len(refined)} where aiprov names the family's member)")
    print("\n".join(refined) + "\n" + report)
    assert not verdicts["unexplained"], report
    assert ratio >= 0.95, report


@pytest.mark.parametrize(
    ("pip_answer", "ours", "source", "verdict"),
    [
        ("MIT License", "MIT", "License", "agree"),
        ("Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0", "classifiers", "agree"),
        ("MIT License; ISC License (ISCL)", "MIT AND ISC", "classifiers", "agree"),
        ("BSD License", "BSD-3-Clause", "License text", "agree"),
        ("UNKNOWN", None, None, "agree"),
        ("UNKNOWN", "MIT", "License text", "better"),
        ("BSD License", "MIT", "License", "unexplained"),
        ("MIT License", "GPL-3.0-only", "classifiers", "unexplained"),
        ("MIT License", "GPL-3.0-only", "License", "unexplained"),
    ],
)
def test_comparison_rules(pip_answer: str, ours: str | None, source: str | None, verdict: str) -> None:
    """The comparison can fail: a family that does not hold aiprov's answer, or a different license
    that is not what the classifiers say, is unexplained."""
    assert compare(pip_answer, ours, source)[0] == verdict


def test_comparison_credits_the_license_field_only_over_the_classifiers() -> None:
    """aiprov is better by order only where pip-licenses printed exactly the classifiers and aiprov read
    the distribution's own License field."""
    trove = ["License :: OSI Approved :: BSD License"]
    assert compare("BSD License", "MIT", "License", trove)[0] == "better"
    assert compare("BSD License", "MIT", "classifiers", trove)[0] == "unexplained"


def test_an_extra_named_only_in_a_marker_counts(tmp_path: Path) -> None:
    """Old metadata without Provides-Extra: the extra a marker names is still recognised."""
    s = tmp_path / "sp"
    dist(s, "old", "1.0", "License: MIT", "Requires-Dist: helper; extra == 'Fast_Mode'")
    dist(s, "helper", "1.0", "License: MIT")
    found = scan_python(s)
    assert [(r.target, r.properties["extra"]) for r in found.relations] == [("pypi:helper", "fast-mode")]


def test_order_does_not_depend_on_the_filesystem(site: Path) -> None:
    """Within one folder distributions are read by name, so relations come out in one order."""
    found = scan_python(site)
    locations = [a.properties["location"] for a in found.artifacts.values()]
    assert locations == sorted(locations)
