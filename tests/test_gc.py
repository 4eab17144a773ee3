"""Large checks pause the cyclic garbage collector; they must leave it as they found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from aiprov.analysis import Policy, check

from .builders import chain


def _bom(n: int = 2000):  # type: ignore[no-untyped-def]
    return chain(
        *[(f"m{i}", "model", "llama3.1") for i in range(n)],
        relations=tuple((f"m{i + 1}", "fine_tuned_from", f"m{i}") for i in range(n - 1)),
    )


@pytest.fixture
def collector() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()
    if not was:
        gc.disable()


def test_check_leaves_no_young_collection_over_its_objects(collector: None) -> None:
    """The objects a check makes while the collector is paused are handed to the oldest generation:
    the next young collection does not walk them all (at 1M artifacts that walk took seconds)."""
    bom = _bom()
    gc.collect()
    report = check(bom, Policy())
    assert len(report.findings) > 2000
    assert gc.isenabled()
    assert gc.get_count()[0] < gc.get_threshold()[0]
    assert gc.get_freeze_count() == 0  # handed over, not frozen: still collectable


def test_check_leaves_a_callers_frozen_objects_frozen(collector: None) -> None:
    """A caller that froze objects (e.g. before forking workers) keeps them frozen."""
    gc.freeze()
    frozen = gc.get_freeze_count()
    check(_bom(200), Policy())
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled()


def test_check_leaves_a_disabled_collector_disabled(collector: None) -> None:
    gc.disable()
    check(_bom(200), Policy())
    assert not gc.isenabled()
