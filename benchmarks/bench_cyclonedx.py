"""Write and read a 10k-component CycloneDX ML-BOM; compare with cyclonedx-python-lib in the same run.

    python benchmarks/bench_cyclonedx.py [--components 10000] [--repeat 3]

aiprov writes model cards, data, pedigree and aiprov: properties; the library serializes
the same components (type, bom-ref, name, version, supplier, licenses, hashes, purl,
distribution reference, dependencies) without model cards, which it does not support.
The library's time counts building its model objects from the graph and serializing
them; aiprov's counts building the document and serializing it. Best of --repeat runs
(--lib-repeat for the library, whose dependency registration is quadratic).
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from typing import Any

from aiprov.formats import cyclonedx as cdx
from aiprov.graph import AIBOM, Artifact

_LICENSES = (
    "Apache-2.0",
    "MIT",
    "llama3.1",
    "CC-BY-4.0",
    "MIT OR Apache-2.0",
    "CC-BY-NC-4.0",
    "BSD-3-Clause",
)


def build_graph(n: int) -> AIBOM:
    """A realistic ML-BOM: 10% models, 30% datasets, 60% code, with derivations and training data."""
    bom = AIBOM()
    models: list[str] = []
    datasets: list[str] = []
    code: list[str] = []
    for i in range(n):
        r = i % 10
        kind = "model" if r == 0 else "dataset" if r in (1, 2, 3) else "code"
        art_id = f"{kind}-{i}"
        props: dict[str, Any] = {}
        if kind == "model":
            props = {
                "task": "text-generation",
                "architecture_family": "transformer",
                "description": f"model {i}",
            }
            purl = f"pkg:huggingface/org{i % 50}/model-{i}@rev{i}"
        elif kind == "dataset":
            purl = f"pkg:huggingface/datasets/org{i % 50}/data-{i}"
        else:
            purl = f"pkg:pypi/package-{i}@1.{i % 7}.0"
        bom.add(
            Artifact(
                id=art_id,
                kind=kind,
                name=f"{kind}-{i}",
                version=f"1.{i % 7}.0",
                supplier=f"org{i % 50}",
                license=_LICENSES[i % len(_LICENSES)],
                purl=purl,
                source=f"https://example.org/{kind}/{i}",
                hashes=(("sha256", f"{i:064x}"),),
                properties=props,
            )
        )
        if kind == "model":
            if models:
                bom.relate(art_id, "fine_tuned_from", models[-1])
            for d in datasets[-2:]:
                bom.relate(art_id, "trained_on", d)
            models.append(art_id)
        elif kind == "dataset":
            datasets.append(art_id)
        else:
            if code and i % 3 == 0:
                bom.relate(art_id, "depends_on", code[-1])
            code.append(art_id)
    return bom


def lib_dumps(bom: AIBOM, *, dependencies: bool = True) -> str:
    """The same components with cyclonedx-python-lib (no model cards: the library has none)."""
    from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, XsUri
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.contact import OrganizationalEntity
    from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
    from cyclonedx.output.json import JsonV1Dot6
    from packageurl import PackageURL

    types = {
        "model": ComponentType.MACHINE_LEARNING_MODEL,
        "weights": ComponentType.MACHINE_LEARNING_MODEL,
        "dataset": ComponentType.DATA,
        "code": ComponentType.LIBRARY,
        "document": ComponentType.FILE,
    }
    result = Bom()
    by_id: dict[str, Component] = {}
    for art in bom:
        lic: Any = []
        if art.license:
            if " " in art.license:
                lic = [LicenseExpression(art.license)]
            elif art.license[0].isupper():
                lic = [DisjunctiveLicense(id=art.license)]
            else:
                lic = [DisjunctiveLicense(name=art.license)]
        comp = Component(
            type=types.get(art.kind, ComponentType.LIBRARY),
            bom_ref=art.id,
            name=art.name or art.id,
            version=art.version,
            supplier=OrganizationalEntity(name=art.supplier) if art.supplier else None,
            licenses=lic,
            hashes=[HashType(alg=HashAlgorithm.SHA_256, content=h) for _, h in art.hashes],
            purl=PackageURL.from_string(art.purl) if art.purl else None,
            external_references=[
                ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(art.source))
            ]
            if art.source
            else [],
        )
        result.components.add(comp)
        by_id[art.id] = comp
    for art in bom if dependencies else ():
        deps = [by_id[r.target] for r in bom.outgoing(art.id)]
        if deps:
            result.register_dependency(by_id[art.id], deps)
    text: str = JsonV1Dot6(result).output_as_string()
    return text


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lib-repeat", type=int, default=1, help="runs of the (slow, quadratic) library")
    args = parser.parse_args()
    bom = build_graph(args.components)
    cdx.dumps_json(build_graph(50))  # warm caches (license normalization) outside the timings

    t_json, text = best(lambda: cdx.dumps_json(bom), args.repeat)
    t_xml, xml = best(lambda: cdx.dumps_xml(bom), args.repeat)
    t_read, back = best(lambda: cdx.loads(text), args.repeat)
    t_read_xml, _ = best(lambda: cdx.loads(xml), args.repeat)
    t_lib, lib_text = best(lambda: lib_dumps(bom), args.lib_repeat)
    t_lib_nodeps, _ = best(lambda: lib_dumps(bom, dependencies=False), args.lib_repeat)
    assert back == bom, "round trip changed the graph"

    rows = [
        ("aiprov write JSON (with model cards)", t_json, len(text)),
        ("aiprov write XML (with model cards)", t_xml, len(xml)),
        ("aiprov read JSON", t_read, len(text)),
        ("aiprov read XML", t_read_xml, len(xml)),
        ("cyclonedx-python-lib write JSON (no model cards)", t_lib, len(lib_text)),
        ("cyclonedx-python-lib, same without register_dependency", t_lib_nodeps, 0),
    ]
    print(f"{args.components} components, {len(bom.relations)} relations, best of {args.repeat}")
    print(f"{'task':<56} {'seconds':>8} {'MB':>7}")
    for name, seconds, size in rows:
        print(f"{name:<56} {seconds:>8.3f} {size / 1e6 if size else float('nan'):>7.1f}")
    print(f"ratio aiprov JSON write / cyclonedx-python-lib: {t_json / t_lib:.3f} (target <= 1.5)")
    print(f"ratio aiprov JSON write / cyclonedx-python-lib without dependencies: {t_json / t_lib_nodeps:.3f}")


if __name__ == "__main__":
    main()
