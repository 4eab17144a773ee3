"""Hypothesis strategies shared by the property tests: realistic AI-BOM graphs."""

from __future__ import annotations

from hypothesis import strategies as st

from aiprov.graph import AIBOM, Artifact, Relation

LICENSES = (
    "Apache-2.0",
    "MIT",
    "GPL-3.0-only",
    "GPL-2.0-or-later",
    "LGPL-2.1-only",
    "BSD-3-Clause",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "ODC-By-1.0",
    "CC0-1.0",
    "MIT OR Apache-2.0",
    "Apache-2.0 AND CC-BY-4.0",
    "LicenseRef-scancode-llama-3.1-license-2024",
    "LicenseRef-scancode-llama-2-license-2023",
    "LicenseRef-scancode-gemma-tou-2024-04-01",
    "LicenseRef-scancode-stable-diffusion-2022-08-22",
    "LicenseRef-scancode-bigscience-open-rail-m",
    "LicenseRef-scancode-openai-tou-20241211",
)

# relation kind -> (source kinds, target kinds) that fit
FITTING = {
    "fine_tuned_from": (("model", "weights"), ("model", "weights")),
    "adapter_of": (("model",), ("model",)),
    "merged_from": (("model",), ("model",)),
    "quantized_from": (("weights", "model"), ("model", "weights")),
    "distilled_from": (("model",), ("model", "service")),
    "trained_on": (("model", "weights"), ("dataset",)),
    "evaluated_on": (("model",), ("dataset",)),
    "derived_from": (("dataset",), ("dataset",)),
    "generated_by": (("dataset",), ("model", "service")),
    "contains": (("model", "code"), ("weights", "code", "document")),
    "depends_on": (("code", "service"), ("code",)),
    "built_with": (("model", "dataset"), ("code",)),
}

_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=10)
_hex = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)


@st.composite
def artifacts(draw: st.DrawFn, artifact_id: str) -> Artifact:
    kind = draw(st.sampled_from(("model", "weights", "dataset", "code", "document", "service")))
    license_ = draw(st.none() | st.sampled_from(LICENSES))
    hashes = draw(st.dictionaries(st.sampled_from(("sha256", "sha512", "sha1")), _hex, max_size=2))
    purl = draw(st.none() | st.builds(lambda n: f"pkg:huggingface/acme/{n}", _ids))
    name = draw(st.none() | st.text(alphabet="abcdefghijklmnopqrstuvwxyz -_.", min_size=1, max_size=20))
    version = draw(st.none() | st.sampled_from(("1.0", "2", "v0.3.1")))
    return Artifact(
        id=artifact_id,
        kind=kind,
        name=name,
        version=version,
        license=license_,
        hashes=tuple(hashes.items()),
        purl=purl,
    )


@st.composite
def graphs(draw: st.DrawFn, max_artifacts: int = 12, fitting_only: bool = True) -> AIBOM:
    """An acyclic AI-BOM: relations only point from a later artifact to an earlier one."""
    ids = draw(st.lists(_ids, min_size=1, max_size=max_artifacts, unique=True))
    arts = [draw(artifacts(i)) for i in ids]
    rels: list[Relation] = []
    n = len(arts)
    if n > 1:
        pairs = draw(st.lists(st.tuples(st.integers(1, n - 1), st.integers(0, n - 2)), max_size=2 * n))
        for hi, lo in pairs:
            if lo >= hi:
                continue
            src, dst = arts[hi], arts[lo]
            kinds = (
                [k for k, (s, t) in FITTING.items() if src.kind in s and dst.kind in t]
                if fitting_only
                else list(FITTING)
            )
            if not kinds:
                continue
            kind = draw(st.sampled_from(kinds))
            rels.append(Relation(source=src.id, kind=kind, target=dst.id))
    return AIBOM(arts, rels)


# Kinds that may close a cycle: none is a derivation, so AIBOM.validate() accepts the cycle.
_CYCLE_KINDS = ("depends_on", "trained_on", "generated_by", "built_with", "evaluated_on")


@st.composite
def cyclic_graphs(draw: st.DrawFn, max_artifacts: int = 10) -> AIBOM:
    """:func:`graphs`, plus relations of non-derivation kinds in either direction, so that cycles
    (code linked in a ring, a model trained on data it generated) and what depends on them occur."""
    bom = draw(graphs(max_artifacts=max_artifacts, fitting_only=False))
    ids = [a.id for a in bom]
    if len(ids) > 1:
        extra = draw(
            st.lists(
                st.tuples(st.sampled_from(ids), st.sampled_from(_CYCLE_KINDS), st.sampled_from(ids)),
                max_size=2 * len(ids),
            )
        )
        for source, kind, target in extra:
            if source != target:
                bom.add_relation(Relation(source=source, kind=kind, target=target))
    return bom
