"""What a rule is given: the reach of one license at one artifact (:class:`Reach`), and the door to
the engine (:class:`Context` to flag findings, :class:`Render` to write their messages).

A rule reads the facts it needs and calls ``ctx.flag`` with the code, severity, the term of the
license whose clause it enforces, the message it writes (a function of its module's ``MESSAGES``)
and the remedy; the engine makes the findings, plans and caches them, and renders the messages
when they are read. A rule never sees that machinery.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, Protocol

from aiprov.analysis._finding import Finding
from aiprov.analysis._propagate import Key, Propagation
from aiprov.analysis.policy import Policy, Use
from aiprov.graph import Artifact
from aiprov.licenses.compat import Verdict
from aiprov.licenses.terms import LicenseTerms

__all__ = ["DATA_NOTE", "Context", "Message", "Reach", "Render"]

DATA_NOTE = (
    "whether a dataset's terms bind a model trained on it is legally unsettled "
    "(policy data_terms_reach_models: {mode})"
)


class Reach(NamedTuple):
    """One license reaching one artifact: by which (license, channel) ``key``, its ``terms``, whether a
    ``contains`` / ``depends_on`` hop is on the way (``combined``), whether this is the license's best
    channel here (``first``: license-wide rules run once), and whether nothing in the graph depends on
    the artifact (``shipped``: inherited notes are reported where a product ends, not at every step)."""

    artifact: Artifact
    key: Key
    terms: LicenseTerms
    combined: bool
    first: bool
    shipped: bool

    @property
    def channel(self) -> str:
        """``own`` (declared), ``derivation``, ``output`` (generated data), ``link`` or ``data``."""
        return self.key[1]

    @property
    def own(self) -> bool:
        return self.key[1] == "own"

    @property
    def data(self) -> bool:
        return self.key[1] == "data"

    @property
    def output(self) -> bool:
        return self.key[1] == "output"

    @property
    def whole(self) -> bool:
        """The whole license binds the artifact: declared, or inherited by derivation."""
        return self.key[1] in ("own", "derivation")

    @property
    def modelish(self) -> bool:
        return self.artifact.kind in ("model", "weights")

    @property
    def notes(self) -> bool:
        """Where inherited notes (info, use warnings) are reported: the declaring or the shipped artifact."""
        return self.key[1] == "own" or self.shipped


class Context(Protocol):
    """The engine, as a rule sees it."""

    prop: Propagation
    policy: Policy
    use: Use

    def flag(
        self,
        code: str,
        severity: str,
        reach: Reach,
        term: str,
        message: str,
        *,
        remedy: str | None,
        certainty: str | None = None,
    ) -> None:
        """A finding about ``reach``, citing ``term``'s clause; ``message`` names a renderer in a
        module's ``MESSAGES``. ``certainty`` defaults to what the channel and the record allow."""

    def judge(
        self, code: str, verdict: Verdict, reach: Reach, term: str, message: str, *, remedy: str
    ) -> None:
        """A compatibility verdict as a finding: error when incompatible, warning when unknown."""

    def compatible(self, outbound: str, inbound: str) -> Verdict:
        """Can ``inbound`` be combined into a work under ``outbound`` (cached)."""

    def data_severity(self, normal: str) -> str | None:
        """``normal`` as the policy's ``data_terms_reach_models`` weighs dataset terms (None: off)."""

    def add(
        self,
        code: str,
        severity: str,
        subject: str,
        message: str,
        *,
        terms: LicenseTerms | None = None,
        certainty: str = "settled",
        remedy: str | None,
        license: str | None = None,
        clause: str | None = None,
    ) -> None:
        """A finding about the artifact itself (its declaration, its provenance, a snippet in it);
        ``license`` (an expression) names what it is about where ``terms`` cannot, with its ``clause``."""


class Render(Protocol):
    """What a message renderer may read when a finding is read."""

    prop: Propagation
    policy: Policy
    use: Use

    def data_note(self, item: Key) -> str:
        """'; whether a dataset's terms bind ... unsettled' on the data channel, else ''."""

    def verdict(self, subject: str, terms: LicenseTerms) -> tuple[str, Verdict]:
        """The subject's declared expression and its verdict against ``terms`` (from the check)."""


#: A renderer: (render, finding, artifact, key, terms, origin " via a -kind-> b") -> the message.
Message = Callable[["Render", Finding, Artifact, Key, LicenseTerms, str], str]
