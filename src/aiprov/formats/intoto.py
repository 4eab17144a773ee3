"""in-toto attestations as input: a Statement v1 (or a DSSE envelope around one) whose predicate is
a CycloneDX BOM (``https://cyclonedx.org/bom``, what ``aiprov attest`` writes) is read as that BOM.

The statement's subjects (name, digest, annotations) are kept in ``bom.metadata["intoto"]``, where
``aiprov verify`` checks their digests against the files. Reading verifies no signature: that is
``aiprov verify-attestation``'s job; ``metadata["intoto"]["signed"]`` only says an envelope was there.
"""

from __future__ import annotations

import json

from aiprov.exceptions import ParseError
from aiprov.formats import parse_json
from aiprov.graph import AIBOM

__all__ = ["loads"]


def loads(text: str, source: str = "<string>") -> AIBOM:
    from aiprov.formats import cyclonedx
    from aiprov.provenance.attest import BOM_PREDICATE, open_envelope

    body, envelope, _ = open_envelope(parse_json(text, source), source)
    kind = body.get("predicateType")
    if kind != BOM_PREDICATE or not isinstance(body.get("predicate"), dict):
        raise ParseError(
            f"in-toto statement with predicate type {kind!r} carries no BOM "
            f"(aiprov reads {BOM_PREDICATE} predicates; check it with aiprov verify-attestation)",
            source=source,
            location="predicateType",
        )
    bom = cyclonedx.loads(json.dumps(body["predicate"]), source)
    bom.metadata["intoto"] = {
        "predicateType": kind,
        "subjects": body["subject"],
        "signed": envelope is not None,
        "keyids": [s.get("keyid") for s in (envelope or {}).get("signatures", []) if isinstance(s, dict)],
    }
    return bom
