"""Hosting conditions: a license that does not cover offering the model to others as a hosted service
(Falcon 180B TII License §9: "Hosting Use", an inference or fine-tuning API on shared instances or
managed services, needs TII's written permission and a separate license; an application that uses the
model in the background is not Hosting Use, §9.2), or forbids it (Mistral AI Non-Production License §3.2:
no supplying the model in a commercial activity through a hosted service or behind a software layer).
Checked against ``distribution: saas``."""

from __future__ import annotations

from aiprov.analysis._finding import Finding
from aiprov.analysis._propagate import Key
from aiprov.analysis.rules._context import Context, Reach, Render
from aiprov.graph import Artifact
from aiprov.licenses.terms import LicenseTerms

CODES = {"hosting-restricted": "offering the model as a hosted service needs a separate license"}


def check(ctx: Context, reach: Reach) -> None:
    """A warning where the model is served (saas): whether the service is hosting in the license's
    sense (an API offering the model itself) or an application using it in the background is a fact
    aiprov is not given."""
    terms = reach.terms
    if not (reach.first and reach.whole and reach.notes) or ctx.use.distribution != "saas":
        return
    if terms.hosting not in ("separate-license", "forbidden") or reach.artifact.kind == "dataset":
        return
    ctx.flag(
        "hosting-restricted",
        "warning",
        reach,
        "hosting",
        "hosting",
        certainty="unverified",
        remedy=_FORBIDDEN if terms.hosting == "forbidden" else _SEPARATE,
    )


#: Falcon 180B §9.2: an application using the model in the background is not Hosting Use.
_SEPARATE = (
    "if you offer the model itself to others (an inference or fine-tuning API), get the licensor's written "
    "permission and a hosting license; an application using it in the background needs none"
)
#: MNPL §3.2: not "through a hosted or managed service ... or behind a software layer" either.
_FORBIDDEN = (
    "serving it is outside the license, behind an application too where the scope says so: get a separate "
    "license from the licensor, or serve another model"
)


def _hosting(r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
    need = (
        "is not permitted" if terms.hosting == "forbidden" else "needs a separate license from the licensor"
    )
    scope = f" ({terms.hosting_scope.rstrip('.')})" if terms.hosting_scope else ""
    return (
        f"{artifact.label} is served (saas): under {terms.cite('hosting')}, offering it to others as a hosted "
        f"service {need}{scope}{origin}"
    )


MESSAGES = {"hosting": _hosting}
