"""One license for a Python distribution or project, from what its metadata declares.

The order (issue 12): the PEP 639 ``License-Expression``; then the ``License`` field when it is an
expression or a license aiprov knows by name (a field holding the whole license text is matched as
a text, :func:`aiprov.licenses.detect.detect_license`); then the ``License ::`` trove classifiers.
The first source that names a license wins: the answer is never the AND of the three, so a package
that says ``MIT`` and also carries the MIT classifier is MIT.

Trove classifiers name a license family more often than a license (``BSD License``, ``Apache
Software License``, ``GNU General Public License (GPL)``). The table below maps each classifier
that names one license to its SPDX id (the classifier list is PyPI's, ``trove-classifiers``); a
classifier that names a family (or nothing aiprov can read, such as ``Other/Proprietary License``)
is kept as written, so that analysis reports it as a license aiprov cannot pin down rather than
guessing a version. A family classifier beside a classifier naming a member of that family adds
nothing and is dropped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiprov.licenses.detect import Detection

__all__ = ["LicenseChoice", "choose_license", "classifier_family", "classifier_license"]

#: ``License ::`` classifiers (last segment) naming exactly one license -> SPDX id. A classifier
#: naming a GPL-family version without "or later" maps to ``-only``: the reading that grants no
#: more than the words say.
_CLASSIFIER_IDS: dict[str, str] = {
    "Aladdin Free Public License (AFPL)": "Aladdin",
    "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
    "CeCILL-B Free Software License Agreement (CECILL-B)": "CECILL-B",
    "CeCILL-C Free Software License Agreement (CECILL-C)": "CECILL-C",
    "Nokia Open Source License (NOKOS)": "Nokia",
    "Nokia Open Source License": "Nokia",
    "Attribution Assurance License": "AAL",
    "Blue Oak Model License (BlueOak-1.0.0)": "BlueOak-1.0.0",
    "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)": "CECILL-2.1",
    "CMU License (MIT-CMU)": "MIT-CMU",
    "Common Development and Distribution License 1.0 (CDDL-1.0)": "CDDL-1.0",
    "Common Public License": "CPL-1.0",
    "Eclipse Public License 1.0 (EPL-1.0)": "EPL-1.0",
    "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
    "Educational Community License, Version 2.0 (ECL-2.0)": "ECL-2.0",
    "European Union Public Licence 1.0 (EUPL 1.0)": "EUPL-1.0",
    "European Union Public Licence 1.1 (EUPL 1.1)": "EUPL-1.1",
    "European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "Historical Permission Notice and Disclaimer (HPND)": "HPND",
    "IBM Public License": "IPL-1.0",
    "ISC License (ISCL)": "ISC",
    "Intel Open Source License": "Intel",
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "MirOS License (MirOS)": "MirOS",
    "Motosoto License": "Motosoto",
    "Mozilla Public License 1.0 (MPL)": "MPL-1.0",
    "Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "Mulan Permissive Software License v2 (MulanPSL-2.0)": "MulanPSL-2.0",
    "Nethack General Public License": "NGPL",
    "Open Group Test Suite License": "OGTSL",
    "Open Software License 3.0 (OSL-3.0)": "OSL-3.0",
    "PostgreSQL License": "PostgreSQL",
    "Python License (CNRI Python License)": "CNRI-Python",
    "Python Software Foundation License": "PSF-2.0",
    "Qt Public License (QPL)": "QPL-1.0",
    "Ricoh Source Code Public License": "RSCPL",
    "SIL Open Font License 1.1 (OFL-1.1)": "OFL-1.1",
    "Sleepycat License": "Sleepycat",
    "Sun Industry Standards Source License (SISSL)": "SISSL",
    "Sun Public License": "SPL-1.0",
    "The Unlicense (Unlicense)": "Unlicense",
    "Universal Permissive License (UPL)": "UPL-1.0",
    "University of Illinois/NCSA Open Source License": "NCSA",
    "Vovida Software License 1.0": "VSL-1.0",
    "W3C License": "W3C",
    "X.Net License": "Xnet",
    "Zero-Clause BSD (0BSD)": "0BSD",
    "zlib/libpng License": "Zlib",
}

#: Classifiers naming a family of licenses -> the SPDX id prefixes of its members.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "BSD License": ("BSD-", "0BSD"),
    "Apache Software License": ("Apache-",),
    "GNU General Public License (GPL)": ("GPL-",),
    "GNU Library or Lesser General Public License (LGPL)": ("LGPL-",),
    "GNU Lesser General Public License v2 (LGPLv2)": ("LGPL-2.0", "LGPL-2.1"),
    "GNU Free Documentation License (FDL)": ("GFDL-",),
    "Academic Free License (AFL)": ("AFL-",),
    "Artistic License": ("Artistic-",),
    "Zope Public License": ("ZPL-",),
    "Eiffel Forum License": ("EFL-",),
    "Eiffel Forum License (EFL)": ("EFL-",),
    "Apple Public Source License": ("APSL-",),
    "Netscape Public License (NPL)": ("NPL-",),
}

#: Classifiers that say something about a license without naming one.
_QUALIFIERS = frozenset({"OSI Approved", "DFSG approved"})

#: A License field longer than this, or spanning lines, is taken as a license text, not a name.
_MAX_NAME = 100
#: A text match at least this sure names the license (the title-only confidence of detect.py).
_TEXT_CONFIDENCE = 0.8


def _last(classifier: str) -> str | None:
    parts = [p.strip() for p in classifier.split("::")]
    if len(parts) < 2 or parts[0] != "License":
        return None
    return parts[-1]


def classifier_license(classifier: str) -> str | None:
    """The SPDX id a ``License ::`` classifier names, or None (a family, a qualifier, not a license)."""
    last = _last(classifier)
    if last is None:
        return None
    known = _CLASSIFIER_IDS.get(last)
    if known is not None:
        return known
    if last in _FAMILIES or last in _QUALIFIERS:
        return None
    from aiprov.licenses import normalize_license

    # ``Public Domain`` and the like: what the normalizer resolves (the parenthesised abbreviation aside)
    norm = normalize_license(re.sub(r"\s*\([^)]*\)\s*$", "", last))
    return norm.expression if norm.ok else None


def classifier_family(classifier: str) -> tuple[str, ...]:
    """The SPDX id prefixes of the family a ``License ::`` classifier names (empty when it names none)."""
    last = _last(classifier)
    return _FAMILIES.get(last or "", ())


def in_family(license_id: str, prefixes: Iterable[str]) -> bool:
    return any(license_id.startswith(p) for p in prefixes)


@dataclass(frozen=True, slots=True)
class LicenseChoice:
    """The license chosen, where it came from (``License-Expression``, ``License``, ``License text``,
    ``classifiers``, or None when nothing named one), and notes saying why (kept as properties)."""

    license: str | None
    source: str | None
    notes: tuple[str, ...] = field(default=())


def _normalized(text: str) -> str | None:
    from aiprov.licenses import normalize_license

    norm = normalize_license(text)
    return norm.expression if norm.ok else None


@functools.lru_cache(maxsize=256)
def _detect(text: str) -> Detection:
    """The text matcher, once per distinct text (projects of one family ship the same text)."""
    from aiprov.licenses.detect import detect_license

    return detect_license(text)


def looks_like_text(value: str) -> bool:
    """Whether a License field holds a license text (or a notice) rather than a name or expression."""
    stripped = value.strip()
    return "\n" in stripped or len(stripped) > _MAX_NAME


def from_classifiers(classifiers: Iterable[str]) -> tuple[str | None, tuple[str, ...]]:
    """One license from ``License ::`` classifiers, and notes.

    Several named licenses are joined with AND: classifiers do not say whether all apply or one may be
    chosen, and AND is the reading under which complying is never too little. A classifier naming a
    family or nothing aiprov can read is kept as written (analysis reports it unknown), except a family
    beside a classifier naming one of its members, which adds nothing."""
    named: list[str] = []
    families: list[str] = []
    for c in classifiers:
        last = _last(c)
        if last is None or last in _QUALIFIERS:
            continue
        spdx = classifier_license(c)
        if spdx is not None:
            if spdx not in named:
                named.append(spdx)
        elif last not in families:
            families.append(last)
    kept = [f for f in families if not any(in_family(n, _FAMILIES.get(f, ("\0",))) for n in named)]
    notes: list[str] = []
    for k in kept:
        what = "a license family, not one license" if k in _FAMILIES else "no license aiprov can read"
        notes.append(f"the classifier {k!r} names {what}: kept as written")
    parts = named + kept
    if len(parts) > 1:
        notes.append(
            "the classifiers name several licenses without saying whether all apply or one may be chosen:"
            " taken as AND"
        )
    if not parts:
        return None, ()
    return " AND ".join(parts), tuple(notes)


def choose_license(
    expression: str | None, license_field: str | None, classifiers: Iterable[str]
) -> LicenseChoice:
    """The one license a distribution declares (see the module docstring for the order)."""
    classifiers = list(classifiers)
    notes: list[str] = []
    if expression and expression.strip():
        found = _normalized(expression)
        if found is not None:
            return LicenseChoice(found, "License-Expression")
        notes.append(f"License-Expression {expression.strip()!r} is not a license expression aiprov can read")
    field_text = (license_field or "").strip()
    if field_text and field_text.upper() != "UNKNOWN":
        if looks_like_text(field_text):
            detection = _detect(field_text)
            if detection.license is not None and detection.confidence >= _TEXT_CONFIDENCE:
                return LicenseChoice(
                    detection.license,
                    "License text",
                    (
                        *notes,
                        f"the License field holds a license text, matched as {detection.license}"
                        f" (confidence {detection.confidence:.2f})",
                    ),
                )
            notes.append("the License field holds a text that is not a license aiprov recognises")
        else:
            found = _normalized(field_text)
            if found is not None:
                return LicenseChoice(found, "License", tuple(notes))
    from_trove, trove_notes = from_classifiers(classifiers)
    if from_trove is not None:
        return LicenseChoice(from_trove, "classifiers", (*notes, *trove_notes))
    if field_text and field_text.upper() != "UNKNOWN" and not looks_like_text(field_text):
        # a name aiprov does not know, and nothing better: kept as written (analysis reports it unknown)
        return LicenseChoice(field_text, "License", tuple(notes))
    return LicenseChoice(None, None, tuple(notes))
