"""The rules aiprov judges a supply chain by: one module per family, each reading like the clauses
it enforces. A rule module has

- ``CODES``: the finding codes it raises, each with a one-line meaning (docs/findings.md);
- ``check(ctx, ...)``: for the rules about what reaches an artifact, ``check(ctx, reach)`` with a
  :class:`~aiprov.analysis.rules._context.Reach` (one license at one artifact, by one channel); for
  the rules about the artifact itself (:data:`ARTIFACT_RULES`), ``check(ctx, artifact)``; for the
  rules over what the document keeps beside the graph (:data:`BOM_RULES`: SPDX 2 snippets), once per
  check, ``check(ctx, bom)``, adding findings about artifacts with ``ctx.add``;
- ``MESSAGES``: the renderers of its findings' messages, by name;
- optionally ``reads(terms)`` and ``facts(ctx, artifact, key, terms)``: the facts of the artifact
  itself (its name, its path) that its findings depend on, so the engine can reuse a plan made for
  one artifact at every artifact alike.

Adding a rule is adding a module here and naming it in :data:`REACH_RULES`, :data:`ARTIFACT_RULES`
or :data:`BOM_RULES`.
"""

from __future__ import annotations

from types import ModuleType

from aiprov.analysis.rules import (
    copyleft,
    data,
    declared,
    derivatives,
    hosting,
    license_file,
    naming,
    noncommercial,
    outputs,
    provenance,
    region,
    snippets,
    thresholds,
    use,
)
from aiprov.analysis.rules._context import Context, Message, Reach, Render

__all__ = [
    "ARTIFACT_RULES",
    "BOM_RULES",
    "CODES",
    "MESSAGES",
    "OWN_FACT_RULES",
    "REACH_RULES",
    "Context",
    "Reach",
    "Render",
]

#: Rules over what reaches an artifact, in the order they run.
REACH_RULES: tuple[ModuleType, ...] = (
    noncommercial,
    use,
    thresholds,
    region,
    hosting,
    derivatives,
    naming,
    copyleft,
    data,
    outputs,
)
#: Rules over the artifact itself.
ARTIFACT_RULES: tuple[ModuleType, ...] = (declared, provenance, license_file)
#: Rules over what the document keeps beside the graph, run once per check.
BOM_RULES: tuple[ModuleType, ...] = (snippets,)
#: Rules whose findings depend on facts of the artifact itself (see the module docstring).
OWN_FACT_RULES: tuple[ModuleType, ...] = tuple(m for m in REACH_RULES if hasattr(m, "reads"))

#: Every code the rules raise, with its meaning.
CODES: dict[str, str] = {}
#: Every message renderer, by name.
MESSAGES: dict[str, Message] = {}
for _module in ARTIFACT_RULES + REACH_RULES + BOM_RULES:
    CODES.update(_module.CODES)
    MESSAGES.update(getattr(_module, "MESSAGES", {}))
