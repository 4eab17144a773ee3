"""User and revenue thresholds (Llama §2: 700 million monthly active users; Stability AI Community:
USD 1M annual revenue): above them a separate license from the licensor is needed."""

from __future__ import annotations

from aiprov.analysis._finding import Finding
from aiprov.analysis._propagate import Key
from aiprov.analysis.policy import Use
from aiprov.analysis.rules._context import Context, Reach, Render
from aiprov.graph import Artifact
from aiprov.licenses.terms import LicenseTerms

CODES = {"mau-threshold": "a user or revenue threshold of a license applies to the intended use"}


def check(ctx: Context, reach: Reach) -> None:
    """An error above the threshold; info where the policy does not state the figure."""
    terms = reach.terms
    if not reach.first or terms.commercial_use != "threshold" or terms.threshold is None:
        return
    if not reach.whole:
        return  # a threshold binds the licensee and its derivatives, not a model trained on outputs
    actual, _ = figure(terms, ctx.use)
    if actual is None:
        if reach.notes:
            ctx.flag(
                "mau-threshold",
                "info",
                reach,
                "commercial_use",
                "threshold",
                remedy=f"state the figure in the policy (use.{_policy_key(terms)}); above "
                f"{terms.threshold:,} request a license from the licensor",
            )
    elif actual > terms.threshold:
        ctx.flag(
            "mau-threshold",
            "error",
            reach,
            "commercial_use",
            "threshold",
            remedy=f"request a license from the licensor, or stay under {terms.threshold:,}",
        )


def _policy_key(terms: LicenseTerms) -> str:
    """The policy key that states the figure a license threshold counts."""
    return "revenue_usd" if terms.threshold_counted == "annual_revenue_usd" else "monthly_active_users"


def figure(terms: LicenseTerms, use: Use) -> tuple[float | None, str]:
    """The figure a license threshold counts, as the policy states it (None: not stated), and its unit."""
    counted = terms.threshold_counted
    if counted == "monthly_active_users":
        return use.monthly_active_users, "monthly active users"
    if counted == "annual_revenue_usd":
        return use.revenue_usd, "USD annual revenue"
    return None, counted or "units"


def _threshold(r: Render, f: Finding, artifact: Artifact, item: Key, terms: LicenseTerms, origin: str) -> str:
    assert terms.threshold is not None
    actual, what = figure(terms, r.use)
    if actual is None:
        return (
            f"{terms.cite('commercial_use')}: above {terms.threshold:,} {what} a separate license is "
            f"needed; the policy does not state the figure{origin}"
        )
    return (
        f"{actual:,.0f} {what} exceeds the {terms.threshold:,} threshold of "
        f"{terms.cite('commercial_use')}: a separate license from the licensor is needed{origin}"
    )


MESSAGES = {"threshold": _threshold}
