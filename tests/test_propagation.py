"""What flows along each relation kind, and the laws propagation obeys."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiprov.analysis import Policy, check, obligations
from aiprov.analysis._propagate import propagate
from aiprov.graph import AIBOM, Relation
from aiprov.licenses.catalog import default_catalog

from .builders import chain, findings, has
from .strategies import cyclic_graphs, graphs

LLAMA = "LicenseRef-scancode-llama-3.1-license-2024"


def reaching(bom: AIBOM, subject: str) -> set[tuple[str, str]]:
    prop = propagate(bom, default_catalog(), Policy())
    return {(c.license, c.channel) for c in prop.items(subject)}


@pytest.mark.parametrize(
    "kind", ["fine_tuned_from", "adapter_of", "merged_from", "quantized_from", "distilled_from"]
)
def test_model_terms_follow_every_model_derivation(kind: str) -> None:
    """The base model's license reaches the derived model whole."""
    bom = chain(("base", "model", "llama3.1"), ("d", "model", "llama3.1"), relations=(("d", kind, "base"),))
    assert (LLAMA, "derivation") in reaching(bom, "d")


def test_derived_from_carries_data_terms_whole() -> None:
    """A dataset derived from NC data is itself NC."""
    bom = chain(
        ("d1", "dataset", "CC-BY-NC-4.0"),
        ("d2", "dataset", "CC-BY-NC-4.0"),
        relations=(("d2", "derived_from", "d1"),),
    )
    assert ("CC-BY-NC-4.0", "derivation") in reaching(bom, "d2")


def test_contains_carries_the_part_and_marks_it_combined() -> None:
    """A package containing GPL code is bound by the GPL."""
    bom = chain(("pkg", "code", "MIT"), ("f", "code", "GPL-3.0-only"), relations=(("pkg", "contains", "f"),))
    prop = propagate(bom, default_catalog(), Policy())
    item = next(c for c in prop.items("pkg") if c.license == "GPL-3.0-only")
    assert item.combined
    assert has(bom, "copyleft-conflict", "pkg") is not None


def test_depends_on_carries_linked_licenses_but_built_with_carries_nothing() -> None:
    """A GPL training script does not make the weights GPL; a GPL library linked in binds the linker."""
    tool = chain(
        ("w", "model", "Apache-2.0"),
        ("script", "code", "GPL-3.0-only"),
        relations=(("w", "built_with", "script"),),
    )
    assert reaching(tool, "w") == {("Apache-2.0", "own")}
    assert has(tool, "copyleft-conflict", "w") is None
    link = chain(
        ("app", "code", "MIT"), ("lib", "code", "GPL-3.0-only"), relations=(("app", "depends_on", "lib"),)
    )
    assert ("GPL-3.0-only", "link") in reaching(link, "app")


def test_evaluated_on_carries_nothing() -> None:
    """Evaluating on NC data does not make the model NC (the dataset itself is still flagged)."""
    bom = chain(
        ("m", "model", "Apache-2.0"),
        ("bench", "dataset", "CC-BY-NC-4.0"),
        relations=(("m", "evaluated_on", "bench"),),
    )
    assert reaching(bom, "m") == {("Apache-2.0", "own")}
    assert has(bom, "noncommercial-use", "bench") is not None


def test_trained_on_carries_data_terms_as_data() -> None:
    """Dataset terms reach the model through the data channel, weighed by the policy."""
    bom = chain(
        ("d", "dataset", "CC-BY-NC-4.0"), ("m", "model", "Apache-2.0"), relations=(("m", "trained_on", "d"),)
    )
    assert ("CC-BY-NC-4.0", "data") in reaching(bom, "m")
    assert has(bom, "noncommercial-use", "m").severity == "warning"
    assert has(bom, "noncommercial-use", "m", data_terms_reach_models="strict").severity == "error"
    assert has(bom, "noncommercial-use", "m", data_terms_reach_models="off") is None


def test_generated_by_carries_only_output_restrictions() -> None:
    """Outputs carry the generator's output terms; a permissive generator passes nothing on."""
    restricted = chain(
        ("gen", "model", "llama3"), ("d", "dataset", "CC0-1.0"), relations=(("d", "generated_by", "gen"),)
    )
    assert ("LicenseRef-aiprov-llama-3", "output") in reaching(restricted, "d")
    free = chain(
        ("gen", "model", "Apache-2.0"), ("d", "dataset", "CC0-1.0"), relations=(("d", "generated_by", "gen"),)
    )
    assert reaching(free, "d") == {("CC0-1.0", "own")}


def test_gemma_outputs_make_the_trained_model_a_derivative() -> None:
    """A model trained on Gemma outputs becomes a Gemma Model Derivative and inherits its terms."""
    bom = chain(
        ("gemma", "model", "gemma"),
        ("d", "dataset", "CC0-1.0"),
        ("m", "model", "MIT"),
        relations=(("d", "generated_by", "gemma"), ("m", "trained_on", "d")),
    )
    assert ("LicenseRef-scancode-gemma-tou-2024-04-01", "derivation") in reaching(bom, "m")
    assert has(bom, "relicense-conflict", "m") is not None


def test_llama31_outputs_trigger_only_the_naming_duty() -> None:
    """Llama 3.1 §1.b.i: "If you use the Llama Materials or any outputs or results of the Llama Materials
    to create, train, fine tune, or otherwise improve an AI model, which is distributed or made available,
    you shall also include 'Llama' at the beginning of any such AI model name." Outputs are not Llama
    Materials, so "Built with Llama", the Agreement and the MAU clause (which follow the Materials) do not
    reach a model trained only on them."""
    bom = chain(
        ("gen", "model", "llama3.1"),
        ("d", "dataset", "CC0-1.0"),
        ("m", "model", "Apache-2.0", {"name": "tiny"}),
        relations=(("d", "generated_by", "gen"), ("m", "trained_on", "d")),
    )
    assert has(bom, "naming-requirement", "m") is not None
    llama = [f for f in findings(bom) if f.subject == "m" and f.license and "llama" in f.license]
    assert {f.code for f in llama} == {"naming-requirement"}


def test_paths_run_from_subject_to_origin() -> None:
    """A finding's path lists the artifacts from the subject back to where the term comes from."""
    bom = chain(
        ("base", "model", "llama3.1"),
        ("ft", "model", None, {"name": "x"}),
        ("lora", "model", "llama3.1", {"name": "y"}),
        relations=(("ft", "fine_tuned_from", "base"), ("lora", "adapter_of", "ft")),
    )
    assert has(bom, "naming-requirement", "lora").path == ("lora", "ft", "base")
    assert has(bom, "license-missing", "ft") is not None


def test_self_training_cycle_through_generated_data_terminates() -> None:
    """A model trained on its own outputs (a cycle outside derivations) is analysed, not looped on."""
    bom = chain(
        ("m", "model", "llama3"),
        ("d", "dataset", "CC0-1.0"),
        relations=(("d", "generated_by", "m"), ("m", "trained_on", "d")),
    )
    report = check(bom, Policy())
    assert report.artifacts == 2


def test_dependency_cycle_keeps_shortest_paths() -> None:
    """Code linked in a cycle (allowed outside derivations) still gets shortest, consistent paths."""
    bom = chain(
        ("a", "code", "MIT"),
        ("b", "code", "MIT"),
        ("c", "code", "GPL-3.0-only"),
        relations=(("a", "depends_on", "b"), ("b", "depends_on", "c"), ("c", "depends_on", "a")),
    )
    prop = propagate(bom, default_catalog(), Policy())
    gpl = {c.license: c for c in prop.items("a")}["GPL-3.0-only"]
    assert (gpl.channel, gpl.length, gpl.pred, gpl.origin, gpl.combined) == ("link", 2, "b", "c", True)
    assert prop.path("a", gpl) == ("a", "b", "c")
    assert has(bom, "copyleft-conflict", "a").path == ("a", "b", "c")


def test_what_depends_on_a_cycle_gets_the_cycles_terms() -> None:
    """A fine-tune of a model in a self-training loop, and code linked to a ring of libraries, are
    analysed like the rest: the terms reach them by their shortest paths, whatever the list order."""
    arts = (
        ("ft", "model", "llama3.1", {"name": "Llama-ft"}),
        ("m", "model", "llama3"),
        ("d", "dataset", "CC0-1.0"),
        ("app", "code", "MIT"),
        ("a", "code", "MIT"),
        ("b", "code", "GPL-3.0-only"),
    )
    rels = (
        ("ft", "fine_tuned_from", "m"),
        ("m", "trained_on", "d"),
        ("d", "generated_by", "m"),
        ("app", "depends_on", "a"),
        ("a", "depends_on", "b"),
        ("b", "depends_on", "a"),
    )
    for order in (arts, arts[::-1]):
        bom = chain(*order, relations=rels)
        prop = propagate(bom, default_catalog(), Policy())
        items = {(c.license, c.channel): c for c in prop.items("ft")}
        llama3 = items["LicenseRef-aiprov-llama-3", "derivation"]
        assert prop.path("ft", llama3) == ("ft", "m")
        gpl = {c.license: c for c in prop.items("app")}["GPL-3.0-only"]
        assert (gpl.channel, prop.path("app", gpl)) == ("link", ("app", "a", "b"))
        assert has(bom, "copyleft-conflict", "app").path == ("app", "a", "b")


def test_a_dependent_met_after_its_cycle_is_settled_with_it() -> None:
    """The ring a <-> b is met first; x, met later, links to it and to z (not yet settled): x must
    still get what the ring carries (b's GPL through a), not a's state from before the ring settled."""
    bom = chain(
        ("a", "code", "MIT"),
        ("b", "code", "GPL-3.0-only"),
        ("x", "code", "MIT"),
        ("z", "code", "MIT"),
        ("w", "code", "MPL-2.0"),
        relations=(
            ("a", "depends_on", "b"),
            ("b", "depends_on", "a"),
            ("x", "depends_on", "a"),
            ("x", "depends_on", "z"),
            ("z", "depends_on", "w"),
        ),
    )
    prop = propagate(bom, default_catalog(), Policy())
    reached = {c.license: prop.path("x", c) for c in prop.items("x")}
    assert reached["GPL-3.0-only"] == ("x", "a", "b")
    assert reached["MPL-2.0"] == ("x", "z", "w")


def test_two_relations_to_one_target_tie_break_by_kind() -> None:
    """Equally short paths through two relations to the same artifact: the relation kind decides, in
    name order (``contains`` before ``fine_tuned_from``), whichever was added first. Here that makes
    the GPL item combined (containment), which the copyleft checks read."""
    for relations in (
        (("m", "contains", "w"), ("m", "fine_tuned_from", "w")),
        (("m", "fine_tuned_from", "w"), ("m", "contains", "w")),
    ):
        bom = chain(("m", "model", "GPL-3.0-only"), ("w", "weights", "GPL-3.0-only"), relations=relations)
        prop = propagate(bom, default_catalog(), Policy())
        gpl = {(c.license, c.channel): c for c in prop.items("m")}["GPL-3.0-only", "derivation"]
        assert (gpl.length, gpl.combined) == (1, True)


# -- laws --------------------------------------------------------------------------------
def _obligation_keys(bom: AIBOM) -> set[tuple[str, str, str]]:
    return {(o.subject, o.action, o.license) for o in obligations(bom, Policy()).obligations}


def _reach(bom: AIBOM) -> set[tuple[str, str, str]]:
    prop = propagate(bom, default_catalog(), Policy())
    return {(a.id, c.license, c.channel) for a in bom for c in prop.items(a.id)}


@given(graphs(), st.data())
def test_adding_a_relation_never_removes_an_obligation(bom: AIBOM, data: st.DataObject) -> None:
    """Propagation is monotone: a new relation can only add what reaches an artifact."""
    ids = [a.id for a in bom]
    if len(ids) < 2:
        return
    hi = data.draw(st.integers(1, len(ids) - 1))
    lo = data.draw(st.integers(0, hi - 1))
    kind = data.draw(
        st.sampled_from(
            [
                "fine_tuned_from",
                "derived_from",
                "trained_on",
                "generated_by",
                "contains",
                "depends_on",
                "built_with",
                "evaluated_on",
                "distilled_from",
            ]
        )
    )
    before_reach, before_obl = _reach(bom), _obligation_keys(bom)
    bigger = bom.copy()
    bigger.add_relation(Relation(source=ids[hi], kind=kind, target=ids[lo]))
    assert before_reach <= _reach(bigger)
    assert before_obl <= _obligation_keys(bigger)


@given(graphs(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_insertion_order(bom: AIBOM, rnd: object) -> None:
    """Shuffling the order artifacts and relations were added gives the same report, byte for byte."""
    import random

    assert isinstance(rnd, random.Random)
    arts, rels = list(bom), list(bom.relations)
    rnd.shuffle(arts)
    rnd.shuffle(rels)
    shuffled = AIBOM(arts, rels)
    a = json.dumps(check(bom, Policy()).to_dict(), sort_keys=True)
    b = json.dumps(check(shuffled, Policy()).to_dict(), sort_keys=True)
    assert a == b
    assert json.dumps(obligations(bom).to_dict()) == json.dumps(obligations(shuffled).to_dict())


@pytest.mark.slow
@settings(max_examples=300)
@given(graphs(max_artifacts=25), st.randoms(use_true_random=False))
def test_order_independence_at_size(bom: AIBOM, rnd: object) -> None:
    """The order law on larger graphs (slow)."""
    import random

    assert isinstance(rnd, random.Random)
    arts, rels = list(bom), list(bom.relations)
    rnd.shuffle(arts)
    rnd.shuffle(rels)
    assert check(bom).to_dict() == check(AIBOM(arts, rels)).to_dict()


@given(graphs(max_artifacts=14))
def test_every_path_is_a_chain_of_relations_as_long_as_its_item(bom: AIBOM) -> None:
    """Paths are not stored but found again: each must follow real relations, start at the subject,
    end at the origin, and be exactly as long as propagation measured."""
    prop = propagate(bom, default_catalog(), Policy())
    edges = {(r.source, r.kind, r.target) for r in bom.relations}
    for artifact in bom:
        for item in prop.items(artifact.id):
            ids, kinds = prop.trace(artifact.id, item)
            assert ids[0] == artifact.id and ids[-1] == item.origin
            assert len(ids) == item.length + 1 == len(kinds) + 1
            assert all((a, k, b) in edges for a, k, b in zip(ids, kinds, ids[1:], strict=False))
            assert item.pred == (ids[1] if len(ids) > 1 else None)


@given(graphs())
def test_two_runs_are_byte_identical(bom: AIBOM) -> None:
    """The same input gives the same output, byte for byte."""
    assert json.dumps(check(bom).to_dict()) == json.dumps(check(bom).to_dict())


def _fresh(prop: object, bom: AIBOM, node: str) -> dict[tuple[str, str], int]:
    """What relaxing ``node`` again from its own licenses and its targets' states gives."""
    from aiprov.analysis._propagate import Propagation, _relax

    assert isinstance(prop, Propagation)
    mine = {prop.key(lic, "own"): 0 for lic in prop.resolved[node].ids}
    _relax(prop, prop.carrying.get(node, ()), mine)
    return mine


@given(cyclic_graphs())
def test_every_state_is_settled_even_through_cycles(bom: AIBOM) -> None:
    """Whatever the order artifacts were met in, and through cycles outside derivations, what reaches
    each artifact is exactly what its own licenses and its neighbours' give: recomputing any one
    artifact changes nothing."""
    prop = propagate(bom, default_catalog(), Policy())
    for artifact in bom:
        assert _fresh(prop, bom, artifact.id) == prop.state[artifact.id], artifact.id


@given(cyclic_graphs(), st.randoms(use_true_random=False))
def test_cycles_do_not_make_results_depend_on_order(bom: AIBOM, rnd: object) -> None:
    """The order law on graphs with cycles outside derivations."""
    import random

    assert isinstance(rnd, random.Random)
    arts, rels = list(bom), list(bom.relations)
    rnd.shuffle(arts)
    rnd.shuffle(rels)
    shuffled = AIBOM(arts, rels)
    assert (
        propagate(bom, default_catalog(), Policy()).state
        == propagate(shuffled, default_catalog(), Policy()).state
    )
    assert check(bom).to_dict() == check(shuffled).to_dict()
