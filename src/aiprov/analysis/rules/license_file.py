"""``license-mismatch``: the LICENSE file's text is not the license the card declares.

A scan keeps what the repository's LICENSE / LICENSE.md / LICENSE.txt was found to be as
``properties.license_file`` (``{"path", "detected", "confidence", "method"}``, see
:mod:`aiprov.licenses.detect`). Where that detection is confident and names a license the declared
expression does not contain, the two disagree: one of them is wrong, and which terms apply is
unclear until someone reads the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiprov.analysis.rules._context import Context
from aiprov.graph import Artifact
from aiprov.licenses.expression import normalize_license

CODES = {
    "license-mismatch": "the LICENSE file's text is a different license from the one declared",
}

#: Below this confidence a detection is not trusted enough to contradict a declaration.
MIN_CONFIDENCE = 0.8


def _ids(expression: Any) -> set[str]:
    ids: set[str] = set()
    stack = [expression]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if node.op == "id" and node.id:
            ids.add(node.id)
        stack.extend(node.args)
    return ids


def check(ctx: Context, artifact: Artifact) -> None:
    found = artifact.properties.get("license_file")
    if found is None or artifact.license is None or not isinstance(found, Mapping):
        return  # (None first: the isinstance of an ABC costs a microsecond, at every artifact of a check)
    detected, confidence = found.get("detected"), found.get("confidence")
    if (
        not isinstance(detected, str)
        or not isinstance(confidence, (int, float))
        or confidence < MIN_CONFIDENCE
    ):
        return
    declared = normalize_license(artifact.license)
    if declared.status != "ok" or declared.parsed is None:
        return  # an unknown or 'other' declaration is license-unknown's business
    text = normalize_license(detected)
    detected_id = text.expression if text.status == "ok" and text.expression else detected
    if detected_id in _ids(declared.parsed):
        return
    ctx.add(
        "license-mismatch",
        "warning",
        artifact.id,
        f"{artifact.label} declares {declared.expression} ({artifact.license!r}), but its "
        f"{found.get('path')} is the text of {detected_id} (confidence {confidence:.2f}, "
        f"{found.get('method')}): read the text to know which terms apply",
        terms=ctx.prop.terms(detected_id),
        certainty="unverified",
        remedy=f"read {found.get('path')}; correct the declared license or the file so that they agree",
    )
